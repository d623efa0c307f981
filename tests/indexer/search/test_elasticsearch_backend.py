"""What only the Elasticsearch backend has: the index behind its alias, paging deletes, its errors.

The node is the one the conformance suite uses (``make es-up``, SHAREHUB_TEST_ES_URL); the tests that
need no node (the query body, an unreachable URL) always run.
"""

from __future__ import annotations

import json
import uuid

import pytest

from indexer.search.backend import SearchError
from indexer.search.elasticsearch import INDEX_VERSION, MAX_RESULT_WINDOW, ElasticsearchBackend
from indexer.search.query import SearchQuery
from tests.indexer.search.conftest import ES_URL, SKIP_ES
from tests.indexer.search.test_conformance import DOCS, doc, keys

needs_es = pytest.mark.skipif(SKIP_ES, reason="SHAREHUB_TEST_SKIP_ES=1")

UNREACHABLE = "http://127.0.0.1:9"


@pytest.fixture
def alias():
    return f"sharehub-test-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def es(alias):
    engine = ElasticsearchBackend(ES_URL, alias)
    yield engine
    engine.drop()
    engine.close()


@pytest.fixture
def client(es):
    return es._client


# -- no node needed ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", ['"unbalanced AND (', "title:drill", "a OR b -c", "*", "\\", "{\"json\": 1}",
                                  "전동드릴 AND 공구"])
def test_user_text_only_becomes_term_and_phrase_queries(text):
    body = json.dumps(ElasticsearchBackend.search_body(SearchQuery(text=text)), ensure_ascii=False)
    for parser in ("query_string", "simple_query_string", "\"match\"", "multi_match", "regexp",
                   "wildcard", "prefix", "fuzzy", "script"):
        assert parser not in body


def test_query_groups_become_terms_and_bigram_phrases():
    body = ElasticsearchBackend.search_body(SearchQuery(text="Drills 전동드릴"))
    must = body["query"]["bool"]["must"][0]["bool"]["must"]
    assert must[0]["bool"]["should"][0] == {"term": {"title_terms": {"value": "drill", "boost": 3.0}}}
    assert must[0]["bool"]["should"][1] == {"term": {"body_terms": {"value": "drill", "boost": 1.0}}}
    phrase = must[1]["bool"]["should"][0]["match_phrase"]["title_terms"]
    assert phrase["query"] == "전동 동드 드릴"
    assert must[0]["bool"]["minimum_should_match"] == 1


def test_empty_text_matches_all_newest_first():
    body = ElasticsearchBackend.search_body(SearchQuery())
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert body["sort"][0] == {"published_at": {"order": "desc", "missing": "_last"}}


@pytest.mark.parametrize("call", [
    lambda b: b.count(),
    lambda b: b.search(SearchQuery(text="공구")),
    lambda b: b.index([DOCS[0]]),
    lambda b: b.delete(["x"]),
    lambda b: b.delete_source(1),
    lambda b: b.clear(),
])
def test_unreachable_node_raises_search_error(call):
    backend = ElasticsearchBackend(UNREACHABLE, "sharehub-nowhere")
    with pytest.raises(SearchError) as info:
        call(backend)
    assert str(info.value).startswith("elasticsearch: ")
    assert UNREACHABLE in str(info.value)
    backend.close()


def test_invalid_alias_is_refused():
    with pytest.raises(SearchError):
        ElasticsearchBackend(UNREACHABLE, "Upper")


# -- against the node --------------------------------------------------------------------------

@needs_es
def test_versioned_index_behind_the_alias_with_explicit_mappings(es, client, alias):
    assert es.count() == 0
    assert set(client.indices.get_alias(name=alias).body) == {f"{alias}-v{INDEX_VERSION}"}
    mapping = client.indices.get_mapping(index=alias).body[f"{alias}-v{INDEX_VERSION}"]["mappings"]
    props = mapping["properties"]
    assert mapping["dynamic"] in (False, "false")
    for field in ("id", "category", "district", "dong", "platform", "source_id"):
        assert props[field]["type"] == "keyword", field
    assert props["is_free"]["type"] == "boolean"
    assert props["price_amount"]["type"] == "long"
    assert props["published_at"]["type"] == "date"
    assert props["location"]["type"] == "geo_point"
    assert props["title_terms"] == {"type": "text", "analyzer": "whitespace"}
    assert props["body_terms"] == {"type": "text", "analyzer": "whitespace"}
    assert props["doc"] == {"type": "object", "enabled": False}


@needs_es
def test_alias_on_an_older_version_moves_to_the_current_one(client, alias):
    old = f"{alias}-v0"
    client.indices.create(index=old, aliases={alias: {}})
    engine = ElasticsearchBackend(ES_URL, alias)
    try:
        engine.index(DOCS)
        assert set(client.indices.get_alias(name=alias).body) == {f"{alias}-v{INDEX_VERSION}"}
        assert not client.indices.exists(index=old)
        assert engine.count() == len(DOCS)
    finally:
        engine.drop()
        client.options(ignore_status=404).indices.delete(index=old)


@needs_es
def test_a_concrete_index_in_the_alias_place_is_a_clear_error(client, alias):
    client.indices.create(index=alias)
    engine = ElasticsearchBackend(ES_URL, alias)
    try:
        with pytest.raises(SearchError, match="concrete index"):
            engine.count()
    finally:
        client.indices.delete(index=alias)
        engine.drop()


@needs_es
def test_delete_source_pages_through_ids_without_delete_by_query(es, client, monkeypatch):
    many = [doc(f"bulk-{i}", f"item {i}", source_id=7) for i in range(2500)]
    es.index(many + DOCS)

    def forbidden(*args, **kwargs):
        raise AssertionError("this build has no _delete_by_query")
    monkeypatch.setattr(type(client), "delete_by_query", forbidden)
    es.delete_source(7)
    assert es.count() == len(DOCS)
    es.delete_source(1)
    assert set(keys(es.search(SearchQuery(per_page=100)))) == {"car", "quote"}
    es.delete_source(12345)  # no documents: nothing to do
    assert es.count() == 2


@needs_es
def test_hits_come_back_exactly_as_indexed(es):
    listing = dict(DOCS[0], lat=37.5665, lon=126.978, images=["https://partner.example/a.jpg"])
    es.index([listing])
    assert es.search(SearchQuery(text="전동드릴")).hits == [listing]


@needs_es
def test_malformed_dates_and_coordinates_do_not_reject_the_document(es):
    odd = dict(doc("odd", "이상한 날짜"), published_at="sometime soon", lat=999.0, lon=0.0)
    es.index([odd])
    result = es.search(SearchQuery(text="날짜"))
    assert result.hits == [odd]


@needs_es
def test_pages_past_the_result_window_answer_without_hits(es):
    es.index(DOCS)
    far = SearchQuery(per_page=1000, page=MAX_RESULT_WINDOW // 1000 + 1)
    result = es.search(far)
    assert result.total == len(DOCS)
    assert result.hits == []
    assert result.facets["platform"] == {"Goods": 5, "Cars": 3}


@needs_es
def test_drop_removes_index_and_alias_and_next_use_recreates(es, client, alias):
    es.index(DOCS)
    es.drop()
    assert not client.indices.exists_alias(name=alias)
    assert not client.indices.exists(index=f"{alias}-v{INDEX_VERSION}")
    assert es.count() == 0
    assert client.indices.exists_alias(name=alias)


@needs_es
def test_an_index_deleted_behind_its_back_is_created_again(es, client, alias):
    es.index(DOCS)
    client.indices.delete(index=f"{alias}-v{INDEX_VERSION}")
    with pytest.raises(SearchError, match="index_not_found"):
        es.search(SearchQuery(text="공구"))
    assert es.search(SearchQuery(text="공구")).total == 0
    assert es.index(DOCS[:1]) == 1
    assert es.count() == 1


@needs_es
@pytest.mark.parametrize("suffix, message", [(f"-v{INDEX_VERSION + 1}", "newer"), ("-mine", "did not create")])
def test_an_alias_on_a_newer_or_foreign_index_is_left_alone(client, alias, suffix, message):
    other = alias + suffix
    client.indices.create(index=other, aliases={alias: {}})
    engine = ElasticsearchBackend(ES_URL, alias)
    try:
        with pytest.raises(SearchError, match=message):
            engine.count()
        assert client.indices.exists(index=other)
        assert set(client.indices.get_alias(name=alias).body) == {other}
    finally:
        client.indices.delete(index=other)
        engine.close()


def _many_clusters(n_clusters: int) -> list[dict]:
    """n_clusters things, each listed on two platforms, in several categories and districts."""
    from indexer.listing import Listing, Price, search_document

    docs = []
    for i in range(n_clusters):
        pair = [Listing(source_id=s, item_key=f"c{i}", url=f"https://p{s}.example/{i}", title=f"hall {i}",
                        platform=f"P{s}", category=("space", "tools", "goods")[i % 3],
                        district=("11440", "11680", "11710", "11110")[i % 4], price=Price(is_free=i % 2 == 0))
                for s in (1, 2)]
        cluster = min(x.id for x in pair)
        for x in pair:
            other = pair[1] if x is pair[0] else pair[0]
            docs.append(search_document(x, cluster, [{"id": other.id, "platform": other.platform,
                                                      "url": other.url, "title": other.title}]))
    return docs


def test_cluster_counts_above_the_precision_are_flagged_approximate_and_within_two_percent(alias, tmp_path):
    from indexer.search.sqlite_fts import SqliteFtsBackend

    if SKIP_ES:
        pytest.skip("SHAREHUB_TEST_SKIP_ES=1")
    docs = _many_clusters(6000)
    exact_engine = SqliteFtsBackend(tmp_path / "exact.sqlite3")
    exact_engine.index(docs)
    exact = exact_engine.search(SearchQuery(text="hall"))
    exact_engine.close()
    assert exact.total == 6000 and not exact.facets_approximate
    engine = ElasticsearchBackend(ES_URL, alias, cluster_precision=1000)
    try:
        for start in range(0, len(docs), 2000):
            engine.index(docs[start:start + 2000])
        estimate = engine.search(SearchQuery(text="hall"))
        assert estimate.facets_approximate is True
        assert abs(estimate.total - exact.total) <= 0.02 * exact.total
        for facet in ("category", "district", "platform", "free"):
            assert set(estimate.facets[facet]) == set(exact.facets[facet])
            for value, n in exact.facets[facet].items():
                assert abs(estimate.facets[facet][value] - n) <= 0.02 * n, (facet, value)
        # Below the precision the same counts are exact, and not flagged.
        small = engine.search(SearchQuery(text="hall", districts=("11440",), categories=("space",)))
        assert small.facets_approximate is False
        assert small.total == exact_count(docs, "11440", "space")
    finally:
        engine.drop()
        engine.close()


def exact_count(docs, district, category):
    return len({d["cluster"] for d in docs if d["district"] == district and d["category"] == category})
