"""Duplicate detection: precision and recall of the cross-platform rules on labelled pairs. Prints figures.

    .venv/bin/python bench/duplicate_precision.py [--show-errors]

bench/labels/duplicate_pairs.jsonl holds pairs of listings labelled "same thing" or not (how they
were made: bench/labels/make_duplicate_pairs.py). Two figures: the rule alone on each pair
(indexer.duplicates.same_thing), and the clusters that find_clusters makes of all the listings at
once, where a pair counts as found when both listings land in one cluster — what search shows.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.duplicates import Candidate, find_clusters, same_thing  # noqa: E402

PAIRS = ROOT / "bench/labels/duplicate_pairs.jsonl"


def candidate(data: dict) -> Candidate:
    starts = datetime.fromisoformat(data["starts_at"]) if data.get("starts_at") else None
    return Candidate(id=data["id"], platform=data["platform"], title=data["title"], url=data.get("url"),
                     category=data.get("category"), district=data.get("district"), dong=data.get("dong"),
                     lat=data.get("lat"), lon=data.get("lon"), starts_at=starts)


def score(pairs: list[dict], predicted: list[bool]) -> tuple[int, int, int, int]:
    tp = sum(1 for p, y in zip(pairs, predicted) if y and p["same"])
    fp = sum(1 for p, y in zip(pairs, predicted) if y and not p["same"])
    fn = sum(1 for p, y in zip(pairs, predicted) if not y and p["same"])
    tn = len(pairs) - tp - fp - fn
    return tp, fp, fn, tn


def line(name: str, counts: tuple[int, int, int, int]) -> str:
    tp, fp, fn, tn = counts
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return (f"  {name:9} precision {precision:6.1%} ({tp}/{tp + fp})   recall {recall:6.1%} ({tp}/{tp + fn})"
            f"   false merges {fp}, missed {fn}, right apart {tn}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true", help="list the pairs judged wrongly")
    args = parser.parse_args(argv)
    pairs = [json.loads(row) for row in PAIRS.read_text(encoding="utf-8").splitlines() if row.strip()]
    by_rule = [same_thing(candidate(p["a"]), candidate(p["b"])) is not None for p in pairs]
    listings = {p[side]["id"]: candidate(p[side]) for p in pairs for side in ("a", "b")}
    clusters = find_clusters(listings.values())
    by_cluster = [clusters.get(p["a"]["id"]) is not None and clusters.get(p["a"]["id"]) == clusters.get(p["b"]["id"])
                  for p in pairs]
    kinds = sorted({p["kind"] for p in pairs})
    print(f"duplicate detection: {len(pairs)} labelled pairs ({sum(p['same'] for p in pairs)} same thing), "
          f"{len(listings)} listings")
    print(line("rule", score(pairs, by_rule)))
    print(line("clusters", score(pairs, by_cluster)))
    for kind in kinds:
        chosen = [i for i, p in enumerate(pairs) if p["kind"] == kind]
        right = sum(1 for i in chosen if by_cluster[i] == pairs[i]["same"])
        print(f"  {kind:34} {right}/{len(chosen)} right")
    if args.show_errors:
        for p, y in zip(pairs, by_cluster):
            if y != p["same"]:
                verdict = "merged" if y else "missed"
                print(f"  {verdict}: {p['a']['title']!r} / {p['b']['title']!r} ({p['kind']})")


if __name__ == "__main__":
    main()
