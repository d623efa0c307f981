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


def _reset(simulator) -> None:
    for partner in simulator.partners:
        simulator.clear_faults(partner.key)
        simulator.restore_items(partner.key)


@pytest.fixture
def reset_partners(simulator):
    """Every partner without faults and with its own items, before and after the test."""
    _reset(simulator)
    yield
    _reset(simulator)
