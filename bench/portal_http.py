"""The portal over HTTP under load: wrk against `sharehub serve` (gunicorn) with 100,000 listings.

    .venv/bin/python bench/portal_http.py [--listings 100000] [--urls 400] [--duration 20]

Builds (once, kept in var/bench-portal) an embedded index of synthetic listings from
bench/search_scale.py's catalog, starts `sharehub serve` on 127.0.0.1 with rate limiting off, and
runs wrk (Debian's package) for the search page and then the JSON API, each cycling through a fixed
list of varied search URLs (1–3 words in Korean and English, filters, sorts, pages, near) so no
single cached page is measured. Prints requests/s and latency percentiles; wrk shares the 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from itertools import islice
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from config import load_settings  # noqa: E402
from indexer.search import open_search  # noqa: E402
from search_scale import Catalog, make_queries  # noqa: E402

SEED = 20261201
TARGET_RPS = 500
TARGET_P99_MS = 100

# Each wrk thread walks the list from its own offset; one request per path, round and round.
WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("SHAREHUB_BENCH_PATHS")) do paths[#paths + 1] = line end
local counter = 0
function setup(thread)
  thread:set("offset", math.random(#paths))
end
function request()
  counter = counter + 1
  local path = paths[(offset + counter) % #paths + 1]
  return wrk.format("GET", path, {["Accept-Language"] = "ko-KR,ko;q=0.9"})
end
"""


def build_index(data_dir: Path, listings: int) -> None:
    marker = data_dir / "bench-portal.json"
    wanted = {"listings": listings, "seed": SEED}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        print(f"index: reusing {listings:,} listings in {data_dir}", file=sys.stderr)
        return
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    engine = open_search(load_settings(environ={}, overrides={"data_dir": str(data_dir), "search_url": ""}))
    stream = Catalog(SEED).documents(listings)
    started = time.perf_counter()
    while batch := list(islice(stream, 2000)):
        engine.index(batch)
    engine.close() if hasattr(engine, "close") else None
    print(f"index: {listings:,} listings in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    marker.write_text(json.dumps(wanted))


def search_urls(n: int) -> list[str]:
    """Query strings of the portal for n benchmark queries (the same mix as search_scale.py)."""
    out = []
    for bench_query in make_queries(n, SEED + 1):
        q = bench_query.query
        args: list[tuple[str, str]] = [("q", q.text)]
        args += [("category", c) for c in q.categories] + [("district", d) for d in q.districts]
        args += [("dong", d) for d in q.dongs]
        if q.free is not None:
            args.append(("free", "true" if q.free else "false"))
        if q.price_min is not None:
            args.append(("price_min", str(q.price_min)))
        if q.price_max is not None:
            args.append(("price_max", str(q.price_max)))
        if q.near:
            args += [("near", f"{q.near[0]:.4f},{q.near[1]:.4f}"), ("radius_km", f"{q.radius_km:g}")]
        if q.sort != "relevance":
            args.append(("sort", q.sort))
        if q.page > 1:
            args.append(("page", str(q.page)))
        out.append(urlencode(args))
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"bench: the portal did not answer on {url}")


def parse_wrk(output: str) -> dict:
    figures = {}
    for line in output.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            figures["rps"] = float(parts[1])
        elif len(parts) == 2 and parts[0] in ("50%", "75%", "90%", "99%"):
            figures[parts[0]] = _ms(parts[1])
        elif "Non-2xx or 3xx responses" in line:
            figures["errors"] = int(parts[-1])
        elif line.strip().startswith("Socket errors"):
            figures["socket_errors"] = line.strip()
    return figures


def _ms(text: str) -> float:
    for unit, factor in (("ms", 1.0), ("us", 0.001), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--urls", type=int, default=400)
    parser.add_argument("--duration", type=int, default=20, help="seconds of load per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (0: the setting's default)")
    parser.add_argument("--warm-passes", type=int, default=0,
                        help="requests per URL (16 at a time) before timing: caches warm, as a portal between"
                             " index updates; 0 = time from a fresh start, caches cold")
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "bench-portal"))
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if not wrk:
        raise SystemExit("bench: wrk is missing (Debian's package: apt-get install wrk; `make bench-portal` does it)")
    data_dir = Path(args.data_dir)
    build_index(data_dir, args.listings)
    urls = search_urls(args.urls)
    port = free_port()
    env = dict(os.environ, SHAREHUB_DATA_DIR=str(data_dir), SHAREHUB_SEARCH_URL="", SHAREHUB_RATE_LIMIT="",
               SHAREHUB_LOG_LEVEL="WARNING", SHAREHUB_SECRET_KEY="bench")
    serve = [str(ROOT / ".venv" / "bin" / "sharehub"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if args.workers:
        serve += ["--workers", str(args.workers)]
    server = subprocess.Popen(serve, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        wait_ready(f"{base}/?q=warm")
        for path in urls[:40]:          # the workers' first searches load the index columns
            urllib.request.urlopen(f"{base}/?{path}", timeout=30).read()
        if args.warm_passes:
            from concurrent.futures import ThreadPoolExecutor
            warm = [f"{base}{prefix}{u}" for prefix in ("/?", "/api/v1/listings?") for u in urls] * args.warm_passes
            with ThreadPoolExecutor(16) as pool:
                list(pool.map(lambda url: urllib.request.urlopen(url, timeout=60).read(), warm))
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "paths.lua"
            script.write_text(WRK_SCRIPT)
            for name, prefix in (("search page", "/?"), ("API", "/api/v1/listings?")):
                paths = Path(tmp) / "paths.txt"
                paths.write_text("\n".join(prefix + u for u in urls) + "\n")
                proc = subprocess.run([wrk, "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
                                       "-s", str(script), base], capture_output=True, text=True,
                                      env=dict(os.environ, SHAREHUB_BENCH_PATHS=str(paths)))
                if proc.returncode != 0:
                    raise SystemExit(f"bench: wrk failed: {proc.stderr}")
                results[name] = parse_wrk(proc.stdout)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    cores = os.cpu_count()
    print(f"portal over HTTP: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {cores} cores, "
          f"{args.listings:,} listings, {len(urls)} distinct search URLs, wrk -t2 -c{args.connections} "
          f"-d{args.duration}s on the same machine, rate limiting off, "
          f"{'caches warmed by %d request(s) per URL' % args.warm_passes if args.warm_passes else 'caches cold at the start'}")
    print(f"{'endpoint':<12} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}  errors")
    for name, f in results.items():
        print(f"{name:<12} {f.get('rps', 0):>8,.0f} {f.get('50%', 0):>8.1f} {f.get('90%', 0):>8.1f} "
              f"{f.get('99%', 0):>8.1f}  {f.get('errors', 0)} {f.get('socket_errors', '')}")
    page = results.get("search page", {})
    met = page.get("rps", 0) >= TARGET_RPS and page.get("99%", 1e9) <= TARGET_P99_MS
    print(f"target (search page): ≥ {TARGET_RPS} req/s at p99 ≤ {TARGET_P99_MS} ms: {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
