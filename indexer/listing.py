"""The one normalized listing model every source kind produces, and its search document."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Iterable

PRICE_UNITS = ("once", "minute", "hour", "day", "night", "week", "month")
SEVERITIES = ("error", "warning")


def listing_id(source_id: int, item_key: str) -> str:
    """Stable, URL-safe id from the source and the item's own id (guid, @id, canonical URL)."""
    return hashlib.sha256(f"{source_id}\x00{item_key}".encode("utf-8")).hexdigest()[:32]


@dataclass
class Price:
    amount: int | None = None
    currency: str = "KRW"
    unit: str | None = None
    unit_count: int | None = None
    is_free: bool | None = None
    deposit: int | None = None
    conditions: str | None = None

    def as_api(self) -> dict[str, Any]:
        return {"amount": self.amount, "currency": self.currency, "unit": self.unit,
                "unit_count": self.unit_count, "is_free": self.is_free, "deposit": self.deposit,
                "conditions": self.conditions}


@dataclass
class Diagnostic:
    severity: str
    field: str | None
    code: str
    message_en: str
    message_ko: str

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")


@dataclass
class Listing:
    source_id: int
    item_key: str
    url: str
    title: str
    platform: str = ""
    summary: str | None = None
    description_html: str | None = None
    category: str | None = None
    price: Price = field(default_factory=Price)
    address: str | None = None
    district: str | None = None
    dong: str | None = None
    lat: float | None = None
    lon: float | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    images: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    contact: dict | None = None          # {"phones": [...], "emails": [...]} where the partner gives them
    opening_hours: str | None = None     # as the partner writes them: "평일 09:00~18:00"

    @property
    def id(self) -> str:
        return listing_id(self.source_id, self.item_key)

    def content_hash(self) -> str:
        """Hash of everything the partner said about the item, so unchanged items write nothing."""
        # A flat list in field order, not dataclasses.asdict: this runs for every item of every
        # crawl, and asdict deep-copies every value first.
        values = [getattr(self, name) for name in _HASHED_FIELDS]
        payload = json.dumps(values, default=_json_default, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


_HASHED_FIELDS = tuple(f.name for f in fields(Listing) if f.name != "platform")
_PRICE_FIELDS = tuple(f.name for f in fields(Price))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Price):
        return [getattr(value, name) for name in _PRICE_FIELDS]
    raise TypeError(type(value).__name__)


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def search_document(listing: Listing, cluster_id: str | None = None,
                    also_on: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """The API hit shape (GET /api/v1/listings, `sharehub search --json`) of one listing.

    `cluster` is the id search collapses on: the listing's own, or its cluster's when the same thing
    is listed on other platforms; `also_on` lists those ({id, platform, url, title}).
    Later issues add fields; never rename or remove these.
    """
    return {
        "id": listing.id,
        "url": listing.url,
        "title": listing.title,
        "summary": listing.summary,
        "description_html": listing.description_html,
        "platform": listing.platform,
        "source_id": listing.source_id,
        "category": listing.category,
        "district": listing.district,
        "dong": listing.dong,
        "address": listing.address,
        "lat": listing.lat,
        "lon": listing.lon,
        "price": listing.price.as_api(),
        "starts_at": iso(listing.starts_at),
        "ends_at": iso(listing.ends_at),
        "published_at": iso(listing.published_at),
        "updated_at": iso(listing.updated_at),
        "images": list(listing.images),
        "tags": list(listing.tags),
        "language": listing.language,
        "contact": listing.contact,
        "opening_hours": listing.opening_hours,
        "cluster": cluster_id or listing.id,
        "also_on": [dict(other) for other in also_on],
    }
