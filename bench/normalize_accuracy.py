"""Field-level accuracy of normalization against labelled items.

bench/labels/items.jsonl labels items of the seven simulated partners: they are crawled for real
(over loopback, into a scratch catalog). bench/labels/corpus_items.jsonl labels items of the
real-world listing feeds in tests/corpus/listing/ (US housing, vehicle and product ads): those are
parsed and normalized directly. Each labelled item's listing is compared field by field —
category, price amount, price unit (with its count), is_free, district, starts_at — and accuracy
is printed per field and per source; --misses shows what was read wrong.

    .venv/bin/python bench/normalize_accuracy.py [--misses 20]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config import load_settings  # noqa: E402

LABELS = Path(__file__).with_name("labels") / "items.jsonl"
CORPUS_LABELS = Path(__file__).with_name("labels") / "corpus_items.jsonl"
CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus"
FIELDS = ("category", "price_amount", "price_unit", "is_free", "district", "starts_at")


def actual(row) -> dict:
    unit = row.price_unit and (row.price_unit, row.price_unit_count or 1)
    return {"category": row.category, "price_amount": row.price_amount, "price_unit": unit,
            "is_free": row.price_is_free, "district": row.district,
            "starts_at": row.starts_at.isoformat() if row.starts_at else None}


def corpus_listings(labels: list[dict]) -> dict:
    """(file, index) -> the fields of the listing normalize_item makes of that feed item."""
    from crawler.normalize.listing import normalize_item
    from crawler.parsers.feed import parse

    out = {}
    for path in sorted({label["corpus"] for label in labels}):
        url = f"https://corpus.example/{path}"
        for index, raw in enumerate(parse(url, (CORPUS / path).read_bytes()).items):
            listing, _ = normalize_item(raw, source_id=1, platform="corpus", base_url=url)
            if listing is not None:
                price = listing.price
                out[(path, index)] = {
                    "category": listing.category, "price_amount": price.amount,
                    "price_unit": price.unit and (price.unit, price.unit_count or 1), "is_free": price.is_free,
                    "district": listing.district,
                    "starts_at": listing.starts_at.isoformat() if listing.starts_at else None}
    return out


def expected(expect: dict) -> dict:
    out = dict(expect)
    if "price_unit" in expect:
        out["price_unit"] = expect["price_unit"] and (expect["price_unit"], expect.get("price_unit_count") or 1)
    if expect.get("starts_at"):
        out["starts_at"] = datetime.fromisoformat(expect["starts_at"]).isoformat()
    return out


def same(field: str, want, got) -> bool:
    if field == "starts_at" and want and got:
        return datetime.fromisoformat(want) == datetime.fromisoformat(got)
    return want == got


def crawl_partners(settings):
    from crawler.runner import crawl_in_subprocess
    from indexer.catalog import Catalog, store
    from indexer.catalog.models import ListingRow
    from tests.partners import PartnerSimulator

    simulator = PartnerSimulator().start()
    catalog = Catalog.from_settings(settings)
    try:
        with catalog.session() as session:
            for partner in simulator.partners:
                platform = store.get_or_create_platform(session, partner.name)
                source = store.add_source(session, platform, partner.feed_url,
                                          partner.kind if partner.config else "auto", 60)
                source.config = partner.config
        outcomes = [(r.url, r.outcome) for r in crawl_in_subprocess(settings)]
        keys = {partner.base_url: key for key, partner in ((p.key, p) for p in simulator.partners)}
        rows = {}
        with catalog.session() as session:
            for row in session.scalars(store.select(ListingRow).where(ListingRow.status == "active")):
                parts = urlsplit(row.url)
                key = keys.get(f"{parts.scheme}://{parts.netloc}")
                rows[(key, parts.path + (f"?{parts.query}" if parts.query else ""))] = actual(row)
        return outcomes, rows
    finally:
        catalog.dispose()
        simulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", type=int, default=0, help="print up to N wrong readings per field")
    args = parser.parse_args()
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    corpus_labels = [json.loads(line) for line in CORPUS_LABELS.read_text(encoding="utf-8").splitlines()
                     if line.strip()]
    settings = load_settings(environ={}, overrides={
        "data_dir": tempfile.mkdtemp(prefix="sharehub-accuracy-"), "allow_private_networks": "127.0.0.0/8",
        "per_host_delay": 0, "dead_link_sample": 0, "log_level": "WARNING"})
    outcomes, rows = crawl_partners(settings)
    for (path, index), fields in corpus_listings(corpus_labels).items():
        rows[(f"corpus:{path}", str(index))] = fields
    for label in corpus_labels:
        label.update(partner=f"corpus:{label['corpus']}", path=str(label["index"]), id=str(label["index"]),
                     title=f"{label['corpus']}#{label['index']}")
    labels += corpus_labels
    print(f"normalization accuracy: {len(labels)} labelled items ({len(corpus_labels)} from the corpus's "
          f"listing feeds); partner crawls: {', '.join(o for _, o in outcomes)}")
    right, total = Counter(), Counter()
    by_partner: dict[str, Counter] = defaultdict(Counter)
    misses: dict[str, list[str]] = defaultdict(list)
    missing = []
    for label in labels:
        got = rows.get((label["partner"], label["path"]))
        if got is None:
            missing.append(f"{label['partner']} {label['id']}")
        want = expected(label["expect"])
        for field in FIELDS:
            if field not in want:
                continue
            total[field] += 1
            ok = got is not None and same(field, want[field], got[field])
            right[field] += ok
            by_partner[label["partner"]]["right"] += ok
            by_partner[label["partner"]]["total"] += 1
            if not ok:
                misses[field].append(f"{label['partner']} {label['title'][:40]!r}: want {want[field]!r}, "
                                     f"got {got[field] if got else 'no listing'!r}")
    for field in FIELDS:
        if total[field]:
            print(f"  {field:<13} {right[field]:>4}/{total[field]:<4} = {right[field] / total[field]:6.1%}")
    print("  by partner:  " + ", ".join(f"{p} {c['right'] / c['total']:.1%}" for p, c in sorted(by_partner.items())))
    if missing:
        print(f"  no listing for {len(missing)} labelled items, e.g. {missing[:3]}")
    for field in FIELDS:
        for line in misses[field][:args.misses]:
            print(f"    miss {field}: {line}")


if __name__ == "__main__":
    main()
