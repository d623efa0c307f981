"""The "feed" source kind: RSS, Atom or JSON Feed, whichever the bytes turn out to be.

Partners rarely label feeds correctly (text/html, octet-stream, a .xml name on a gzip body), so
the format is sniffed from the body (crawler.parsers.detect) and the matching parser runs. What
is not a feed is refused with a message saying what it looks like instead, so an operator who
pointed a source at a web page or a sitemap knows what to fix.

RSS and Atom go through crawler.parsers.fastfeed first (lxml, several times faster); it answers
exactly what crawler.parsers.rss (feedparser) would, or None, and then rss decides.
"""

from __future__ import annotations

from crawler.parsers import fastfeed, jsonfeed, rss
from crawler.parsers.base import ParseError, ParseResult
from crawler.parsers.detect import detect_format

_NOT_A_FEED = {
    "html": "looks like HTML (a web page, not its feed)",
    "sitemap": "looks like an XML sitemap (use the sitemap source kind)",
    "unknown": "no RSS, Atom or JSON Feed document found",
}


def parse(base_url: str, body: bytes) -> ParseResult:
    """Items of an RSS / Atom / JSON Feed body; ParseError when it is none of them or unreadable."""
    if not body or not body.strip():
        raise ParseError("feed: not a feed: the body is empty")
    kind = detect_format(body)
    if kind == "xml-feed":
        fast = fastfeed.parse(base_url, body)
        return fast if fast is not None else rss.parse(base_url, body)
    if kind in ("jsonfeed", "json"):
        # For plain JSON this raises "jsonfeed: not a JSON Feed (...)" naming the keys it found.
        return jsonfeed.parse(base_url, body)
    raise ParseError(f"feed: not a feed: {_NOT_A_FEED.get(kind, kind)}")
