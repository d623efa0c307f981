"""The crawl runner: sources split over processes by host, a bound on crawls at once, time limits."""

from __future__ import annotations

import pytest

from crawler.runner import crawl_in_subprocess, host_groups
from indexer.catalog import store
from tests.partners import PartnerSimulator


def add(catalog, name, url, kind="feed") -> int:
    with catalog.session() as s:
        platform = store.get_or_create_platform(s, name)
        return store.add_source(s, platform, url, kind, 60).id


def test_sources_of_one_host_share_a_group_and_groups_are_balanced(catalog):
    ids = {url: add(catalog, "p", url) for url in [
        "https://a.example/1", "https://a.example/2", "https://A.example/3",
        "https://b.example/1", "https://c.example/1", "https://d.example/1"]}
    groups = host_groups(catalog, None, processes=2)
    assert len(groups) == 2
    assert sorted(i for g in groups for i, _ in g) == sorted(ids.values())
    hosts_of = [{url.split("/")[2].lower() for _, url in g} for g in groups]
    assert not hosts_of[0] & hosts_of[1], "a host was split over two processes"
    assert sorted(len(g) for g in groups) == [3, 3]
    # Never more groups than hosts, and one process takes everything.
    assert len(host_groups(catalog, None, processes=8)) == 4
    assert len(host_groups(catalog, [ids["https://a.example/1"]], processes=8)) == 1
    assert len(host_groups(catalog, None, processes=1)) == 1


def test_paused_sources_are_left_out_unless_asked_for(catalog):
    kept, paused = add(catalog, "p", "https://a.example/1"), add(catalog, "p", "https://b.example/1")
    with catalog.session() as s:
        store.get_source(s, paused).paused = True
    assert [i for g in host_groups(catalog, None, 2) for i, _ in g] == [kept]
    assert [i for g in host_groups(catalog, [paused], 2) for i, _ in g] == [paused]


@pytest.fixture(scope="module")
def second_host():
    # The same partners on another loopback address: another host to the crawler.
    with PartnerSimulator(host="127.0.0.2", partners=["goods", "cars"]) as sim:
        yield sim


def test_two_hosts_crawl_in_two_processes_and_a_hung_one_does_not_cost_the_other_its_result(
        simulator, second_host, catalog, settings):
    settings = settings.replace(crawl_processes=2, download_timeout=60)
    simulator.reset()
    second_host.reset()
    fast = add(catalog, "cars", second_host.partner("cars").feed_url)
    hung = add(catalog, "goods", simulator.partner("goods").feed_url)
    simulator.set_fault("goods", "delay", 60)
    try:
        results = {r.source_id: r for r in crawl_in_subprocess(settings, [hung, fast], timeout=12)}
    finally:
        simulator.reset()
    assert results[fast].outcome == "ok" and results[fast].counts["new"] > 0
    assert results[hung].outcome == "failed"
    assert "did not finish within 12 s" in results[hung].error
    with catalog.session() as s:
        assert store.last_run(s, fast).outcome == "ok"
        # Stopped from outside: its run says why, and nothing of it is half-written.
        stopped = store.last_run(s, hung)
        assert stopped.outcome == "failed" and "did not finish within 12 s" in stopped.error
        assert stopped.finished_at is not None and stopped.seen == 0
        assert store.active_listing_counts(s).get(hung, 0) == 0


def test_at_most_concurrent_crawls_sources_are_crawled_at_once(simulator, catalog, settings):
    simulator.reset()
    settings = settings.replace(concurrent_crawls=1)
    ids = [add(catalog, key, simulator.partner(key).feed_url) for key in ("goods", "cars", "events")]
    results = crawl_in_subprocess(settings, ids)
    assert [r.outcome for r in results] == ["ok", "ok", "ok"]
    with catalog.session() as s:
        runs = sorted((store.last_run(s, i) for i in ids), key=lambda r: r.started_at)
    for earlier, later in zip(runs, runs[1:]):
        assert earlier.finished_at <= later.started_at, "two crawls ran at once"
