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

log = logging.getLogger(__name__)

STALE_SOURCES_TTL = 60.0  # seconds: which sources are stale changes with crawls, not per request


def init_app(app: Flask, settings) -> None:
    catalog = Catalog.from_settings(settings)  # runs pending migrations on start
    app.extensions["sharehub.catalog"] = catalog
    engine = open_search(settings)
    app.extensions["sharehub.search"] = engine
    if hasattr(engine, "warm"):
        # The embedded engine's columns load in the background, not in the first citizen's search.
        threading.Thread(target=_warm, args=(engine,), name="search-warm", daemon=True).start()
    app.extensions["sharehub.stale"] = {"at": 0.0, "ids": (), "lock": threading.Lock()}


def _warm(engine) -> None:
    try:
        engine.warm()
    except Exception as exc:  # the first search will try again, and report what it finds
        log.warning("search: could not load the index in the background: %s", exc)


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


def run(query: SearchQuery, options: SearchOptions) -> SearchResult:
    """A citizen's search, as every page and the API answer it."""
    stale = () if options.include_stale else stale_source_ids()
    return run_search(search(), query, options, stale_source_ids=stale)
