"""Crawl throughput: N feed sources x M items served on 127.0.0.1, crawled end to end. Prints figures.

    .venv/bin/python bench/crawl_throughput.py [--sources 200] [--items 500]

End to end = fetch -> parse -> normalize -> store -> index, as `sharehub crawl --all` runs it
(crawl_processes child processes of the crawl fork server, started before the clock as a running
worker has it; politeness delays off for loopback; each source is served on its own loopback
address, 127.0.0.x, as separate partners' hosts would be). Then the same bodies go through each stage
alone, to show where the time goes. Then a recrawl of the unchanged sources: it should cost one
304 each and write nothing. Peak memory is the crawl's proportional set size (fork server and crawl processes), sampled.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config import load_settings  # noqa: E402

DISTRICT_ADDRESSES = ["서울특별시 마포구 망원로 45", "서울 노원구 상계로 70", "서울특별시 성동구 왕십리로 83",
                      "서울특별시 강남구 테헤란로 152", "서울특별시 송파구 올림픽로 300", "서울 종로구 세종대로 175"]
TITLES = ["전동드릴 대여", "캠핑텐트 4인용", "유모차 나눔", "공구세트 대여", "Cordless drill", "한복 대여",
          "회의실 대관", "자전거 대여", "카시트 대여", "Camping stove"]
PRICES = ["1일 3,000원", "무료 대여", "1시간 9,900원", "10분당 1,200원", "1박 10,000원", "보증금 1만원 / 1일 2천원"]


def feed_bytes(source: int, items: int) -> bytes:
    t0 = datetime(2026, 11, 1, tzinfo=timezone.utc)
    parts = [f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Partner {source}</title>'
             f"<link>http://127.0.0.1/p{source}/</link><description>bench</description>"]
    for i in range(items):
        n = source * items + i
        title = f"{TITLES[n % len(TITLES)]} #{n}"
        desc = f"<p>{PRICES[n % len(PRICES)]}. 주소: {DISTRICT_ADDRESSES[n % len(DISTRICT_ADDRESSES)]}</p>"
        parts.append(f"<item><title>{escape(title)}</title><link>http://127.0.0.1/p{source}/items/{i}</link>"
                     f'<guid isPermaLink="false">p{source}-i{i}</guid><category>공구</category>'
                     f"<pubDate>{format_datetime(t0 + timedelta(minutes=n))}</pubDate>"
                     f"<description>{escape(desc)}</description></item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


class FeedServer:
    def __init__(self, sources: int, items: int):
        self.bodies = {f"/p{s}/feed.xml": feed_bytes(s, items) for s in range(sources)}
        self.etags = {path: '"' + hashlib.md5(body).hexdigest() + '"' for path, body in self.bodies.items()}
        self.hits = {"200": 0, "304": 0}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path == "/robots.txt":
                    self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
                    return
                body = outer.bodies.get(self.path)
                if body is None:
                    self._send(404, b"", "text/plain")
                    return
                etag = outer.etags[self.path]
                if self.headers.get("If-None-Match") == etag:
                    outer.hits["304"] += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                outer.hits["200"] += 1
                self._send(200, body, "application/rss+xml", etag)

            def _send(self, status, body, kind, etag=None):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        # One listening socket per partner host; all on the port the first one got.
        self.hosts = [f"127.0.0.{1 + s % 250}" for s in range(sources)]
        self.servers = []
        for host in dict.fromkeys(self.hosts):
            server = ThreadingHTTPServer((host, self.servers[0].server_port if self.servers else 0), Handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)
        self.port = self.servers[0].server_port

    def feed_urls(self) -> list[str]:
        return [f"http://{self.hosts[s]}:{self.port}/p{s}/feed.xml" for s in range(len(self.hosts))]


class PeakMemory:
    """Peak of the crawl's memory, sampled: the proportional set size (PSS) of the fork server and
    the crawl processes summed. PSS counts a page shared by n processes as 1/n in each, so pages
    the crawl processes share with the server they forked from are counted once; summing their
    resident sizes would count those pages once per process."""

    def __init__(self, interval: float = 0.05):
        self.interval, self.peak_kb, self.per_process_kb = interval, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        from multiprocessing import forkserver

        while not self._stop.wait(self.interval):
            server = getattr(forkserver._forkserver, "_forkserver_pid", None)
            sizes = [_pss_kb(p.pid) for p in multiprocessing.active_children()]
            self.peak_kb = max(self.peak_kb, sum(sizes) + (_pss_kb(server) if server else 0))
            self.per_process_kb = max([self.per_process_kb, *sizes])


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            return next((int(line.split()[1]) for line in fh if line.startswith("Pss:")), 0)
    except OSError:
        return 0


def crawl(settings) -> tuple[float, PeakMemory, list]:
    from crawler.runner import crawl_in_subprocess

    with PeakMemory() as memory:
        started = time.perf_counter()
        results = crawl_in_subprocess(settings)
        elapsed = time.perf_counter() - started
    return elapsed, memory, results


def stages(server: FeedServer, settings) -> None:
    """Each stage alone, on the same bodies, in this process."""
    from crawler.normalize.listing import normalize_item
    from crawler.parsers.feed import parse
    from indexer.catalog import Catalog, store
    from indexer.listing import search_document
    from indexer.search import open_search

    bodies = list(zip(server.feed_urls(), server.bodies.values()))
    t = time.perf_counter()
    parsed = [(url, parse(url, body)) for url, body in bodies]
    t_parse = time.perf_counter() - t
    items = sum(len(p.items) for _, p in parsed)
    t = time.perf_counter()
    normalized = [[normalize_item(raw, source_id=i + 1, platform="bench", base_url=url) for raw in p.items]
                  for i, (url, p) in enumerate(parsed)]
    t_norm = time.perf_counter() - t
    stage_settings = settings.replace(data_dir=tempfile.mkdtemp(prefix="sharehub-bench-stages-"))
    catalog = Catalog.from_settings(stage_settings)
    with catalog.session() as s:
        platform = store.get_or_create_platform(s, "bench")
        ids = [store.add_source(s, platform, url, "feed", 60).id for url, _ in bodies]
    t = time.perf_counter()
    changed = []
    for source_id, listings in zip(ids, normalized):
        with catalog.session() as s:
            run = store.start_run(s, source_id)
            changed.extend(store.apply_items(s, run, [store.ItemReport(l.item_key, l.title, l, d)
                                                      for l, d in listings if l]).changed)
            store.finish_run(s, run, "ok")
    t_store = time.perf_counter() - t
    engine = open_search(stage_settings)
    t = time.perf_counter()
    for start in range(0, len(changed), 1000):
        engine.index(search_document(l) for l in changed[start:start + 1000])
    t_index = time.perf_counter() - t
    engine.close()
    catalog.dispose()
    for name, seconds in (("parse", t_parse), ("normalize", t_norm), ("store", t_store), ("index", t_index)):
        print(f"  stage {name:<9} {items:,} items in {seconds:6.2f} s = {items / seconds:>9,.0f} items/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--crawl-processes", type=int, default=0, help="0 = one per CPU core")
    parser.add_argument("--concurrent-crawls", type=int, default=16)
    parser.add_argument("--no-stages", action="store_true")
    args = parser.parse_args()
    server = FeedServer(args.sources, args.items)
    data_dir = tempfile.mkdtemp(prefix="sharehub-bench-")
    settings = load_settings(environ={}, overrides={
        "data_dir": data_dir, "allow_private_networks": "127.0.0.0/8", "per_host_delay": 0,
        "per_host_concurrency": 16, "dead_link_sample": 0, "log_level": "WARNING",
        "crawl_processes": args.crawl_processes, "concurrent_crawls": args.concurrent_crawls})
    from indexer.catalog import Catalog, store

    catalog = Catalog.from_settings(settings)
    with catalog.session() as s:
        platform = store.get_or_create_platform(s, "bench")
        for url in server.feed_urls():
            store.add_source(s, platform, url, "feed", 60)
    catalog.dispose()
    total = args.sources * args.items
    print(f"crawl benchmark: {args.sources} sources x {args.items} items = {total:,} items on 127.0.0.1")
    # As a running worker has it: the fork server that crawl processes come from is up already.
    from crawler.runner import start_crawl_processes

    start_crawl_processes()
    elapsed, memory, results = crawl(settings)
    ok = sum(1 for r in results if r.outcome == "ok")
    new = sum(r.counts.get("new", 0) for r in results)
    print(f"  first crawl: {ok}/{len(results)} sources ok, {new:,} new listings in {elapsed:.1f} s "
          f"= {new / elapsed:,.0f} items/s end to end, {settings.effective_crawl_processes} crawl processes; "
          f"peak memory (PSS) {memory.peak_kb / 1024:.0f} MB in all, fork server included ({memory.per_process_kb / 1024:.0f} MB per crawl process)")
    before = dict(server.hits)
    elapsed, memory, results = crawl(settings)
    written = sum(r.counts.get("new", 0) + r.counts.get("updated", 0) for r in results)
    print(f"  recrawl, unchanged: {sum(1 for r in results if r.outcome == 'not_modified')}/{len(results)} not "
          f"modified, {server.hits['304'] - before['304']} answers 304, {server.hits['200'] - before['200']} full "
          f"bodies, {written} listings written, {elapsed:.1f} s; peak memory (PSS) {memory.peak_kb / 1024:.0f} MB in all")
    if not args.no_stages:
        stages(server, settings)


if __name__ == "__main__":
    main()
