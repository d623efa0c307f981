"""What only the embedded engine does: its file outlives the code that wrote it, and its rowids
carry the facet values."""

from __future__ import annotations

import sqlite3

from indexer.search.query import SearchQuery
from indexer.search.sqlite_fts import SCHEMA_VERSION, SEQ_SHIFT, SqliteFtsBackend
from tests.indexer.search.test_conformance import DOCS


def test_an_index_of_an_older_layout_is_replaced_by_an_empty_one_that_works(tmp_path):
    path = tmp_path / "search.sqlite3"
    with sqlite3.connect(path) as conn:  # the layout the first release wrote
        conn.executescript("CREATE TABLE search_docs (rowid INTEGER PRIMARY KEY, id TEXT, doc TEXT);"
                           "INSERT INTO search_docs VALUES (1, 'old', '{}');")
    engine = SqliteFtsBackend(path)
    assert engine.count() == 0
    engine.index(DOCS)
    assert engine.search(SearchQuery(text="공구")).total == 2
    engine.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_an_updated_document_gets_a_new_rowid_and_the_old_one_leaves_the_fts_index(tmp_path):
    engine = SqliteFtsBackend(tmp_path / "search.sqlite3")
    engine.index(DOCS)
    conn = sqlite3.connect(tmp_path / "search.sqlite3")
    before = conn.execute("SELECT rowid FROM search_docs WHERE id = ?", (DOCS[0]["id"],)).fetchone()[0]
    engine.index([dict(DOCS[0], category="goods", title="충전 임팩트")])
    after = conn.execute("SELECT rowid FROM search_docs WHERE id = ?", (DOCS[0]["id"],)).fetchone()[0]
    assert after >> SEQ_SHIFT > before >> SEQ_SHIFT and after != before
    fts_rows = conn.execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH 'title_terms : 전동'").fetchone()[0]
    assert fts_rows == 0
    assert conn.execute("SELECT count(*) FROM search_text").fetchone()[0] == len(DOCS)
    # The FTS index agrees with its content table row for row.
    conn.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
    engine.close()


def test_a_batch_larger_than_a_write_chunk_and_a_document_twice_in_it(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_fts, "WRITE_CHUNK", 3)
    engine = SqliteFtsBackend(tmp_path / "search.sqlite3")
    docs = [listing(f"d{i}", title=f"공구 {i}", amount=i) for i in range(10)]
    docs.append(listing("d4", title="사다리", amount=4))      # d4 again: the last one counts
    assert engine.index(docs) == 10
    assert engine.search(SearchQuery(text="공구")).total == 9
    assert keys(engine.search(SearchQuery(text="사다리"))) == ["d4"]
    assert engine.index(docs[:7]) == 7                      # updates across chunks
    assert engine.search(SearchQuery(text="공구")).total == 10
    conn = sqlite3.connect(tmp_path / "search.sqlite3")
    conn.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
    assert conn.execute("SELECT count(*) FROM search_fts").fetchone()[0] == 10
    engine.close()


def test_a_failed_batch_leaves_nothing_and_no_codes_behind(tmp_path):
    engine = SqliteFtsBackend(tmp_path / "search.sqlite3")
    engine.index([listing("a", title="공구")])
    broken = dict(listing("w", title="공구"), platform="Weird", price="free")   # fails after its codes were given
    with pytest.raises(AttributeError):
        engine.index([broken])
    other = SqliteFtsBackend(tmp_path / "search.sqlite3")
    other.index([dict(listing("b", title="드릴"), platform="Rooms")])   # takes the code Weird had
    engine.index([dict(listing("w", title="공구"), platform="Weird")])
    assert engine.search(SearchQuery(text="드릴", platforms=("Rooms",))).total == 1
    assert engine.search(SearchQuery(text="공구", platforms=("Rooms",))).total == 0
    assert engine.search(SearchQuery(text="공구", platforms=("Weird",))).total == 1
    assert engine.count() == 3
    other.close()
    engine.close()


def test_a_rebuild_replaces_everything_in_one_transaction(tmp_path):
    engine = SqliteFtsBackend(tmp_path / "search.sqlite3")
    engine.index(DOCS)
    reader = SqliteFtsBackend(tmp_path / "search.sqlite3")
    assert engine.rebuild([DOCS[:2], DOCS[2:4]]) == 4
    assert reader.count() == 4
    assert reader.search(SearchQuery(text="Camping")).total == 0
    conn = sqlite3.connect(tmp_path / "search.sqlite3")
    conn.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
    reader.close()
    engine.close()


# -- the readers' columns, brought up to date without a reload ---------------------------------

import random  # noqa: E402
from datetime import datetime, timedelta, timezone  # noqa: E402

import pytest  # noqa: E402

from indexer.listing import Listing, Price, search_document  # noqa: E402
from indexer.search import sqlite_fts  # noqa: E402
from indexer.search.query import haversine_km  # noqa: E402

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)


def listing(key, title="공구 대여", *, amount=None, free=None, published=0, at=None, summary=None,
            ends=None, source_id=1):
    lat, lon = at if at else (None, None)
    return search_document(Listing(
        source_id=source_id, item_key=key, url=f"https://partner.example/{key}", title=title, summary=summary,
        platform="Goods", category="tools", district="11440", lat=lat, lon=lon,
        price=Price(amount=amount, is_free=free), ends_at=ends,
        published_at=None if published is None else NOW - timedelta(hours=1000 - published)))


def keys(result):
    return [h["url"].rsplit("/", 1)[1] for h in result.hits]


def cheap(engine, **kwargs):
    return keys(engine.search(SearchQuery(text="공구", price_max=2500, sort="price", per_page=50, **kwargs)))


def test_a_reader_sees_another_writers_updates_deletions_and_additions_without_reloading(tmp_path):
    writer = SqliteFtsBackend(tmp_path / "search.sqlite3")
    reader = SqliteFtsBackend(tmp_path / "search.sqlite3")
    writer.index([listing("a", amount=1000, published=1), listing("b", amount=2000, published=2),
                  listing("c", amount=3000, published=3)])
    assert cheap(reader) == ["a", "b"]
    generation = reader._columns_snapshot.generation
    writer.index([listing("b", amount=9000, published=2), listing("d", amount=500, published=4)])
    writer.delete([listing("a")["id"]])
    assert cheap(reader) == ["d"]
    snapshot = reader._columns_snapshot
    assert snapshot.generation == generation      # brought up to date, not reloaded
    assert sorted(snapshot.price.tolist()) == [500, 3000, 9000]
    writer.delete_source(1)
    assert cheap(reader) == [] and len(reader._columns_snapshot.rowid) == 0
    reader.close()
    writer.close()


def test_a_full_deletion_log_and_a_clear_make_readers_load_their_columns_afresh(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_fts, "GONE_LOG_LIMIT", 2)
    writer = SqliteFtsBackend(tmp_path / "search.sqlite3")
    reader = SqliteFtsBackend(tmp_path / "search.sqlite3")
    writer.index([listing(k, amount=100 * (i + 1), published=i) for i, k in enumerate("abcde")])
    assert cheap(reader) == list("abcde")
    generation = reader._columns_snapshot.generation
    writer.delete([listing(k)["id"] for k in "abc"])
    assert cheap(reader) == ["d", "e"]
    assert reader._columns_snapshot.generation == generation + 1
    conn = sqlite3.connect(tmp_path / "search.sqlite3")
    assert conn.execute("SELECT count(*) FROM search_gone").fetchone()[0] == 0
    writer.clear()
    assert cheap(reader) == []
    writer.index([listing("f", amount=100)])
    assert cheap(reader) == ["f"]
    assert reader._columns_snapshot.generation == generation + 2
    reader.close()
    writer.close()


def test_sequence_numbers_keep_growing_when_the_newest_document_is_deleted(tmp_path):
    engine = SqliteFtsBackend(tmp_path / "search.sqlite3")
    reader = SqliteFtsBackend(tmp_path / "search.sqlite3")
    engine.index([listing("a", amount=100), listing("b", amount=200)])
    assert cheap(reader) == ["a", "b"]
    engine.delete([listing("b")["id"]])
    engine.index([listing("c", amount=300)])   # would reuse b's sequence number if it came from max(rowid)
    assert cheap(reader) == ["a", "c"]
    reader.close()
    engine.close()


# -- ranking: the window, the filters under it, and what lies beyond it -------------------------

def ranked_docs():
    # Titles and bodies of different lengths, so BM25 tells them apart.
    rng = random.Random(7)
    docs = []
    for i in range(40):
        words = ["공구"] * rng.randint(0, 2) + ["망치", "드릴", "사다리"][: rng.randint(0, 3)]
        title = " ".join(words) or "대여"
        summary = "공구 " * rng.randint(0, 3) + "상태 좋아요 " * rng.randint(0, 4)
        docs.append(listing(f"k{i:02d}", title=title, summary=summary.strip() or None, amount=rng.choice((0, 1000, 5000)),
                            free=None, published=i,
                            ends=NOW - timedelta(days=1) if i % 7 == 0 else None))
    return [d for d in docs if "공구" in (d["title"] + (d.get("summary") or ""))]


def every_page(engine, per_page=3, **kwargs):
    out, page = [], 1
    while True:
        got = keys(engine.search(SearchQuery(text="공구", per_page=per_page, page=page, **kwargs)))
        if not got:
            return out
        out += got
        page += 1


@pytest.mark.parametrize("window", [1_000, 4])
def test_a_filtered_relevance_search_ranks_like_the_unfiltered_one(tmp_path, monkeypatch, window):
    monkeypatch.setattr(sqlite_fts, "RANK_WINDOW", 1_000)
    engine = SqliteFtsBackend(tmp_path / "search.sqlite3")
    docs = ranked_docs()
    engine.index(docs)
    unfiltered = every_page(engine)
    assert sorted(unfiltered) == sorted(d["url"].rsplit("/", 1)[1] for d in docs)
    monkeypatch.setattr(sqlite_fts, "RANK_WINDOW", window)
    by_key = {d["url"].rsplit("/", 1)[1]: d for d in docs}
    cheap_keys = {k for k, d in by_key.items() if (d["price"]["amount"] or 0) <= 1000}
    filtered = every_page(engine, price_max=1000)
    assert sorted(filtered) == sorted(cheap_keys)
    if window >= len(docs):
        # The column filter drops rows BM25 ranked; what is left keeps the unfiltered order.
        assert filtered == [k for k in unfiltered if k in cheap_keys]
    else:
        # The newest `window` matches passing the filter are ranked, the rest follow newest first.
        newest = sorted(cheap_keys, key=lambda k: by_key[k]["published_at"], reverse=True)
        assert sorted(filtered[:window]) == sorted(newest[:window])
        assert filtered[:window] == [k for k in unfiltered if k in set(newest[:window])]
        assert filtered[window:] == newest[window:]
    not_ended = every_page(engine, ended_before=NOW)
    live = {k for k, d in by_key.items() if not d.get("ends_at")}
    assert sorted(not_ended) == sorted(live)
    if window >= len(docs):
        assert not_ended == [k for k in unfiltered if k in live]
    engine.close()


def test_pages_beyond_the_rank_window_reach_every_match_once(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_fts, "RANK_WINDOW", 5)
    engine = SqliteFtsBackend(tmp_path / "search.sqlite3")
    docs = ranked_docs()
    engine.index(docs)
    pages = every_page(engine, per_page=4)
    assert len(pages) == len(docs) == len(set(pages))
    result = engine.search(SearchQuery(text="공구", per_page=4, page=2))
    assert result.total == len(docs)
    engine.close()


# -- the column filters and sorts against brute force -------------------------------------------

def scattered_docs(n=400, seed=3):
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        at = None if rng.random() < 0.1 else (37.45 + rng.random() * 0.2, 126.8 + rng.random() * 0.35)
        amount = rng.choice((None, 0, 500, 1000, 1000, 25000, 150000))
        docs.append(listing(f"s{i:03d}", title=rng.choice(("공구 대여", "드릴 대여", "공구 나눔")), amount=amount,
                            free=True if amount == 0 else None, at=at,
                            published=None if rng.random() < 0.1 else rng.randint(0, 900)))
    return docs


def test_near_a_point_within_a_radius_finds_exactly_what_is_inside(tmp_path):
    engine = SqliteFtsBackend(tmp_path / "search.sqlite3")
    docs = scattered_docs()
    by_key = {d["url"].rsplit("/", 1)[1]: d for d in docs}
    engine.index(docs)
    rng = random.Random(11)
    for _ in range(25):
        centre = (37.45 + rng.random() * 0.2, 126.8 + rng.random() * 0.35)
        radius = rng.choice((0.3, 1.0, 2.5, 5.0, 20.0))
        inside = {d["url"].rsplit("/", 1)[1] for d in docs if d.get("lat") is not None
                  and haversine_km(centre[0], centre[1], d["lat"], d["lon"]) <= radius}
        for text in ("", "대여"):
            expected = {k for k in inside if text in by_key[k]["title"]}
            result = engine.search(SearchQuery(text=text, near=centre, radius_km=radius, sort="distance",
                                               per_page=1000))
            assert set(keys(result)) == expected and result.total == len(expected)
            distances = [haversine_km(centre[0], centre[1], h["lat"], h["lon"]) for h in result.hits]
            assert distances == sorted(distances)
    engine.close()


def test_price_and_newest_sorts_agree_with_sorting_in_python(tmp_path):
    engine = SqliteFtsBackend(tmp_path / "search.sqlite3")
    docs = scattered_docs(seed=5)
    engine.index(docs)
    indexed = {d["id"]: i for i, d in enumerate(docs)}   # later = indexed more recently

    def newest_key(d):
        published = d.get("published_at")
        return (published is None, -(datetime.fromisoformat(published).timestamp() if published else 0),
                -indexed[d["id"]])

    def price_key(d):
        amount = 0 if d["price"].get("is_free") else d["price"].get("amount")
        return (amount is None, amount or 0, *newest_key(d))

    for sort, key in (("newest", newest_key), ("price", price_key)):
        expected = [d["url"].rsplit("/", 1)[1] for d in sorted(docs, key=key)]
        for per_page, page in ((1000, 1), (7, 3), (50, 2)):
            got = keys(engine.search(SearchQuery(sort=sort, per_page=per_page, page=page)))
            assert got == expected[(page - 1) * per_page:page * per_page], (sort, per_page, page)
    engine.close()


def test_a_rebuild_given_a_document_twice_keeps_the_last_and_an_index_that_checks_out(tmp_path):
    engine = SqliteFtsBackend(tmp_path / "search.sqlite3")
    first = [listing("a", title="공구 대여", amount=100), listing("b", title="드릴 대여", amount=200)]
    again = [listing("a", title="사다리 대여", amount=300)]
    assert engine.rebuild([first, again]) == 2
    assert keys(engine.search(SearchQuery(text="공구"))) == []
    assert keys(engine.search(SearchQuery(text="사다리"))) == ["a"]
    assert engine.search(SearchQuery(text="대여")).total == 2
    engine.index([listing("b", title="망치 대여", amount=200)])   # after a rebuild, b is still found and replaced
    assert keys(engine.search(SearchQuery(text="대여", sort="price"))) == ["b", "a"]
    assert engine.count() == 2
    conn = sqlite3.connect(tmp_path / "search.sqlite3")
    conn.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"search_text_ad", "search_docs_ad"} <= names
    engine.close()


def test_two_writers_replace_and_delete_each_others_documents(tmp_path):
    first = SqliteFtsBackend(tmp_path / "search.sqlite3")
    second = SqliteFtsBackend(tmp_path / "search.sqlite3")
    first.index([listing("a", title="공구", amount=1), listing("b", title="공구", amount=2)])
    second.index([listing("a", title="드릴", amount=3)])           # learns of a from the file
    first.index([listing("a", title="사다리", amount=4)])          # learns that second replaced a
    second.delete([listing("b")["id"]])
    first.index([listing("c", title="공구", amount=5)])
    assert first.count() == 2
    assert keys(first.search(SearchQuery(sort="price"))) == ["a", "c"]
    assert keys(second.search(SearchQuery(text="사다리"))) == ["a"]
    assert second.search(SearchQuery(text="드릴")).total == 0
    second.close()
    first.close()


def test_ids_whose_keys_collide_are_told_apart_by_the_id_itself(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_fts, "_key", lambda text: 7)       # every id the same 63-bit key
    engine = SqliteFtsBackend(tmp_path / "search.sqlite3")
    engine.index([listing(k, title="공구", amount=i) for i, k in enumerate("abc")])
    engine.index([listing("b", title="드릴", amount=9)])
    engine.delete([listing("c")["id"], listing("unknown")["id"]])
    assert keys(engine.search(SearchQuery(sort="price"))) == ["a", "b"]
    assert keys(engine.search(SearchQuery(text="드릴"))) == ["b"]
    assert engine.count() == 2
    engine.close()


def test_after_a_rebuild_that_failed_midway_the_old_documents_are_still_replaced_not_repeated(tmp_path):
    engine = SqliteFtsBackend(tmp_path / "search.sqlite3")
    engine.index([listing("a", title="공구")])

    def batches():
        yield [listing("x", title="드릴")]
        yield [listing("y", title="드릴")]
        raise RuntimeError("catalog read failed")

    with pytest.raises(RuntimeError):
        engine.rebuild(batches())
    engine.index([listing("a", title="사다리")])
    engine.index([listing("z", title="망치")])
    engine.index([listing("z", title="망치 대여")])
    assert engine.count() == 2
    assert sorted(keys(engine.search(SearchQuery()))) == ["a", "z"]
    assert engine.search(SearchQuery(text="드릴")).total == 0 and engine.search(SearchQuery(text="공구")).total == 0
    engine.close()


def test_warm_loads_the_columns_before_the_first_search(tmp_path):
    writer = SqliteFtsBackend(tmp_path / "search.sqlite3")
    writer.index([listing("a", amount=100), listing("b", amount=200)])
    reader = SqliteFtsBackend(tmp_path / "search.sqlite3")
    assert reader._columns_snapshot is None
    reader.warm()
    assert sorted(reader._columns_snapshot.price.tolist()) == [100, 200]
    assert cheap(reader) == ["a", "b"]
    reader.close()
    writer.close()


def test_absurd_values_in_a_document_neither_fail_the_batch_nor_break_the_filters(tmp_path):
    engine = SqliteFtsBackend(tmp_path / "search.sqlite3")
    absurd = dict(listing("x", amount=100), price={"amount": 1e30}, lat=float("nan"), lon=500,
                  published_at="not a date", starts_at="9999-99-99", dong='"; DROP TABLE search_docs; --')
    assert engine.index([absurd, listing("y", amount=100)]) == 2
    assert keys(engine.search(SearchQuery(text="공구", sort="price"))) == ["y", "x"]
    assert keys(engine.search(SearchQuery(text="공구", price_max=1000))) == ["y"]
    assert keys(engine.search(SearchQuery(dongs=('"; DROP TABLE search_docs; --',)))) == ["x"]
    assert engine.search(SearchQuery(text="공구", near=(37.5, 127.0), radius_km=50)).total == 0
    engine.close()


def test_documents_indexed_long_ago_and_just_now_are_both_found_again(tmp_path):
    engine = SqliteFtsBackend(tmp_path / "search.sqlite3")
    engine.index([listing(f"old{i}", title="공구", amount=i) for i in range(40)])
    engine.index([listing("new0", title="공구", amount=100), listing("new1", title="공구", amount=101)])
    engine.index([listing("new2", title="공구", amount=102)])
    assert len(engine._ids.parts[1][0]) == 2          # the newest keys wait in the small part
    engine.index([listing("old3", title="드릴", amount=3), listing("new1", title="드릴", amount=101)])
    engine.delete([listing("old5")["id"], listing("new0")["id"]])
    assert engine.count() == 41
    assert keys(engine.search(SearchQuery(text="드릴", sort="price"))) == ["old3", "new1"]
    found = keys(engine.search(SearchQuery(sort="price", per_page=100)))
    assert len(found) == len(set(found)) == 41 and "old5" not in found and "new0" not in found
    engine.close()
