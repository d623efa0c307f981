"""`python -m tests.partners [--host H] [--port P] [--partner KEY ...] [-v]`: serve the sample
partners and print their feed URLs until Ctrl-C."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import threading

from tests.partners.server import SPECS, PartnerSimulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.partners", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0,
                        help="port of the first partner, the next ones follow (default: ephemeral ports)")
    parser.add_argument("--partner", action="append", choices=sorted(SPECS),
                        help="serve only this partner (may repeat)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the generated partners' item counts (default 1)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(message)s")

    done = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # also when started in the background
        signal.signal(signum, lambda *_: done.set())
    with PartnerSimulator(host=args.host, port=args.port, partners=args.partner, scale=args.scale) as sim:
        for partner in sim.partners:
            print(f"{partner.key:6} {partner.name} ({partner.name_ko}): {len(sim.item_ids(partner.key))} items",
                  flush=True)
            print(f"       {partner.kind + ':':9} {partner.feed_url}", flush=True)
            print(f"       homepage: {partner.homepage_url}", flush=True)
            if partner.sitemap_url:
                print(f"       sitemap:  {partner.sitemap_url}", flush=True)
            if partner.config:
                print(f"       config:   {json.dumps(partner.config, ensure_ascii=False)}", flush=True)
        print("Ctrl-C stops the partners.", flush=True)
        while not done.wait(1):
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
