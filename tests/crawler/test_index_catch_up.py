"""A search engine that is down loses no update: crawls store their listings, the ids wait in the
catalog (search_pending), and the index catches up when the engine answers again.

"Down" is an Elasticsearch URL on a local port nobody listens on. The engine that comes back is the
embedded SQLite FTS5 index in the tests that need no node, and the real Elasticsearch node in the
one that does (``make es-up``; it fails, not skips, when the node cannot be reached, unless
SHAREHUB_TEST_SKIP_ES=1).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from crawler.runner import crawl_in_subprocess
from indexer.catalog import store
from indexer.catalog.models import ListingRow, SearchPending
from indexer.indexing import catch_up, delete_source
from indexer.search import SearchError, SearchQuery, open_search
from tests.crawler.test_duplicates_crawl import rss
from tests.indexer.search.conftest import ES_URL, SKIP_ES


def closed_port_url() -> str:
    """An http URL on a loopback port that was free a moment ago: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def alias():
    return f"sharehub-test-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def down(settings, alias):
    """The same data folder and catalog, with the search engine unreachable."""
    return settings.replace(search_url=closed_port_url(), search_index=alias)


@pytest.fixture
def es_settings(settings, alias):
    """The same catalog on the real Elasticsearch node, behind an alias of this test's own."""
    if SKIP_ES:
        pytest.skip("SHAREHUB_TEST_SKIP_ES=1")
    up = settings.replace(search_url=ES_URL, search_index=alias)
    engine = open_search(up)
    try:
        engine.count()
    except SearchError as exc:
        engine.close()
        pytest.fail(f"Elasticsearch at {ES_URL} is not reachable (`make es-up` starts one): {exc}")
    yield up
    engine.drop()
    engine.close()


pytestmark = pytest.mark.usefixtures("reset_partners")


def register(catalog, partner, kind="feed") -> int:
    with catalog.session() as s:
        platform = store.get_or_create_platform(s, partner.name)
        return store.add_source(s, platform, partner.feed_url, kind, 60).id


def pending(catalog) -> set[str]:
    with catalog.session() as s:
        return set(s.scalars(select(SearchPending.listing_id)))


def listing_ids(catalog, source_id=None, status="active") -> set[str]:
    query = select(ListingRow.id).where(ListingRow.status == status)
    if source_id is not None:
        query = query.where(ListingRow.source_id == source_id)
    with catalog.session() as s:
        return set(s.scalars(query))


def hits(settings, **kw) -> dict[str, dict]:
    engine = open_search(settings)
    try:
        return {h["id"]: h for h in engine.search(SearchQuery(per_page=1000, **kw)).hits}
    finally:
        engine.close()


def reindex_cli(monkeypatch, settings, *args):
    from search_ui.cli import main

    for key in [k for k in os.environ if k.startswith("SHAREHUB_")]:
        monkeypatch.delenv(key)
    env = {"SHAREHUB_DATA_DIR": settings.data_dir, "SHAREHUB_SEARCH_URL": settings.search_url,
           "SHAREHUB_SEARCH_INDEX": settings.search_index, "SHAREHUB_LOG_LEVEL": "WARNING"}
    return CliRunner().invoke(main, ["reindex", *args], env=env, catch_exceptions=False)


def test_a_crawl_while_the_engine_is_down_stores_its_listings_and_they_are_indexed_later(
        simulator, catalog, settings, down, caplog, monkeypatch):
    goods = simulator.partner("goods")
    source_id = register(catalog, goods)
    [result] = crawl_in_subprocess(down, [source_id])
    assert result.outcome == "ok" and result.counts["new"] >= 8, result
    active = listing_ids(catalog, source_id)
    assert len(active) == result.counts["new"]
    assert pending(catalog) == active

    # Still down: the catch-up applies nothing, says so, raises nothing, and keeps every row.
    with caplog.at_level(logging.ERROR, logger="indexer.indexing"):
        assert catch_up(catalog, down) == 0
    assert pending(catalog) == active
    [line] = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert line.startswith("elasticsearch: cannot reach") and f"{len(active)} listing(s) stay pending" in line
    refused = reindex_cli(monkeypatch, down, "--pending")
    assert refused.exit_code == 1 and f"applied 0 pending listings, {len(active)} still pending" in refused.stdout

    # An engine that answers (the embedded one, on the same data folder) catches up, from the CLI.
    assert hits(settings) == {}
    caught = reindex_cli(monkeypatch, settings, "--pending")
    assert caught.exit_code == 0, caught.output
    assert f"applied {len(active)} pending listings, 0 still pending" in caught.stdout
    assert set(hits(settings)) == active and pending(catalog) == set()
    assert any("드릴" in h["title"] for h in hits(settings, text="드릴").values())
    assert catch_up(catalog, settings) == 0  # nothing left to do


def test_a_source_deleted_while_the_engine_is_down_leaves_search_at_the_catch_up(simulator, catalog, settings, down):
    cars = simulator.partner("cars")
    source_id = register(catalog, cars)
    assert crawl_in_subprocess(settings, [source_id])[0].outcome == "ok"
    indexed = set(hits(settings, platforms=(cars.name,)))
    assert indexed and pending(catalog) == set()

    assert delete_source(catalog, down, source_id) == len(indexed)  # no error reaches the caller
    assert listing_ids(catalog) == set() and pending(catalog) == indexed
    assert set(hits(settings, platforms=(cars.name,))) == indexed  # the engine was not told yet

    assert catch_up(catalog, settings) == len(indexed)
    assert hits(settings, platforms=(cars.name,)) == {} and pending(catalog) == set()


def test_clusters_regrouped_while_the_engine_is_down_reach_the_index_at_the_catch_up(
        simulator, catalog, settings, down):
    goods, cars = simulator.partner("goods"), simulator.partner("cars")
    simulator.set_fault("goods", "body", rss("Goods", [
        ("g-drill", "전동드릴 대여 (충전식 18V)", "37.5559 126.9010"),
        ("g-saw", "원형톱 대여", "37.5559 126.9010")]))
    simulator.set_fault("cars", "body", rss("Cars", [
        ("c-drill", "충전식 전동드릴 18V 빌려드려요", "37.5562 126.9012")]))
    goods_id, cars_id = register(catalog, goods), register(catalog, cars)
    assert crawl_in_subprocess(settings, [goods_id])[0].outcome == "ok"
    [goods_drill] = [i for i, h in hits(settings, text="전동드릴").items()]

    # The second platform's drill arrives while the engine is down: the crawl marks it, and the
    # regrouping after the crawl marks the first drill, whose "also on" changed.
    assert crawl_in_subprocess(down, [cars_id])[0].outcome == "ok"
    [cars_drill] = listing_ids(catalog, cars_id)
    assert pending(catalog) == {goods_drill, cars_drill}
    with catalog.session() as s:
        assert set(s.scalars(select(ListingRow.cluster_id).where(ListingRow.cluster_id.is_not(None)))) \
            == {min(goods_drill, cars_drill)}
    assert hits(settings, text="전동드릴")[goods_drill]["also_on"] == []  # stale until the catch-up

    assert catch_up(catalog, settings) == 2
    [hit] = hits(settings, text="전동드릴").values()
    assert [o["id"] for o in hit["also_on"]] == [({goods_drill, cars_drill} - {hit["id"]}).pop()]
    assert pending(catalog) == set()


def test_elasticsearch_down_during_crawls_is_caught_up_when_it_returns(
        simulator, catalog, settings, down, es_settings):
    down, up = down.replace(dead_link_sample=100), es_settings.replace(dead_link_sample=100)
    goods = simulator.partner("goods")
    source_id = register(catalog, goods)
    [result] = crawl_in_subprocess(down, [source_id])
    assert result.outcome == "ok", result
    active = listing_ids(catalog, source_id)
    assert active and pending(catalog) == active

    assert catch_up(catalog, up) == len(active)
    assert set(hits(up)) == active and pending(catalog) == set()
    assert any("드릴" in h["title"] for h in hits(up, text="드릴").values())

    # Down again: a listing goes (its page answers 404) and the crawl cannot tell the index.
    victim_key = simulator.item_ids("goods", valid=True)[0]
    simulator.remove_item("goods", victim_key)
    [result] = crawl_in_subprocess(down, [source_id])
    assert result.outcome == "ok" and result.counts["gone"] == 1, result
    [victim] = listing_ids(catalog, source_id, status="gone")
    assert pending(catalog) == {victim} and victim in hits(up)
    assert catch_up(catalog, down) == 0 and pending(catalog) == {victim}  # a failing catch-up keeps it

    # The engine is back: the next crawl catches the index up before it crawls.
    [result] = crawl_in_subprocess(up, [source_id])
    assert result.outcome in ("ok", "not_modified"), result
    assert set(hits(up)) == active - {victim} and pending(catalog) == set()
