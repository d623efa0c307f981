from datetime import datetime, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from indexer.catalog import Catalog, store
from indexer.catalog.models import Base, ItemDiagnostic, ListingRow
from indexer.listing import Diagnostic, Listing, Price


def listing(key, title="전동드릴", **kw):
    return Listing(source_id=kw.pop("source_id", 1), item_key=key, url=f"https://p.example/{key}", title=title,
                   price=Price(amount=3000, unit="day", unit_count=1, is_free=False), **kw)


def test_migrations_create_exactly_the_models(catalog):
    assert catalog.current_revision() is not None
    with catalog.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], "models changed without a migration: add one under indexer/catalog/migrations"


def test_upgrade_is_idempotent_and_sqlite_runs_in_wal_with_foreign_keys(catalog):
    catalog.upgrade()
    if catalog.engine.dialect.name != "sqlite":
        return
    with catalog.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def _source(catalog):
    with catalog.session() as s:
        platform = store.get_or_create_platform(s, "Goods")
        assert store.get_or_create_platform(s, "Goods").id == platform.id
        return store.add_source(s, platform, "https://p.example/feed", "feed", 60).id


def test_a_crawl_counts_new_updated_unchanged_and_invalid(catalog):
    source_id = _source(catalog)
    bad = store.ItemReport("urn:x", None, None, [Diagnostic("error", "title", "missing_title", "no title", "제목 없음")])
    with catalog.session() as s:
        run = store.start_run(s, source_id)
        applied = store.apply_items(s, run, [store.ItemReport("a", "A", listing("a")),
                                             store.ItemReport("b", "B", listing("b")), bad])
        store.finish_run(s, run, "ok", http_status=200, etag='"v1"')
    assert applied.counts == {"seen": 3, "new": 2, "updated": 0, "unchanged": 0, "invalid": 1, "gone": 0}
    assert {l.item_key for l in applied.changed} == {"a", "b"}

    with catalog.session() as s:
        rows_before = {r.id: (r.first_seen_at, r.last_seen_at) for r in s.scalars(select(ListingRow))}
        run = store.start_run(s, source_id)
        applied = store.apply_items(s, run, [store.ItemReport("a", "A", listing("a")),
                                             store.ItemReport("b", "B", listing("b", title="공구세트"))])
        store.finish_run(s, run, "ok")
    assert applied.counts == {"seen": 2, "new": 0, "updated": 1, "unchanged": 1, "invalid": 0, "gone": 0}
    assert [l.item_key for l in applied.changed] == ["b"]
    with catalog.session() as s:
        rows = {r.id: r for r in s.scalars(select(ListingRow))}
        a_id = listing("a").id
        assert (rows[a_id].first_seen_at, rows[a_id].last_seen_at) == rows_before[a_id]  # untouched
        assert rows[listing("b").id].title == "공구세트"
        source = store.get_source(s, source_id)
        assert source.etag is None and source.last_success_at is not None
        diags = list(s.scalars(select(ItemDiagnostic)))
        assert [(d.code, d.item_key, d.message_ko) for d in diags] == [("missing_title", "urn:x", "제목 없음")]


def test_a_failed_run_keeps_listings_and_validators(catalog):
    source_id = _source(catalog)
    with catalog.session() as s:
        run = store.start_run(s, source_id)
        store.apply_items(s, run, [store.ItemReport("a", "A", listing("a"))])
        store.finish_run(s, run, "ok", etag='"v1"', last_modified="Tue, 24 Nov 2026 10:00:00 GMT")
    with catalog.session() as s:
        run = store.start_run(s, source_id)
        store.finish_run(s, run, "failed", http_status=500, error="http: answered 500")
    with catalog.session() as s:
        source = store.get_source(s, source_id)
        assert source.etag == '"v1"'
        assert store.last_run(s, source_id).outcome == "failed"
        assert store.active_listing_counts(s) == {source_id: 1}


def test_documents_round_trip_through_the_catalog(catalog):
    source_id = _source(catalog)
    when = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)
    original = listing("a", district="11440", dong="망원1동", lat=37.55, lon=126.9, published_at=when,
                       tags=["공구"], images=["https://p.example/a.jpg"])
    with catalog.session() as s:
        store.apply_items(s, store.start_run(s, source_id), [store.ItemReport("a", "A", original)])
    with catalog.session() as s:
        [doc] = list(store.active_documents(s))
    assert doc["id"] == original.id and doc["platform"] == "Goods"
    assert doc["published_at"] == "2026-11-20T09:30:00+00:00"
    assert doc["price"] == {"amount": 3000, "currency": "KRW", "unit": "day", "unit_count": 1, "is_free": False,
                            "deposit": None, "conditions": None}
    assert (doc["district"], doc["dong"], doc["tags"]) == ("11440", "망원1동", ["공구"])


def test_deleting_a_source_removes_its_listings_runs_and_diagnostics(catalog):
    source_id = _source(catalog)
    with catalog.session() as s:
        run = store.start_run(s, source_id)
        store.apply_items(s, run, [store.ItemReport("a", "A", listing("a"),
                                                    [Diagnostic("warning", "price", "price_unknown", "x", "y")])])
    with catalog.session() as s:
        assert store.delete_source(s, source_id) == [listing("a").id]
    with catalog.session() as s:
        assert s.scalar(select(ListingRow.id)) is None
        assert s.scalar(select(ItemDiagnostic.id)) is None
        with pytest.raises(store.NotFound):
            store.get_source(s, source_id)


def test_naive_datetimes_are_refused(catalog):
    source_id = _source(catalog)
    with pytest.raises(Exception, match="naive"):
        with catalog.session() as s:
            store.apply_items(s, store.start_run(s, source_id),
                              [store.ItemReport("a", "A", listing("a", published_at=datetime(2026, 1, 1)))])


def test_a_write_session_waits_its_turn_instead_of_failing_when_another_process_wrote(tmp_path):
    """Two crawl processes: one reads then writes; the other wrote in between. With a deferred
    transaction SQLite refuses the first one's write at once ("database is locked"); a write
    session takes the lock first, so the other waits and both land."""
    import threading

    url = f"sqlite:///{tmp_path / 'catalog.sqlite3'}"
    first, second = Catalog(url), Catalog(url)
    first.upgrade()
    written = threading.Event()
    errors: list[BaseException] = []

    def other_process():
        try:
            with second.session(write=True) as s:
                store.get_or_create_platform(s, "other")
            written.set()
        except BaseException as exc:  # reported to the test below
            errors.append(exc)

    with first.session(write=True) as s:
        store.list_sources(s)
        writer = threading.Thread(target=other_process)
        writer.start()
        assert not written.wait(0.5), "the other writer got in while this session held the lock"
        store.get_or_create_platform(s, "mine")
    writer.join(10)
    assert not errors
    with first.session() as s:
        assert {p.name for p in s.scalars(select(store.Platform))} == {"mine", "other"}
    first.dispose()
    second.dispose()


# --- clusters: the same thing on two platforms ------------------------------------------------------------------

def _platform_source(catalog, name):
    with catalog.session() as s:
        platform = store.get_or_create_platform(s, name)
        return store.add_source(s, platform, f"https://{name.lower()}.example/feed", "feed", 60).id


def _crawl(catalog, source_id, *listings, complete=True, gone_after=3):
    with catalog.session(write=True) as s:
        run = store.start_run(s, source_id)
        applied = store.apply_items(s, run, [store.ItemReport(l.item_key, l.title, l) for l in listings],
                                    complete=complete, gone_after=gone_after)
        store.finish_run(s, run, "ok")
        return applied, store.changed_documents(s, applied)


def _drill(source_id, key, title, lat=37.5559, lon=126.9010):
    return listing(key, title, source_id=source_id, category="tools", district="11440", dong="망원1동",
                   lat=lat, lon=lon)


def test_recluster_groups_the_same_thing_across_platforms_and_documents_say_also_on(catalog):
    alpha, beta = _platform_source(catalog, "Alpha"), _platform_source(catalog, "Beta")
    a = _drill(alpha, "d1", "전동드릴 대여 (충전식 18V)")
    saw = _drill(alpha, "s1", "원형톱 대여")
    b = _drill(beta, "d2", "충전식 전동드릴 18V", lat=37.5562)
    _crawl(catalog, alpha, a, saw)
    _crawl(catalog, beta, b)
    with catalog.session(write=True) as s:
        assert store.recluster(s) == {a.id, b.id}
    with catalog.session(write=True) as s:
        assert store.recluster(s) == set()  # nothing changed: nothing to reindex
        rows = {r.id: r.cluster_id for r in s.scalars(select(ListingRow))}
        docs = {d["id"]: d for d in store.documents(s, [a.id, b.id, saw.id])}
    assert rows == {a.id: min(a.id, b.id), b.id: min(a.id, b.id), saw.id: None}
    assert docs[a.id]["cluster"] == docs[b.id]["cluster"] == min(a.id, b.id)
    assert docs[a.id]["also_on"] == [{"id": b.id, "platform": "Beta", "url": b.url, "title": b.title}]
    assert docs[saw.id]["cluster"] == saw.id and docs[saw.id]["also_on"] == []
    # A recrawl that changes the drill's text keeps its cluster in the document it indexes.
    changed = _drill(alpha, "d1", "전동드릴 대여 (충전식 18V, 배터리 2개)")
    _, documents = _crawl(catalog, alpha, changed, saw)
    assert [(d["id"], d["cluster"], [o["id"] for o in d["also_on"]]) for d in documents] == \
        [(a.id, min(a.id, b.id), [b.id])]


def test_a_listing_that_goes_leaves_its_cluster(catalog):
    alpha, beta = _platform_source(catalog, "Alpha"), _platform_source(catalog, "Beta")
    a, b = _drill(alpha, "d1", "고압세척기"), _drill(beta, "d2", "고압 세척기 (호스 10m)")
    _crawl(catalog, alpha, a)
    _crawl(catalog, beta, b)
    with catalog.session(write=True) as s:
        store.recluster(s)
    applied, _ = _crawl(catalog, beta, gone_after=1)
    assert applied.gone == [b.id]
    with catalog.session(write=True) as s:
        assert store.recluster(s) == {a.id}  # b is gone: only a's document changes
        assert {r.id: r.cluster_id for r in s.scalars(select(ListingRow))} == {a.id: None, b.id: None}
        assert store.documents(s, [a.id, b.id])[0]["also_on"] == []
        assert [d["id"] for d in store.documents(s, [a.id, b.id])] == [a.id]


def test_listing_detail_of_a_gone_listing_keeps_everything_but_the_contact(catalog):
    source_id = _source(catalog)
    contact = {"phones": ["010-1234-5678"], "emails": ["host@example.com"]}
    with catalog.session() as s:
        run = store.start_run(s, source_id)
        room = listing("room", "스터디룸", source_id=source_id, contact=contact)
        store.apply_items(s, run, [store.ItemReport(room.item_key, room.title, room)])
        store.finish_run(s, run, "ok")
    with catalog.session() as s:
        assert store.listing_detail(s, room.id).document["contact"] == contact
        s.get(ListingRow, room.id).status = "gone"
    with catalog.session() as s:
        detail = store.listing_detail(s, room.id)
        assert detail.status == "gone" and detail.document["contact"] is None
        assert detail.document["title"] == "스터디룸"
        assert store.listing_detail(s, "no-such-id") is None
