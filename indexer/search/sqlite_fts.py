"""Embedded search on SQLite FTS5: zero set-up, one file in the data folder.

Tables:
- `search_text` holds each document's analysed title and body terms, its filter terms and the API
  document (JSON); the FTS5 table `search_fts` is an external-content index over it, kept in step in
  the same transaction as every write (new rows a chunk at a time, deletions by triggers).
- `search_docs` is narrow: the id, its 63-bit hash, and the numbers filters and sorts read (price,
  times as epoch seconds, coordinates, source, cluster). It has no index on the id: the writer finds
  a listing's rowid from the hashes held sorted in numpy (`_IdMap`), and checks the id itself.
- `search_codes` numbers the values of the facet fields and dongs; `search_meta` counts versions;
  `search_gone` logs the rowids deleted since the readers last looked.

A broad two-syllable word matches 5 % of a million listings, and every search counts facets over all
its matches. So:
- a document's rowid carries its facet values in its low bits (category, district, platform, free,
  price band, has an end, has a cluster) with a sequence number above them; facet counts are numpy
  bincounts of the matched rowids, and those filters are bit tests;
- each reader process holds the narrow table as numpy columns, brought up to date from the version
  counter, the new rowids and the gone log (not reloaded), so price, date, source and distance
  filters and the newest, price and distance sorts are vector operations, never a lookup per match;
- dong and map-cell terms in the FTS `filter_terms` column let FTS5 intersect a selective place
  filter with the words before anything is counted or ranked;
- BM25 (title weighted over body) ranks the newest RANK_WINDOW matches that pass every filter.

The terms come from indexer.search.analysis, so FTS5 only splits on the spaces we put there; user
text becomes quoted FTS5 strings confined to the title and body columns, never syntax.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np
import orjson

from indexer.search import analysis
from indexer.search.backend import SearchError
from indexer.search.query import EARTH_RADIUS_KM, PRICE_BANDS, SearchQuery, SearchResult, effective_price
from indexer.writelock import WriteLock

TITLE_WEIGHT = 3.0
BODY_WEIGHT = 1.0
SCHEMA_VERSION = 7
# BM25 ranks at most this many matches, the most recently indexed that pass the filters; the rest
# follow, newest first (they still count in the total and the facets, and the other sorts reach them).
RANK_WINDOW = 2_000
# A relevance page ranks at least this many matches and keeps the order with the cached matches.
RANKED_AHEAD = 200
# Cached match sets (rowids of a query's matches, their facets) per index version, bounded by the
# number of rowids they hold in all.
CACHE_ROWIDS = 4_000_000
# Past this many logged deletions the log is emptied and readers reload their columns once.
GONE_LOG_LIMIT = 100_000
# Map cells of the filter terms: about 1.1 km x 1.1 km in Seoul; a radius covering more than
# MAX_GEO_CELLS of them is filtered on the columns only.
CELL_LAT = 0.01
CELL_LON = 0.0125
MAX_GEO_CELLS = 150
# Column values standing for "none" (the SQL writes them, numpy compares them).
LOW = -(1 << 62)
HIGH = 1 << 62

# rowid = seq << SEQ_SHIFT | facet bits. (name, shift, width)
_BITS = {"category": (0, 5), "district": (5, 5), "platform": (10, 10), "free": (20, 2), "price_band": (22, 3),
         "has_until": (25, 1), "clustered": (26, 1)}
SEQ_SHIFT = 27
_CODED = ("category", "district", "platform", "price_band", "dong")
_FREE_CODES = {None: 0, False: 1, True: 2}
_BAND_CODES = {key: i + 1 for i, (key, _, _) in enumerate(PRICE_BANDS)}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO search_meta (key, value) VALUES ('generation', 1), ('version', 0), ('next_seq', 1);
CREATE TABLE IF NOT EXISTS search_docs (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    id_key INTEGER NOT NULL,
    source_id INTEGER,
    price INTEGER,
    published INTEGER,
    starts INTEGER,
    until INTEGER,
    lat REAL,
    lon REAL,
    cluster TEXT,
    cluster_key INTEGER
);
CREATE INDEX IF NOT EXISTS search_docs_source ON search_docs(source_id);
CREATE TABLE IF NOT EXISTS search_text (
    rowid INTEGER PRIMARY KEY,
    title_terms TEXT NOT NULL,
    body_terms TEXT NOT NULL,
    filter_terms TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS search_codes (
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    code INTEGER NOT NULL,
    PRIMARY KEY (field, value)
);
CREATE TABLE IF NOT EXISTS search_gone (seq INTEGER PRIMARY KEY, rowid INTEGER NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
    title_terms, body_terms, filter_terms,
    content='search_text', content_rowid='rowid',
    tokenize="ascii tokenchars '_'"
);
"""
# The terms are analysed already (folded, split on every non-word character), so FTS5 has only the
# spaces to split on: the ascii tokenizer does that at a fraction of unicode61's cost (to it, every
# non-ASCII character belongs to a token) and splits them the same way.
# Pages of 8 KiB for a new file: fewer, fuller pages to write per batch than 4 KiB.
PAGE_SIZE = 8192
# New rows reach the FTS index a chunk at a time, in one statement: SQLite tokenizes and merges in C
# with the GIL released, while Python prepares the next chunk.
_FTS_INSERT = ("INSERT INTO search_fts(rowid, title_terms, body_terms, filter_terms)"
               " SELECT rowid, title_terms, body_terms, filter_terms FROM search_text WHERE rowid BETWEEN ? AND ?")
WRITE_CHUNK = 500
# Apart, so that clear() can drop them and create them again inside its transaction.
_DELETE_TRIGGERS = ("""
CREATE TRIGGER IF NOT EXISTS search_text_ad AFTER DELETE ON search_text BEGIN
    INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms, filter_terms)
    VALUES ('delete', old.rowid, old.title_terms, old.body_terms, old.filter_terms);
END""", """
CREATE TRIGGER IF NOT EXISTS search_docs_ad AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_gone (rowid) VALUES (old.rowid);
END""")
_TEXT_COLUMNS = "{title_terms body_terms}"
# The narrow table as the readers' columns: (name, SQL, numpy type).
_COLUMNS = (("rowid", "rowid", np.int64), ("price", "coalesce(price, -1)", np.int64),
            ("published", f"coalesce(published, {LOW})", np.int64), ("starts", f"coalesce(starts, {LOW})", np.int64),
            ("until", f"coalesce(until, {HIGH})", np.int64), ("lat", "coalesce(lat, 999)", np.float64),
            ("lon", "coalesce(lon, 999)", np.float64), ("source", "coalesce(source_id, -1)", np.int64),
            ("cluster", "coalesce(cluster_key, 0)", np.int64))


def fts_match_expression(text: str, any_word: bool = False) -> str | None:
    """FTS5 MATCH expression from user text: the groups AND-ed (or OR-ed), terms quoted as strings,
    in the title and body columns only."""
    groups = analysis.query_groups(text)
    if not groups:
        return None
    # One quoted string per group: FTS5 reads it as a phrase of the terms it contains, and
    # nothing inside a string is syntax.
    joiner = " OR " if any_word else " AND "
    phrases = joiner.join(dict.fromkeys('"' + " ".join(group).replace('"', '""') + '"' for group in groups))
    return f"{_TEXT_COLUMNS} : ({phrases})"


def _bit(name: str, column: str = "rowid") -> str:
    shift, width = _BITS[name]
    return f"(({column} >> {shift}) & {(1 << width) - 1})"


def _bits_of(rowids: np.ndarray, name: str) -> np.ndarray:
    shift, width = _BITS[name]
    return (rowids >> shift) & ((1 << width) - 1)


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return int(math.floor((lat + 90.0) / CELL_LAT)), int(math.floor((lon + 180.0) / CELL_LON))


@dataclass(frozen=True)
class _Columns:
    """The narrow table at one version, sorted by rowid (see _COLUMNS)."""
    generation: int
    version: int
    gone_seq: int
    max_rowid: int
    arrays: dict[str, np.ndarray]

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.arrays[name]
        except KeyError:
            raise AttributeError(name) from None


class _IdMap:
    """Which rowid holds which listing id, for the writer: the ids' 63-bit keys sorted in numpy, with
    their rowids, brought up to date like the readers' columns (generation, new rowids, gone log).

    In place of a B-tree index on the id: ids are hashes, so each document of a batch would land on
    its own leaf page of that index and rewrite it, most of the cost of a commit at a million
    listings; without one, a batch only appends. New keys go to a small sorted part first, merged
    into the large one when it reaches an eighth of its size, so a batch costs little to take in."""

    def __init__(self) -> None:
        self.generation: int | None = None
        self.max_rowid = -1
        self.gone_seq = 0
        empty = np.empty(0, dtype=np.int64)
        self.parts = [(empty, empty), (empty, empty)]   # (keys, rowids) sorted by key: large, small

    def sync(self, conn: sqlite3.Connection) -> None:
        """Bring the map to what this (write) transaction sees."""
        generation = conn.execute("SELECT value FROM search_meta WHERE key = 'generation'").fetchone()[0]
        if generation != self.generation:
            self.__init__()
            self.generation = generation
            self.gone_seq = conn.execute("SELECT coalesce(max(seq), 0) FROM search_gone").fetchone()[0]
        else:
            gone_text, last = conn.execute("SELECT group_concat(rowid), max(seq) FROM search_gone WHERE seq > ?",
                                           (self.gone_seq,)).fetchone()
            if gone_text:
                gone = np.unique(_parse(gone_text, np.int64))
                self.parts = [(keys[keep], rowids[keep]) for keys, rowids in self.parts
                              for keep in (~_contains(gone, rowids),)]
                self.gone_seq = last
        keys_text, rowids_text = conn.execute("SELECT group_concat(id_key), group_concat(rowid) FROM search_docs"
                                              " WHERE rowid > ?", (self.max_rowid,)).fetchone()
        if rowids_text:
            keys, rowids = _parse(keys_text, np.int64), _parse(rowids_text, np.int64)
            self.max_rowid = int(rowids.max())
            large, small = self.parts
            small = _merged(small, (keys, rowids))
            if len(small[0]) * 8 > len(large[0]):
                large, small = _merged(large, small), (small[0][:0], small[1][:0])
            self.parts = [large, small]

    def rowids_of(self, keys: np.ndarray) -> np.ndarray:
        """The rowids whose id has one of these keys."""
        found = []
        for sorted_keys, rowids in self.parts:
            low = np.searchsorted(sorted_keys, keys, side="left")
            high = np.searchsorted(sorted_keys, keys, side="right")
            found.extend(rowids[a:b] for a, b in zip(low[high > low], high[high > low]))
        return np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)


def _merged(into: tuple[np.ndarray, np.ndarray], new: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Two (keys, rowids) pairs as one, sorted by key (`into` is sorted, `new` need not be)."""
    order = np.argsort(new[0], kind="stable")
    at = np.searchsorted(into[0], new[0][order])
    return np.insert(into[0], at, new[0][order]), np.insert(into[1], at, new[1][order])


@dataclass
class _Plan:
    """How a query runs: the FTS expression (None: every document), the SQL bit tests the ranking
    statement adds, and the numpy tests of the bits and the columns."""
    match: str | None
    bit_sql: list[str]
    bit_tests: list[tuple[str, tuple[int, ...], bool]]   # (field, codes, negate)
    price: tuple[int | None, int | None] | None = None
    available_from: int | None = None
    available_to: int | None = None
    ended_before: int | None = None
    exclude_sources: tuple[int, ...] = ()
    near: tuple[float, float] | None = None
    radius_km: float | None = None

    def key(self) -> tuple:
        return (self.match, tuple(self.bit_sql), self.price, self.available_from, self.available_to,
                self.ended_before, self.exclude_sources, self.near, self.radius_km)



@dataclass
class _Matches:
    """A query's matches at one index version."""
    candidates: np.ndarray   # rowids the ranking statement sees (FTS expression and bit tests)
    rowids: np.ndarray       # of those, the ones passing every filter (ascending)
    positions: np.ndarray    # their index in the columns
    distances: np.ndarray | None
    total: int
    facets: dict[str, dict[str, int]]
    # The BM25 order of the first matches, once a relevance page asked for it: the next page, or the
    # same search again, reads it instead of ranking again.
    ranked: np.ndarray | None = None

    @property
    def size(self) -> int:
        return len(self.candidates) + len(self.rowids)


class SqliteFtsBackend:
    name = "sqlite"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = WriteLock(self.path)
        self._codes: dict[str, dict[str, int]] = {}
        self._codes_state: tuple | None = None
        self._ids = _IdMap()     # used under the write lock only
        self._columns_snapshot: _Columns | None = None
        self._columns_lock = threading.Lock()
        self._cache: OrderedDict[tuple, Any] = OrderedDict()   # _Matches, or the rowids of an FTS match
        self._cache_sizes: dict[tuple, int] = {}
        self._cache_rowids = 0
        self._cache_lock = threading.Lock()
        # Setting up the file takes the write lock: crawl processes started together open a new
        # index at the same moment, and SQLite refuses a second connection switching it to WAL.
        with self._write_lock.held():
            conn = self._raw()
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA_VERSION:
                # The index is derived from the catalog: an index of another layout is dropped and
                # rebuilt empty (`sharehub reindex` fills it).
                for table in ("search_fts", "search_docs", "search_text", "search_codes", "search_meta", "search_gone"):
                    conn.execute(f"DROP TABLE IF EXISTS {table}")
                self._resize_pages(conn)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.executescript(_SCHEMA)
            conn.execute("DROP TRIGGER IF EXISTS search_text_ai")   # schema 5 had it: _FTS_INSERT does its work
            for trigger in _DELETE_TRIGGERS:
                conn.execute(trigger)

    @staticmethod
    def _resize_pages(conn: sqlite3.Connection) -> None:
        """Give an emptied file of an older layout the page size of a new one (best effort: WAL
        mode keeps the size, and leaving it needs no other connection open)."""
        if conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE:
            return
        try:
            conn.execute("PRAGMA journal_mode=DELETE")
            conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
            conn.execute("VACUUM")
        except sqlite3.OperationalError:
            pass    # another process has it open: the old size serves as well, a little slower
        finally:
            conn.execute("PRAGMA journal_mode=WAL")

    def _connect(self, write: bool = True) -> "_Transaction":
        return _Transaction(self._raw(), immediate=write, lock=self._write_lock if write else None)

    def _raw(self) -> sqlite3.Connection:
        # One connection per thread: sqlite3 connections must not cross threads.
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                # check_same_thread off for the FTS thread of _index_in, which takes turns with this one.
                conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            except sqlite3.Error as exc:
                raise SearchError(f"sqlite: unable to open search index {self.path}: {exc}") from exc
            conn.execute(f"PRAGMA page_size={PAGE_SIZE}")   # a new file only
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA cache_size=-131072")  # 128 MiB: the FTS index's hot pages
            conn.execute("PRAGMA mmap_size=1073741824")
            # Checkpoint every 40 MB of WAL, not every 4 MB: pages a batch of writes dirties again
            # and again (FTS segments, index leaves) are then copied into the file once.
            conn.execute("PRAGMA wal_autocheckpoint=10000")
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
            if field_name in _BITS and code >= 1 << _BITS[field_name][1]:
                raise SearchError(f"sqlite: more than {(1 << _BITS[field_name][1]) - 1} distinct"
                                  f" {field_name} values; the embedded index cannot hold more")
            conn.execute("INSERT INTO search_codes (field, value, code) VALUES (?,?,?)", (field_name, value, code))
            known[value] = code
        return code

    @contextmanager
    def _forget_on_failure(self) -> Iterator[None]:
        # Codes given out, and rows the id map took in, in a transaction that rolled back do not
        # exist: read them again.
        try:
            yield
        except BaseException:
            self._codes = {}
            self._ids = _IdMap()
            raise

    def _lookup_codes(self, conn: sqlite3.Connection, field_name: str, values: Iterable[str],
                      state: tuple[int, int]) -> list[int]:
        """Codes of filter values; a value never indexed has none (and matches nothing)."""
        values = list(values)
        # Reread only when the index changed since: an unknown value (a typo, a guess) would
        # otherwise cost a table read on every request that names it.
        if any(v not in self._codes.get(field_name, {}) for v in values) and self._codes_state != state:
            self._load_codes(conn)
            self._codes_state = state
        known = self._codes.get(field_name, {})
        return [known[v] for v in values if v in known]

    # -- writing -------------------------------------------------------------------------
    def index(self, documents: Iterable[dict[str, Any]]) -> int:
        docs = list(documents)
        if not docs:
            return 0
        with self._forget_on_failure(), self._connect() as conn:
            return self._index_in(conn, docs)

    def _row(self, doc: dict[str, Any], seq: int) -> tuple[tuple, str]:
        """The search_docs row of a document and its filter terms (its codes exist: _ensure_codes)."""
        codes = self._codes
        price = doc.get("price") or {}
        amount = effective_price(price)
        if amount is not None and amount >= HIGH:   # beyond SQLite's integers: dearer than anything
            amount = HIGH - 1
        starts = _epoch(doc.get("starts_at"))
        # available_until: the end, else a day after the start.
        until = _epoch(doc.get("ends_at")) if doc.get("ends_at") else (starts + 86_400 if starts is not None else None)
        cluster = _cluster(doc)
        lat, lon = doc.get("lat"), doc.get("lon")
        if not (isinstance(lat, (int, float)) and isinstance(lon, (int, float))
                and math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            lat = lon = None
        is_free = price.get("is_free")
        band = 0 if amount is None else _BAND_CODES[_band_of(amount)]
        bits = (codes["category"].get(doc.get("category"), 0)
                | codes["district"].get(doc.get("district"), 0) << _BITS["district"][0]
                | codes["platform"].get(doc.get("platform") or None, 0) << _BITS["platform"][0]
                | _FREE_CODES[None if is_free is None else bool(is_free)] << _BITS["free"][0]
                | band << _BITS["price_band"][0]
                | (until is not None) << _BITS["has_until"][0]
                | (cluster is not None) << _BITS["clustered"][0])
        dong = codes["dong"].get(doc.get("dong") or None, 0)
        filter_terms = f"_n{dong}" if dong else ""
        if lat is not None:
            cell = "_g%d_%d" % _cell(lat, lon)
            filter_terms = f"{filter_terms} {cell}" if filter_terms else cell
        row = (seq << SEQ_SHIFT | bits, doc["id"], _key(doc["id"]), doc.get("source_id"), amount,
               _epoch(doc.get("published_at")), starts, until, lat, lon, cluster, _cluster_key(cluster))
        return row, filter_terms

    def _delete_ids(self, conn: sqlite3.Connection, ids: list[str]) -> None:
        self._ids.sync(conn)
        candidates = self._ids.rowids_of(np.fromiter(map(_key, ids), dtype=np.int64, count=len(ids)))
        if not len(candidates):  # new documents, the common case of a crawl or a rebuild
            return
        wanted = set(ids)
        candidates = candidates.tolist()
        for start in range(0, len(candidates), 500):
            chunk = candidates[start:start + 500]
            # The keys are hashes: a candidate is one of these ids unless two ids share a key.
            rowids = [rowid for rowid, doc_id in conn.execute(
                f"SELECT rowid, id FROM search_docs WHERE rowid IN ({','.join('?' * len(chunk))})", chunk)
                if doc_id in wanted]
            if rowids:
                marks = ",".join("?" * len(rowids))
                conn.execute(f"DELETE FROM search_text WHERE rowid IN ({marks})", rowids)
                conn.execute(f"DELETE FROM search_docs WHERE rowid IN ({marks})", rowids)

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if ids:
            with self._forget_on_failure(), self._connect() as conn:
                self._delete_ids(conn, ids)
                self._limit_gone_log(conn)

    def delete_source(self, source_id: int) -> None:
        with self._connect() as conn:
            conn.execute("DELETE FROM search_text WHERE rowid IN (SELECT rowid FROM search_docs WHERE source_id = ?)",
                         (source_id,))
            conn.execute("DELETE FROM search_docs WHERE source_id = ?", (source_id,))
            self._limit_gone_log(conn)

    def clear(self) -> None:
        with self._connect() as conn:
            self._clear(conn)

    @staticmethod
    def _clear(conn: sqlite3.Connection) -> None:
        # 'delete-all' empties the FTS index at once; the delete triggers would go row by row. The
        # readers see a new generation and load their columns afresh.
        conn.execute("DROP TRIGGER IF EXISTS search_text_ad")
        conn.execute("DROP TRIGGER IF EXISTS search_docs_ad")
        conn.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
        conn.execute("DELETE FROM search_text")
        conn.execute("DELETE FROM search_docs")
        conn.execute("DELETE FROM search_gone")
        conn.execute("UPDATE search_meta SET value = value + 1 WHERE key = 'generation'")
        for trigger in _DELETE_TRIGGERS:
            conn.execute(trigger)

    @staticmethod
    def _limit_gone_log(conn: sqlite3.Connection) -> None:
        first, last = conn.execute("SELECT min(seq), max(seq) FROM search_gone").fetchone()
        if first is not None and last - first >= GONE_LOG_LIMIT:
            conn.execute("DELETE FROM search_gone")
            conn.execute("UPDATE search_meta SET value = value + 1 WHERE key = 'generation'")

    def rebuild(self, batches: Iterable[list[dict[str, Any]]]) -> int:
        """Replace every document in one transaction: searches see the old index until it commits.
        A document given twice counts once (the last one), as index() would have it."""
        with self._forget_on_failure(), self._connect() as conn:
            self._clear(conn)
            for batch in batches:
                self._index_in(conn, batch)
            return conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]

    def _index_in(self, conn: sqlite3.Connection, docs: list[dict[str, Any]]) -> int:
        # A document given twice in one call: the last one counts.
        docs = list({doc["id"]: doc for doc in docs}.values())
        if not docs:
            return 0
        self._delete_ids(conn, [doc["id"] for doc in docs])
        self._ensure_codes(conn, docs)
        # Sequence numbers only grow (kept in search_meta, not max(rowid), which falls when the
        # newest document is deleted): the readers take every rowid above the last they saw as new.
        seq = conn.execute("SELECT value FROM search_meta WHERE key = 'next_seq'").fetchone()[0]
        conn.execute("UPDATE search_meta SET value = ? WHERE key = 'next_seq'", (seq + len(docs),))
        if len(docs) <= WRITE_CHUNK:
            self._insert(conn, *self._rows(docs, seq))
            conn.execute(_FTS_INSERT, (seq << SEQ_SHIFT, (seq + len(docs)) << SEQ_SHIFT))
        else:
            # The connection is used by one thread at a time: this one between chunks, the FTS
            # thread during them (sqlite3 releases the GIL while a statement runs; binding the
            # rows of executemany holds it, so that stays here).
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-fts") as fts:
                pending = None
                for start in range(0, len(docs), WRITE_CHUNK):
                    chunk = docs[start:start + WRITE_CHUNK]
                    rows = self._rows(chunk, seq + start)
                    if pending is not None:
                        pending.result()
                    self._insert(conn, *rows)
                    pending = fts.submit(conn.execute, _FTS_INSERT,
                                         ((seq + start) << SEQ_SHIFT, (seq + start + len(chunk)) << SEQ_SHIFT))
                pending.result()
        self._limit_gone_log(conn)
        return len(docs)

    def _ensure_codes(self, conn: sqlite3.Connection, docs: list[dict[str, Any]]) -> None:
        """Codes for every value of the documents, so that preparing rows needs no SQL."""
        if not self._codes:
            self._load_codes(conn)
        for field_name in ("category", "district", "platform", "dong"):
            for value in {doc.get(field_name) or None for doc in docs}:
                self._code(conn, field_name, value)

    def _rows(self, docs: list[dict[str, Any]], seq: int) -> tuple[list[tuple], list[tuple]]:
        """The search_docs and search_text rows of documents numbered from `seq` (no SQL)."""
        doc_rows, text_rows = [], []
        for offset, doc in enumerate(docs):
            row, filter_terms = self._row(doc, seq + offset)
            title_terms, body_terms = analysis.document_terms(doc)
            doc_rows.append(row)
            text_rows.append((row[0], title_terms, body_terms, filter_terms, _dumps(doc)))
        return doc_rows, text_rows

    @staticmethod
    def _insert(conn: sqlite3.Connection, doc_rows: list[tuple], text_rows: list[tuple]) -> None:
        conn.executemany("INSERT INTO search_docs (rowid, id, id_key, source_id, price, published, starts, until,"
                         " lat, lon, cluster, cluster_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", doc_rows)
        conn.executemany("INSERT INTO search_text (rowid, title_terms, body_terms, filter_terms, doc)"
                         " VALUES (?,?,?,?,?)", text_rows)

    def count(self) -> int:
        with self._connect(write=False) as conn:
            return conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]

    def optimize(self) -> None:
        """Merge the FTS5 index segments and empty the deletion log (housekeeping; searches go on
        meanwhile, and load their columns afresh once after it)."""
        with self._connect() as conn:
            conn.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            if conn.execute("SELECT 1 FROM search_gone LIMIT 1").fetchone():
                conn.execute("DELETE FROM search_gone")
                conn.execute("UPDATE search_meta SET value = value + 1 WHERE key = 'generation'")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        self._write_lock.close()

    # -- the readers' columns ----------------------------------------------------------------
    def _state(self, conn: sqlite3.Connection) -> tuple[int, int]:
        """(generation, version) of the index as this transaction sees it."""
        rows = dict(conn.execute("SELECT key, value FROM search_meta WHERE key IN ('generation', 'version')"))
        return rows.get("generation", 0), rows.get("version", 0)

    def _columns(self, conn: sqlite3.Connection, state: tuple[int, int]) -> _Columns:
        snapshot = self._columns_snapshot
        if snapshot is not None and (snapshot.generation, snapshot.version) == state:
            return snapshot
        with self._columns_lock:
            snapshot = self._columns_snapshot
            if snapshot is not None and snapshot.generation == state[0] and snapshot.version >= state[1]:
                # Another thread already brought them to this version or past it: rowids this
                # transaction cannot see yet are simply not among its matches.
                return snapshot
            if snapshot is None or snapshot.generation != state[0]:
                fresh = self._load_columns(conn, state, None)
            else:
                fresh = self._load_columns(conn, state, snapshot)
            self._columns_snapshot = fresh
            return fresh

    @staticmethod
    def _load_columns(conn: sqlite3.Connection, state: tuple[int, int], base: _Columns | None) -> _Columns:
        """The columns at `state`: all of them, or `base` less what was deleted since, plus what is
        new (rowids above the highest it holds)."""
        after = base.max_rowid if base is not None else -1
        inner = ", ".join(f"{sql} AS c{i}" for i, (_, sql, _) in enumerate(_COLUMNS))
        row = conn.execute(f"SELECT {', '.join(f'group_concat(c{i})' for i in range(len(_COLUMNS)))} FROM"
                           f" (SELECT {inner} FROM search_docs WHERE rowid > ? ORDER BY rowid)", (after,)).fetchone()
        new = {name: _parse(text, dtype) for (name, _, dtype), text in zip(_COLUMNS, row)}
        for name in ("lat", "lon"):
            new[name][new[name] > 900] = np.nan
        gone_seq = base.gone_seq if base is not None else 0
        if base is None:
            gone_seq = conn.execute("SELECT coalesce(max(seq), 0) FROM search_gone").fetchone()[0]
            arrays = new
        else:
            gone_text, last = conn.execute("SELECT group_concat(rowid), max(seq) FROM search_gone WHERE seq > ?",
                                           (gone_seq,)).fetchone()
            keep = None
            if gone_text:
                gone = np.unique(_parse(gone_text, np.int64))
                keep = ~_contains(gone, base.rowid)
                gone_seq = last
            arrays = {name: (np.concatenate((base.arrays[name][keep], new[name])) if keep is not None
                             else np.concatenate((base.arrays[name], new[name])))
                      for name, _, _ in _COLUMNS}
        max_rowid = int(arrays["rowid"][-1]) if len(arrays["rowid"]) else max(after, 0)
        return _Columns(generation=state[0], version=state[1], gone_seq=gone_seq, max_rowid=max_rowid,
                        arrays=arrays)

    def warm(self) -> None:
        """Load the columns now (a second or two at a million listings) rather than in the first
        search; the web app calls it on a thread when it starts."""
        with self._connect(write=False) as conn:
            self._columns(conn, self._state(conn))

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
        text = fts_match_expression(query.text, query.match_any)
        if query.text.strip() and text is None:
            return SearchResult(total=0, facets=_empty_facets())  # only punctuation: nothing to find
        state = self._state(conn)
        plan = self._plan(conn, query, text, state)
        if plan is None:
            return SearchResult(total=0, facets=_empty_facets())
        columns = self._columns(conn, state)
        matches = self._matches(conn, plan, columns, state)
        if matches.total == 0:
            return SearchResult(total=0, facets=matches.facets)
        hits = self._page(conn, query, plan, text, columns, matches)
        return SearchResult(total=matches.total, hits=hits, facets=matches.facets)

    def _plan(self, conn, query: SearchQuery, text: str | None, state) -> _Plan | None:
        """None when a filter names a value the index never had (nothing can match)."""
        bit_sql: list[str] = []
        bit_tests: list[tuple[str, tuple[int, ...], bool]] = []
        for name, values in (("category", query.categories), ("district", query.districts),
                             ("platform", query.platforms)):
            if values:
                codes = tuple(self._lookup_codes(conn, name, values, state))
                if not codes:
                    return None
                bit_sql.append(f"{_bit(name)} IN ({','.join(map(str, codes))})")
                bit_tests.append((name, codes, False))
        if query.free is not None:
            bit_sql.append(f"{_bit('free')} {'=' if query.free else '!='} {_FREE_CODES[True]}")
            bit_tests.append(("free", (_FREE_CODES[True],), not query.free))
        price = None
        if query.price_min is not None or query.price_max is not None:
            price = (query.price_min, query.price_max)
            low, high = query.price_min or 0, query.price_max
            bands = tuple(_BAND_CODES[key] for key, band_low, band_high in PRICE_BANDS
                          if (high is None or band_low <= high) and (band_high is None or band_high >= low))
            if not bands:
                return None
            bit_sql.append(f"{_bit('price_band')} IN ({','.join(map(str, bands))})")
            bit_tests.append(("price_band", bands, False))
        terms: list[str] = []
        if query.dongs:
            codes = self._lookup_codes(conn, "dong", query.dongs, state)
            if not codes:
                return None
            terms.append("filter_terms : (" + " OR ".join(f'"_n{code}"' for code in codes) + ")")
        if query.near is not None and query.radius_km is not None and text and query.effective_sort == "relevance":
            # Only BM25 gains from them (it ranks fewer rows); otherwise the columns are faster.
            cells = _cells_within(query.near, query.radius_km)
            if cells is not None:
                terms.append("filter_terms : (" + " OR ".join(f'"_g{a}_{b}"' for a, b in cells) + ")")
        match = " AND ".join(([f"({text})"] if text else []) + terms) or None
        return _Plan(match=match, bit_sql=bit_sql, bit_tests=bit_tests, price=price,
                     available_from=_epoch_of(query.available_from), available_to=_epoch_of(query.available_to),
                     ended_before=_epoch_of(query.ended_before), exclude_sources=tuple(query.exclude_sources),
                     near=query.near, radius_km=query.radius_km)

    def _matches(self, conn, plan: _Plan, columns: _Columns, state) -> _Matches:
        """Every match of a plan and its facets; cached per index version."""
        key = (plan.key(), state)
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        if plan.match is not None:
            candidates = self._fts_rowids(conn, plan.match, state)
        else:
            candidates = columns.rowid
        keep = np.ones(len(candidates), dtype=bool)
        for name, codes, negate in plan.bit_tests:
            hit = np.isin(_bits_of(candidates, name), codes)
            keep &= ~hit if negate else hit
        candidates = candidates[keep] if not keep.all() else candidates
        rowids, positions, distances = self._filter_columns(plan, columns, candidates)
        total, facets = self._facets(conn, rowids, columns.cluster[positions])
        matches = _Matches(candidates=candidates, rowids=rowids, positions=positions, distances=distances,
                           total=total, facets=facets)
        self._remember(key, matches, matches.size)
        return matches

    def _fts_rowids(self, conn, match: str, state) -> np.ndarray:
        """The rowids an FTS expression matches (ascending); cached per index version, because the
        same words come back with other filters."""
        key = ("fts", match, state)
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        joined = conn.execute("SELECT group_concat(rowid) FROM search_fts WHERE search_fts MATCH ?",
                              (match,)).fetchone()[0]
        rowids = _parse(joined, np.int64)
        if len(rowids) > 1 and not bool(np.all(rowids[1:] > rowids[:-1])):
            rowids = np.unique(rowids)
        self._remember(key, rowids, len(rowids))
        return rowids

    def _remember(self, key: tuple, value: Any, size: int) -> None:
        with self._cache_lock:
            if key in self._cache:
                return
            self._cache[key] = value
            self._cache_sizes[key] = size
            self._cache_rowids += size
            while self._cache and self._cache_rowids > CACHE_ROWIDS:
                dropped, _ = self._cache.popitem(last=False)
                self._cache_rowids -= self._cache_sizes.pop(dropped)

    @staticmethod
    def _filter_columns(plan: _Plan, columns: _Columns, candidates: np.ndarray):
        """The candidates passing the column filters, their positions in the columns, distances."""
        if candidates is columns.rowid:
            positions = np.arange(len(candidates))
        else:
            positions, present = _locate(columns.rowid, candidates)
            if not present.all():   # deleted since the FTS snapshot (another thread's newer columns)
                candidates, positions = candidates[present], positions[present]
        keep = np.ones(len(candidates), dtype=bool)
        if plan.price is not None:
            price = columns.price[positions]
            keep &= price >= 0
            if plan.price[0] is not None:
                keep &= price >= plan.price[0]
            if plan.price[1] is not None:
                keep &= price <= plan.price[1]
        if plan.available_from is not None:
            keep &= columns.until[positions] >= plan.available_from
        if plan.available_to is not None:
            keep &= columns.starts[positions] <= plan.available_to
        if plan.ended_before is not None:
            # Most listings have no end: only those that do are read.
            has_until = _bits_of(candidates, "has_until").astype(bool)
            if has_until.any():
                ended = np.zeros(len(candidates), dtype=bool)
                ended[has_until] = columns.until[positions[has_until]] < plan.ended_before
                keep &= ~ended
        if plan.exclude_sources:
            keep &= ~np.isin(columns.source[positions], np.array(plan.exclude_sources, dtype=np.int64))
        distances = None
        if plan.near is not None:
            lat, lon = plan.near
            keep &= ~np.isnan(columns.lat[positions])
            if plan.radius_km is not None:
                # A bounding box first, then the exact distance of what is inside it.
                dlat = math.degrees(plan.radius_km / EARTH_RADIUS_KM)
                dlon = dlat / max(math.cos(math.radians(min(abs(lat) + dlat, 89.999))), 1e-6)
                plat, plon = columns.lat[positions], columns.lon[positions]
                with np.errstate(invalid="ignore"):
                    keep &= (np.abs(plat - lat) <= dlat) & (np.abs(plon - lon) <= dlon)
        if not keep.all():
            candidates, positions = candidates[keep], positions[keep]
        if plan.near is not None:
            lat, lon = plan.near
            distances = _haversine(lat, lon, columns.lat[positions], columns.lon[positions])
            if plan.radius_km is not None:
                inside = distances <= plan.radius_km
                if not inside.all():
                    candidates, positions, distances = candidates[inside], positions[inside], distances[inside]
        return candidates, positions, distances

    def _facets(self, conn, rowids: np.ndarray, clusters: np.ndarray) -> tuple[int, dict[str, dict[str, int]]]:
        """Total and facet counts of the matches (`clusters`: each one's cluster key, 0 = none)."""
        if not len(rowids):
            return 0, _empty_facets()
        if any(self._codes.get(name) is None for name in ("category", "district", "platform")):
            self._load_codes(conn)
        names = {name: {code: value for value, code in self._codes.get(name, {}).items()}
                 for name in ("category", "district", "platform")}
        names["price_band"] = {code: key for key, code in _BAND_CODES.items()}
        # Free or not as a code like the others: 2 = free, 1 = not (a price that does not say).
        names["free"] = {2: "true", 1: "false"}
        values_of = {name: _bits_of(rowids, name) for name in ("category", "district", "platform", "price_band")}
        values_of["free"] = (_bits_of(rowids, "free") == _FREE_CODES[True]).astype(np.int64) + 1
        clustered_mask = _bits_of(rowids, "clustered").astype(bool)
        any_clustered = bool(clustered_mask.any())
        alone = ~clustered_mask
        total = int(np.count_nonzero(alone))
        # Every code a field's bits can hold, so that the counts of alone and clustered add up.
        per_value = {name: np.bincount(values[alone] if any_clustered else values, minlength=1 << _BITS[name][1])
                     for name, values in values_of.items()}
        if any_clustered:
            # Members of one thing listed on several platforms count once per facet value: the
            # distinct (cluster, value) pairs.
            keys = clusters[clustered_mask]
            keys = np.where(keys == 0, -rowids[clustered_mask], keys)   # no key: a cluster of its own
            total += len(np.unique(keys))
            for name, values in values_of.items():
                pairs = np.unique(np.stack((keys, values[clustered_mask]), axis=1), axis=0)
                per_value[name] += np.bincount(pairs[:, 1], minlength=len(per_value[name]))
        facets: dict[str, dict[str, int]] = {}
        for name, counts in per_value.items():
            found = ((names[name].get(code, str(code)), int(n)) for code, n in enumerate(counts) if code and n)
            facets[name] = dict(sorted(found, key=lambda kv: (-kv[1], kv[0])))
        facets["free"] = {k: facets["free"][k] for k in ("true", "false") if k in facets["free"]}
        return total, facets

    def _page(self, conn, query: SearchQuery, plan: _Plan, text: str | None, columns: _Columns,
              matches: _Matches) -> list[dict[str, Any]]:
        rowids = matches.rowids
        n_clustered = int(np.count_nonzero(_bits_of(rowids, "clustered")))
        # Collapsing a cluster drops at most its other members: that many more keep the page full.
        need = min(query.offset + query.per_page + n_clustered, len(rowids))
        if query.effective_sort == "relevance" and text is not None:
            ranked = matches.ranked
            if ranked is None or (len(ranked) < need and len(ranked) < len(rowids)):
                # Ranking a few pages' worth costs hardly more than one: bm25() scores every candidate.
                ranked = matches.ranked = self._ranked(conn, plan, matches, max(need, RANKED_AHEAD))
            order = ranked[:need]
        else:
            order = rowids[_sorted(query.effective_sort, columns, matches, need)]
        if n_clustered:
            # The first of each cluster in the order: its best-placed member.
            at, present = _locate(columns.rowid, order)
            keys = np.where(present, columns.cluster[at], 0) if len(columns.rowid) else np.zeros_like(order)
            keys = np.where(keys == 0, -order, keys)
            _, first = np.unique(keys, return_index=True)
            page = order[np.sort(first)][query.offset:query.offset + query.per_page].tolist()
        else:
            page = order[query.offset:query.offset + query.per_page].tolist()
        if not page:
            return []
        docs = dict(conn.execute(f"SELECT rowid, doc FROM search_text WHERE rowid IN ({','.join('?' * len(page))})",
                                 page).fetchall())
        return [orjson.loads(docs[r]) for r in page if r in docs]

    @staticmethod
    def _ranked(conn, plan: _Plan, matches: _Matches, need: int) -> np.ndarray:
        """The first `need` matches by BM25 (the newest RANK_WINDOW of them), then the rest newest
        indexed first."""
        rowids, candidates = matches.rowids, matches.candidates
        window_start = max(len(rowids) - RANK_WINDOW, 0)
        window = rowids[window_start:]
        threshold = int(window[0]) if window_start else None
        # The ranking statement sees the candidates from the threshold up; those a column filter
        # dropped are ranked too, so the limit makes room for them.
        in_range = len(candidates) - (int(np.searchsorted(candidates, threshold)) if threshold is not None else 0)
        limit = min(need, len(window)) + in_range - len(window)
        ranked = np.empty(0, dtype=np.int64)
        if limit > 0:
            where = ["search_fts MATCH ?", *plan.bit_sql]
            params: list[Any] = [plan.match]
            if threshold is not None:
                where.append("rowid >= ?")
                params.append(threshold)
            rows = conn.execute(f"SELECT rowid FROM search_fts WHERE {' AND '.join(where)}"
                                f" ORDER BY bm25(search_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}, 0), rowid DESC"
                                f" LIMIT ?", [*params, limit]).fetchall()
            ranked = np.fromiter((r for (r,) in rows), dtype=np.int64, count=len(rows))
            if in_range != len(window):
                ranked = ranked[_contains(window, ranked)]
        if need > len(ranked) and window_start:
            ranked = np.concatenate((ranked, rowids[:window_start][::-1][:need - len(ranked)]))
        return ranked[:need]


def _sorted(sort: str, columns: _Columns, matches: _Matches, need: int) -> np.ndarray:
    """Indices into matches.rowids of the first `need` by newest, price or distance."""
    rowids, positions = matches.rowids, matches.positions
    newest = _newest_key(columns.published[positions], rowids)
    if sort == "price":
        price = columns.price[positions]
        return _top(np.where(price < 0, HIGH, price), newest, need)
    if sort == "distance" and matches.distances is not None:
        return _top(matches.distances, -rowids, need)
    return _top(newest, newest, need)


def _newest_key(published: np.ndarray, rowids: np.ndarray) -> np.ndarray:
    """Smaller = newer: the publication time (none last), then the most recently indexed."""
    seconds = np.where(published == LOW, 0, np.clip(published, 0, (1 << 35) - 2) + 1)
    return -((seconds << 28) | ((rowids >> SEQ_SHIFT) & ((1 << 28) - 1)))


def _top(primary: np.ndarray, secondary: np.ndarray, need: int) -> np.ndarray:
    """Indices of the `need` smallest (primary, secondary) pairs, in that order."""
    n = len(primary)
    if need <= 0:
        return np.empty(0, dtype=np.int64)
    if need < n:
        bound = primary[np.argpartition(primary, need - 1)[:need]].max()
        below = np.flatnonzero(primary < bound)
        tied = np.flatnonzero(primary == bound)
        take = need - len(below)
        if take < len(tied):
            tied = tied[np.argpartition(secondary[tied], take - 1)[:take]]
        chosen = np.concatenate((below, tied))
    else:
        chosen = np.arange(n)
    return chosen[np.lexsort((secondary[chosen], primary[chosen]))]


def _band_of(amount: int) -> str:
    for key, low, high in PRICE_BANDS:
        if amount >= low and (high is None or amount <= high):
            return key
    raise ValueError(amount)  # the bands cover every amount from 0 up


def _dumps(doc: dict[str, Any]) -> str:
    try:
        return orjson.dumps(doc).decode()
    except TypeError:  # what orjson does not encode (an integer past 64 bits, a set): the slow way
        return json.dumps(doc, ensure_ascii=False, default=str)


def _parse(text: str | None, dtype) -> np.ndarray:
    if not text:
        return np.empty(0, dtype=dtype)
    return np.fromstring(text, dtype=dtype, sep=",")


def _locate(haystack: np.ndarray, needles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each needle is in `haystack` (sorted ascending), and whether it is there at all (an
    absent needle gets position 0)."""
    if not len(haystack):
        return np.zeros(len(needles), dtype=np.int64), np.zeros(len(needles), dtype=bool)
    at = np.searchsorted(haystack, needles)
    at[at >= len(haystack)] = 0
    present = haystack[at] == needles
    at[~present] = 0
    return at, present


def _contains(haystack: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """Which needles are in `haystack` (sorted ascending)."""
    return _locate(haystack, needles)[1]


def _haversine(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distances in km, the formula of indexer.search.query.haversine_km."""
    p1, p2 = math.radians(lat), np.radians(lats)
    a = np.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(np.radians(lons - lon) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def _cells_within(near: tuple[float, float], radius_km: float) -> list[tuple[int, int]] | None:
    """The map cells a circle's bounding box touches; None when there are too many to be worth it."""
    lat, lon = near
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    dlon = dlat / max(math.cos(math.radians(min(abs(lat) + dlat, 89.999))), 1e-6)
    lat0, lon0 = _cell(max(lat - dlat, -90.0), max(lon - dlon, -180.0))
    lat1, lon1 = _cell(min(lat + dlat, 90.0), min(lon + dlon, 180.0))
    if (lat1 - lat0 + 1) * (lon1 - lon0 + 1) > MAX_GEO_CELLS:
        return None
    return [(a, b) for a in range(lat0, lat1 + 1) for b in range(lon0, lon1 + 1)]


def _empty_facets() -> dict[str, dict[str, int]]:
    return {name: {} for name in ("category", "district", "platform", "free", "price_band")}


def _key(text: str) -> int:
    """A 63-bit hash of a string (an id, a cluster), for numpy."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") >> 1


def _cluster_key(cluster: str | None) -> int:
    """The cluster as a positive 63-bit number for the readers' columns (0 = none)."""
    if cluster is None:
        return 0
    return _key(cluster) or 1


def _cluster(doc: dict[str, Any]) -> str | None:
    """The cluster column: set only for a listing that has company on other platforms."""
    return doc.get("cluster") if doc.get("also_on") else None


def _epoch(value: str | None) -> int | None:
    """ISO 8601 (with or without an offset; without = UTC) as epoch seconds, None if unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return _epoch_of(parsed)


def _epoch_of(value: datetime | None) -> int | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    try:
        return int(value.timestamp())
    except (OverflowError, OSError, ValueError):
        return None


class _Transaction:
    """`with` block = one transaction on an autocommit connection; a write that changed anything
    moves the index version on, which tells readers to bring their columns up to date."""

    def __init__(self, conn: sqlite3.Connection, immediate: bool, lock: WriteLock | None = None):
        self.conn = conn
        self.immediate = immediate
        self.held = lock.held() if lock else None
        self.changes = 0

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
        self.changes = self.conn.total_changes
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is not None:
                self.conn.execute("ROLLBACK")
                return False
            try:
                if self.immediate and self.conn.total_changes != self.changes:
                    self.conn.execute("UPDATE search_meta SET value = value + 1 WHERE key = 'version'")
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        finally:
            if self.held:
                self.held.__exit__(None, None, None)
        return False
