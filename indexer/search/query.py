"""The one query model every backend answers, and the result shape.

A backend answers a SearchQuery as it stands: every filter literally, every word AND-ed (or OR-ed
with `match_any`). What a citizen's words mean — place words that become a district filter, the
fallback to OR when AND finds nothing, which sources are too stale to show — is worked out before
(indexer.search.service), the same for every engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

FACET_FIELDS = ("category", "district", "platform", "free", "price_band")
SORTS = ("relevance", "newest", "distance", "price")
MAX_PER_PAGE = 1000
MAX_RADIUS_KM = 50.0
# Exact facet counts up to this many matches; above it an engine may estimate (facets_approximate).
EXACT_FACETS_UP_TO = 10_000

# Price bands of the facet, in KRW: (key, lowest, highest). A free listing is the "free" band; a
# listing without a known price is in none.
PRICE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("free", 0, 0),
    ("1-9999", 1, 9_999),
    ("10000-29999", 10_000, 29_999),
    ("30000-99999", 30_000, 99_999),
    ("100000+", 100_000, None),
)


def effective_price(price: dict[str, Any] | None) -> int | None:
    """What a listing costs for price filters, bands and sorting: 0 when free, else its amount."""
    price = price or {}
    if price.get("is_free"):
        return 0
    amount = price.get("amount")
    return int(amount) if isinstance(amount, (int, float)) and amount >= 0 else None


def price_band(price: dict[str, Any] | None) -> str | None:
    amount = effective_price(price)
    if amount is None:
        return None
    for key, low, high in PRICE_BANDS:
        if amount >= low and (high is None or amount <= high):
            return key
    return None


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    categories: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()      # 5-digit gu codes
    dongs: tuple[str, ...] = ()          # administrative dong names as listings carry them (망원1동)
    platforms: tuple[str, ...] = ()
    free: bool | None = None             # True = free only, False = paid only, None = both
    price_min: int | None = None         # KRW; a free listing costs 0
    price_max: int | None = None
    available_from: datetime | None = None  # listings whose dates overlap [from, to]; no dates = always
    available_to: datetime | None = None
    near: tuple[float, float] | None = None  # (lat, lon)
    radius_km: float | None = None       # with `near`: only listings within it (they need coordinates)
    sort: str = "relevance"              # relevance (newest without text), newest, distance, price
    ended_before: datetime | None = None  # hide what ended before this instant (the service: now)
    exclude_sources: tuple[int, ...] = ()  # e.g. sources whose last successful crawl is too old
    match_any: bool = False              # OR the words instead of AND-ing them
    page: int = 1
    per_page: int = 20

    def __post_init__(self):
        if self.page < 1:
            raise ValueError("page starts at 1")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        if self.sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {self.sort!r}")
        if self.sort == "distance" and self.near is None:
            raise ValueError("sort=distance needs near=lat,lon")
        for name in ("price_min", "price_max"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must not be negative")
        if self.price_min is not None and self.price_max is not None and self.price_min > self.price_max:
            raise ValueError("price_min must not be above price_max")
        if self.near is not None:
            lat, lon = self.near
            if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError("near must be a latitude between -90 and 90 and a longitude between -180 and 180")
        if self.radius_km is not None:
            if self.near is None:
                raise ValueError("radius_km needs near=lat,lon")
            if not (math.isfinite(self.radius_km) and 0 < self.radius_km <= MAX_RADIUS_KM):
                raise ValueError(f"radius_km must be above 0 and at most {MAX_RADIUS_KM:g}")
        for name in ("available_from", "available_to", "ended_before"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                object.__setattr__(self, name, value.replace(tzinfo=timezone.utc))
        if self.available_from and self.available_to and self.available_from > self.available_to:
            raise ValueError("available_from must not be after available_to")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def effective_sort(self) -> str:
        """Relevance means newest first when there are no words to rank by."""
        if self.sort == "relevance" and not self.text.strip():
            return "newest"
        return self.sort


@dataclass
class SearchResult:
    total: int
    hits: list[dict[str, Any]] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    facets_approximate: bool = False
    notes: list[dict[str, Any]] = field(default_factory=list)

    def as_api(self) -> dict[str, Any]:
        return {"total": self.total, "hits": self.hits, "facets": self.facets,
                "facets_approximate": self.facets_approximate, "notes": self.notes}


def available_until(doc: dict[str, Any]) -> str | None:
    """When a listing stops being usable (ISO 8601): its end, or for something with only a start
    (a one-off event or slot), a day after it starts. None: no end known, always shown."""
    if doc.get("ends_at"):
        return doc["ends_at"]
    if doc.get("starts_at"):
        try:
            start = datetime.fromisoformat(doc["starts_at"])
        except (TypeError, ValueError):
            return None
        return (start + timedelta(days=1)).isoformat()
    return None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the Earth's mean radius (what Elasticsearch's arc uses)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


EARTH_RADIUS_KM = 6371.0088
