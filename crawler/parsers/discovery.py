"""What an HTML page advertises: its feeds (<link rel="alternate">) — for the auto source kind."""

from __future__ import annotations

from bs4 import BeautifulSoup

from crawler.parsers.base import absolute_url, is_http_url
from crawler.parsers.encoding import decode_body

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml",
              "application/json", "application/x.atom+xml", "application/xml", "text/xml")


def feed_links(base_url: str, body: bytes) -> list[str]:
    """Absolute http(s) URLs of the feeds a page links with rel="alternate", best type first."""
    text = decode_body(body, component="auto").text
    soup = BeautifulSoup(text[:512 * 1024], "lxml")
    base_tag = soup.find("base", href=True)
    base = absolute_url(base_tag["href"], base_url) if base_tag else base_url
    found: list[tuple[int, str]] = []
    for link in soup.find_all("link", href=True):
        rels = {r.lower() for r in (link.get("rel") or [])}
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" in rels and kind in FEED_TYPES:
            url = absolute_url(link["href"], base)
            if is_http_url(url):
                found.append((FEED_TYPES.index(kind), url))
    return list(dict.fromkeys(url for _, url in sorted(found, key=lambda pair: pair[0])))
