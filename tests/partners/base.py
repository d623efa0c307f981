"""What a sample partner is made of: its data and how its feed and pages are rendered.

Each partner module (goods, cars) defines a :class:`PartnerSpec`. Items are plain dicts; the keys
every partner's items share are:

``id``        the partner's own id (RSS guid / JSON Feed id); what ``PartnerSimulator.remove_item`` takes
``title``     the title, or None for an item that must not become a listing
``path``      path and query of the item's page on the partner's site, or None (no page)
``district``  the 5-digit MOIS gu code the hub should place it in (None if it is not a listing)
``invalid``   None, or the diagnostic code the hub should report instead of a listing
``is_free``   whether the hub should find the item free of charge

Anything else is format-specific and read only by that partner's ``render_feed``.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from html import escape
from typing import Any, Callable, Sequence

KST = timezone(timedelta(hours=9))

Item = dict[str, Any]
# render_feed(items, base_url, built_at) -> the feed's bytes, exactly as the partner serves them
FeedRenderer = Callable[[Sequence[Item], str, datetime], bytes]


@dataclass(frozen=True)
class PartnerSpec:
    key: str
    name: str                      # English name, as registered on the hub
    name_ko: str
    feed_path: str                 # e.g. "/rss.xml"
    feed_content_type: str         # what the partner (wrongly or rightly) labels its feed
    feed_link_type: str            # the type in the homepage's <link rel="alternate">
    feed_link_absolute: bool       # whether that <link> has an absolute href
    page_charset: str              # charset of the HTML pages ("euc-kr", "utf-8")
    page_content_type: str         # Content-Type of the HTML pages
    server_header: str             # the Server header, for realism
    description_ko: str
    items: tuple[Item, ...]        # the original data; the simulator works on copies
    render_feed: FeedRenderer
    last_modified: datetime        # Last-Modified of data version 0; each change adds a minute

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item["id"] == item_id:
                return item
        raise KeyError(item_id)


ROBOTS_TXT = (
    "# Crawlers are welcome; member pages are not for robots.\n"
    "User-agent: *\n"
    "Disallow: /private/\n"
    "Allow: /\n"
).encode("ascii")


def render_home(spec: PartnerSpec, items: Sequence[Item], base_url: str) -> bytes:
    """The partner's homepage: feed autodiscovery link and a list of the current items."""
    href = base_url + spec.feed_path if spec.feed_link_absolute else spec.feed_path
    links = "\n".join(
        f'      <li><a href="{escape(item["path"])}">{escape(item.get("title") or "(제목 없음)")}</a></li>'
        for item in items if item.get("path"))
    page = f"""<!DOCTYPE html>
<html lang="ko">
  <head>
    <meta charset="{spec.page_charset}">
    <title>{escape(spec.name_ko)} | {escape(spec.name)}</title>
    <link rel="alternate" type="{spec.feed_link_type}" title="{escape(spec.name_ko)}" href="{escape(href)}">
    <link rel="icon" href="/favicon.ico">
  </head>
  <body>
    <header><h1>{escape(spec.name_ko)}</h1><p>{escape(spec.description_ko)}</p></header>
    <main>
    <ul class="items">
{links}
    </ul>
    </main>
    <footer><a href="{escape(href)}">피드 구독 (Feed)</a> · <a href="/private/members">회원 전용</a></footer>
  </body>
</html>
"""
    return page.encode(spec.page_charset)


def render_item_page(spec: PartnerSpec, item: Item, base_url: str) -> bytes:
    title = item.get("title") or "(제목 없음)"
    page = f"""<!DOCTYPE html>
<html lang="ko">
  <head>
    <meta charset="{spec.page_charset}">
    <title>{escape(title)} - {escape(spec.name_ko)}</title>
    <link rel="canonical" href="{escape(base_url + item['path'])}">
  </head>
  <body>
    <nav><a href="/">{escape(spec.name_ko)}</a></nav>
    <article>
      <h1>{escape(title)}</h1>
      <p class="item-id">{escape(item['id'])}</p>
    </article>
  </body>
</html>
"""
    return page.encode(spec.page_charset)


def render_status_page(status: int, reason: str) -> bytes:
    return (f"<!DOCTYPE html>\n<html><head><title>{status} {escape(reason)}</title></head>"
            f"<body><h1>{status} {escape(reason)}</h1></body></html>\n").encode("ascii", "replace")


def _png(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (0x2e, 0x7d, 0x32)) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# Served for every picture the partners link (/upload/..., /images/...), so image URLs resolve.
PLACEHOLDER_PNG = _png()
