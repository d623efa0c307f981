"""Embedded search on SQLite FTS5: zero set-up, one file in the data folder.

Three tables:
- `search_text` holds each document's analysed title and body terms and the API document (JSON); the
  FTS5 table `search_fts` is an external-content index over it, kept in step by triggers in the same
  transaction as every write.
- `search_docs` is narrow: the id and the columns filters and sorts read (price, dates, coordinates,
  dong, source), so that the rows a filter visits stay in the page cache.
- `search_codes` numbers the values of the facet fields.

Facet counts are the expensive part of a broad query (a two-syllable word can match 5 % of a
million listings). So a document's rowid carries its facet values in its low bits — category,
district, platform, free, price band, and whether it has an end date or a cluster — with a sequence
number above them. The facet filters are then bit tests on rowids FTS5 already holds, and the facet
counts of every match come from one `group_concat(rowid)` and numpy bincounts, with no lookup into
a table and no Python per row. An update gets a new rowid.

The terms come from indexer.search.analysis, so FTS5 only splits on the spaces we put there; user
text becomes quoted FTS5 strings, never syntax.
"""

from __future__ import annotations

import json
import math
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from indexer.search import analysis
from indexer.search.backend import SearchError
from indexer.search.query import (EARTH_RADIUS_KM, PRICE_BANDS, SearchQuery, SearchResult, available_until,
                                  effective_price, price_band)
from indexer.writelock import WriteLock

TITLE_WEIGHT = 3.0
BODY_WEIGHT = 1.0
SCHEMA_VERSION = 3
# BM25 ranks at most this many matches: a broader query is ranked among its most recently indexed
# ones (the rest still count in the total and the facets, and are reached by the other sorts).
RANK_WINDOW = 10_000
FACET_CACHE_SIZE = 256

# rowid = seq << SEQ_SHIFT | facet bits. (name, shift, width)
_BITS = {"category": (0, 5), "district": (5, 5), "platform": (10, 10), "free": (20, 2), "price_band": (22, 3),
         "has_until": (25, 1), "clustered": (26, 1)}
SEQ_SHIFT = 27
_CODED = ("category", "district", "platform", "price_band")
_FREE_CODES = {None: 0, False: 1, True: 2}
_BAND_CODES = {key: i + 1 for i, (key, _, _) in enumerate(PRICE_BANDS)}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS search_docs (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    source_id INTEGER,
    dong TEXT,
    price INTEGER,
    published TEXT,
    starts TEXT,
    until TEXT,
    lat REAL,
    lon REAL,
    cluster TEXT
);
CREATE INDEX IF NOT EXISTS search_docs_source ON search_docs(source_id);
CREATE INDEX IF NOT EXISTS search_docs_published ON search_docs(published);
CREATE INDEX IF NOT EXISTS search_docs_price ON search_docs(price) WHERE price IS NOT NULL;
CREATE INDEX IF NOT EXISTS search_docs_lat ON search_docs(lat, lon) WHERE lat IS NOT NULL;
CREATE TABLE IF NOT EXISTS search_text (
    rowid INTEGER PRIMARY KEY,
    title_terms TEXT NOT NULL,
    body_terms TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS search_codes (
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    code INTEGER NOT NULL,
    PRIMARY KEY (field, value)
);
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
    title_terms, body_terms,
    content='search_text', content_rowid='rowid',
    tokenize="unicode61 remove_diacritics 0 tokenchars '_'"
);
CREATE TRIGGER IF NOT EXISTS search_text_ai AFTER INSERT ON search_text BEGIN
    INSERT INTO search_fts(rowid, title_terms, body_terms)
    VALUES (new.rowid, new.title_terms, new.body_terms);
END;
"""
_DELETE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS search_text_ad AFTER DELETE ON search_text BEGIN
    INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms)
    VALUES ('delete', old.rowid, old.title_terms, old.body_terms);
END
"""


def fts_match_expression(text: str, any_word: bool = False) -> str | None:
    """FTS5 MATCH expression from user text: the groups AND-ed (or OR-ed), terms quoted as strings."""
    groups = analysis.query_groups(text)
    if not groups:
        return None
    # One quoted string per group: FTS5 reads it as a phrase of the terms it contains, and
    # nothing inside a string is syntax.
    joiner = " OR " if any_word else " AND "
    return joiner.join(dict.fromkeys('"' + " ".join(group).replace('"', '""') + '"' for group in groups))


def _bit(name: str, column: str = "rowid") -> str:
    shift, width = _BITS[name]
    return f"(({column} >> {shift}) & {(1 << width) - 1})"


class SqliteFtsBackend:
    name = "sqlite"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = WriteLock(self.path)
        self._codes: dict[str, dict[str, int]] = {}
        self._codes_state: tuple | None = None
        self._cache: OrderedDict[tuple, tuple] = OrderedDict()
        self._cache_lock = threading.Lock()
        conn = self._raw()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            # The index is derived from the catalog: an index of another layout is dropped and
            # rebuilt empty (`sharehub reindex` fills it).
            conn.executescript("DROP TABLE IF EXISTS search_fts; DROP TABLE IF EXISTS search_docs;"
                               " DROP TABLE IF EXISTS search_text; DROP TABLE IF EXISTS search_codes;")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.executescript(_SCHEMA)
        conn.execute(_DELETE_TRIGGER)

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
            conn.execute("PRAGMA cache_size=-131072")  # 128 MiB: the narrow table and the FTS index
            conn.execute("PRAGMA mmap_size=1073741824")
            self._local.conn = conn
        return conn

    # -- codes ---------------------------------------------------------------------------
    def _load_codes(self, conn: sqlite3.Connection) -> None:
        codes: dict[str, dict[str, int]] = {name: {} for name in _CODED}
        for field_name, value, code in conn.execute("SELECT field, value, code FROM search_codes"):
            codes.setdefault(field_name, {})[value] = code
        self._codes = codes

    def _code(self, conn: sqlite3.Connection, field_name: str, value: str | None) -> int:
        if value is None:
            return 0
        if field_name == "price_band":
            return _BAND_CODES[value]
        known = self._codes.setdefault(field_name, {})
        code = known.get(value)
        if code is None:
            self._load_codes(conn)
            known = self._codes[field_name]
            code = known.get(value)
        if code is None:
            code = len(known) + 1
            if code >= 1 << _BITS[field_name][1]:
                raise SearchError(f"sqlite: more than {(1 << _BITS[field_name][1]) - 1} distinct"
                                  f" {field_name} values; the embedded index cannot hold more")
            conn.execute("INSERT INTO search_codes (field, value, code) VALUES (?,?,?)", (field_name, value, code))
            known[value] = code
        return code

    def _lookup_codes(self, conn: sqlite3.Connection, field_name: str, values: Iterable[str]) -> list[int]:
        """Codes of filter values; a value never indexed has none (and matches nothing)."""
        values = list(values)
        # Reread only when the index changed since: an unknown value (a typo, a guess) would
        # otherwise cost a table read on every request that names it.
        if any(v not in self._codes.get(field_name, {}) for v in values) and self._codes_state != self._state(conn):
            self._load_codes(conn)
            self._codes_state = self._state(conn)
        known = self._codes.get(field_name, {})
        return [known[v] for v in values if v in known]

    # -- writing -------------------------------------------------------------------------
    def index(self, documents: Iterable[dict[str, Any]]) -> int:
        docs = list(documents)
        if not docs:
            return 0
        with self._connect() as conn:
            return self._index_in(conn, docs)

    def _row(self, conn: sqlite3.Connection, doc: dict[str, Any], seq: int) -> tuple:
        price = doc.get("price") or {}
        until = _sortable_time(available_until(doc))
        cluster = _cluster(doc)
        lat, lon = doc.get("lat"), doc.get("lon")
        if not (isinstance(lat, (int, float)) and isinstance(lon, (int, float))
                and math.isfinite(lat) and math.isfinite(lon)):
            lat = lon = None
        bits = (self._code(conn, "category", doc.get("category"))
                | self._code(conn, "district", doc.get("district")) << _BITS["district"][0]
                | self._code(conn, "platform", doc.get("platform") or None) << _BITS["platform"][0]
                | _FREE_CODES[None if price.get("is_free") is None else bool(price.get("is_free"))]
                << _BITS["free"][0]
                | self._code(conn, "price_band", price_band(price)) << _BITS["price_band"][0]
                | (until is not None) << _BITS["has_until"][0]
                | (cluster is not None) << _BITS["clustered"][0])
        return (seq << SEQ_SHIFT | bits, doc["id"], doc.get("source_id"), doc.get("dong"), effective_price(price),
                _sortable_time(doc.get("published_at")), _sortable_time(doc.get("starts_at")), until,
                lat, lon, cluster)

    @staticmethod
    def _delete_ids(conn: sqlite3.Connection, ids: list[str]) -> None:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rowids = [r[0] for r in conn.execute(
                f"SELECT rowid FROM search_docs WHERE id IN ({','.join('?' * len(chunk))})", chunk)]
            if not rowids:  # new documents, the common case of a first crawl or a rebuild
                continue
            marks = ",".join("?" * len(rowids))
            conn.execute(f"DELETE FROM search_text WHERE rowid IN ({marks})", rowids)
            conn.execute(f"DELETE FROM search_docs WHERE rowid IN ({marks})", rowids)

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if ids:
            with self._connect() as conn:
                self._delete_ids(conn, ids)

    def delete_source(self, source_id: int) -> None:
        with self._connect() as conn:
            conn.execute("DELETE FROM search_text WHERE rowid IN (SELECT rowid FROM search_docs WHERE source_id = ?)",
                         (source_id,))
            conn.execute("DELETE FROM search_docs WHERE source_id = ?", (source_id,))

    def clear(self) -> None:
        with self._connect() as conn:
            self._clear(conn)

    @staticmethod
    def _clear(conn: sqlite3.Connection) -> None:
        # 'delete-all' empties the FTS index at once; the delete trigger would do it row by row.
        conn.execute("DROP TRIGGER IF EXISTS search_text_ad")
        conn.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
        conn.execute("DELETE FROM search_text")
        conn.execute("DELETE FROM search_docs")
        conn.execute(_DELETE_TRIGGER)

    def rebuild(self, batches: Iterable[list[dict[str, Any]]]) -> int:
        """Replace every document in one transaction: searches see the old index until it commits."""
        total = 0
        with self._connect() as conn:
            self._clear(conn)
            for batch in batches:
                total += self._index_in(conn, batch)
        return total

    def _index_in(self, conn: sqlite3.Connection, docs: list[dict[str, Any]]) -> int:
        # The CPU work (analysis, JSON) first, then the rows.
        prepared = [(doc, *analysis.document_terms(doc), json.dumps(doc, ensure_ascii=False)) for doc in docs]
        if not prepared:
            return 0
        self._delete_ids(conn, [doc["id"] for doc in docs])
        seq = (conn.execute("SELECT coalesce(max(rowid), 0) FROM search_docs").fetchone()[0] >> SEQ_SHIFT) + 1
        doc_rows, text_rows = [], []
        for offset, (doc, title_terms, body_terms, payload) in enumerate(prepared):
            row = self._row(conn, doc, seq + offset)
            doc_rows.append(row)
            text_rows.append((row[0], title_terms, body_terms, payload))
        conn.executemany("INSERT INTO search_docs (rowid, id, source_id, dong, price, published,"
                         " starts, until, lat, lon, cluster) VALUES (?,?,?,?,?,?,?,?,?,?,?)", doc_rows)
        conn.executemany("INSERT INTO search_text (rowid, title_terms, body_terms, doc) VALUES (?,?,?,?)",
                         text_rows)
        return len(prepared)

    def count(self) -> int:
        with self._connect(write=False) as conn:
            return conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]

    def optimize(self) -> None:
        """Merge the FTS5 index segments (housekeeping; searches go on meanwhile)."""
        with self._connect() as conn:
            conn.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")

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
        with self._connect(write=False) as conn:
            try:
                return self._search(conn, query)
            except sqlite3.OperationalError as exc:
                raise SearchError(f"sqlite: search failed: {exc}") from exc

    def _search(self, conn: sqlite3.Connection, query: SearchQuery) -> SearchResult:
        match = fts_match_expression(query.text, query.match_any)
        if query.text.strip() and match is None:
            return SearchResult(total=0, facets=_empty_facets())  # only punctuation: nothing to find
        where, params, needs_docs = self._filters(conn, query)
        if where is None:
            return SearchResult(total=0, facets=_empty_facets())
        if match is not None:
            source = "search_fts f" + (" JOIN search_docs d ON d.rowid = f.rowid" if needs_docs else "")
            where.insert(0, "search_fts MATCH ?")
            params.insert(0, match)
            rowid = "f.rowid"
        else:
            source = "search_docs d"
            rowid = "d.rowid"
        where = [w.replace("{rowid}", rowid) for w in where]
        where_sql = (" WHERE " + " AND ".join(where)) if where else ""
        rowids, total, facets = self._matches(conn, rowid, source, where_sql, params)
        if total == 0:
            return SearchResult(total=0, facets=facets)
        clustered = bool(np.any((rowids >> _BITS["clustered"][0]) & 1))
        hits = self._page(conn, query, match, rowid, source, where, params, rowids, clustered)
        return SearchResult(total=total, hits=hits, facets=facets)

    def _filters(self, conn, query: SearchQuery) -> tuple[list[str] | None, list[Any], bool]:
        """SQL conditions ({rowid} stands for the matched rowid) and whether they read search_docs."""
        where: list[str] = []
        params: list[Any] = []
        needs_docs = False
        for name, values in (("category", query.categories), ("district", query.districts),
                             ("platform", query.platforms)):
            if values:
                codes = self._lookup_codes(conn, name, values)
                if not codes:
                    return None, [], False
                where.append(f"{_bit(name, '{rowid}')} IN ({','.join(map(str, codes))})")
        if query.free is True:
            where.append(f"{_bit('free', '{rowid}')} = {_FREE_CODES[True]}")
        elif query.free is False:
            where.append(f"{_bit('free', '{rowid}')} != {_FREE_CODES[True]}")
        if query.dongs:
            needs_docs = True
            where.append(f"d.dong IN ({','.join('?' * len(query.dongs))})")
            params.extend(query.dongs)
        if query.price_min is not None:
            needs_docs = True
            where.append("d.price >= ?")
            params.append(query.price_min)
        if query.price_max is not None:
            needs_docs = True
            where.append("d.price <= ?")
            params.append(query.price_max)
        if query.available_from is not None:
            needs_docs = True
            where.append("(d.until IS NULL OR d.until >= ?)")
            params.append(_sortable_time(query.available_from.isoformat()))
        if query.available_to is not None:
            needs_docs = True
            where.append("(d.starts IS NULL OR d.starts <= ?)")
            params.append(_sortable_time(query.available_to.isoformat()))
        if query.exclude_sources:
            needs_docs = True
            where.append(f"(d.source_id IS NULL OR d.source_id NOT IN ({','.join('?' * len(query.exclude_sources))}))")
            params.extend(query.exclude_sources)
        if query.near is not None and query.radius_km is not None:
            needs_docs = True
            lat, lon = query.near
            dlat = math.degrees(query.radius_km / EARTH_RADIUS_KM)
            dlon = dlat / max(math.cos(math.radians(lat)) - dlat / 57.3, 1e-6)
            where.append("d.lat BETWEEN ? AND ? AND d.lon BETWEEN ? AND ?")
            params.extend([lat - dlat, lat + dlat, lon - dlon, lon + dlon])
            where.append(f"{_distance_sql()} <= ?")
            params.extend([lat, lat, lon, query.radius_km])
        elif query.near is not None:
            needs_docs = True
            where.append("d.lat IS NOT NULL AND d.lon IS NOT NULL")
        if query.ended_before is not None:
            ended = _sortable_time(query.ended_before.isoformat())
            if needs_docs:
                where.append("(d.until IS NULL OR d.until >= ?)")
            else:
                # Most listings have no end: only those that do are looked up.
                where.append(f"({_bit('has_until', '{rowid}')} = 0 OR"
                             " (SELECT until FROM search_docs WHERE rowid = {rowid}) >= ?)")
            params.append(ended)
        return where, params, needs_docs

    def _matches(self, conn, rowid: str, source: str, where_sql: str, params: list[Any]):
        """The rowids of every match (ascending), the total and the facets; cached per index state."""
        key = (source, where_sql, tuple(params))
        state = self._state(conn)
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None and cached[0] == state:
                self._cache.move_to_end(key)
                return cached[1:]
        joined = conn.execute(f"SELECT group_concat({rowid}) FROM {source}{where_sql}", params).fetchone()[0]
        rowids = np.fromstring(joined, dtype=np.int64, sep=",") if joined else np.empty(0, dtype=np.int64)
        total, facets = self._facets(conn, rowids)
        with self._cache_lock:
            self._cache[key] = (state, rowids, total, facets)
            while len(self._cache) > FACET_CACHE_SIZE:
                self._cache.popitem(last=False)
        return rowids, total, facets

    def _state(self, conn) -> tuple:
        # data_version changes when another connection commits; our own writes change total_changes.
        return (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes, id(conn))

    def _facets(self, conn, rowids: np.ndarray) -> tuple[int, dict[str, dict[str, int]]]:
        if not len(rowids):
            return 0, _empty_facets()
        if any(self._codes.get(name) is None for name in ("category", "district", "platform")):
            self._load_codes(conn)
        names = {name: {code: value for value, code in self._codes.get(name, {}).items()}
                 for name in ("category", "district", "platform")}
        names["price_band"] = {code: key for key, code in _BAND_CODES.items()}
        clustered_mask = ((rowids >> _BITS["clustered"][0]) & 1).astype(bool)
        alone = rowids[~clustered_mask]
        facets: dict[str, dict[str, int]] = {}
        values_of: dict[str, np.ndarray] = {}
        for name in ("category", "district", "platform", "price_band"):
            shift, width = _BITS[name]
            values_of[name] = (rowids >> shift) & ((1 << width) - 1)
            counts = np.bincount(values_of[name][~clustered_mask], minlength=1 << width)
            facets[name] = {names[name].get(code, str(code)): int(n) for code, n in enumerate(counts)
                            if code and n}
        free_codes = (rowids >> _BITS["free"][0]) & 3
        facets["free"] = {"true": int(np.count_nonzero(free_codes[~clustered_mask] == _FREE_CODES[True])),
                          "false": int(np.count_nonzero(free_codes[~clustered_mask] != _FREE_CODES[True]))}
        total = len(alone)
        if clustered_mask.any():
            # Members of one thing listed on several platforms count once per facet value.
            members = rowids[clustered_mask]
            cluster_of: dict[int, str] = {}
            for start in range(0, len(members), 500):
                chunk = [int(r) for r in members[start:start + 500]]
                cluster_of.update(conn.execute(
                    f"SELECT rowid, cluster FROM search_docs WHERE rowid IN ({','.join('?' * len(chunk))})",
                    chunk).fetchall())
            total += len(set(cluster_of.values()))
            seen: dict[tuple[str, str], set[str]] = {}
            for position in np.flatnonzero(clustered_mask):
                rid = int(rowids[position])
                cluster = cluster_of.get(rid, str(rid))
                for name in ("category", "district", "platform", "price_band"):
                    code = int(values_of[name][position])
                    if code:
                        seen.setdefault((name, names[name].get(code, str(code))), set()).add(cluster)
                free = "true" if int(free_codes[position]) == _FREE_CODES[True] else "false"
                seen.setdefault(("free", free), set()).add(cluster)
            for (name, value), clusters in seen.items():
                facets[name][value] = facets[name].get(value, 0) + len(clusters)
        for name in facets:
            facets[name] = dict(sorted(((k, v) for k, v in facets[name].items() if v),
                                       key=lambda kv: (-kv[1], kv[0])))
        facets["free"] = {k: facets["free"][k] for k in ("true", "false") if k in facets["free"]}
        return total, facets

    def _page(self, conn, query: SearchQuery, match: str | None, rowid: str, source: str, where: list[str],
              params: list[Any], rowids: np.ndarray, clustered: bool) -> list[dict[str, Any]]:
        sort = query.effective_sort
        where, params = list(where), list(params)
        ranked = sort == "relevance" and match is not None
        if ranked and len(rowids) > RANK_WINDOW:
            where.append(f"{rowid} >= ?")
            params.append(int(np.partition(rowids, len(rowids) - RANK_WINDOW)[len(rowids) - RANK_WINDOW]))
        if "search_docs d" not in source and (not ranked or clustered or query.near is not None):
            source += " JOIN search_docs d ON d.rowid = f.rowid"
        joined = "search_docs d" in source
        columns = [f"{rowid} AS rid"]
        column_params: list[Any] = []
        if ranked:
            columns.append(f"bm25(search_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score")
            # Ties go to the most recently indexed; reading each match's date would cost a lookup.
            order = "score, rid DESC"
        elif sort == "price":
            order = "d.price IS NULL, d.price, d.published IS NULL, d.published DESC, rid DESC"
        elif sort == "distance":
            order = "distance, rid DESC"
        else:
            order = "d.published IS NULL, d.published DESC, rid DESC"
        if query.near is not None:
            columns.append(f"{_distance_sql()} AS distance")
            column_params += [query.near[0], query.near[0], query.near[1]]
        if joined:
            columns += ["d.published AS published", "d.price AS price", "d.cluster AS cluster"]
        where_sql = (" WHERE " + " AND ".join(where)) if where else ""
        all_params = [*column_params, *params]
        if clustered:
            outer = order.replace("d.", "")
            base = f"SELECT {', '.join(columns)} FROM {source}{where_sql}"
            inner = (f"SELECT *, ROW_NUMBER() OVER (PARTITION BY coalesce(cluster, rid) ORDER BY {outer})"
                     f" AS rank_in_cluster FROM ({base})")
            page_sql = f"SELECT rid FROM ({inner}) WHERE rank_in_cluster = 1 ORDER BY {outer} LIMIT ? OFFSET ?"
        else:
            page_sql = f"SELECT {', '.join(columns)} FROM {source}{where_sql} ORDER BY {order} LIMIT ? OFFSET ?"
        page = [r[0] for r in conn.execute(page_sql, [*all_params, query.per_page, query.offset])]
        if not page:
            return []
        docs = dict(conn.execute(f"SELECT rowid, doc FROM search_text WHERE rowid IN ({','.join('?' * len(page))})",
                                 page).fetchall())
        return [json.loads(docs[r]) for r in page if r in docs]


def _distance_sql() -> str:
    """Haversine distance in km from (?, ?) [lat, lat again] and ? [lon] to d.lat, d.lon."""
    return (f"(2 * {EARTH_RADIUS_KM} * asin(min(1, sqrt("
            "pow(sin(radians(d.lat - ?) / 2), 2)"
            " + cos(radians(?)) * cos(radians(d.lat)) * pow(sin(radians(d.lon - ?) / 2), 2)))))")


def _empty_facets() -> dict[str, dict[str, int]]:
    return {name: {} for name in ("category", "district", "platform", "free", "price_band")}


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
    except (TypeError, ValueError):
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
