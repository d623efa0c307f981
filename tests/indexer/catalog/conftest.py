"""The catalog under test: the same tests run on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from indexer.catalog import Catalog
from tests.postgres import postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def catalog(request, tmp_path):
    if request.param == "sqlite":
        c = Catalog(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
        c.upgrade()
        yield c
        c.dispose()
        return
    with postgres_database() as url:
        c = Catalog(url)
        c.upgrade()
        yield c
        c.dispose()
