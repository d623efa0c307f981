"""The catalog and the search engine, opened once per app and reached through `current_app`."""

from __future__ import annotations

from flask import Flask, current_app

from indexer.catalog import Catalog
from indexer.search import SearchBackend, open_search


def init_app(app: Flask, settings) -> None:
    catalog = Catalog.from_settings(settings)  # runs pending migrations on start
    app.extensions["sharehub.catalog"] = catalog
    app.extensions["sharehub.search"] = open_search(settings)


def catalog() -> Catalog:
    return current_app.extensions["sharehub.catalog"]


def search() -> SearchBackend:
    return current_app.extensions["sharehub.search"]


def settings():
    return current_app.extensions["sharehub.settings"]
