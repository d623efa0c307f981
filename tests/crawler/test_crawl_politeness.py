"""Lifecycle, politeness and safety of crawls, over real HTTP against the partner simulator."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler.runner import crawl_in_subprocess
from indexer.catalog import store
from indexer.catalog.models import ListingRow
from indexer.search import SearchQuery, open_search


@pytest.fixture(autouse=True)
def clean(simulator):
    simulator.reset()
    yield
    simulator.reset()


def add(catalog, partner, url=None, kind="auto") -> int:
    with catalog.session() as s:
        platform = store.get_or_create_platform(s, partner.name)
        return store.add_source(s, platform, url or partner.feed_url, kind, 60).id


def statuses(catalog) -> dict[str, str]:
    with catalog.session() as s:
        return {r.item_key: r.status for r in s.scalars(select(ListingRow))}


def indexed(settings, platform) -> int:
    engine = open_search(settings)
    try:
        return engine.search(SearchQuery(platforms=(platform,))).total
    finally:
        engine.close()


def test_a_missing_item_is_gone_after_three_complete_crawls_and_never_after_failures(simulator, catalog, settings):
    settings = settings.replace(dead_link_sample=0)  # its page answers 404: that rule is tested below
    cars = simulator.partner("cars")
    source_id = add(catalog, cars)
    first = crawl_in_subprocess(settings, [source_id])[0]
    assert first.outcome == "ok"
    victim = simulator.item_ids("cars", valid=True)[0]
    simulator.remove_item("cars", victim)
    total = first.counts["new"]

    for round_ in (1, 2):
        result = crawl_in_subprocess(settings, [source_id])[0]
        assert result.outcome in ("ok", "not_modified") and result.counts["gone"] == 0
        # Failures between successful crawls do not count as misses.
        simulator.set_fault("cars", "status", 500)
        assert crawl_in_subprocess(settings, [source_id])[0].outcome == "failed"
        simulator.clear_faults("cars")
        assert statuses(catalog)[victim] == "active"
        assert indexed(settings, cars.name) == total

    third = crawl_in_subprocess(settings, [source_id])[0]
    assert third.outcome in ("ok", "not_modified") and third.counts["gone"] == 1
    assert statuses(catalog)[victim] == "gone"
    assert indexed(settings, cars.name) == total - 1

    simulator.restore_items("cars")
    back = crawl_in_subprocess(settings, [source_id])[0]
    assert back.counts["updated"] == 1 and statuses(catalog)[victim] == "active"
    assert indexed(settings, cars.name) == total


def test_429_waits_for_retry_after_then_reads_the_feed(simulator, catalog, settings):
    source_id = add(catalog, simulator.partner("goods"))
    simulator.set_fault("goods", "retry_after", 1, times=1)
    result = crawl_in_subprocess(settings, [source_id])[0]
    assert result.outcome == "ok", result.error
    answers = [p for _, p, _ in simulator.requests("goods") if p == "/rss.xml"]
    assert len(answers) == 2  # the 429, then the retry after a second


def test_a_retry_after_longer_than_the_crawl_may_wait_fails_the_crawl_and_says_so(simulator, catalog, settings):
    source_id = add(catalog, simulator.partner("goods"))
    crawl_in_subprocess(settings, [source_id])
    simulator.set_fault("goods", "retry_after", 3600)
    result = crawl_in_subprocess(settings, [source_id])[0]
    assert result.outcome == "failed" and result.http_status == 429
    assert "Retry-After 3600" in result.error
    with catalog.session() as s:
        assert store.active_listing_counts(s)[source_id] > 0


def test_auto_finds_the_feed_a_homepage_advertises(simulator, catalog, settings):
    goods = simulator.partner("goods")
    source_id = add(catalog, goods, url=goods.homepage_url)
    result = crawl_in_subprocess(settings, [source_id])[0]
    assert result.outcome == "ok" and result.counts["new"] >= 10
    with catalog.session() as s:
        source = store.get_source(s, source_id)
        assert (source.resolved_kind, source.resolved_url) == ("feed", goods.feed_url)
    again = crawl_in_subprocess(settings, [source_id])[0]
    assert again.outcome == "not_modified"


def test_auto_says_clearly_when_nothing_usable_is_found(simulator, catalog, settings):
    goods = simulator.partner("goods")
    source_id = add(catalog, goods)
    simulator.set_fault("goods", "body", b"<html><head><title>x</title></head><body>no feed here</body></html>")
    result = crawl_in_subprocess(settings, [source_id])[0]
    assert result.outcome == "failed"
    assert result.error.startswith("auto: nothing usable found")


def test_a_dead_item_page_makes_its_listing_gone(simulator, catalog, settings):
    settings = settings.replace(dead_link_sample=100)
    goods = simulator.partner("goods")
    source_id = add(catalog, goods, kind="feed")
    assert crawl_in_subprocess(settings, [source_id])[0].outcome == "ok"
    victim = simulator.item_ids("goods", valid=True)[0]
    simulator.remove_item("goods", victim)  # its page answers 404 from now on
    result = crawl_in_subprocess(settings, [source_id])[0]
    assert result.outcome == "ok" and result.counts["gone"] == 1  # at once, not after three misses
    assert statuses(catalog)[victim] == "gone"
    with catalog.session() as s:
        assert s.scalar(select(ListingRow.gone_reason).where(ListingRow.item_key == victim)) == "dead_link"


@pytest.mark.parametrize("fault, value, expected", [
    ("delay", 4, "did not answer in time"),
    ("malformed", True, "rss: "),
    ("huge", 3, "larger than the crawler reads"),
    ("drop", True, "http: "),
    ("status", 503, "503"),
])
def test_misbehaving_partner_fails_clearly_and_keeps_its_listings(simulator, catalog, settings, fault, value,
                                                                   expected):
    settings = settings.replace(download_timeout=2, max_response_bytes=1024 * 1024, retry_after_max=1)
    goods = simulator.partner("goods")
    source_id = add(catalog, goods, kind="feed")
    assert crawl_in_subprocess(settings, [source_id])[0].outcome == "ok"
    before = statuses(catalog)
    simulator.set_fault("goods", fault, value)
    result = crawl_in_subprocess(settings, [source_id])[0]
    if fault == "malformed" and result.outcome != "failed":
        # Half a feed still parses: a partial crawl keeps the items read and marks nothing gone.
        assert result.outcome == "partial", result
        assert "well-formed" in (result.error or "")
    else:
        assert result.outcome == "failed", result
        assert expected in result.error, result.error
    assert statuses(catalog) == before
    assert indexed(settings, goods.name) == sum(1 for s in before.values() if s == "active")


def test_a_hanging_partner_does_not_hold_up_the_others(simulator, catalog, settings):
    settings = settings.replace(download_timeout=30)
    slow = add(catalog, simulator.partner("goods"), kind="feed")
    fast = add(catalog, simulator.partner("cars"), kind="feed")
    simulator.set_fault("goods", "delay", 5)
    results = {r.source_id: r for r in crawl_in_subprocess(settings, [slow, fast])}
    assert results[slow].outcome == results[fast].outcome == "ok"
    with catalog.session() as s:
        slow_run, fast_run = store.last_run(s, slow), store.last_run(s, fast)
        # The fast partner's crawl was finished and written while the slow one still waited.
        assert fast_run.finished_at < slow_run.finished_at
        assert fast_run.finished_at < slow_run.started_at + (slow_run.finished_at - slow_run.started_at) / 2
