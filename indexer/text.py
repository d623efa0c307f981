"""Plain text out of the HTML fragments partners put everywhere (titles, summaries, bodies).

One implementation for the parsers, normalization and search analysis, so that all three see the
same text. The standard library's HTMLParser: tolerant of broken markup, no third-party parser.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser


class _TextExtractor(HTMLParser):
    """Text content of an HTML fragment; script/style bodies and comments dropped."""

    _SKIP = {"script", "style", "noscript", "template"}
    _BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "title", "img"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        if tag in self._SKIP or tag in self._BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self.skipping:
            self.skipping -= 1
        if tag in self._SKIP or tag in self._BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


# A tag needs its ">": "x<y" in a plain title is a comparison, not markup.
_LOOKS_MARKED_UP = re.compile(r"<[a-zA-Z!/?][^<>]*>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")


def html_to_text(value: str | None) -> str:
    """Plain text of a field that may hold HTML or entities; whitespace collapsed; "" if empty."""
    if not value:
        return ""
    if _LOOKS_MARKED_UP.search(value):
        extractor = _TextExtractor()
        try:
            extractor.feed(value)
            extractor.close()
            value = "".join(extractor.parts)
        except Exception:  # noqa: BLE001 - HTMLParser on hostile input; fall back to a blunt strip
            value = html.unescape(re.sub(r"<[^>]*>", " ", value))
    return " ".join(value.split())


_BREAK_TAG = re.compile(r"</?(?:%s)\b[^>]*>" % "|".join(sorted(_TextExtractor._BREAKS)), re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*>")


def sanitized_html_to_text(value: str | None) -> str:
    """html_to_text for HTML our sanitizer wrote (a listing's description_html): allow-listed tags
    only, no script, style or comments, every "<" of the text escaped. Tags can then be dropped
    with a regular expression, several times faster than parsing; it gives the same text."""
    if not value:
        return ""
    text = _ANY_TAG.sub("", _BREAK_TAG.sub(" ", value))
    return " ".join((html.unescape(text) if "&" in text else text).split())
