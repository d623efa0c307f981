"""The catalog: platforms, sources, crawl runs, listings, item diagnostics (SQLAlchemy 2)."""

from indexer.catalog.db import Catalog

__all__ = ["Catalog"]
