"""What the web app keeps between requests."""

from __future__ import annotations

from search_ui.services import Refreshed


def test_refreshed_reads_at_first_use_then_after_its_ttl():
    reads = []
    fresh = Refreshed(lambda: reads.append(1) or len(reads), ttl=3600)
    assert reads == []                       # nothing read before it is asked for
    assert fresh.get() == 1 and fresh.get() == 1 and reads == [1]
    always = Refreshed(lambda: reads.append(1) or len(reads), ttl=-1)
    assert always.get() == 2 and always.get() == 3


def test_stale_sources_are_hidden_from_the_first_search(settings):
    # A source whose last success is older than the setting: hidden at once, not after a first TTL.
    from datetime import datetime, timedelta, timezone

    from indexer.catalog import Catalog
    from indexer.catalog.models import Source
    from tests.search_ui.conftest import build_app

    app = build_app(settings)
    catalog = Catalog.from_settings(settings)
    with catalog.session() as session:
        for source in session.query(Source):
            source.last_success_at = datetime.now(timezone.utc) - timedelta(days=settings.stale_source_days + 1)
    catalog.dispose()
    client = app.test_client()
    assert client.get("/api/v1/listings").get_json()["total"] == 0
    assert client.get("/api/v1/listings?include_stale=true").get_json()["total"] == 3
