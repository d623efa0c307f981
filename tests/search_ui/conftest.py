from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from indexer.catalog import Catalog, store
from indexer.catalog.models import ListingRow
from indexer.indexing import reindex_all
from indexer.listing import Listing, Price
from search_ui import create_app

# Real-browser fixtures (Chromium via Playwright, the app over HTTP): see browser.py.
from .browser import chromium_browser, js_errors, live_url, new_page, page, page_nojs  # noqa: F401

KST = timezone(timedelta(hours=9))


def sample_listings(source_id: int) -> list[Listing]:
    t0 = datetime(2026, 11, 20, 9, 0, tzinfo=KST)
    return [
        Listing(source_id, "drill", "https://goods.example/items/drill", "전동드릴 대여",
                summary="충전식 전동드릴, 1일 3,000원", category="tools", district="11440", dong="망원1동",
                price=Price(3000, "KRW", "day", 1, False), published_at=t0,
                description_html="<p>충전식 <b>전동드릴</b></p>"),
        Listing(source_id, "toolset", "https://goods.example/items/toolset", "공구세트 (가정용)",
                summary="무료 대여", category="tools", district="11350", price=Price(0, "KRW", None, None, True),
                published_at=t0 + timedelta(hours=1)),
        Listing(source_id, "stroller", "https://goods.example/items/stroller", "Baby stroller",
                summary="lightly used <script>", category="kids", district="11440",
                price=Price(10000, "KRW", "week", 1, False), published_at=t0 + timedelta(hours=2)),
    ]


def build_app(settings, listings=None, test_config=None):
    """A catalog holding `listings` (default: sample_listings) of one platform, indexed, and the app."""
    catalog = Catalog.from_settings(settings)
    with catalog.session() as session:
        platform = store.get_or_create_platform(session, "Neighbourhood Goods", name_ko="동네물품",
                                                homepage="https://goods.example/")
        source = store.add_source(session, platform, "https://goods.example/feed", "feed", 60)
        run = store.start_run(session, source.id)
        chosen = sample_listings(source.id) if listings is None else listings(source.id)
        store.apply_items(session, run, [store.ItemReport(l.item_key, l.title, l) for l in chosen])
        store.finish_run(session, run, "ok")
    reindex_all(catalog, settings)
    catalog.dispose()
    return create_app({"TESTING": True, **(test_config or {})}, settings=settings)


def add_tool_library_drill(settings) -> None:
    """A second platform listing the sample drill again (the same thing on two platforms), indexed."""
    catalog = Catalog.from_settings(settings)
    with catalog.session() as session:
        platform = store.get_or_create_platform(session, "Mapo Tool Library")
        source = store.add_source(session, platform, "https://tools.example/feed", "feed", 60)
        run = store.start_run(session, source.id)
        drill = Listing(source.id, "drill-2", "https://tools.example/drill", "전동드릴 (충전식)", category="tools",
                        district="11440", dong="망원1동", price=Price(2000, "KRW", "day", 1, False))
        store.apply_items(session, run, [store.ItemReport("drill-2", drill.title, drill)])
        store.finish_run(session, run, "ok")
    reindex_all(catalog, settings)
    catalog.dispose()


def mark_gone(settings, listing_id: str) -> None:
    """The listing has left its platform, as a crawl would mark it (the index is left as it is)."""
    catalog = Catalog.from_settings(settings)
    with catalog.session() as session:
        session.get(ListingRow, listing_id).status = "gone"
    catalog.dispose()


@pytest.fixture
def app(settings):
    yield build_app(settings)


@pytest.fixture
def client(app):
    return app.test_client()
