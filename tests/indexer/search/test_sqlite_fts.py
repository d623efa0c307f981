"""What only the embedded engine does: its file outlives the code that wrote it."""

from __future__ import annotations

import sqlite3

from indexer.search.query import SearchQuery
from indexer.search.sqlite_fts import SqliteFtsBackend
from tests.indexer.search.test_conformance import CLUSTER, DOCS


def test_an_index_written_before_clusters_gains_the_column_and_keeps_its_documents(tmp_path):
    path = tmp_path / "search.sqlite3"
    engine = SqliteFtsBackend(path)
    engine.index(DOCS)
    engine.close()
    # The file as the first release wrote it: no cluster column.
    with sqlite3.connect(path) as conn:
        conn.execute("DROP INDEX search_docs_cluster")
        conn.execute("ALTER TABLE search_docs DROP COLUMN cluster")
    engine = SqliteFtsBackend(path)
    try:
        assert engine.search(SearchQuery()).total == len(DOCS)
        engine.index(CLUSTER)
        assert engine.search(SearchQuery()).total == len(DOCS) + 1
    finally:
        engine.close()
