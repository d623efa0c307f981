"""Search latency and indexing throughput of a backend on synthetic listings. Prints figures.

    .venv/bin/python bench/search_latency.py [--docs 20000] [--search-url http://127.0.0.1:9200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone

from config import load_settings
from indexer.listing import Listing, Price, search_document
from indexer.search import SearchQuery, open_search

WORDS_KO = ["전동드릴", "공구세트", "유모차", "캠핑텐트", "한복", "회의실", "대관", "카셰어링", "자전거", "주차장",
            "셰어하우스", "강의실", "장난감", "정장", "우산", "사다리", "공유주방", "도서", "나눔카", "연습실"]
WORDS_EN = ["drill", "tent", "stroller", "meeting", "room", "bike", "car", "parking", "suit", "ladder"]
CATEGORIES = ["tools", "goods", "kids", "space", "car", "bike", "parking", "clothes", "housing", "books"]
DISTRICTS = ["11110", "11140", "11170", "11200", "11215", "11230", "11260", "11290", "11305", "11320",
             "11350", "11380", "11410", "11440", "11470", "11500", "11530", "11545", "11560", "11590",
             "11620", "11650", "11680", "11710", "11740"]


def synthetic(n: int, seed: int = 7):
    rng = random.Random(seed)
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for i in range(n):
        words = rng.sample(WORDS_KO, 3) + rng.sample(WORDS_EN, 1)
        free = rng.random() < 0.3
        yield search_document(Listing(
            source_id=1 + i % 7, item_key=f"item-{i}", url=f"https://p{i % 7}.example/items/{i}",
            title=" ".join(words[:2]) + f" {i}", platform=f"Platform {i % 7}", summary=" ".join(words),
            category=rng.choice(CATEGORIES), district=rng.choice(DISTRICTS),
            price=Price(0 if free else rng.randrange(1000, 50000, 500), is_free=free),
            published_at=t0 + timedelta(minutes=i)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--search-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        settings = load_settings(environ={}, overrides={"data_dir": data_dir, "search_url": args.search_url,
                                                         "search_index": "sharehub-bench"})
        engine = open_search(settings)
        engine.clear()
        docs = list(synthetic(args.docs))
        started = time.perf_counter()
        for start in range(0, len(docs), 1000):
            engine.index(docs[start:start + 1000])
        elapsed = time.perf_counter() - started
        print(f"backend {engine.name}: indexed {len(docs):,} docs in {elapsed:.2f} s "
              f"({len(docs) / elapsed:,.0f} docs/s)")
        rng = random.Random(11)
        queries = [SearchQuery(text=rng.choice(WORDS_KO)[:2]) for _ in range(args.queries // 2)] + \
                  [SearchQuery(text=rng.choice(WORDS_EN), categories=(rng.choice(CATEGORIES),),
                               districts=(rng.choice(DISTRICTS),)) for _ in range(args.queries // 2)]
        timings = []
        for query in queries:
            started = time.perf_counter()
            engine.search(query)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        print(f"backend {engine.name}: {len(timings)} searches, median {statistics.median(timings):.1f} ms, "
              f"p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms, max {timings[-1]:.1f} ms")
        engine.clear()
        engine.close()


if __name__ == "__main__":
    main()
