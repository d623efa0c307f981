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
