"""The one query model every backend answers, and the result shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FACET_FIELDS = ("category", "district", "platform", "free")


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    categories: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    free: bool | None = None  # True = free only, False = paid only, None = both
    page: int = 1
    per_page: int = 20

    def __post_init__(self):
        if self.page < 1:
            raise ValueError("page starts at 1")
        if not 1 <= self.per_page <= 1000:
            raise ValueError("per_page must be between 1 and 1000")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass
class SearchResult:
    total: int
    hits: list[dict[str, Any]] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_api(self) -> dict[str, Any]:
        return {"total": self.total, "hits": self.hits, "facets": self.facets}
