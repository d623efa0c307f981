"""One contract, every engine, continued: dong, price, dates, ended listings, stale sources, geo,
sorts, price bands, any-word matching, pagination edges, and what the search service adds on top
(place words, the any-word fallback, highlights, distances). Same documents, same answers."""

from __future__ import annotations

import dataclasses
import threading
from datetime import datetime, timedelta, timezone

import pytest

from indexer.listing import Listing, Price, search_document
from indexer.search.query import MAX_PER_PAGE, SearchQuery, haversine_km
from indexer.search.service import SearchOptions, run_search

KST = timezone(timedelta(hours=9))
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=KST)
HONGDAE = (37.5563, 126.9236)   # Mapo-gu
MANGWON = (37.5556, 126.9019)   # ~1.9 km west of Hongdae
GANGNAM = (37.4979, 127.0276)   # ~11 km south-east


def doc(key, title, *, summary=None, category="tools", district="11440", dong=None, platform="Goods",
        free=None, amount=None, at=None, starts=None, ends=None, source_id=1, published=0):
    lat, lon = at if at else (None, None)
    listing = Listing(source_id=source_id, item_key=key, url=f"https://partner.example/{key}", title=title,
                      platform=platform, summary=summary, category=category, district=district, dong=dong,
                      lat=lat, lon=lon, price=Price(amount=amount, is_free=free),
                      starts_at=starts, ends_at=ends, published_at=NOW - timedelta(days=30 - published))
    return search_document(listing)


DOCS = [
    doc("drill", "전동드릴 대여", summary="충전식 드릴, 배터리 2개", dong="서교동", amount=3000, at=HONGDAE,
        published=1),
    doc("ladder", "알루미늄 사다리", summary="3단 사다리 빌려드려요", dong="망원1동", free=True, at=MANGWON,
        published=2),
    doc("saw", "원형톱 대여", summary="목공용 원형톱", district="11680", dong="역삼1동", amount=15000, at=GANGNAM,
        published=3),
    doc("room", "Meeting room for 8", summary="Bright meeting rooms near the station", category="space",
        district="11680", amount=50000, at=(37.5001, 127.0300), published=4, platform="Rooms", source_id=2),
    doc("talk", "공유경제 강연", summary="지난 강연", category="talent", amount=0, free=True,
        starts=NOW - timedelta(days=3), ends=NOW - timedelta(days=3) + timedelta(hours=2), published=5,
        platform="Events", source_id=3),
    doc("class", "목공 원데이클래스", summary="다음 주 목공 수업", category="talent", amount=20000,
        starts=NOW + timedelta(days=7), ends=NOW + timedelta(days=7, hours=3), published=6,
        platform="Events", source_id=3),
    doc("oneoff", "벼룩시장 (어제)", summary="어제 열린 장터", category="goods", starts=NOW - timedelta(days=2),
        published=7, platform="Events", source_id=3),
    doc("market", "벼룩시장 (다음 달)", summary="다음 달 장터", category="goods", starts=NOW + timedelta(days=30),
        published=8, platform="Events", source_id=3),
    doc("priceless", "Tool bag", summary="ask for the price", published=9),
    doc("window", "주말 캠핑장 예약", summary="예약 기간", category="space", amount=120000,
        starts=NOW + timedelta(days=1), ends=NOW + timedelta(days=20), published=10, platform="Rooms",
        source_id=2),
]


@pytest.fixture
def loaded(backend):
    backend.index(DOCS)
    return backend


def keys(result):
    return [h["url"].rsplit("/", 1)[1] for h in result.hits]


def search(engine, **kwargs):
    return engine.search(SearchQuery(per_page=50, **kwargs))


def test_dong_filter(loaded):
    assert keys(search(loaded, dongs=("망원1동",))) == ["ladder"]
    assert set(keys(search(loaded, dongs=("망원1동", "서교동")))) == {"ladder", "drill"}
    assert search(loaded, dongs=("없는동",)).total == 0


def test_price_range_counts_free_as_zero_and_leaves_out_unknown_prices(loaded):
    assert set(keys(search(loaded, price_max=5000))) == {"drill", "ladder", "talk"}
    assert set(keys(search(loaded, price_min=10000, price_max=60000))) == {"saw", "room", "class"}
    assert set(keys(search(loaded, price_min=100000))) == {"window"}
    assert "priceless" not in keys(search(loaded, price_min=0))


def test_date_overlap_keeps_undated_listings(loaded):
    week = search(loaded, available_from=NOW + timedelta(days=6), available_to=NOW + timedelta(days=8))
    assert {"class", "window", "drill", "priceless"} <= set(keys(week))
    assert not {"talk", "oneoff", "market"} & set(keys(week))
    later = search(loaded, available_from=NOW + timedelta(days=25), available_to=NOW + timedelta(days=40))
    assert "market" in keys(later) and "window" not in keys(later) and "class" not in keys(later)


def test_ended_listings_are_hidden_when_asked(loaded):
    shown = set(keys(search(loaded, ended_before=NOW)))
    assert not {"talk", "oneoff"} & shown  # ended; a one-off with only a start ends a day after it
    assert {"class", "market", "window", "drill"} <= shown
    assert {"talk", "oneoff"} <= set(keys(search(loaded)))


def test_excluded_sources_leave_results_and_facets(loaded):
    result = search(loaded, exclude_sources=(3,))
    assert "Events" not in result.facets["platform"]
    assert result.total == len(DOCS) - 4


def test_near_within_a_radius_sorted_by_distance(loaded):
    result = search(loaded, near=HONGDAE, radius_km=3, sort="distance")
    assert keys(result) == ["drill", "ladder"]
    wide = search(loaded, near=HONGDAE, radius_km=20, sort="distance")
    assert keys(wide) == ["drill", "ladder", "saw", "room"]
    # Without a radius: every listing with coordinates, nearest first.
    assert keys(search(loaded, near=GANGNAM, sort="distance")) == ["saw", "room", "drill", "ladder"]


def test_near_radius_edge_is_exact_distance_not_a_box(loaded):
    distance = haversine_km(*HONGDAE, *MANGWON)
    assert keys(search(loaded, near=HONGDAE, radius_km=distance + 0.05, dongs=("망원1동",))) == ["ladder"]
    assert search(loaded, near=HONGDAE, radius_km=distance - 0.05, dongs=("망원1동",)).total == 0
    # A point diagonal to the centre, inside the bounding box of the radius but outside the circle.
    corner = doc("corner", "corner drill", at=(HONGDAE[0] + 0.0190, HONGDAE[1] + 0.0240))
    loaded.index([corner])
    assert haversine_km(*HONGDAE, corner["lat"], corner["lon"]) > 2.5
    assert "corner" not in keys(search(loaded, near=HONGDAE, radius_km=2.5))


def test_sort_newest_and_price(loaded):
    newest = keys(search(loaded, sort="newest"))
    assert newest[:3] == ["window", "priceless", "market"]
    by_price = keys(search(loaded, sort="price"))
    # Free (0) first, then cheapest; unknown prices last, newest first among them.
    assert by_price[:2] == ["talk", "ladder"]
    assert by_price[2:7] == ["drill", "saw", "class", "room", "window"]
    assert set(by_price[7:]) == {"priceless", "market", "oneoff"}
    assert by_price[7:] == ["priceless", "market", "oneoff"]


def test_text_with_sort_newest(loaded):
    assert keys(search(loaded, text="대여", sort="newest")) == ["saw", "drill"]
    assert keys(search(loaded, text="대여", sort="price")) == ["drill", "saw"]


def test_price_band_facet(loaded):
    bands = search(loaded).facets["price_band"]
    assert bands == {"free": 2, "1-9999": 1, "10000-29999": 2, "30000-99999": 1, "100000+": 1}


def test_match_any_ors_the_words(loaded):
    assert search(loaded, text="사다리 원형톱").total == 0
    assert set(keys(search(loaded, text="사다리 원형톱", match_any=True))) == {"ladder", "saw"}


def test_pagination_edges(loaded):
    assert len(search(loaded).hits) == len(DOCS)
    pages = [keys(loaded.search(SearchQuery(per_page=3, page=p))) for p in (1, 2, 3, 4)]
    assert [len(p) for p in pages] == [3, 3, 3, 1]
    assert len({k for p in pages for k in p}) == len(DOCS)
    beyond = loaded.search(SearchQuery(per_page=MAX_PER_PAGE, page=500))
    assert beyond.hits == [] and beyond.total == len(DOCS)
    with pytest.raises(ValueError):
        SearchQuery(per_page=MAX_PER_PAGE + 1)
    with pytest.raises(ValueError):
        SearchQuery(sort="distance")  # needs near


# --- the service on top of each engine -------------------------------------------------------------

def test_place_words_become_a_district_filter_with_a_note(loaded):
    result = run_search(loaded, SearchQuery(text="마포 대여"), now=NOW)
    assert keys(result) == ["drill"]
    assert [n["code"] for n in result.notes] == ["place"]
    assert result.notes[0]["districts"] == ["11440"] and "Mapo-gu" in result.notes[0]["message_en"]
    off = run_search(loaded, SearchQuery(text="마포 대여"), SearchOptions(place_words=False, any_word_fallback=False),
                     now=NOW)
    assert off.total == 0 and off.notes == []
    assert keys(run_search(loaded, SearchQuery(text="강남역 meeting room"), now=NOW)) == ["room"]


def test_words_that_find_nothing_together_fall_back_to_any_with_a_note(loaded):
    result = run_search(loaded, SearchQuery(text="사다리 원형톱"), now=NOW)
    assert set(keys(result)) == {"ladder", "saw"}
    assert [n["code"] for n in result.notes] == ["any_word"]
    strict = run_search(loaded, SearchQuery(text="사다리 원형톱"), SearchOptions(any_word_fallback=False), now=NOW)
    assert strict.total == 0


def test_service_hides_ended_and_stale_by_default(loaded):
    shown = set(keys(run_search(loaded, SearchQuery(per_page=50), now=NOW, stale_source_ids=[2])))
    assert not {"talk", "oneoff", "room", "window"} & shown
    everything = run_search(loaded, SearchQuery(per_page=50), SearchOptions(include_ended=True, include_stale=True),
                            now=NOW, stale_source_ids=[2])
    assert everything.total == len(DOCS)


def test_highlights_mark_matched_words_in_title_and_summary(loaded):
    hit = run_search(loaded, SearchQuery(text="드릴"), now=NOW).hits[0]
    assert hit["highlights"]["title"] == "전동<mark>드릴</mark> 대여"
    assert hit["highlights"]["summary"] == "충전식 <mark>드릴</mark>, 배터리 2개"
    room = run_search(loaded, SearchQuery(text="ROOMS"), now=NOW).hits[0]
    assert room["highlights"]["title"] == "Meeting <mark>room</mark> for 8"
    assert "<mark>rooms</mark>" in room["highlights"]["summary"]


def test_hostile_text_is_escaped_in_highlights(loaded):
    hostile = doc("xss", "<img src=x onerror=alert(1)> drill", summary="<script>alert(1)</script> drill")
    loaded.index([hostile])
    hit = run_search(loaded, SearchQuery(text="onerror drill"), now=NOW).hits[0]
    assert "<img" not in hit["highlights"]["title"] and "&lt;img" in hit["highlights"]["title"]
    assert "<script>" not in hit["highlights"]["summary"]


def test_distance_is_given_with_near(loaded):
    hits = run_search(loaded, SearchQuery(near=HONGDAE, radius_km=3, sort="distance"), now=NOW).hits
    assert [round(h["distance_km"], 1) for h in hits] == [0.0, round(haversine_km(*HONGDAE, *MANGWON), 1)]


def test_the_same_answers_on_every_engine_for_a_mixed_query(loaded):
    query = SearchQuery(text="대여", districts=("11440", "11680"), price_max=20000, ended_before=NOW, per_page=5)
    result = loaded.search(query)
    assert (result.total, keys(result)) == (2, keys(result))
    assert set(keys(result)) == {"drill", "saw"}
    assert result.facets["district"] == {"11440": 1, "11680": 1}
    assert dataclasses.replace(query, page=2).offset == 5


# --- rebuild ------------------------------------------------------------------------------------------

def test_a_rebuild_replaces_the_documents_and_searches_see_old_or_new_never_partial(backend):
    backend.index(DOCS)
    seen: list[int] = []

    def batches():
        for start in range(0, 6, 2):
            # A search from another thread (its own connection) while the new index fills.
            reader = threading.Thread(target=lambda: seen.append(backend.search(SearchQuery()).total))
            reader.start()
            reader.join()
            yield DOCS[start:start + 2]

    assert backend.rebuild(batches()) == 6
    assert seen == [len(DOCS)] * 3
    result = backend.search(SearchQuery(per_page=50))
    assert result.total == 6 and set(keys(result)) == {"drill", "ladder", "saw", "room", "talk", "class"}
    backend.index([DOCS[-1]])  # writes go to the new index
    assert backend.count() == 7
    assert backend.rebuild(iter([])) == 0 and backend.count() == 0
