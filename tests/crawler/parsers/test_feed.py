"""The "feed" kind's entry point: the right parser for the bytes, a clear refusal otherwise."""

from __future__ import annotations

import gzip
import json

import pytest

from crawler.parsers import feed
from crawler.parsers.base import ParseError
from crawler.parsers import registry

RSS = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
       b"<item><title>rss item</title><link>https://a.example/1</link></item></channel></rss>")
ATOM = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:f</id>'
        b"<updated>2024-01-01T00:00:00Z</updated><entry><id>urn:e</id><title>atom item</title>"
        b'<updated>2024-01-01T00:00:00Z</updated><link href="https://a.example/2"/></entry></feed>')
JSONFEED = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "t",
                       "items": [{"id": "3", "url": "https://a.example/3", "title": "json item"}]}).encode()


@pytest.mark.parametrize("body, fmt, title", [
    (RSS, "rss20", "rss item"),
    (ATOM, "atom10", "atom item"),
    (JSONFEED, "jsonfeed11", "json item"),
    (gzip.compress(RSS), "rss20", "rss item"),
    (gzip.compress(JSONFEED), "jsonfeed11", "json item"),
])
def test_dispatches_on_content(body, fmt, title):
    result = feed.parse("https://a.example/feed", body)
    assert result.format == fmt
    assert [item.title for item in result.items] == [title]


@pytest.mark.parametrize("body, message", [
    (b"<!DOCTYPE html><html><body>not here</body></html>", r"^feed: not a feed: looks like HTML"),
    (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>', r"^feed: not a feed: looks like an XML sitemap"),
    (b"User-agent: *", r"^feed: not a feed: no RSS, Atom or JSON Feed document found$"),
    (b"", r"^feed: not a feed: the body is empty$"),
    (b" \n ", r"^feed: not a feed: the body is empty$"),
    (b'{"rss": {}}', r"^jsonfeed: not a JSON Feed \("),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', r"^jsonfeed: unable to parse feed: "),
    (b"[" * 100000, r"^jsonfeed: unable to parse feed: nested too deeply$"),
])
def test_refusals_say_what_the_body_is(body, message):
    with pytest.raises(ParseError, match=message):
        feed.parse("https://a.example/feed", body)


def test_registry_reads_feed_sources_with_it():
    assert registry.parse_document("feed", "entry", "", RSS, None).items[0].title == "rss item"
    with pytest.raises(ParseError, match=r"^crawler: unknown source kind 'rss'"):
        registry.kind("rss")
