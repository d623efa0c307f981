"""The catalog and the search engine, opened once per app and reached through `current_app`."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from flask import Flask, current_app
from sqlalchemy import select

from indexer.catalog import Catalog
from indexer.search import SearchBackend, open_search
from indexer.search.query import SearchQuery, SearchResult
from indexer.search.service import SearchOptions, run_search, stale_sources
from search_ui.suggest import Suggester, SuggesterCache

log = logging.getLogger(__name__)

STALE_SOURCES_TTL = 60.0  # seconds: which sources are stale changes with crawls, not per request
SUGGESTER_TTL = 300.0  # seconds: new titles reach the suggestions within this


def init_app(app: Flask, settings) -> None:
    catalog = Catalog.from_settings(settings)  # runs pending migrations on start
    app.extensions["sharehub.catalog"] = catalog
    engine = open_search(settings)
    app.extensions["sharehub.search"] = engine
    app.extensions["sharehub.stale"] = Refreshed(
        lambda: stale_sources(catalog, settings.stale_source_days), STALE_SOURCES_TTL)
    app.extensions["sharehub.platform_names"] = Refreshed(lambda: _korean_names(catalog), STALE_SOURCES_TTL)
    suggestions = SuggesterCache(catalog, ttl_seconds=SUGGESTER_TTL)
    app.extensions["sharehub.suggester"] = suggestions
    # The embedded engine's columns and the suggestions load in the background, not in the first
    # citizen's search.
    threading.Thread(target=_warm, args=(engine, suggestions), name="search-warm", daemon=True).start()


def _warm(engine, suggestions: SuggesterCache) -> None:
    try:
        if hasattr(engine, "warm"):
            engine.warm()
    except Exception as exc:  # the first search will try again, and report what it finds
        log.warning("search: could not load the index in the background: %s", exc)
    try:
        suggestions.get()
    except Exception as exc:
        log.warning("suggest: could not build the suggestions in the background: %s", exc)


def catalog() -> Catalog:
    return current_app.extensions["sharehub.catalog"]


def search() -> SearchBackend:
    return current_app.extensions["sharehub.search"]


def settings():
    return current_app.extensions["sharehub.settings"]


class Refreshed:
    """A value read from the catalog at first use and again once it is older than `ttl` seconds,
    for what changes with crawls rather than per request."""

    def __init__(self, read: Callable[[], Any], ttl: float):
        self._read, self._ttl = read, ttl
        self._value: Any = None
        self._at: float | None = None
        self._lock = threading.Lock()

    def get(self) -> Any:
        with self._lock:
            if self._at is None or time.monotonic() - self._at > self._ttl:
                self._value = self._read()
                self._at = time.monotonic()
            return self._value


def stale_source_ids() -> tuple[int, ...]:
    return current_app.extensions["sharehub.stale"].get()


def korean_platform_names() -> dict[str, str]:
    """Platform name -> its Korean name, for Korean pages (hits and the platform filter carry the name)."""
    return current_app.extensions["sharehub.platform_names"].get()


def _korean_names(catalog: Catalog) -> dict[str, str]:
    from indexer.catalog.models import Platform
    with catalog.session() as session:
        return {name: ko for name, ko in session.execute(select(Platform.name, Platform.name_ko)) if ko}


def public_reason(error: Exception) -> str:
    """What a citizen is told when search fails: which engine, not its address (a URL may hold a
    password and names internal hosts); the whole message goes to the log."""
    log.warning("search failed: %s", error)
    engine = str(error).split(":", 1)[0].strip() or "search"
    return f"{engine}: the search engine is not answering"


def run(query: SearchQuery, options: SearchOptions) -> SearchResult:
    """A citizen's search, as every page and the API answer it."""
    stale = () if options.include_stale else stale_source_ids()
    return run_search(search(), query, options, stale_source_ids=stale)


def suggester() -> Suggester:
    return current_app.extensions["sharehub.suggester"].get()
