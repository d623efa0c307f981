"""Parse speed: feed items per second through the fast path (fastfeed) and feedparser (rss). Prints figures.

    .venv/bin/python bench/parse_speed.py [--seconds 1.0]

Both parsers get the same bodies: the large real-world feeds of the test corpus, the goods
partner's EUC-KR feed and the synthetic feed bench/crawl_throughput.py serves. Each body is parsed
repeatedly for about --seconds per parser; the figure is items parsed / time spent. The fast path
must agree with feedparser on every body measured (checked once before timing), or the figure
would mean nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from crawler.parsers import fastfeed, rss  # noqa: E402

BASE_URL = "https://partner.example/feeds/feed.xml"
CORPUS_FEEDS = [
    "rss2/miniflux__large_rss.xml",
    "rss2/rssparser__guardian.rss",
    "rss2/rsparser__atp.rss",
    "atom/miniflux__large_atom.xml",
    "atom/rsparser__DaringFireball.atom",
]


def bodies() -> list[tuple[str, bytes]]:
    from crawl_throughput import feed_bytes
    from tests.partners import goods

    out = [(name, (ROOT / "tests" / "corpus" / name).read_bytes()) for name in CORPUS_FEEDS]
    out.append(("goods (EUC-KR)", goods.render_feed(goods.ITEMS, "http://127.0.0.1:1",
                                                    datetime(2026, 11, 1, tzinfo=timezone.utc))))
    out.append(("crawl_throughput (500 items)", feed_bytes(1, 500)))
    return out


def items_per_second(parse, body: bytes, seconds: float) -> float:
    items = 0
    runs = 0
    start = time.perf_counter()
    while True:
        items += len(parse(BASE_URL, body).items)
        runs += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and runs >= 2:
            return items / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per feed and parser")
    args = parser.parse_args()

    feeds = bodies()
    for name, body in feeds:
        fast = fastfeed.parse(BASE_URL, body)
        if fast is None:
            sys.exit(f"fastfeed rejects {name}: nothing to compare")
        if fast != rss.parse(BASE_URL, body):
            sys.exit(f"fastfeed and feedparser disagree on {name}")

    print(f"{'feed':<38} {'items':>5} {'fastfeed/s':>11} {'feedparser/s':>13} {'x':>6}")
    total_items = total_fast = total_slow = 0.0
    for name, body in feeds:
        count = len(rss.parse(BASE_URL, body).items)
        fast = items_per_second(fastfeed.parse, body, args.seconds)
        slow = items_per_second(rss.parse, body, args.seconds)
        total_items += count
        total_fast += count / fast
        total_slow += count / slow
        print(f"{name:<38} {count:>5} {fast:>11,.0f} {slow:>13,.0f} {fast / slow:>6.1f}")
    fast_all, slow_all = total_items / total_fast, total_items / total_slow
    print(f"{'all of the above (one pass each)':<38} {int(total_items):>5} {fast_all:>11,.0f} "
          f"{slow_all:>13,.0f} {fast_all / slow_all:>6.1f}")


if __name__ == "__main__":
    main()
