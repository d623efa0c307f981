"""Source kinds: which parser reads which document. Adding a kind = one parser module + one entry.

A kind's `document` parser reads what the source URL serves and anything it leads to (a sitemap
index's sitemaps, a listing's next pages, an API's next pages); its `page` parser, where it has
one, reads the item pages those documents list (sitemap sources). Modules load on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Callable, Mapping

from crawler.parsers.base import ParseError, ParseResult
from crawler.parsers.encoding import GZIP_MAGIC, gunzip_capped

Parser = Callable[..., ParseResult]


@dataclass(frozen=True)
class SourceKind:
    name: str
    document: str                 # "module:function"
    page: str | None = None
    conditional_entry: bool = True  # the entry document alone says whether anything changed
    declared: bool = False          # its parser reads the source's declaration (selectors, a mapping)

    def parser(self, role: str) -> Parser:
        target = self.page if role == "page" else self.document
        if target is None:
            raise ParseError(f"crawler: a {self.name} source has no {role} documents")
        module, _, function = target.partition(":")
        return getattr(import_module(module), function)


KINDS: Mapping[str, SourceKind] = {
    "feed": SourceKind("feed", "crawler.parsers.feed:parse"),
    # A sitemap index can stay the same while a child sitemap changes: always read the sitemaps,
    # and let each page's lastmod and validators decide what to fetch.
    "sitemap": SourceKind("sitemap", "crawler.parsers.sitemap:parse", page="crawler.parsers.structured:parse",
                          conditional_entry=False),
    "html": SourceKind("html", "crawler.parsers.html_list:parse", conditional_entry=False, declared=True),
    "json_api": SourceKind("json_api", "crawler.parsers.json_api:parse", conditional_entry=False, declared=True),
}


def kind(name: str) -> SourceKind:
    try:
        return KINDS[name]
    except KeyError:
        raise ParseError(f"crawler: unknown source kind {name!r} (known: {', '.join(sorted(KINDS))})") from None


def parse_document(kind_name: str, role: str, base_url: str, body: bytes, config: Mapping | None,
                   max_bytes: int | None = None) -> ParseResult:
    """The document parsed by its kind's parser. A gzip body (a sitemap.xml.gz, a page served
    gzipped without Content-Encoding) is decompressed first under `max_bytes`, the crawler's
    response cap; the parsers' own cap (DEFAULT_MAX_DECOMPRESSED) guards direct callers."""
    source_kind = kind(kind_name)
    parser = source_kind.parser(role)
    if max_bytes and body[:2] == GZIP_MAGIC:
        body = gunzip_capped(body, max_bytes, component=kind_name)
    # A feed's or a sitemap's config holds only what normalization reads (category_overrides).
    if config is not None and source_kind.declared and role != "page":
        return parser(base_url, body, config)
    return parser(base_url, body)
