"""Crawl throughput: N feed sources x M items served on 127.0.0.1, crawled end to end. Prints figures.

    .venv/bin/python bench/crawl_throughput.py [--sources 200] [--items 500]

End to end = fetch -> parse -> normalize -> store -> index, as `sharehub crawl --all` runs it (one
Scrapy process, politeness delays off for loopback). Then the same bodies go through each stage
alone, to show where the time goes. Then a recrawl of the unchanged sources: it should cost one
304 each and write nothing. Peak RSS is the crawl process's (the worker's) maximum resident size.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import resource
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

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"


def crawl_child(settings_values: dict, queue) -> None:
    from config import Settings
    from crawler.runner import crawl_here

    started = time.perf_counter()
    results = crawl_here(Settings(settings_values))
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((elapsed, peak_kb, [(r.outcome, r.counts) for r in results]))


def crawl(settings) -> tuple[float, int, list]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=crawl_child, args=(dict(settings), queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def stages(server: FeedServer, settings) -> None:
    """Each stage alone, on the same bodies, in this process."""
    from crawler.normalize.listing import normalize_item
    from crawler.parsers.feed import parse
    from indexer.catalog import Catalog, store
    from indexer.listing import search_document
    from indexer.search import open_search

    bodies = list(server.bodies.items())
    t = time.perf_counter()
    parsed = [(f"{server.base}{path}", parse(f"{server.base}{path}", body)) for path, body in bodies]
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
        ids = [store.add_source(s, platform, f"{server.base}{path}", "feed", 60).id for path, _ in bodies]
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
    parser.add_argument("--no-stages", action="store_true")
    args = parser.parse_args()
    server = FeedServer(args.sources, args.items)
    data_dir = tempfile.mkdtemp(prefix="sharehub-bench-")
    settings = load_settings(environ={}, overrides={
        "data_dir": data_dir, "allow_private_networks": "127.0.0.0/8", "per_host_delay": 0,
        "per_host_concurrency": 16, "dead_link_sample": 0, "log_level": "WARNING"})
    from indexer.catalog import Catalog, store

    catalog = Catalog.from_settings(settings)
    with catalog.session() as s:
        platform = store.get_or_create_platform(s, "bench")
        for path in server.bodies:
            store.add_source(s, platform, f"{server.base}{path}", "feed", 60)
    catalog.dispose()
    total = args.sources * args.items
    print(f"crawl benchmark: {args.sources} sources x {args.items} items = {total:,} items on 127.0.0.1")
    elapsed, peak_kb, results = crawl(settings)
    ok = sum(1 for outcome, _ in results if outcome == "ok")
    new = sum(c.get("new", 0) for _, c in results)
    print(f"  first crawl: {ok}/{len(results)} sources ok, {new:,} new listings in {elapsed:.1f} s "
          f"= {new / elapsed:,.0f} items/s end to end; peak RSS {peak_kb / 1024:.0f} MB")
    before = dict(server.hits)
    elapsed, peak_kb, results = crawl(settings)
    written = sum(c.get("new", 0) + c.get("updated", 0) for _, c in results)
    print(f"  recrawl, unchanged: {sum(1 for o, _ in results if o == 'not_modified')}/{len(results)} not modified, "
          f"{server.hits['304'] - before['304']} answers 304, {server.hits['200'] - before['200']} full bodies, "
          f"{written} listings written, {elapsed:.1f} s; peak RSS {peak_kb / 1024:.0f} MB")
    if not args.no_stages:
        stages(server, settings)


if __name__ == "__main__":
    main()
