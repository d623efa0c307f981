"""Crawl tests share one partner simulator per module, reset around each test, and a catalog."""

from __future__ import annotations

import pytest

from indexer.catalog import Catalog
from tests.partners import PartnerSimulator


@pytest.fixture(scope="module")
def simulator():
    with PartnerSimulator() as sim:
        yield sim


@pytest.fixture
def catalog(settings):
    c = Catalog.from_settings(settings)
    yield c
    c.dispose()
