"""What every parser returns: raw items as the partner wrote them, plus document-level problems.

A parser is a pure function ``parse(base_url: str, body: bytes) -> ParseResult``: no I/O, no
normalization beyond making URLs absolute and decoding text. Normalization happens later, in
crawler.normalize, so every source kind goes through the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class ParseError(ValueError):
    """The whole document could not be read; the message starts with the component ("rss: ...")."""


@dataclass
class RawItem:
    key: str | None = None            # the item's own id: guid / JSON Feed id / @id; falls back to link
    link: str | None = None           # absolute URL of the item's page (may be non-http, e.g. urn:)
    title: str | None = None          # plain text (markup stripped)
    summary: str | None = None        # plain text or HTML, as the partner wrote it
    content_html: str | None = None   # full HTML body, unsanitized
    categories: list[str] = field(default_factory=list)
    published: datetime | None = None  # timezone-aware
    updated: datetime | None = None
    lat: float | None = None
    lon: float | None = None
    address: str | None = None
    price_text: str | None = None
    images: list[str] = field(default_factory=list)
    language: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # format-specific fields (g:price, _ext, ...)


@dataclass
class ParseResult:
    format: str                       # "rss20", "atom10", "jsonfeed11", ...
    items: list[RawItem] = field(default_factory=list)
    title: str | None = None
    link: str | None = None
    warnings: list[str] = field(default_factory=list)  # document-level, e.g. "rss: not well-formed: ..."
    ttl_minutes: int | None = None
