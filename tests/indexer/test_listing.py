"""The listing model's content hash: what decides whether a recrawled item is written again."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime, timezone

import pytest

from indexer.listing import Listing, Price


def listing(**changes) -> Listing:
    base = Listing(source_id=1, item_key="k1", url="https://p.example/1", title="전동드릴", platform="p",
                   summary="s", description_html="<p>d</p>", category="tools",
                   price=Price(amount=3000, unit="day", unit_count=1, is_free=False, deposit=10000,
                               conditions="구민 우선"),
                   address="서울 마포구", district="11440", dong="망원1동", lat=37.55, lon=126.9,
                   starts_at=datetime(2026, 12, 1, tzinfo=timezone.utc), ends_at=None,
                   published_at=datetime(2026, 11, 1, tzinfo=timezone.utc), updated_at=None,
                   images=["https://p.example/1.png"], tags=["공구"], language="ko")
    return replace(base, **changes)


CHANGES = {
    "source_id": 2, "item_key": "k2", "url": "https://p.example/2", "title": "드릴", "summary": "t",
    "description_html": "<p>e</p>", "category": "goods", "address": "서울 노원구", "district": "11350",
    "dong": "상계1동", "lat": 37.6, "lon": 127.0, "starts_at": datetime(2026, 12, 2, tzinfo=timezone.utc),
    "ends_at": datetime(2026, 12, 3, tzinfo=timezone.utc), "published_at": None,
    "updated_at": datetime(2026, 11, 2, tzinfo=timezone.utc), "images": [], "tags": ["공구", "드릴"],
    "language": "en", "contact": {"phones": ["02-123-4567"], "emails": []}, "opening_hours": "평일 09:00~18:00",
}
PRICE_CHANGES = {"amount": 4000, "currency": "USD", "unit": "hour", "unit_count": 2, "is_free": True,
                 "deposit": None, "conditions": None}


def test_every_partner_field_is_covered_by_a_change_below():
    assert set(CHANGES) | {"platform", "price"} == {f.name for f in fields(Listing)}
    assert set(PRICE_CHANGES) == {f.name for f in fields(Price)}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_a_changed_field_changes_the_hash(name):
    assert listing(**{name: CHANGES[name]}).content_hash() != listing().content_hash()


@pytest.mark.parametrize("name", sorted(PRICE_CHANGES))
def test_a_changed_price_field_changes_the_hash(name):
    changed = listing(price=replace(listing().price, **{name: PRICE_CHANGES[name]}))
    assert changed.content_hash() != listing().content_hash()


def test_the_hash_is_stable_and_ignores_the_platform_name():
    assert listing().content_hash() == listing().content_hash()
    assert listing(platform="renamed").content_hash() == listing().content_hash()
