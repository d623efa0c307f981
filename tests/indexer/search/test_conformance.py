"""One contract, every engine: the same documents and queries give the same answers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from indexer.listing import Listing, Price, search_document
from indexer.search.query import SearchQuery

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone(timedelta(hours=9)))


def doc(key, title, *, summary=None, html=None, category=None, district=None, platform="Goods",
        free=None, amount=None, days=0, source_id=1, tags=()):
    listing = Listing(source_id=source_id, item_key=key, url=f"https://partner.example/{key}",
                      title=title, platform=platform, summary=summary, description_html=html,
                      category=category, district=district,
                      price=Price(amount=amount, is_free=free, unit="day" if amount else None,
                                  unit_count=1 if amount else None),
                      published_at=T0 + timedelta(days=days), tags=list(tags))
    return search_document(listing)


DOCS = [
    doc("drill", "전동드릴 대여", summary="충전식 전동드릴", category="tools", district="11440",
        free=False, amount=3000, days=1),
    doc("toolset", "공구세트 (가정용)", summary="망치, 드라이버", category="tools", district="11440",
        free=True, days=2),
    doc("library", "공구도서관 회원 안내", html="<p>마포구 <b>공구도서관</b> 이용 방법</p>",
        category="info", district="11440", free=True, days=3),
    doc("stroller", "유모차 대여", summary="Baby stroller, lightly used", category="kids",
        district="11350", free=False, amount=2000, days=4),
    doc("tent", "Camping tents for 4 people", summary="Two tents, 4-person", category="goods",
        district="11710", free=True, days=5, platform="Cars"),
    doc("car", "쏘나타 하이브리드", summary="강남역 2번 출구 카셰어링", category="car", district="11680",
        free=False, amount=9900, days=6, platform="Cars", source_id=2, tags=["나눔카"]),
    doc("quote", '"quoted" AND (parens', summary="a title full of query syntax", category="goods",
        district="11680", days=7, source_id=2, platform="Cars"),
    doc("drillbits", "Drill bits set", summary="tools for the cordless drill", category="tools",
        district="11350", free=False, amount=1000, days=8),
]


@pytest.fixture
def loaded(backend):
    assert backend.index(DOCS) == len(DOCS)
    return backend


def ids(result):
    return [h["id"] for h in result.hits]


def key_of(key):
    return doc(key, "x")["id"]


def keys(result):
    return [h["url"].rsplit("/", 1)[1] for h in result.hits]


def test_count_and_match_all_newest_first(loaded):
    assert loaded.count() == len(DOCS)
    result = loaded.search(SearchQuery())
    assert result.total == len(DOCS)
    assert keys(result) == ["drillbits", "quote", "car", "tent", "stroller", "library", "toolset", "drill"]


def test_hits_are_the_stored_document(loaded):
    result = loaded.search(SearchQuery(text="쏘나타"))
    assert result.hits == [d for d in DOCS if d["title"] == "쏘나타 하이브리드"]


def test_two_syllable_korean_query_matches_inside_longer_words(loaded):
    assert set(keys(loaded.search(SearchQuery(text="공구")))) == {"toolset", "library"}
    assert keys(loaded.search(SearchQuery(text="드릴"))) == ["drill"]


def test_longer_korean_word_matches_as_a_phrase_of_bigrams(loaded):
    assert keys(loaded.search(SearchQuery(text="공구도서관"))) == ["library"]
    # 도서 and 공구 both occur in the library doc but 서공 does not: no false hit on scattered bigrams.
    assert keys(loaded.search(SearchQuery(text="공구세트"))) == ["toolset"]


def test_text_in_html_description_and_tags_is_found(loaded):
    assert keys(loaded.search(SearchQuery(text="이용 방법"))) == ["library"]
    assert keys(loaded.search(SearchQuery(text="나눔카"))) == ["car"]


def test_english_is_case_insensitive_and_folds_plurals(loaded):
    assert keys(loaded.search(SearchQuery(text="TENT"))) == ["tent"]
    assert keys(loaded.search(SearchQuery(text="strollers"))) == ["stroller"]


def test_several_words_are_anded(loaded):
    assert keys(loaded.search(SearchQuery(text="drill bits"))) == ["drillbits"]
    assert loaded.search(SearchQuery(text="drill tent")).total == 0


def test_title_matches_rank_above_body_matches(loaded):
    # "drill" is in the title of drillbits and only in the body (summary) of nothing else in English;
    # "tools" occurs in the drillbits body only, "cordless" too: a title hit must beat a body hit.
    result = loaded.search(SearchQuery(text="tent"))
    assert keys(result)[0] == "tent"
    both = doc("body-only", "Folding chair", summary="goes well with a tent", days=9)
    loaded.index([both])
    assert keys(loaded.search(SearchQuery(text="tent"))) == ["tent", "body-only"]


@pytest.mark.parametrize("text", ['"unbalanced AND (', "NEAR(a b)", "title:drill", "*", "a OR b -c",
                                  "drill\"", "\\", "(((", "{\"json\": 1}", "'; DROP TABLE x; --"])
def test_user_text_is_data_not_syntax(loaded, text):
    result = loaded.search(SearchQuery(text=text))
    assert result.total >= 0
    assert isinstance(result.hits, list)


def test_query_syntax_characters_find_the_document_that_contains_those_words(loaded):
    assert keys(loaded.search(SearchQuery(text='"quoted" AND (parens'))) == ["quote"]


def test_filters_category_district_platform_free(loaded):
    assert set(keys(loaded.search(SearchQuery(categories=("tools",))))) == {"drill", "toolset", "drillbits"}
    assert set(keys(loaded.search(SearchQuery(categories=("tools", "kids"))))) == {
        "drill", "toolset", "drillbits", "stroller"}
    assert set(keys(loaded.search(SearchQuery(districts=("11350", "11710"))))) == {
        "stroller", "tent", "drillbits"}
    assert set(keys(loaded.search(SearchQuery(platforms=("Cars",))))) == {"tent", "car", "quote"}
    assert set(keys(loaded.search(SearchQuery(free=True)))) == {"toolset", "library", "tent"}
    assert set(keys(loaded.search(SearchQuery(free=False)))) == {
        "drill", "stroller", "car", "quote", "drillbits"}
    assert keys(loaded.search(SearchQuery(text="공구", free=True, categories=("tools",)))) == ["toolset"]


def test_facets_count_every_match_not_just_the_page(loaded):
    result = loaded.search(SearchQuery(per_page=1))
    assert len(result.hits) == 1
    assert result.facets["category"] == {"tools": 3, "goods": 2, "info": 1, "kids": 1, "car": 1}
    assert result.facets["district"] == {"11440": 3, "11350": 2, "11680": 2, "11710": 1}
    assert result.facets["platform"] == {"Goods": 5, "Cars": 3}
    assert result.facets["free"] == {"true": 3, "false": 5}


def test_facets_follow_text_and_filters(loaded):
    result = loaded.search(SearchQuery(text="drill", districts=("11350",)))
    assert keys(result) == ["drillbits"]
    assert result.facets["category"] == {"tools": 1}
    assert result.facets["free"] == {"false": 1}


def test_pagination(loaded):
    first = loaded.search(SearchQuery(per_page=3, page=1))
    second = loaded.search(SearchQuery(per_page=3, page=2))
    last = loaded.search(SearchQuery(per_page=3, page=3))
    assert first.total == second.total == last.total == len(DOCS)
    assert len(last.hits) == 2
    assert len(set(ids(first)) | set(ids(second)) | set(ids(last))) == len(DOCS)
    assert loaded.search(SearchQuery(per_page=3, page=9)).hits == []


def test_reindexing_a_document_replaces_it(loaded):
    changed = dict(DOCS[0], title="충전 임팩트 대여", summary="충전식", category="goods")
    loaded.index([changed])
    assert loaded.count() == len(DOCS)
    assert keys(loaded.search(SearchQuery(text="임팩트"))) == ["drill"]
    assert loaded.search(SearchQuery(text="전동드릴")).total == 0
    assert loaded.search(SearchQuery(text="임팩트")).hits[0]["category"] == "goods"
    assert loaded.search(SearchQuery(categories=("tools",))).total == 2


def test_delete_and_delete_source(loaded):
    loaded.delete([key_of("drill"), "no-such-id"])
    assert loaded.count() == len(DOCS) - 1
    assert loaded.search(SearchQuery(text="전동드릴")).total == 0
    loaded.delete_source(2)
    assert loaded.count() == len(DOCS) - 3
    assert loaded.search(SearchQuery(platforms=("Cars",))).total == 1  # the tent, source 1
    loaded.clear()
    assert loaded.count() == 0
    assert loaded.search(SearchQuery(text="공구")).total == 0


def test_optimize_after_deletes_keeps_every_answer(loaded):
    loaded.delete([key_of("drill")])
    before = [ids(loaded.search(SearchQuery(text=t))) for t in ("공구", "drill", "대여")]
    loaded.optimize()   # the worker's housekeeping: merges segments while searches go on
    assert [ids(loaded.search(SearchQuery(text=t))) for t in ("공구", "drill", "대여")] == before
    assert loaded.count() == len(DOCS) - 1 and loaded.search(SearchQuery(text="전동드릴")).total == 0
    loaded.index([doc("drill", "전동드릴 대여", category="tools")])
    assert loaded.search(SearchQuery(text="전동드릴")).total == 1


# --- clusters: the same thing on several platforms is one hit --------------------------------------------------

def clustered(*members):
    """Search documents of listings that are one thing on several platforms (as the catalog writes them)."""
    listings = [Listing(source_id=source_id, item_key=key, url=f"https://{platform.lower()}.example/{key}",
                        title=title, platform=platform, category=category, district="11440",
                        price=Price(is_free=free), published_at=T0 + timedelta(days=days))
                for key, title, platform, source_id, category, free, days in members]
    cluster_id = min(listing.id for listing in listings)
    return [search_document(listing, cluster_id,
                            [{"id": other.id, "platform": other.platform, "url": other.url, "title": other.title}
                             for other in listings if other is not listing])
            for listing in listings]


CLUSTER = clustered(("hall-a", "망원 마을회관 대관", "Spaces", 3, "space", True, 20),
                    ("hall-b", "망원마을회관 대관 안내", "Halls", 4, "space", False, 21),
                    ("hall-c", "Mangwon village hall", "Rooms", 5, None, True, 19))


@pytest.fixture
def with_cluster(loaded):
    loaded.index(CLUSTER)
    return loaded


def test_a_cluster_is_one_hit_and_counts_once(with_cluster):
    result = with_cluster.search(SearchQuery())
    assert result.total == len(DOCS) + 1
    hall_hits = [h for h in result.hits if h["cluster"] == CLUSTER[0]["cluster"]]
    assert [h["url"].rsplit("/", 1)[1] for h in hall_hits] == ["hall-b"]  # the newest member, as sorted
    assert {o["platform"] for o in hall_hits[0]["also_on"]} == {"Spaces", "Rooms"}
    assert keys(result)[0] == "hall-b"


def test_a_text_query_shows_the_best_matching_member(with_cluster):
    result = with_cluster.search(SearchQuery(text="village hall"))
    assert (result.total, keys(result)) == (1, ["hall-c"])
    result = with_cluster.search(SearchQuery(text="마을회관"))
    assert result.total == 1 and len(result.hits) == 1


def test_facets_count_clusters_and_filters_pick_their_member(with_cluster):
    result = with_cluster.search(SearchQuery(categories=("space",)))
    assert result.total == 1 and result.facets["category"] == {"space": 1}
    # Each platform that lists the hall counts it once; the filter shows that platform's member.
    assert {p: result.facets["platform"][p] for p in ("Spaces", "Halls")} == {"Spaces": 1, "Halls": 1}
    assert result.facets["free"] == {"true": 1, "false": 1}  # free on one platform, paid on another
    assert keys(with_cluster.search(SearchQuery(platforms=("Halls",)))) == ["hall-b"]
    assert with_cluster.search(SearchQuery()).facets["district"]["11440"] == 3 + 1
    assert with_cluster.search(SearchQuery(free=True)).facets["free"] == {"true": 3 + 1}


def test_pages_hold_clusters_not_documents(with_cluster):
    seen = []
    for page in (1, 2, 3):
        seen += keys(with_cluster.search(SearchQuery(page=page, per_page=4)))
    assert len(seen) == len(DOCS) + 1 and len(set(seen)) == len(seen)


def test_a_listing_that_leaves_its_cluster_stands_alone(with_cluster):
    alone = [{**d, "cluster": d["id"], "also_on": []} for d in CLUSTER]
    with_cluster.index(alone)
    result = with_cluster.search(SearchQuery(categories=("space",)))
    assert result.total == 2 and sorted(keys(result)) == ["hall-a", "hall-b"]
