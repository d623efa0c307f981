"""Every source kind crawled from the partner simulator over loopback, checked field by field."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler.runner import crawl_in_subprocess
from indexer.catalog import store
from indexer.catalog.models import ItemDiagnostic, ListingRow


@pytest.fixture(autouse=True)
def clean(simulator):
    simulator.reset()
    yield


def add(catalog, partner, kind="auto", config=None) -> int:
    with catalog.session() as s:
        platform = store.get_or_create_platform(s, partner.name)
        source = store.add_source(s, platform, partner.feed_url, kind, 60)
        source.config = config
        return source.id


def listings(catalog, source_id) -> dict[str, ListingRow]:
    with catalog.session() as s:
        return {r.item_key: r for r in s.scalars(select(ListingRow).where(ListingRow.source_id == source_id))}


def expected_items(simulator, key):
    return [item for item in simulator.items(key) if not item.get("invalid")]


@pytest.mark.parametrize("key", ["goods", "cars", "spaces", "events", "homes", "tools", "kids"])
def test_each_partner_resolves_its_kind_and_gives_its_listings(simulator, catalog, settings, key):
    partner = simulator.partner(key)
    # auto for every kind: the Seoul open API is known by its envelope; a listing page needs the
    # operator's selectors, and with them auto knows it is one.
    source_id = add(catalog, partner, "auto", partner.config if partner.kind == "html" else None)
    result = crawl_in_subprocess(settings, [source_id])[0]
    assert result.outcome == "ok", result.error
    with catalog.session() as s:
        source = store.get_source(s, source_id)
        assert (source.resolved_kind or source.kind) == partner.kind
        errors = list(s.scalars(select(ItemDiagnostic).where(ItemDiagnostic.severity == "error")))
    rows = listings(catalog, source_id)
    valid = expected_items(simulator, key)
    assert len(rows) == len(valid), (len(rows), len(valid), [e.message_en for e in errors][:5])
    assert result.counts["new"] == len(valid)
    assert all(r.url.startswith("http://127.0.0.1:") and r.title for r in rows.values())
    districts = {item["district"] for item in valid if item.get("district")}
    assert {r.district for r in rows.values() if r.district} >= districts
    free = sum(1 for item in valid if item.get("is_free"))
    assert sum(1 for r in rows.values() if r.price_is_free) == free
    assert not any("<script" in (r.description_html or "") for r in rows.values())

    again = crawl_in_subprocess(settings, [source_id])[0]
    assert again.outcome in ("ok", "not_modified")
    assert again.counts.get("new", 0) == 0 and again.counts.get("updated", 0) == 0


def test_a_gzip_sitemap_may_expand_only_to_the_response_cap(simulator, catalog, settings):
    """max_response_bytes bounds what a .xml.gz sitemap may decompress to, as it bounds bodies."""
    simulator.reset()
    homes = simulator.partner("homes")
    source_id = add(catalog, homes, "auto")
    simulator.set_fault("homes", "huge", 1, path="/sitemap-rooms.xml.gz")  # 1 MiB once unpacked
    try:
        result = crawl_in_subprocess(settings.replace(max_response_bytes=256 * 1024), [source_id])[0]
    finally:
        simulator.reset()
    assert result.outcome in ("partial", "failed"), result
    assert f"sitemap: decompressed body exceeds {256 * 1024} bytes" in result.error
