"""Crawls over real HTTP: Scrapy fetches the partner simulator on 127.0.0.1."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler.runner import crawl_in_subprocess
from indexer.catalog import store
from indexer.catalog.models import ItemDiagnostic, ListingRow
from indexer.indexing import delete_source
from indexer.search import SearchQuery, open_search


def register(catalog, partner, url=None) -> int:
    with catalog.session() as s:
        platform = store.get_or_create_platform(s, partner.name, name_ko=partner.name_ko)
        return store.add_source(s, platform, url or partner.feed_url, "auto", 60).id


def search(settings, **kw):
    engine = open_search(settings)
    try:
        return engine.search(SearchQuery(**kw))
    finally:
        engine.close()


pytestmark = pytest.mark.usefixtures("reset_partners")


def test_both_partners_crawled_normalized_stored_and_searchable(simulator, catalog, settings):
    goods, cars = simulator.partner("goods"), simulator.partner("cars")
    ids = [register(catalog, goods), register(catalog, cars)]
    results = crawl_in_subprocess(settings)
    assert [r.outcome for r in results] == ["ok", "ok"], results
    by_source = {r.source_id: r for r in results}
    for source_id in ids:
        counts = by_source[source_id].counts
        assert counts["seen"] == counts["new"] + counts["invalid"]
        assert counts["new"] >= 8 and counts["invalid"] >= 1

    with catalog.session() as s:
        rows = list(s.scalars(select(ListingRow)))
        diagnostics = list(s.scalars(select(ItemDiagnostic).where(ItemDiagnostic.severity == "error")))
        source = store.get_source(s, ids[0])
        assert source.resolved_kind == "feed" and source.etag
    # EUC-KR decoded, HTML sanitized, URLs absolute http(s), districts found
    titles = {r.title for r in rows}
    assert any("드릴" in t for t in titles)
    assert all(r.url.startswith("http://127.0.0.1:") for r in rows)
    assert not any("<script" in (r.description_html or "") or "onclick" in (r.description_html or "") for r in rows)
    assert len({r.district for r in rows if r.district}) >= 5
    assert any(r.price_unit == "minute" and r.price_unit_count == 10 for r in rows)
    assert any(r.price_is_free for r in rows)
    assert {d.code for d in diagnostics} >= {"missing_title"} or {d.code for d in diagnostics} >= {"invalid_link"}

    result = search(settings, text="드릴")
    assert result.total >= 1 and all("드릴" in h["title"] + (h["summary"] or "") for h in result.hits)
    assert set(search(settings).facets["platform"]) == {goods.name, cars.name}


def test_recrawl_sends_validators_and_an_unchanged_feed_writes_nothing(simulator, catalog, settings):
    goods = simulator.partner("goods")
    source_id = register(catalog, goods)
    first = crawl_in_subprocess(settings, [source_id])[0]
    assert first.outcome == "ok"
    second = crawl_in_subprocess(settings, [source_id])[0]
    assert second.outcome == "not_modified"
    conditional = [h for m, p, h in simulator.requests("goods") if p == "/rss.xml" or p.endswith(".xml")]
    assert any("If-None-Match" in h or "if-none-match" in {k.lower() for k in h} for h in conditional)
    agents = {v for _, _, h in simulator.requests("goods") for k, v in h.items() if k.lower() == "user-agent"}
    assert agents and all(a.startswith("SharingHubBot/") and "+http" in a for a in agents)

    # Content changes: one item vanishes; the next crawl reads the feed again, nothing new or updated.
    simulator.remove_item("goods", simulator.item_ids("goods", valid=True)[0])
    third = crawl_in_subprocess(settings, [source_id])[0]
    assert third.outcome == "ok"
    assert third.counts["new"] == 0 and third.counts["updated"] == 0
    assert third.counts["unchanged"] == first.counts["new"] - 1


def test_a_failing_partner_is_reported_and_loses_nothing(simulator, catalog, settings):
    goods = simulator.partner("goods")
    source_id = register(catalog, goods)
    assert crawl_in_subprocess(settings, [source_id])[0].outcome == "ok"
    with catalog.session() as s:
        before = store.active_listing_counts(s)[source_id]

    simulator.set_fault("goods", "status", 500)
    failed = crawl_in_subprocess(settings, [source_id])[0]
    assert failed.outcome == "failed" and failed.http_status == 500 and "500" in failed.error

    simulator.clear_faults("goods")
    simulator.set_fault("goods", "body", b"<html><body>maintenance</body></html>")
    broken = crawl_in_subprocess(settings, [source_id])[0]
    assert broken.outcome == "failed" and "not a feed" in broken.error.lower()

    with catalog.session() as s:
        assert store.active_listing_counts(s)[source_id] == before
    assert search(settings, platforms=(goods.name,)).total == before


def test_redirect_to_a_private_address_is_refused(simulator, catalog, settings):
    goods = simulator.partner("goods")
    source_id = register(catalog, goods)
    simulator.set_fault("goods", "redirect", "http://10.255.255.1/feed.xml")
    result = crawl_in_subprocess(settings, [source_id])[0]
    assert result.outcome == "failed"
    assert "not a public address" in result.error


def test_robots_txt_is_obeyed(simulator, catalog, settings):
    goods = simulator.partner("goods")
    source_id = register(catalog, goods, url=goods.base_url + "/private/feed.xml")
    result = crawl_in_subprocess(settings, [source_id])[0]
    assert result.outcome == "failed" and "robots.txt" in result.error
    assert not any(p.startswith("/private/") for _, p, _ in simulator.requests("goods"))


def test_deleting_a_source_removes_its_listings_from_search(simulator, catalog, settings):
    cars = simulator.partner("cars")
    source_id = register(catalog, cars)
    assert crawl_in_subprocess(settings, [source_id])[0].outcome == "ok"
    assert search(settings, platforms=(cars.name,)).total > 0
    assert delete_source(catalog, settings, source_id) > 0
    assert search(settings, platforms=(cars.name,)).total == 0
