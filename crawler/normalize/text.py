"""Text and HTML cleaning: NFKC, whitespace, sanitized HTML with a small allow-list (nh3)."""

from __future__ import annotations

import re
import unicodedata

import nh3

from indexer.text import html_to_text

ALLOWED_TAGS = {"p", "br", "b", "strong", "i", "em", "u", "ul", "ol", "li", "a", "blockquote", "h3", "h4",
                "table", "thead", "tbody", "tr", "th", "td", "img", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"},
                      "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def clean_text(value: str | None, max_length: int | None = None) -> str | None:
    """Plain text: markup and entities resolved, NFKC, control characters dropped, spaces collapsed."""
    if value is None:
        return None
    text = html_to_text(value)
    text = " ".join(_CONTROL.sub(" ", nfkc(text)).split())
    return truncate(text, max_length) if max_length else (text or None)


def truncate(text: str | None, max_length: int) -> str | None:
    if text and len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text or None


def sanitize_html(value: str | None, base_url: str | None = None) -> str | None:
    """HTML safe to show: allow-listed tags, http(s) links only, rel=noopener on links."""
    if not value or not value.strip():
        return None
    cleaned = nh3.clean(nfkc(value), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                        url_schemes={"http", "https"}, link_rel="noopener noreferrer nofollow",
                        strip_comments=True)
    cleaned = cleaned.strip()
    return cleaned or None


def looks_like_html(value: str | None) -> bool:
    return bool(value) and bool(re.search(r"<[a-zA-Z/!][^>]*>", value))
