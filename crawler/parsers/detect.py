"""What kind of document a body is, judged from its bytes alone.

Partners serve feeds as text/html, application/octet-stream or text/plain, and HTML error pages
as application/rss+xml, so the Content-Type header is no evidence. We look at the first element
(or the first JSON token) after a BOM, gzip wrapping, whitespace, the XML prolog, comments,
processing instructions and a DOCTYPE.
"""

from __future__ import annotations

import json
import re

from crawler.parsers.base import ParseError
from crawler.parsers.encoding import DEFAULT_MAX_DECOMPRESSED, GZIP_MAGIC, decode_body, gunzip_head, sniff_bom

FORMATS = ("jsonfeed", "json", "xml-feed", "sitemap", "html", "unknown")

# Enough to get past long comment headers and stylesheet PIs to the root element.
_SNIFF_BYTES = 64 * 1024

_FEED_ROOTS = {"rss", "rdf", "feed"}
_SITEMAP_ROOTS = {"urlset", "sitemapindex"}
# Pages, and the fragments some CMSs serve as pages, start with one of these.
_HTML_ROOTS = {"html", "head", "body", "div", "span", "p", "a", "table", "script", "style", "meta", "link",
               "title", "section", "article", "header", "nav", "main", "form", "img", "ul", "ol", "br",
               "iframe", "noscript", "h1", "h2", "h3", "h4", "h5", "h6"}

_PROLOG_NOISE = re.compile(
    r"""\s+                       # whitespace
      | <\?.*?\?>                 # XML declaration, stylesheet and other PIs
      | <!--.*?(?:-->|\Z)         # comments (an unterminated one runs to the end)
      | <!DOCTYPE(?:[^\[>]|\[.*?\])*>  # DOCTYPE, with or without an internal subset
    """, re.VERBOSE | re.DOTALL | re.IGNORECASE)
_ELEMENT = re.compile(r"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_HTML_DOCTYPE = re.compile(r"<!DOCTYPE\s+html", re.IGNORECASE)
_JSONFEED_VERSION = re.compile(r'"version"\s*:\s*"https?://jsonfeed\.org/version/')
# A JSON Feed truncated before its "version" still shows its other top-level keys; detecting it
# lets the JSON Feed parser say "truncated" instead of "not a feed".
_JSONFEED_KEYS = re.compile(r'"(?:home_page_url|feed_url)"\s*:\s*"')
_ITEMS_KEY = re.compile(r'"items"\s*:\s*\[')


def detect_format(body: bytes) -> str:
    """One of FORMATS: "jsonfeed", "json", "xml-feed", "sitemap", "html" or "unknown"."""
    text = _head_text(body)
    start = _skip_prolog(text)
    if start >= len(text):
        return "unknown"
    first = text[start]
    if first in "{[":
        return _json_kind(body, text)
    if first != "<":
        return "unknown"
    return _xml_kind(text, start)


def _head_text(body: bytes) -> str:
    """The first _SNIFF_BYTES of the document as text, good enough to find its root."""
    head = gunzip_head(body, _SNIFF_BYTES) if body[:2] == GZIP_MAGIC else body[:_SNIFF_BYTES]
    encoding, bom_length = sniff_bom(head)
    # Only the markup matters here, which is ASCII in every ASCII-compatible encoding.
    return head[bom_length:].decode(encoding or "utf-8", "replace").lstrip("\ufeff")


def _skip_prolog(text: str) -> int:
    position = 0
    while True:
        match = _PROLOG_NOISE.match(text, position)
        if not match or match.end() == position:
            return position
        position = match.end()


def _xml_kind(text: str, start: int) -> str:
    match = _ELEMENT.match(text, start)
    if not match:
        return "unknown"
    root = match.group(2).lower()
    if root in _FEED_ROOTS:
        return "xml-feed"
    if root in _SITEMAP_ROOTS:
        return "sitemap"
    if root in _HTML_ROOTS or _HTML_DOCTYPE.search(text, 0, start):
        return "html"
    return "unknown"


def _json_kind(body: bytes, head: str) -> str:
    if _JSONFEED_VERSION.search(head) or (_JSONFEED_KEYS.search(head) and _ITEMS_KEY.search(head)):
        return "jsonfeed"
    # JSON key order is free, so "version" may come after a long "items" array: read it all.
    try:
        document = json.loads(decode_body(body, max_size=DEFAULT_MAX_DECOMPRESSED).text)
    except (ParseError, ValueError, RecursionError):
        return "json"
    version = document.get("version") if isinstance(document, dict) else None
    if isinstance(version, str) and _JSONFEED_VERSION.match(f'"version":"{version}'):
        return "jsonfeed"
    return "json"
