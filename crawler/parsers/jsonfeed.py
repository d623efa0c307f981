"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org) to raw items.

feedparser does not read JSON Feed, and the format is small enough that a library would add
more than it saves. We are strict where it protects the catalog (a truncated document is refused
rather than half ingested; JSON that merely looks feed-like is not a JSON Feed) and lenient where
partners are sloppy (numeric ids, RFC 822 dates, relative URLs, entities in plain-text titles).
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from crawler.parsers.base import ParseError, ParseResult, RawItem, absolute_url, is_http_url
from crawler.parsers.encoding import decode_body
from indexer.text import html_to_text

COMPONENT = "jsonfeed"

_VERSION = re.compile(r"^https?://jsonfeed\.org/version/(\d+(?:\.\d+)?)/?$")
_FORMATS = {"1": "jsonfeed10", "1.0": "jsonfeed10", "1.1": "jsonfeed11"}


def parse(base_url: str, body: bytes) -> ParseResult:
    """Items of a JSON Feed; ParseError for invalid JSON or JSON that is not a JSON Feed."""
    decoded = decode_body(body, component=COMPONENT)
    try:
        document = json.loads(decoded.text)
    except ValueError as exc:  # JSONDecodeError is one
        raise ParseError(f"{COMPONENT}: unable to parse feed: {exc}") from None
    except RecursionError:
        raise ParseError(f"{COMPONENT}: unable to parse feed: nested too deeply") from None
    feed_format, warnings = _check_feed(document)
    warnings = decoded.warnings + warnings

    base = feed_base(base_url, document)
    language = _string(document.get("language"))
    items: list[RawItem] = []
    for position, entry in enumerate(document["items"]):
        if isinstance(entry, dict):
            items.append(item_to_raw(entry, base, language))
        else:
            warnings.append(f"{COMPONENT}: item {position} is not an object; skipped")
    return ParseResult(format=feed_format, items=items, title=html_to_text(_string(document.get("title"))) or None,
                       link=absolute_url(_string(document.get("home_page_url")), base_url), warnings=warnings)


def _check_feed(document: Any) -> tuple[str, list[str]]:
    """The format name ("jsonfeed11") and version warnings; ParseError when it is no JSON Feed."""
    if not isinstance(document, dict):
        raise ParseError(f"{COMPONENT}: not a JSON Feed (top level is a {type(document).__name__}, "
                         "not an object)")
    keys = ", ".join(list(document)[:10]) or "none"
    version = document.get("version")
    if not isinstance(version, str) or not version.strip():
        raise ParseError(f"{COMPONENT}: not a JSON Feed (no \"version\"; top-level keys: {keys})")
    match = _VERSION.match(version.strip())
    if not match:
        raise ParseError(f"{COMPONENT}: not a JSON Feed (version {version!r})")
    if not isinstance(document.get("items"), list):
        raise ParseError(f"{COMPONENT}: not a JSON Feed (no \"items\" list; top-level keys: {keys})")
    number = match.group(1)
    if number in _FORMATS:
        return _FORMATS[number], []
    # A later 1.x (or 2) is expected to stay readable the 1.1 way; say so rather than refuse.
    return "jsonfeed11", [f"{COMPONENT}: unknown JSON Feed version {number}; read as 1.1"]


def feed_base(base_url: str, document: dict[str, Any]) -> str:
    """What relative item URLs are read against: home_page_url, else feed_url, else base_url."""
    for key in ("home_page_url", "feed_url"):
        url = absolute_url(_string(document.get(key)), base_url)
        if is_http_url(url):
            return url  # type: ignore[return-value]
    return base_url or ""


def item_to_raw(entry: dict[str, Any], base: str, feed_language: str | None) -> RawItem:
    """One JSON Feed item as a RawItem."""
    link = _pick_link(entry, base)
    key = _identifier(entry.get("id"))
    content_html = _string(entry.get("content_html"))
    content_text = _string(entry.get("content_text"))
    published = parse_datetime(entry.get("date_published"))
    updated = parse_datetime(entry.get("date_modified"))
    item = RawItem(
        key=key or link,
        link=link,
        title=html_to_text(_string(entry.get("title"))) or None,
        summary=_string(entry.get("summary")),
        content_html=content_html or (html.escape(content_text) if content_text else None),
        categories=_tags(entry.get("tags")),
        published=published or updated,
        updated=updated,
        images=_images(entry, base),
        language=_string(entry.get("language")) or feed_language,
        extra={name: value for name, value in entry.items() if name.startswith("_")},
    )
    authors = _author_names(entry)
    if authors:
        item.extra["author"] = ", ".join(authors)
    attachments = [a for a in entry.get("attachments") or [] if isinstance(a, dict) and not _is_image(a)]
    if attachments:
        item.extra["attachments"] = attachments
    return item


def parse_datetime(value: Any) -> datetime | None:
    """ISO 8601 / RFC 3339 (what the spec requires) or RFC 822 (what some partners write), as UTC.

    A date without an offset is taken as UTC; anything unreadable is None, never an exception.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    parsed: datetime | None
    try:
        # Python 3.11 reads "Z", fractions of any length and basic/extended offsets.
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        return parsed.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None


def _identifier(value: Any) -> str:
    # The spec says string; numbers are common and unambiguous, booleans and objects are not ids.
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return ""
    return str(value).strip()


def _pick_link(entry: dict[str, Any], base: str) -> str | None:
    candidates = [absolute_url(_string(entry.get(key)), base) for key in ("url", "external_url")]
    present = [url for url in candidates if url]
    for url in present:
        if is_http_url(url):
            return url
    return present[0] if present else None


def _tags(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    tags: list[str] = []
    for tag in value:
        text = str(tag).strip() if isinstance(tag, (str, int, float)) else ""
        if text and text not in tags:
            tags.append(text)
    return tags


def _images(entry: dict[str, Any], base: str) -> list[str]:
    found = [entry.get("image"), entry.get("banner_image")]
    found += [a.get("url") for a in entry.get("attachments") or [] if isinstance(a, dict) and _is_image(a)]
    images: list[str] = []
    for url in found:
        absolute = absolute_url(_string(url), base)
        if absolute and absolute not in images:
            images.append(absolute)
    return images


def _is_image(attachment: dict[str, Any]) -> bool:
    mime = attachment.get("mime_type")
    return isinstance(mime, str) and mime.lower().startswith("image/")


def _author_names(entry: dict[str, Any]) -> list[str]:
    # 1.1 has "authors"; 1.0's "author" is deprecated but still written by many generators.
    authors = entry.get("authors")
    if not isinstance(authors, list):
        authors = [entry.get("author")]
    names = [_string(a.get("name")) for a in authors if isinstance(a, dict)]
    return [name for name in names if name]


def _string(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value if value.strip() else None
