"""Embedded search on SQLite FTS5: zero set-up, one file in the data folder.

Documents live in a plain table (filter columns + the API document as JSON); an external-content
FTS5 table holds the analysed title and body terms. The terms come from indexer.search.analysis, so
FTS5 only splits on the spaces we put there; user text becomes quoted FTS5 strings, never syntax.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterable

from indexer.search import analysis
from indexer.search.backend import SearchError
from indexer.search.query import SearchQuery, SearchResult
from indexer.writelock import WriteLock

TITLE_WEIGHT = 3.0
BODY_WEIGHT = 1.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS search_docs (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    source_id INTEGER,
    category TEXT,
    district TEXT,
    dong TEXT,
    platform TEXT,
    is_free INTEGER,
    price_amount INTEGER,
    published_at TEXT,
    cluster TEXT,
    title_terms TEXT NOT NULL,
    body_terms TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS search_docs_source ON search_docs(source_id);
CREATE INDEX IF NOT EXISTS search_docs_published ON search_docs(published_at);
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
    title_terms, body_terms,
    content='search_docs', content_rowid='rowid',
    tokenize="unicode61 remove_diacritics 0 tokenchars '_'"
);
CREATE TRIGGER IF NOT EXISTS search_docs_ai AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts(rowid, title_terms, body_terms)
    VALUES (new.rowid, new.title_terms, new.body_terms);
END;
CREATE TRIGGER IF NOT EXISTS search_docs_ad AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms)
    VALUES ('delete', old.rowid, old.title_terms, old.body_terms);
END;
CREATE TRIGGER IF NOT EXISTS search_docs_au AFTER UPDATE ON search_docs BEGIN
    INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms)
    VALUES ('delete', old.rowid, old.title_terms, old.body_terms);
    INSERT INTO search_fts(rowid, title_terms, body_terms)
    VALUES (new.rowid, new.title_terms, new.body_terms);
END;
"""


def fts_match_expression(text: str) -> str | None:
    """FTS5 MATCH expression from user text: every group AND-ed, terms quoted as strings."""
    groups = analysis.query_groups(text)
    if not groups:
        return None
    # One quoted string per group: FTS5 reads it as a phrase of the terms it contains, and
    # nothing inside a string is syntax.
    return " AND ".join('"' + " ".join(group).replace('"', '""') + '"' for group in groups)


class SqliteFtsBackend:
    name = "sqlite"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = WriteLock(self.path)
        conn = self._raw()
        conn.executescript(_SCHEMA)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(search_docs)")}
        if "cluster" not in columns:  # an index written before clusters: its documents stand alone
            conn.execute("ALTER TABLE search_docs ADD COLUMN cluster TEXT")
        conn.execute("CREATE INDEX IF NOT EXISTS search_docs_cluster ON search_docs(cluster)"
                     " WHERE cluster IS NOT NULL")

    def _connect(self, write: bool = True) -> "_Transaction":
        return _Transaction(self._raw(), immediate=write, lock=self._write_lock if write else None)

    def _raw(self) -> sqlite3.Connection:
        # One connection per thread: sqlite3 connections must not cross threads.
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            except sqlite3.Error as exc:
                raise SearchError(f"sqlite: unable to open search index {self.path}: {exc}") from exc
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    # -- writing -------------------------------------------------------------------------
    def index(self, documents: Iterable[dict[str, Any]]) -> int:
        rows = [self._row(doc) for doc in documents]
        if not rows:
            return 0
        with self._connect() as conn:
            conn.executemany(
                "INSERT INTO search_docs (id, source_id, category, district, dong, platform, is_free,"
                " price_amount, published_at, cluster, title_terms, body_terms, doc)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(id) DO UPDATE SET source_id=excluded.source_id,"
                " category=excluded.category, district=excluded.district, dong=excluded.dong,"
                " platform=excluded.platform, is_free=excluded.is_free,"
                " price_amount=excluded.price_amount, published_at=excluded.published_at, cluster=excluded.cluster,"
                " title_terms=excluded.title_terms, body_terms=excluded.body_terms, doc=excluded.doc",
                rows)
        return len(rows)

    @staticmethod
    def _row(doc: dict[str, Any]) -> tuple:
        price = doc.get("price") or {}
        is_free = price.get("is_free")
        return (doc["id"], doc.get("source_id"), doc.get("category"), doc.get("district"),
                doc.get("dong"), doc.get("platform"), None if is_free is None else int(bool(is_free)),
                price.get("amount"), _sortable_time(doc.get("published_at")), _cluster(doc),
                *analysis.document_terms(doc), json.dumps(doc, ensure_ascii=False))

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        with self._connect() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                conn.execute(f"DELETE FROM search_docs WHERE id IN ({','.join('?' * len(chunk))})", chunk)

    def delete_source(self, source_id: int) -> None:
        with self._connect() as conn:
            conn.execute("DELETE FROM search_docs WHERE source_id = ?", (source_id,))

    def clear(self) -> None:
        with self._connect() as conn:
            conn.execute("DELETE FROM search_docs")

    def count(self) -> int:
        with self._connect(write=False) as conn:
            return conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        self._write_lock.close()

    # -- reading -------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResult:
        """One hit per cluster (the same thing on several platforms): its best-ranked matching
        member; totals and facet counts count clusters, not documents."""
        match = fts_match_expression(query.text)
        where, params = self._filters(query)
        if match is not None:
            base = "FROM search_fts JOIN search_docs d ON d.rowid = search_fts.rowid"
            where.insert(0, "search_fts MATCH ?")
            params.insert(0, match)
            score = f"bm25(search_fts, {TITLE_WEIGHT}, {BODY_WEIGHT})"
            order = "score, published_at DESC, id"
        else:
            base = "FROM search_docs d"
            score = "0"
            order = "published_at IS NULL, published_at DESC, id"
        where_sql = (" WHERE " + " AND ".join(where)) if where else ""
        with self._connect(write=False) as conn:
            try:
                clustered = conn.execute("SELECT 1 FROM search_docs WHERE cluster IS NOT NULL LIMIT 1").fetchone()
                unit = "count(DISTINCT coalesce(d.cluster, d.id))" if clustered else "count(*)"
                matches = (f"SELECT d.doc, d.published_at, d.id, coalesce(d.cluster, d.id) AS grp,"
                           f" {score} AS score {base}{where_sql}")
                if clustered:
                    ranked = (f"SELECT doc, published_at, id, score, ROW_NUMBER() OVER"
                              f" (PARTITION BY grp ORDER BY {order}) AS rank_in_cluster FROM ({matches})")
                    page_sql = f"SELECT doc FROM ({ranked}) WHERE rank_in_cluster = 1"
                else:
                    page_sql = f"SELECT doc FROM ({matches})"
                total = conn.execute(f"SELECT {unit} {base}{where_sql}", params).fetchone()[0]
                rows = conn.execute(f"{page_sql} ORDER BY {order} LIMIT ? OFFSET ?",
                                    [*params, query.per_page, query.offset]).fetchall()
                facets = self._facets(conn, base, where_sql, params, unit)
            except sqlite3.OperationalError as exc:
                raise SearchError(f"sqlite: search failed: {exc}") from exc
        return SearchResult(total=total, hits=[json.loads(r[0]) for r in rows], facets=facets)

    @staticmethod
    def _filters(query: SearchQuery) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        for column, values in (("category", query.categories), ("district", query.districts),
                               ("platform", query.platforms)):
            if values:
                where.append(f"d.{column} IN ({','.join('?' * len(values))})")
                params.extend(values)
        if query.free is True:
            where.append("d.is_free = 1")
        elif query.free is False:
            where.append("(d.is_free IS NULL OR d.is_free = 0)")
        return where, params

    @staticmethod
    def _facets(conn, base: str, where_sql: str, params: list[Any], unit: str) -> dict[str, dict[str, int]]:
        facets: dict[str, dict[str, int]] = {}
        for column in ("category", "district", "platform"):
            rows = conn.execute(
                f"SELECT d.{column}, {unit} AS n {base}{where_sql}"
                f"{' AND' if where_sql else ' WHERE'} d.{column} IS NOT NULL"
                f" GROUP BY d.{column} ORDER BY n DESC, d.{column}", params).fetchall()
            facets[column] = {value: n for value, n in rows}
        rows = conn.execute(
            f"SELECT coalesce(d.is_free, 0), {unit} {base}{where_sql} GROUP BY coalesce(d.is_free, 0)",
            params).fetchall()
        free = {"true": 0, "false": 0}
        for value, n in rows:
            free["true" if value else "false"] += n
        facets["free"] = {k: v for k, v in free.items() if v}
        return facets


def _cluster(doc: dict[str, Any]) -> str | None:
    """The cluster column: set only for a listing that has company on other platforms."""
    return doc.get("cluster") if doc.get("also_on") else None


def _sortable_time(value: str | None) -> str | None:
    """ISO 8601 with offsets does not sort as text; store UTC so ORDER BY is chronological."""
    if not value:
        return None
    from datetime import datetime, timezone

    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


class _Transaction:
    """`with` block = one transaction on an autocommit connection."""

    def __init__(self, conn: sqlite3.Connection, immediate: bool, lock: WriteLock | None = None):
        self.conn = conn
        self.immediate = immediate
        self.held = lock.held() if lock else None

    def __enter__(self) -> sqlite3.Connection:
        if self.held:
            self.held.__enter__()
        # Writers take the lock up front so two writers queue instead of failing mid-way.
        try:
            self.conn.execute("BEGIN IMMEDIATE" if self.immediate else "BEGIN")
        except BaseException:
            if self.held:
                self.held.__exit__(None, None, None)
            raise
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        try:
            self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            if self.held:
                self.held.__exit__(None, None, None)
        return False
