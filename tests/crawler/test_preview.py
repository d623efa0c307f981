"""Previews: a URL fetched now, as a crawl would fetch it, its kind resolved and its first items
normalized, with nothing written anywhere. Real Scrapy over loopback against the partner simulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.preview import EXTRA_DOCUMENTS, preview_source
from crawler.spiders.source import DocumentResult, SourceSpec
from indexer.listing import Listing

FEEDS = ("goods", "cars", "events")


@pytest.fixture(autouse=True)
def clean(simulator):
    simulator.reset()
    yield
    simulator.reset()


def fetched(simulator, key) -> list[str]:
    """Paths the partner served, robots.txt (Scrapy's own check) left out."""
    return [path for _, path, _ in simulator.requests(key) if path != "/robots.txt"]


@pytest.mark.parametrize("key", ["goods", "cars", "spaces", "events", "homes", "tools", "kids"])
def test_each_partner_resolves_its_kind_and_shows_its_first_items(simulator, settings, key):
    partner = simulator.partner(key)
    config = partner.config if partner.kind == "html" else None  # a listing page needs its selectors
    preview = preview_source(settings, partner.feed_url, config=config, platform=partner.name)

    assert preview.ok and preview.error is None, preview.error
    assert preview.outcome == "ok" and preview.kind == "auto"
    assert preview.resolved_kind == partner.kind
    assert preview.resolved_url == partner.feed_url
    if key == "spaces":  # the Seoul open API is known by its envelope: its preset
        assert preview.resolved_config == {"preset": "seoul_reservation", "service": "ListPublicReservationInstitution"}
    else:
        assert preview.resolved_config is None
    assert preview.format

    expected = [item for item in simulator.items(key) if item.get("invalid") != "robots_disallowed"]
    assert 0 < len(preview.items) <= 20
    assert preview.total_items >= len(preview.items)
    for listing, diagnostics in preview.items:  # each item unpacks as normalize_item's pair
        assert listing is None or (isinstance(listing, Listing) and listing.platform == partner.name
                                   and listing.url.startswith(partner.base_url) and listing.title)
        assert listing is not None or any(d.severity == "error" or d.code == "no_structured_data"
                                          for d in diagnostics)
        assert all(d.message_en and d.message_ko for d in diagnostics)
    if key in FEEDS:  # one document: every item seen, each broken one with its own diagnostic
        assert preview.complete and preview.total_items == len(expected) and fetched(simulator, key) == [
            partner.feed_url.removeprefix(partner.base_url)]
        assert [d.code for item in preview.items if item.listing is None for d in item.diagnostics] == \
            [item["invalid"] for item in expected[:len(preview.items)] if item.get("invalid")]
        assert preview.invalid == sum(1 for item in expected if item.get("invalid"))
    else:  # more than a preview shows: it stops once it has its items
        assert not preview.complete and len(preview.items) == 20
        assert len(fetched(simulator, key)) <= 20 + EXTRA_DOCUMENTS
    json.dumps(preview.to_dict())  # renderable as it is
    assert preview.to_dict()["items"][0]["listing"]["title"]
    assert not Path(settings.data_dir).exists()  # no catalog, no index, nothing written


def test_a_homepage_resolves_to_the_feed_it_advertises(simulator, settings):
    events = simulator.partner("events")  # a relative <link rel="alternate" type="application/atom+xml">
    preview = preview_source(settings, events.homepage_url)
    assert preview.ok, preview.error
    assert (preview.resolved_kind, preview.resolved_url, preview.format) == ("feed", events.feed_url, "atom10")
    assert preview.summary().startswith(f"feed (atom10) at {events.feed_url}, 40 items, ")


def test_a_sitemap_preview_reads_only_the_pages_it_shows(simulator, settings):
    homes = simulator.partner("homes")  # 60 room pages behind robots.txt and a sitemap index
    preview = preview_source(settings, homes.feed_url, max_items=3)
    assert preview.ok and preview.resolved_kind == "sitemap"
    assert len(preview.items) == 3 and not preview.complete
    assert "3+ items" in preview.summary()
    rooms = [path for path in fetched(simulator, "homes") if path.startswith("/rooms/")]
    assert len(rooms) == 3, rooms
    # In the order the sitemap lists them, whatever order they arrived in.
    listed = [item.key for item in preview.items]
    assert listed == sorted(listed, key=lambda k: int(k.rsplit("/", 1)[1].split("#")[0]))


@pytest.mark.parametrize("case", ["listing page without selectors", "404", "selector typo", "json, not a feed",
                                  "html given as a feed"])
def test_nothing_usable_is_said_clearly(simulator, settings, case):
    goods, tools = simulator.partner("goods"), simulator.partner("tools")
    url, kind, config, expected = {
        "listing page without selectors": (tools.feed_url, "auto", None,
                                           'links no feed (<link rel="alternate">) and robots.txt names no sitemap'),
        "404": (goods.base_url + "/no-such-feed.xml", "auto", None, "answered 404"),
        "selector typo": (tools.feed_url, "html", {**tools.config, "item": "li.tool-typo"},
                          "html: the item selector 'li.tool-typo' matched nothing"),
        "json, not a feed": (goods.feed_url, "auto", None, "JSON that is not a JSON Feed"),
        "html given as a feed": (goods.homepage_url, "feed", None, "not a feed: looks like HTML"),
    }[case]
    if case == "json, not a feed":
        simulator.set_fault("goods", "body", b'{"rows": [{"name": "drill"}]}')
    preview = preview_source(settings, url, kind, config)
    assert not preview.ok and preview.outcome in ("failed", "ok")
    assert preview.error.startswith(f"crawler: nothing usable found at {url}: ")
    assert expected in preview.error, preview.error
    assert preview.summary() == preview.error and preview.to_dict()["error"] == preview.error
    assert not preview.items


def test_private_addresses_are_refused_without_the_allowance(simulator, settings):
    goods = simulator.partner("goods")
    preview = preview_source(settings.replace(allow_private_networks=""), goods.feed_url)
    assert not preview.ok and preview.outcome == "failed"
    assert "not a public address" in preview.error and "SHAREHUB_ALLOW_PRIVATE_NETWORKS" in preview.error
    assert simulator.requests("goods") == []  # not even robots.txt


def test_a_hanging_partner_ends_the_preview_in_time(simulator, settings):
    goods = simulator.partner("goods")
    # The partner would answer only after the suite's own timeout: a preview that waited for it fails.
    simulator.set_fault("goods", "delay", 3600)
    preview = preview_source(settings, goods.feed_url, timeout=2)
    assert preview.error == (f"crawler: nothing usable found at {goods.feed_url}: "
                             "no answer within the preview's time limit")


def test_pages_without_schema_org_data_are_nothing_usable():
    """The documents' verdict alone (no fetching): a sitemap whose pages carry no listing data."""
    from crawler.parsers.base import Link, ParseResult

    spec = SourceSpec(0, "https://p.example/sitemap.xml", "auto", "p", max_items=20)
    sitemap = ParseResult("sitemap", links=[Link(f"https://p.example/{n}", "page") for n in (2, 1)])
    results = [DocumentResult(0, spec.url, "entry", "ok", kind="sitemap", http_status=200, parsed=sitemap)]
    results += [DocumentResult(0, f"https://p.example/{n}", "page", "ok", kind="sitemap", http_status=200,
                               parsed=ParseResult("structured")) for n in (1, 2)]
    from crawler.preview import build_preview

    preview = build_preview(results, spec)
    assert not preview.ok and preview.resolved_kind == "sitemap" and preview.total_items == preview.invalid == 2
    assert preview.error == ("crawler: nothing usable found at https://p.example/sitemap.xml: "
                             "its pages have no schema.org listing data (JSON-LD, microdata or RDFa)")
    assert [item.key for item in preview.items] == ["https://p.example/2", "https://p.example/1"]  # sitemap order
    assert [d.code for item in preview.items for d in item.diagnostics] == ["no_structured_data"] * 2
