"""Search: shared text analysis, one query model, backends behind one interface."""

from indexer.search.backend import SearchBackend, SearchError, open_search
from indexer.search.query import SearchQuery, SearchResult

__all__ = ["SearchBackend", "SearchError", "SearchQuery", "SearchResult", "open_search"]
