"""What every parser returns: raw items as the partner wrote them, links to follow, problems.

A parser is a pure function ``parse(base_url: str, body: bytes, config: Mapping | None = None)
-> ParseResult``: no I/O, no normalization beyond making URLs absolute and decoding text. `config`
is the source's own declaration where its kind needs one (CSS selectors for html, a field mapping
or preset for json_api). Documents that lead to other documents (a sitemap index, a listing page
with a next page, a paged API) say so in `links`; the spider decides what to fetch.
Normalization happens later, in crawler.normalize, so every source kind goes through the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit


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


@dataclass(frozen=True)
class Link:
    """A document the spider may fetch next, and what it is."""
    url: str
    role: str                          # "sitemap" (a sitemap or index), "page" (an item page), "next" (next page of the same kind), "feed"
    lastmod: datetime | None = None    # sitemap <lastmod>: lets a recrawl skip unchanged pages


@dataclass
class ParseResult:
    format: str                       # "rss20", "atom10", "jsonfeed11", ...
    items: list[RawItem] = field(default_factory=list)
    title: str | None = None
    link: str | None = None
    warnings: list[str] = field(default_factory=list)  # document-level, e.g. "rss: not well-formed: ..."
    ttl_minutes: int | None = None
    links: list[Link] = field(default_factory=list)
    # The document may have been read only in part (not well-formed, cut off, or nothing where
    # the items should be): what is missing from it is not known to be gone, and its last item
    # may be cut short. The crawl is then partial and that item does not overwrite a listing.
    incomplete: bool = False


def absolute_url(url: str | None, base: str | None) -> str | None:
    """url resolved against base; a URL that cannot be parsed is kept as is for the diagnostic."""
    if not url or not url.strip():
        return None
    url = url.strip()
    try:
        if urlsplit(url).scheme or not base:
            return url
        return urljoin(base, url)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return url


def is_http_url(url: str | None) -> bool:
    if not url:
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


_HTML_DOCUMENT_END = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)


def html_looks_cut_off(text: str) -> bool:
    """An HTML document that never closes its body or html element: most often one cut off in
    transit (HTML lets an author omit both, which few pages do)."""
    return not _HTML_DOCUMENT_END.search(text)
