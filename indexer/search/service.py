"""What a citizen's search means, the same for every engine: place words become a district filter,
ended listings and stale sources stay out unless asked for, several words that find nothing together
fall back to any of them, and each hit gets highlights (and its distance with `near`).

The engines answer the SearchQuery this makes literally; `notes` in the result say what was done.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable

from sqlalchemy import select

from config import reference
from indexer.search import analysis
from indexer.search.backend import SearchBackend
from indexer.search.highlight import highlights
from indexer.search.places import extract_places
from indexer.search.query import SearchQuery, SearchResult, haversine_km


@dataclass(frozen=True)
class SearchOptions:
    place_words: bool = True       # 마포 공구 = 공구 in Mapo-gu
    include_ended: bool = False    # events and booking windows that have ended
    include_stale: bool = False    # listings of sources not crawled successfully for stale_source_days
    any_word_fallback: bool = True  # no listing has every word: show those with any


def stale_sources(catalog, days: int, now: datetime | None = None) -> tuple[int, ...]:
    """Ids of sources whose last successful crawl is older than `days` (0: none are stale)."""
    if days <= 0:
        return ()
    from indexer.catalog.models import Source

    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    with catalog.session() as session:
        rows = session.execute(select(Source.id).where(Source.last_success_at.is_not(None),
                                                       Source.last_success_at < cutoff))
        return tuple(sorted(r[0] for r in rows))


def _district_names(codes: Iterable[str]) -> tuple[str, str]:
    districts = reference.districts()
    names = [districts[c] for c in codes if c in districts]
    return ", ".join(d.name_ko for d in names), ", ".join(d.name_en for d in names)


def run_search(engine: SearchBackend, query: SearchQuery, options: SearchOptions = SearchOptions(), *,
               now: datetime | None = None, stale_source_ids: Iterable[int] = ()) -> SearchResult:
    now = now or datetime.now(timezone.utc)
    notes: list[dict] = []
    changes: dict = {}
    if options.place_words and query.text.strip():
        rest, places = extract_places(query.text)
        if places:
            codes = tuple(dict.fromkeys(c for p in places for c in p.districts))
            if query.districts:
                codes = tuple(c for c in query.districts if c in codes) or query.districts
            changes.update(text=rest, districts=codes)
            for place in places:
                ko, en = _district_names(place.districts)
                notes.append({"code": "place", "word": place.word, "districts": list(place.districts),
                              "message_ko": f"‘{place.word}’: {ko}에서 찾았습니다",
                              "message_en": f"“{place.word}”: searched in {en}"})
    if not options.include_ended:
        # To the minute: the engines cache a query's matches under its filters, and a cutoff that
        # moved every second would make each search a new one. Something that ended less than a
        # minute ago may show for those seconds.
        changes["ended_before"] = now.replace(second=0, microsecond=0)
    if not options.include_stale:
        stale = tuple(sorted(set(stale_source_ids)))
        if stale:
            changes["exclude_sources"] = stale
    effective = dataclasses.replace(query, **changes) if changes else query
    result = engine.search(effective)
    if (result.total == 0 and options.any_word_fallback and not effective.match_any
            and len(analysis.query_groups(effective.text)) > 1):
        relaxed = dataclasses.replace(effective, match_any=True)
        fallback = engine.search(relaxed)
        if fallback.total:
            result, effective = fallback, relaxed
            notes.append({"code": "any_word",
                          "message_ko": "모든 단어가 들어간 항목이 없어, 단어 중 하나라도 들어간 항목을 보여 줍니다",
                          "message_en": "No listing has all of the words; showing those with any of them"})
    for hit in result.hits:
        hit["highlights"] = highlights(hit, effective.text)
        if effective.near is not None and hit.get("lat") is not None and hit.get("lon") is not None:
            hit["distance_km"] = round(haversine_km(effective.near[0], effective.near[1], hit["lat"], hit["lon"]), 3)
    result.notes = notes + result.notes
    return result
