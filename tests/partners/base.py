"""What a sample partner is made of: its data and how its feed and pages are rendered.

Each partner module (goods, cars, spaces, events, homes, tools, kids) defines a :class:`PartnerSpec`;
goods and cars are hand-written, the others are generated from a fixed seed (``seeded``) and the
real places of ``places.py``, so each item is the same at every scale. Items are plain dicts; the
keys every partner's items share are:

``id``        the partner's own id (guid, JSON Feed id, SVCID, ...); what ``PartnerSimulator.remove_item`` takes
``title``     the title, or None for an item that must not become a listing
``path``      path and query of the item's page on the partner's site, or None (no page)
``district``  the 5-digit MOIS gu code the hub should place it in (None if it is not a listing)
``invalid``   None, or the diagnostic code the hub should report instead of a listing
``is_free``   whether the hub should find the item free of charge

``point``     (lat, lon) the partner publishes, or None (generated partners; goods has it too)
``updated``   (generated partners) when the item last changed: its page's Last-Modified and its
              sitemap ``<lastmod>``; ``update_item`` moves it

``invalid`` is a hub diagnostic code (``missing_title``, ``invalid_link``, ``no_structured_data``)
or ``robots_disallowed`` for a page a polite crawler never fetches (so it yields nothing at all).

Anything else is format-specific and read only by that partner's renderers.

Items are never changed in place once built (the simulator replaces an item to update it), so
renderers may share them; they must not modify them.

Beyond the feed partners' ``render_feed``, a spec may serve any documents through ``route``
(API pages, sitemaps, listing pages) and its own item pages through ``render_page``; see
:class:`PartnerSpec`.
"""

from __future__ import annotations

import math
import random
import struct
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from html import escape
from typing import Any, Callable, Mapping, Sequence

KST = timezone(timedelta(hours=9))

Item = dict[str, Any]
# render_feed(items, base_url, built_at) -> the feed's bytes, exactly as the partner serves them
FeedRenderer = Callable[[Sequence[Item], str, datetime], bytes]


@dataclass(frozen=True)
class Document:
    """One document a partner serves (before faults)."""
    body: bytes
    content_type: str
    main: bool = False                   # one of the partner's main documents (fault scope "feed")
    last_modified: datetime | None = None  # None: the partner's data version time
    # How the "huge" fault grows it: (b"<item>", b"</item>") repeats the first such element of an
    # XML/HTML document; (b"json", b'"items": [') repeats the first element of that JSON array.
    # None (or no such element): padding comments / whitespace before the end.
    repeat: tuple[bytes, bytes] | None = None
    gzipped: bool = False                # a gzip file; malformed/huge work on the document inside


@dataclass(frozen=True)
class SiteView:
    """What a spec's ``route`` and ``render_page`` see: the current items (read-only) and where the
    partner runs. ``flags`` are page-level fault switches in force (e.g. "broken_jsonld")."""
    items: Sequence[Item]
    base_url: str
    built_at: datetime                   # Last-Modified of the current data version
    flags: frozenset[str] = frozenset()


# route(view, path, query) -> a Document for the partner's own paths, or None (then the simulator
# serves /robots.txt, /, /private/..., images and item pages, else 404)
Router = Callable[[SiteView, str, str], "Document | None"]
# render_page(view, item) -> the item page's bytes
PageRenderer = Callable[[SiteView, Item], bytes]


@dataclass(frozen=True)
class PartnerSpec:
    key: str
    name: str                      # English name, as registered on the hub
    name_ko: str
    feed_path: str                 # path (and query) of Partner.feed_url, e.g. "/rss.xml"
    feed_content_type: str         # what the partner (wrongly or rightly) labels its feed
    feed_link_type: str | None     # the type in the homepage's <link rel="alternate">; None: no feed
    feed_link_absolute: bool       # whether that <link> has an absolute href
    page_charset: str              # charset of the HTML pages ("euc-kr", "utf-8")
    page_content_type: str         # Content-Type of the HTML pages
    server_header: str             # the Server header, for realism
    description_ko: str
    items: tuple[Item, ...]        # the original data at scale 1; the simulator never changes it
    render_feed: FeedRenderer | None  # the document at feed_path (None: ``route`` serves it)
    last_modified: datetime        # Last-Modified of data version 0; each change adds a minute
    # --- everything below is optional, for the partners that are not a single feed -------------
    kind: str = "feed"             # the hub's source kind for Partner.feed_url
    config: Mapping[str, Any] | None = None   # the hub's source config (html selectors, json_api preset)
    api_key: str | None = None
    main_path: str | None = None   # the main document /private/ mirrors (default: feed_path)
    sitemap_path: str | None = None
    robots: Callable[[str], bytes] | None = None   # robots.txt for a base URL (default ROBOTS_TXT)
    route: Router | None = None
    render_page: PageRenderer | None = None        # default: render_item_page
    page_flags: tuple[str, ...] = ()               # page fault switches render_page understands
    feed_repeat: tuple[bytes, bytes] | None = None  # Document.repeat of the render_feed document
    home_nav: tuple[tuple[str, str], ...] = ()     # (href, label) links on the homepage
    home_limit: int | None = None                  # list at most this many items on the homepage
    build: Callable[[float], tuple[Item, ...]] | None = field(default=None, repr=False)  # items at a scale
    clone: Callable[[Item, int], Item] | None = field(default=None, repr=False)  # k-th copy, to scale up

    @property
    def main_document(self) -> str:
        return self.main_path or self.feed_path

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item["id"] == item_id:
                return item
        raise KeyError(item_id)

    def items_at(self, scale: float) -> tuple[Item, ...]:
        """The original items at ``scale``: generated partners make round(n * scale) items (at least
        a handful, always with their invalid ones); hand-written partners keep theirs and, above 1,
        add copies of their valid items."""
        if scale <= 0:
            raise ValueError("scale must be > 0")
        if scale == 1:
            return self.items
        if self.build is not None:
            return self.build(scale)
        wanted = round(len(self.items) * scale)
        valid = [item for item in self.items if item.get("invalid") is None]
        if wanted <= len(self.items) or not valid or self.clone is None:
            return self.items
        extra = tuple(self.clone(valid[k % len(valid)], k + 1) for k in range(wanted - len(self.items)))
        return self.items + extra


def scaled_count(base: int, scale: float, minimum: int = 8) -> int:
    return max(minimum, round(base * scale))


def invalid_positions(count: int, codes: Sequence[str]) -> dict[int, str]:
    """Where a generated partner puts its invalid items: spread out, never first."""
    spots: dict[int, str] = {}
    for j, code in enumerate(codes):
        position = max(1, math.floor((j + 1) * count / (len(codes) + 1)))
        while position in spots:
            position += 1
        spots[position] = code
    return spots


def seeded(seed: str, index: int) -> random.Random:
    """The random source of one generated item: the same for the same item at any scale."""
    return random.Random(f"{seed}:{index}")


def won(amount: int) -> str:
    return f"{amount:,}원"


ROBOTS_TXT = (
    "# Crawlers are welcome; member pages are not for robots.\n"
    "User-agent: *\n"
    "Disallow: /private/\n"
    "Allow: /\n"
).encode("ascii")


def robots_txt(disallow: Sequence[str] = ("/private/",), sitemaps: Sequence[str] = (),
               comment: str = "Crawlers are welcome; member pages are not for robots.") -> bytes:
    """A robots.txt: one group for every crawler, a second that shuts out one AI crawler entirely
    (which must not confuse a crawler that reads only its own group), then the Sitemap lines."""
    lines = [f"# {comment}", "User-agent: *"]
    lines += [f"Disallow: {path}" for path in disallow]
    lines += ["Allow: /", "", "User-agent: GPTBot", "Disallow: /", ""]
    lines += [f"Sitemap: {url}" for url in sitemaps]
    return ("\n".join(lines).rstrip("\n") + "\n").encode("ascii")


def page_shell(title: str, body_html: str, *, charset: str = "utf-8", head_extra: str = "",
               site_name: str = "", lang: str = "ko") -> str:
    """A plain HTML page around `body_html` (already escaped markup)."""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
  <head>
    <meta charset="{charset}">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{escape(title)}{' - ' + escape(site_name) if site_name else ''}</title>{head_extra}
  </head>
  <body>
    <nav><a href="/">{escape(site_name or 'Home')}</a></nav>
{body_html}
  </body>
</html>
"""


def render_home(spec: PartnerSpec, items: Sequence[Item], base_url: str) -> bytes:
    """The partner's homepage: feed autodiscovery link (where it has a feed) and a list of the
    current items (the first ``spec.home_limit``)."""
    href = base_url + spec.feed_path if spec.feed_link_absolute else spec.feed_path
    shown = [item for item in items if item.get("path") and not item.get("unlisted")]
    if spec.home_limit is not None:
        shown = shown[:spec.home_limit]
    links = "\n".join(
        f'      <li><a href="{escape(item["path"])}">{escape(item.get("title") or "(제목 없음)")}</a></li>'
        for item in shown)
    alternate = (f'\n    <link rel="alternate" type="{spec.feed_link_type}" title="{escape(spec.name_ko)}" '
                 f'href="{escape(href)}">' if spec.feed_link_type else "")
    nav = "".join(f'<a href="{escape(h)}">{escape(label)}</a> · ' for h, label in spec.home_nav)
    subscribe = f'<a href="{escape(href)}">피드 구독 (Feed)</a> · ' if spec.feed_link_type else ""
    page = f"""<!DOCTYPE html>
<html lang="ko">
  <head>
    <meta charset="{spec.page_charset}">
    <title>{escape(spec.name_ko)} | {escape(spec.name)}</title>{alternate}
    <link rel="icon" href="/favicon.ico">
  </head>
  <body>
    <header><h1>{escape(spec.name_ko)}</h1><p>{escape(spec.description_ko)}</p></header>
    <main>
    <ul class="items">
{links}
    </ul>
    </main>
    <footer>{nav}{subscribe}<a href="/private/members">회원 전용</a></footer>
  </body>
</html>
"""
    return page.encode(spec.page_charset, "xmlcharrefreplace")


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
