"""The catalog and the search engine, opened once per app and reached through `current_app`."""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask, current_app

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
    app.extensions["sharehub.stale"] = {"at": 0.0, "ids": (), "lock": threading.Lock()}
    app.extensions["sharehub.platform_names"] = {"at": -1e9, "names": {}, "lock": threading.Lock()}
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


def stale_source_ids() -> tuple[int, ...]:
    cache = current_app.extensions["sharehub.stale"]
    with cache["lock"]:
        if time.monotonic() - cache["at"] > STALE_SOURCES_TTL:
            cache["ids"] = stale_sources(catalog(), settings().stale_source_days)
            cache["at"] = time.monotonic()
        return cache["ids"]


def korean_platform_names() -> dict[str, str]:
    """Platform name -> its Korean name, for Korean pages (hits and the platform filter carry the name)."""
    cache = current_app.extensions["sharehub.platform_names"]
    with cache["lock"]:
        if time.monotonic() - cache["at"] > STALE_SOURCES_TTL:
            from sqlalchemy import select
            from indexer.catalog.models import Platform
            with catalog().session() as session:
                cache["names"] = {name: ko for name, ko in session.execute(select(Platform.name, Platform.name_ko))
                                  if ko}
            cache["at"] = time.monotonic()
        return cache["names"]


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
