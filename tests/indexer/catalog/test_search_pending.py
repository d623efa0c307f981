"""The catalog's pending index updates (search_pending): marking, paging, clearing, and its migration."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from sqlalchemy import inspect, select, text

from indexer.catalog import Catalog, store
from indexer.catalog.models import SearchPending, utcnow


def queued(catalog) -> dict:
    with catalog.session() as s:
        return {row.listing_id: row.queued_at for row in s.scalars(select(SearchPending))}


def test_marking_an_id_that_is_pending_already_does_not_fail_and_moves_its_time(catalog):
    first = utcnow() - timedelta(minutes=5)
    with catalog.session(write=True) as s:
        assert store.mark_pending(s, ["b", "a", "a"], now=first) == 2
        assert store.mark_pending(s, [], now=first) == 0
    with catalog.session(write=True) as s:
        store.mark_pending(s, ["b", "c"])
    times = queued(catalog)
    assert sorted(times) == ["a", "b", "c"]
    assert times["a"] == first and times["b"] > first and times["c"] == times["b"]
    with catalog.session() as s:
        assert store.pending_count(s) == 3


def test_many_ids_are_marked_in_chunks_and_paged_in_id_order(catalog):
    ids = [f"id{n:04d}" for n in range(1200)]
    with catalog.session(write=True) as s:
        store.mark_pending(s, reversed(ids))
        store.mark_pending(s, ids[:600])  # again, all in one call
    with catalog.session() as s:
        assert store.pending_count(s) == 1200
        assert store.pending_ids(s, 3) == ids[:3]
        assert store.pending_ids(s, 3, after=ids[1000]) == ids[1001:1004]
        assert store.pending_ids(s, 10, after=ids[-1]) == []


def test_clearing_keeps_what_was_marked_again_after_the_caller_read(catalog):
    early = utcnow() - timedelta(minutes=5)
    with catalog.session(write=True) as s:
        store.mark_pending(s, ["a", "b", "c", "d"], now=early)
    read_at = utcnow()
    with catalog.session(write=True) as s:
        store.mark_pending(s, ["b"])  # changed again after read_at
    with catalog.session(write=True) as s:
        assert store.clear_pending(s, ["a", "b", "x"], queued_before=read_at) == 1
    assert sorted(queued(catalog)) == ["b", "c", "d"]
    with catalog.session(write=True) as s:
        assert store.clear_pending(s, None, queued_before=read_at) == 2  # every id marked before
    assert sorted(queued(catalog)) == ["b"]
    with catalog.session(write=True) as s:
        assert store.clear_pending(s, ["b"]) == 1
        assert store.pending_count(s) == 0


def test_migration_0006_adds_the_table_to_a_0005_catalog_and_takes_it_away_again(tmp_path):
    c = Catalog(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    try:
        c.upgrade("0005")
        with c.engine.begin() as conn:  # a catalog of the previous schema, with a platform in it
            conn.execute(text("INSERT INTO platforms (name, created_at) VALUES ('Goods', '2026-12-01 00:00:00')"))
        assert "search_pending" not in inspect(c.engine).get_table_names()
        c.upgrade("0006")
        assert c.current_revision() == "0006"
        columns = {col["name"]: col for col in inspect(c.engine).get_columns("search_pending")}
        assert set(columns) == {"listing_id", "queued_at"}
        assert inspect(c.engine).get_pk_constraint("search_pending")["constrained_columns"] == ["listing_id"]
        assert inspect(c.engine).get_foreign_keys("search_pending") == []  # may name a deleted listing
        with c.session(write=True) as s:
            store.mark_pending(s, ["no-such-listing"])
            assert s.scalar(text("SELECT count(*) FROM sources")) == 0
            assert s.scalar(select(store.Platform.name)) == "Goods"
        command.downgrade(c.alembic_config(), "0005")
        assert "search_pending" not in inspect(c.engine).get_table_names()
        c.upgrade()
        with c.session() as s:
            assert store.pending_count(s) == 0
    finally:
        c.dispose()
