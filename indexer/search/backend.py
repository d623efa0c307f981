"""The small interface every search backend implements, and the registry that picks one."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Protocol

from indexer.search.query import SearchQuery, SearchResult


class SearchError(RuntimeError):
    """The search engine could not be reached or refused a request."""


class SearchBackend(Protocol):
    name: str

    def index(self, documents: Iterable[dict[str, Any]]) -> int:
        """Add or replace documents (the `search_document` shape, keyed by "id"); returns the count."""

    def delete(self, ids: Iterable[str]) -> None:
        """Remove documents by id; unknown ids are ignored."""

    def delete_source(self, source_id: int) -> None:
        """Remove every document of one source."""

    def clear(self) -> None:
        """Remove every document (before a full reindex)."""

    def rebuild(self, batches: Iterable[list[dict[str, Any]]]) -> int:
        """Replace every document with these, with no moment where searches see a partial index;
        returns the count."""

    def count(self) -> int:
        """How many documents are indexed."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Answer a query: total, one page of hits (best first), facet counts over all matches."""

    def optimize(self) -> None:
        """Housekeeping: merge index segments and reclaim deleted documents' space; searches go on."""

    def close(self) -> None:
        ...


BackendFactory = Callable[[Any], SearchBackend]


def _sqlite_factory(settings) -> SearchBackend:
    from indexer.search.sqlite_fts import SqliteFtsBackend
    return SqliteFtsBackend(settings.data_path / "search.sqlite3")


def _elasticsearch_factory(settings) -> SearchBackend:
    from indexer.search.elasticsearch import ElasticsearchBackend
    return ElasticsearchBackend(settings.search_url, settings.search_index)


# Explicit registry: URL scheme of SHAREHUB_SEARCH_URL -> backend.
BACKENDS: dict[str, BackendFactory] = {
    "": _sqlite_factory,
    "http": _elasticsearch_factory,
    "https": _elasticsearch_factory,
}


def open_search(settings) -> SearchBackend:
    url = settings.search_url
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    try:
        factory = BACKENDS[scheme]
    except KeyError:
        raise SearchError(f"search: unsupported SHAREHUB_SEARCH_URL {url!r} "
                          "(empty for embedded SQLite FTS5, or an http(s) URL of Elasticsearch)") from None
    return factory(settings)
