"""Field-level accuracy of normalization against the labelled items in bench/labels/items.jsonl.

The seven simulated partners are crawled for real (over loopback, into a scratch catalog), and each
labelled item's listing is compared field by field: category, price amount, price unit (with its
count), is_free, district, starts_at. Prints accuracy per field and per partner; --misses shows
what was read wrong.

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
FIELDS = ("category", "price_amount", "price_unit", "is_free", "district", "starts_at")


def actual(row) -> dict:
    unit = row.price_unit and (row.price_unit, row.price_unit_count or 1)
    return {"category": row.category, "price_amount": row.price_amount, "price_unit": unit,
            "is_free": row.price_is_free, "district": row.district,
            "starts_at": row.starts_at.isoformat() if row.starts_at else None}


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
    settings = load_settings(environ={}, overrides={
        "data_dir": tempfile.mkdtemp(prefix="sharehub-accuracy-"), "allow_private_networks": "127.0.0.0/8",
        "per_host_delay": 0, "dead_link_sample": 0, "log_level": "WARNING"})
    outcomes, rows = crawl_partners(settings)
    print(f"normalization accuracy: {len(labels)} labelled items from {len({l['partner'] for l in labels})} "
          f"partners; crawl outcomes: {', '.join(o for _, o in outcomes)}")
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
