"""RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 feeds to raw items, through feedparser.

feedparser copes with the broken XML partners actually publish (it falls back to a forgiving
parser and tells us via ``bozo``), knows the namespaces (media:, georss:, dc:, itunes:) and the
date formats. What it does not do well, we do before or after it:

* encoding: feedparser trusts the prolog; ``encoding.decode_body`` decides from the bytes, and
  feedparser gets UTF-8 whose prolog says utf-8;
* safety: entity declarations are refused before any XML parser sees them (feedparser keeps
  "safe-looking" internal entities, which still allows quadratic blow-up), and the body goes in
  as a stream, because feedparser treats a bytes argument that names a file as that file;
* mapping: one RawItem per entry, plain-text titles, aware UTC datetimes, absolute links.
"""

from __future__ import annotations

import calendar
import html
import io
import re
import time
import xml.sax
from datetime import datetime, timezone
from typing import Any, Iterable
from urllib.parse import urljoin

import feedparser

from crawler.parsers.base import ParseError, ParseResult, RawItem, absolute_url, is_http_url
from crawler.parsers.encoding import decode_body, xml_as_utf8
from indexer.text import html_to_text

COMPONENT = "rss"

_GOOGLE_BASE = {"http://base.google.com/ns/1.0", "http://base.google.com/cns/1.0"}
_IMAGE_SUFFIX = re.compile(r"\.(jpe?g|png|gif|webp|avif|bmp)(?:[?#]|$)", re.IGNORECASE)
_COMMENT_OR_CDATA = re.compile(r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)", re.DOTALL)
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)
# Links that are not the item's page even when they are the only http(s) link.
_NOT_PAGE_RELS = {"enclosure", "self", "edit", "edit-media", "replies", "license", "hub", "payment"}


def parse(base_url: str, body: bytes) -> ParseResult:
    """Items of an RSS or Atom document; ParseError when the document yields nothing usable."""
    decoded = decode_body(body, component=COMPONENT)
    refuse_entity_declarations(decoded.text)
    parsed = _feedparser(base_url, xml_as_utf8(decoded.text))
    problem = _bozo_problem(parsed)
    version = parsed.get("version") or ""
    entries = parsed.get("entries") or []
    if not version:
        raise ParseError(f"{COMPONENT}: unable to parse feed: no RSS or Atom root element"
                         + (f" ({problem})" if problem else ""))
    if problem and not entries:
        raise ParseError(f"{COMPONENT}: unable to parse feed: {problem}")

    channel = parsed.get("feed") or {}
    base = _relative_base(base_url, channel)
    namespaces = parsed.get("namespaces") or {}
    google_prefixes = [prefix for prefix, uri in namespaces.items() if uri in _GOOGLE_BASE and prefix]
    items = [entry_to_item(entry, base, channel.get("language"), google_prefixes) for entry in entries]
    warnings = list(decoded.warnings)
    if problem:
        warnings.append(f"{COMPONENT}: feed is {problem}; {len(items)} items read")
    return ParseResult(format=version, items=items, title=html_to_text(channel.get("title")) or None,
                       link=absolute_url(channel.get("link"), base), warnings=warnings,
                       ttl_minutes=_ttl(channel.get("ttl")),
                       incomplete=isinstance(parsed.get("bozo_exception"), xml.sax.SAXParseException))


def _feedparser(base_url: str, utf8_xml: bytes) -> Any:
    try:
        return feedparser.parse(
            io.BytesIO(utf8_xml),  # never the bytes themselves: feedparser opens them as a path
            response_headers={"content-location": base_url or "",
                              "content-type": "application/xml; charset=utf-8"},
            resolve_relative_uris=True,
            sanitize_html=False,  # crawler.normalize sanitizes with its own allow-list
        )
    except Exception as exc:  # noqa: BLE001 - one partner's odd bytes must not stop the crawl
        raise ParseError(f"{COMPONENT}: unable to parse feed: feedparser failed: "
                         f"{type(exc).__name__}: {exc}") from exc


def refuse_entity_declarations(text: str) -> None:
    """Raise ParseError when the document declares entities (billion laughs, quadratic blow-up, XXE).

    Feeds have no business declaring entities; a plain DOCTYPE (RSS 0.91's) is fine. Comments and
    CDATA sections are skipped, so an article *about* XXE is not refused, and a comment cannot
    hide a declaration from this check while the XML parser still sees it.
    """
    markup = _COMMENT_OR_CDATA.sub(" ", text)
    if _ENTITY_DECLARATION.search(markup):
        raise ParseError("feed: refusing XML with entity declarations")


def _bozo_problem(parsed: Any) -> str | None:
    """What was wrong with the document, worded for an operator; None when nothing was."""
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    if isinstance(exc, xml.sax.SAXParseException):
        return f"not well-formed XML (line {exc.getLineNumber()}): {exc.getMessage()}"
    return f"irregular ({type(exc).__name__}: {exc})"


def _relative_base(base_url: str, channel: Any) -> str:
    """What URLs feedparser leaves relative (media, enclosures) are read against.

    feedparser resolves links against xml:base, then the document's URL (base_url), as RFC 3986
    would; media URLs get the same document URL here so both agree. Only without a document URL
    does the channel's own link (made absolute by the rel="self" link) stand in for it.
    """
    if is_http_url(base_url):
        return base_url
    document = _self_link(channel) or ""
    link = channel.get("link") or ""
    return urljoin(document, link) if link else document


def _self_link(channel: Any) -> str | None:
    for link in channel.get("links") or []:
        if link.get("rel") == "self" and is_http_url(link.get("href")):
            return link["href"]
    return None


def _ttl(value: Any) -> int | None:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes if minutes > 0 else None


def entry_to_item(entry: Any, base: str, channel_language: str | None,
                  google_prefixes: Iterable[str] = ()) -> RawItem:
    """One feedparser entry as a RawItem."""
    link = pick_link(entry, base)
    google = _google_base_fields(entry, google_prefixes)
    lat, lon = _point(entry, google)
    published, updated = _dates(entry)
    item = RawItem(
        key=(entry.get("id") or "").strip() or link,
        link=link,
        title=html_to_text(entry.get("title")) or None,
        summary=entry.get("summary") or None,
        content_html=_content_html(entry),
        categories=_categories(entry),
        published=published,
        updated=updated,
        lat=lat,
        lon=lon,
        address=google.get("location") or google.get("address"),
        price_text=_price_text(google),
        images=_images(entry, base, google),
        language=_language(entry) or channel_language,
        extra={f"g:{name}": value for name, value in google.items()},
    )
    if entry.get("author"):
        item.extra["author"] = entry["author"]
    return item


def pick_link(entry: Any, base: str) -> str | None:
    """The item's page: the first http(s) link among feedparser's choice and the alternates.

    When there is none, whatever feedparser chose (e.g. an urn: id) is kept, so the normalizer
    can say precisely why the item has no usable link.
    """
    links = [link for link in entry.get("links") or [] if link.get("href")]
    candidates = [entry.get("link")]
    candidates += [link["href"] for link in links if link.get("rel", "alternate") == "alternate"]
    candidates += [link["href"] for link in links if link.get("rel") not in _NOT_PAGE_RELS]
    absolute = [absolute_url(c, base) for c in candidates if c and c.strip()]
    for url in absolute:
        if is_http_url(url):
            return url
    return absolute[0] if absolute else None


def _content_html(entry: Any) -> str | None:
    contents = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    for content in contents:
        if "html" in (content.get("type") or ""):
            return content["value"]
    if contents:
        # Atom type="text" content: make it HTML so it can sit beside the other items' bodies.
        return html.escape(contents[0]["value"])
    return entry.get("summary") or None


def _categories(entry: Any) -> list[str]:
    names: list[str] = []
    for tag in entry.get("tags") or []:
        for value in (tag.get("term"), tag.get("label")):
            text = (value or "").strip()
            if text and text not in names:
                names.append(text)
    return names


def _dates(entry: Any) -> tuple[datetime | None, datetime | None]:
    # dict.get: FeedParserDict.get("updated_parsed") silently (and with a DeprecationWarning)
    # answers published_parsed when there is no updated date.
    updated = _utc(dict.get(entry, "updated_parsed"))
    published = _utc(dict.get(entry, "published_parsed")) or _utc(dict.get(entry, "created_parsed"))
    # RSS 1.0 dc:date and Atom-only <updated> arrive as "updated"; for a listing that is the date
    # it appeared, better than none.
    return published or updated, updated


def _utc(value: time.struct_time | None) -> datetime | None:
    """feedparser's struct_time (always UTC) as an aware datetime; None for anything odd."""
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _point(entry: Any, google: dict[str, str]) -> tuple[float | None, float | None]:
    where = entry.get("where") or {}
    if where.get("type") == "Point":
        coordinates = where.get("coordinates") or ()
        if len(coordinates) >= 2:
            # GeoJSON order: (lon, lat).
            lat, lon = _lat_lon(coordinates[1], coordinates[0])
            if lat is not None:
                return lat, lon
    for lat_key, lon_key in (("geo_lat", "geo_long"), ("geo_lat", "geo_lon")):
        lat, lon = _lat_lon(entry.get(lat_key), entry.get(lon_key))
        if lat is not None:
            return lat, lon
    return _lat_lon(google.get("latitude"), google.get("longitude"))


def _lat_lon(lat: Any, lon: Any) -> tuple[float | None, float | None]:
    try:
        lat_f, lon_f = float(str(lat).strip()), float(str(lon).strip())
    except (TypeError, ValueError):
        return None, None
    if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        return None, None
    return lat_f, lon_f


def _images(entry: Any, base: str, google: dict[str, str]) -> list[str]:
    found: list[str | None] = []
    for media in entry.get("media_content") or []:
        if _is_image(media.get("url"), media.get("type"), media.get("medium")):
            found.append(media.get("url"))
    found += [thumb.get("url") for thumb in entry.get("media_thumbnail") or []]
    for enclosure in entry.get("enclosures") or []:
        if _is_image(enclosure.get("href"), enclosure.get("type"), None):
            found.append(enclosure.get("href"))
    found += [google.get("image_link"), google.get("additional_image_link")]
    image = entry.get("image")
    if isinstance(image, dict):
        found.append(image.get("href") or image.get("url"))
    images: list[str] = []
    for url in found:
        absolute = absolute_url(url, base)
        if absolute and absolute not in images:
            images.append(absolute)
    return images


def _is_image(url: str | None, mime: str | None, medium: str | None) -> bool:
    if not url:
        return False
    if mime:
        return mime.lower().startswith("image/")
    if medium:
        return medium.lower() == "image"
    return bool(_IMAGE_SUFFIX.search(url))


def _price_text(google: dict[str, str]) -> str | None:
    price = google.get("price") or google.get("sale_price")
    currency = google.get("currency")
    # Google Base 1.0 puts the currency in its own element; the price reader wants "350000 USD".
    if price and currency and re.fullmatch(r"[\d.,\s]+", price):
        return f"{price.strip()} {currency.strip()}"
    return price


def _language(entry: Any) -> str | None:
    details = [entry.get("title_detail"), entry.get("summary_detail"), *(entry.get("content") or [])]
    for detail in details:
        if detail and detail.get("language"):
            return detail["language"]
    return None


def _google_base_fields(entry: Any, prefixes: Iterable[str]) -> dict[str, str]:
    """Google Base (g:) elements by local name: g:price, g:location, g:image_link, ..."""
    fields: dict[str, str] = {}
    for prefix in prefixes:
        start = f"{prefix}_"
        for key, value in entry.items():
            if key.startswith(start) and isinstance(value, str) and value.strip():
                fields.setdefault(key[len(start):], value.strip())
    return fields
