"""The "html" source kind: listing pages read with CSS selectors the operator declares.

Many of Seoul's sharing platforms (district tool libraries, 공유센터 boards, ShareHub's 공유지도) have
no feed, no sitemap and no API: only a paged HTML list. Rather than write a parser per site, the
operator declares where things are on the page, in the source's `config`:

    {"item": "li.tool", "title": "h3", "link": "a.detail@href",          # required
     "key": "@data-id", "price": ".fee", "location": ".addr", "image": "img@src",
     "date": "time@datetime", "summary": ".desc", "category": ".cat", "next": "a.next@href"}

`selector@attr` reads an attribute, a bare selector the element's text (whitespace collapsed), and
`@attr` alone (or `:scope`) the item element itself. Field selectors are matched inside each `item`
element; `next` is matched on the whole page. `link` and `next` without `@attr` read the element's
href, since their text is never a URL. `image` and `category` collect every match; the other
fields take the first.

A zero-match item selector is a warning, not an error: the last page of a listing is often empty,
and a site redesign shows up in the operator's report as "matched nothing" rather than a crash.
Dates are read as Korean sites write them and taken as Seoul time when they carry no offset.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from typing import Any, Mapping
from urllib.parse import urldefrag

import soupsieve
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from crawler.parsers.base import (Link, ParseError, ParseResult, RawItem, absolute_url, html_looks_cut_off,
                                  is_http_url)
from crawler.normalize.timeparse import SEOUL, parse_time
from crawler.parsers.encoding import GZIP_MAGIC, codec_name, decode_body, sniff_bom

COMPONENT = "html"
FORMAT = "html"
MAX_ITEMS = 1000

REQUIRED_KEYS = ("item", "title", "link")
OPTIONAL_KEYS = ("key", "price", "location", "image", "date", "summary", "category", "next")
CONFIG_KEYS = REQUIRED_KEYS + OPTIONAL_KEYS
# Keys of a source's config that are not about its pages (read by normalization).
SOURCE_KEYS = ("category_overrides",)


# --- dates --------------------------------------------------------------------------------------

def parse_date(value: Any, zone: tzinfo = SEOUL) -> datetime | None:
    """An aware datetime from any form crawler.normalize.timeparse reads (ISO 8601, "2026.11.20",
    "2026년 11월 20일 오후 2시", "20261120", "3일 전", also inside longer text such as
    "등록일: 2026.11.20"); None when unreadable. A value without an offset is wall-clock time in
    `zone` (Seoul)."""
    return parse_time(value, default_tz=zone) if isinstance(value, str) else None


# --- config -------------------------------------------------------------------------------------

_ATTRIBUTE = re.compile(r"^[A-Za-z_:][-\w:.]*$")


class _Selector:
    """One declared field: a compiled CSS selector (None = the item itself) and an optional attribute."""

    def __init__(self, name: str, spec: str):
        css, attribute = _split_attribute(spec)
        self.name, self.spec, self.attribute = name, spec, attribute
        try:
            # soupsieve's select() never returns the scope itself, so ":scope" alone means the item.
            self.css = soupsieve.compile(css) if css and css != ":scope" else None
        except soupsieve.SelectorSyntaxError as exc:
            first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ParseError(f"{COMPONENT}: invalid selector {spec!r} for {name!r}: {first_line}") from None

    def elements(self, scope: Tag, limit: int = 0) -> list[Tag]:
        if self.css is None:
            return [scope]
        return list(self.css.select(scope, limit=limit))


def _split_attribute(spec: str) -> tuple[str, str | None]:
    """("a.detail", "href") from "a.detail@href"; an "@" inside CSS (a[href^='mailto:x@y']) stays CSS."""
    css, sep, attribute = spec.rpartition("@")
    if sep and _ATTRIBUTE.match(attribute):
        return css.strip(), attribute
    return spec.strip(), None


def read_config(config: Mapping | None) -> tuple[dict[str, _Selector], list[str]]:
    """Compiled selectors by config key, and warnings about keys we do not know."""
    if not isinstance(config, Mapping):
        config = {}
    missing = [key for key in REQUIRED_KEYS if not config.get(key)]
    if missing:
        raise ParseError(f"{COMPONENT}: source config lacks {', '.join(repr(k) for k in missing)} "
                         f"(selectors for {', '.join(REQUIRED_KEYS)} are required)")
    selectors: dict[str, _Selector] = {}
    warnings: list[str] = []
    for key, spec in config.items():
        if key in SOURCE_KEYS:
            continue
        if key not in CONFIG_KEYS:
            warnings.append(f"{COMPONENT}: unknown config key {key!r} ignored (known: {', '.join(CONFIG_KEYS)})")
            continue
        if spec is None or spec == "":
            continue
        if not isinstance(spec, str):
            raise ParseError(f"{COMPONENT}: config {key!r} must be a selector string, not {type(spec).__name__}")
        selectors[key] = _Selector(key, spec)
    return selectors, warnings


# --- decoding -----------------------------------------------------------------------------------

# <meta charset="euc-kr"> or <meta http-equiv="Content-Type" content="text/html; charset=euc-kr">
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_HEAD_BYTES = 4096
# Legacy Korean boards label pages EUC-KR and write CP949, its superset (똠, 햏, 뷁 ...).
_SUPERSETS = {"euc_kr": "cp949", "ks_c_5601_1987": "cp949"}


def decode_page(body: bytes) -> tuple[str, list[str]]:
    """Text of an HTML page: its <meta> charset when the bytes agree, otherwise decode_body's evidence.

    decode_body knows only XML prologs; an HTML page declares its encoding in <meta>, and a short
    EUC-KR page gives a statistical detector too little to go on.
    """
    if body[:2] != GZIP_MAGIC and sniff_bom(body)[0] is None:
        match = _META_CHARSET.search(body[:_HEAD_BYTES])
        declared = codec_name(match.group(1).decode("ascii", "replace")) if match else None
        if declared and declared != "utf-8":
            declared = _SUPERSETS.get(declared, declared)
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                if body.isascii():
                    return text, []
                return text, [f"{COMPONENT}: page declares {match.group(1).decode('ascii', 'replace')} "
                              "but the bytes are UTF-8; read as UTF-8"]
            try:
                return body.decode(declared), []
            except (UnicodeDecodeError, LookupError):
                pass
    decoded = decode_body(body, component=COMPONENT)
    return decoded.text, decoded.warnings


# --- reading ------------------------------------------------------------------------------------

_BLOCK = {"address", "article", "br", "dd", "div", "dl", "dt", "figcaption", "footer", "h1", "h2", "h3",
          "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "section", "table", "td", "th", "tr", "ul"}
_INVISIBLE = {"script", "style", "template", "noscript"}


def element_text(element: Tag) -> str:
    """The element's visible text, whitespace collapsed; block boundaries become spaces, inline ones not."""
    parts: list[str] = []
    for node in element.descendants:
        if isinstance(node, Tag):
            if node.name in _BLOCK:
                parts.append(" ")
        elif isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
            if node.parent is None or node.parent.name not in _INVISIBLE:
                parts.append(str(node))
    return " ".join("".join(parts).split())


def _value(element: Tag, attribute: str | None, url_field: bool) -> str | None:
    if attribute is None and url_field and element.has_attr("href"):
        attribute = "href"
    if attribute is None:
        text = element_text(element)
    else:
        raw = element.get(attribute)
        if isinstance(raw, list):  # multi-valued attributes (class, rel) come back as lists
            raw = " ".join(raw)
        text = " ".join(raw.split()) if isinstance(raw, str) else ""
    return text or None


def _first(selectors: dict[str, _Selector], name: str, scope: Tag, url_field: bool = False) -> str | None:
    selector = selectors.get(name)
    if selector is None:
        return None
    for element in selector.elements(scope):
        value = _value(element, selector.attribute, url_field)
        if value:
            return value
    return None


def _all(selectors: dict[str, _Selector], name: str, scope: Tag) -> list[str]:
    selector = selectors.get(name)
    if selector is None:
        return []
    values = (_value(element, selector.attribute, False) for element in selector.elements(scope))
    return list(dict.fromkeys(value for value in values if value))


def _page_base(soup: BeautifulSoup, base_url: str) -> str:
    """What relative URLs on the page are read against: <base href> when it is http(s)."""
    tag = soup.find("base", href=True)
    if isinstance(tag, Tag):
        base = absolute_url(str(tag["href"]), base_url)
        if is_http_url(base):
            return base  # type: ignore[return-value]
    return base_url


def _item(element: Tag, selectors: dict[str, _Selector], base: str) -> tuple[RawItem, str | None]:
    """The raw item one `item` element holds, and its unreadable date text (for the warning)."""
    link = absolute_url(_first(selectors, "link", element, url_field=True), base)
    date_text = _first(selectors, "date", element)
    published = parse_date(date_text)
    item = RawItem(
        key=_first(selectors, "key", element) or link,
        link=link,
        title=_first(selectors, "title", element),
        summary=_first(selectors, "summary", element),
        categories=_all(selectors, "category", element),
        published=published,
        address=_first(selectors, "location", element),
        price_text=_first(selectors, "price", element),
        images=[url for url in (absolute_url(src, base) for src in _all(selectors, "image", element)) if url],
    )
    return item, date_text if date_text and published is None else None


def _next_link(soup: BeautifulSoup, selectors: dict[str, _Selector], base: str, base_url: str,
               warnings: list[str]) -> list[Link]:
    selector = selectors.get("next")
    if selector is None:
        return []
    current = urldefrag(base_url)[0]
    rejected: str | None = None
    for element in selector.elements(soup):
        raw = _value(element, selector.attribute, url_field=True)
        url = absolute_url(raw, base)
        if not url:
            continue
        url = urldefrag(url)[0]
        if not is_http_url(url):
            rejected = rejected or raw
            continue
        if url != current:
            return [Link(url, "next")]
    if rejected:
        # ShareHub-style pagers call JavaScript (fn_search(2)); the operator needs to know why it stops.
        warnings.append(f"{COMPONENT}: the next-page link {rejected!r} is not an http(s) URL; not followed")
    return []


def parse(base_url: str, body: bytes, config: Mapping | None = None) -> ParseResult:
    """Items of one listing page as the source's selectors describe them, and its next page."""
    selectors, warnings = read_config(config)
    text, decode_warnings = decode_page(body)
    warnings = decode_warnings + warnings
    soup = BeautifulSoup(text, "lxml")
    base = _page_base(soup, base_url)

    elements = selectors["item"].elements(soup)
    if not elements:
        warnings.append(f"{COMPONENT}: the item selector {selectors['item'].spec!r} matched nothing on this page")
    elif len(elements) > MAX_ITEMS:
        warnings.append(f"{COMPONENT}: the item selector {selectors['item'].spec!r} matched {len(elements)} "
                        f"elements; only the first {MAX_ITEMS} were read")
        elements = elements[:MAX_ITEMS]

    items: list[RawItem] = []
    bad_dates: list[str] = []
    for element in elements:
        item, bad_date = _item(element, selectors, base)
        items.append(item)
        if bad_date:
            bad_dates.append(bad_date)
    if bad_dates:
        warnings.append(f"{COMPONENT}: {len(bad_dates)} date(s) could not be read, e.g. {bad_dates[0]!r}")

    title_tag = soup.find("title")
    title = element_text(title_tag) if isinstance(title_tag, Tag) else None
    cut = html_looks_cut_off(text)
    if cut:
        warnings.append(f"{COMPONENT}: the page ends without </body> or </html>: it may be cut off")
    return ParseResult(format=FORMAT, items=items, title=title or None, link=base_url, warnings=warnings,
                       links=_next_link(soup, selectors, base, base_url, warnings),
                       incomplete=cut or not elements)
