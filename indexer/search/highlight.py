"""Highlighted snippets: the query's words marked in a hit's title and summary, the same for every
engine (it reads the query the way indexer.search.analysis does, not an engine's highlighter).

Output is HTML: the text escaped, each match wrapped in <mark>.
"""

from __future__ import annotations

import html
import re

from indexer.search.analysis import fold_plural, normalize, words
from indexer.text import sanitized_html_to_text

_WORD = re.compile(r"\w+", re.UNICODE)
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")
SNIPPET_CHARS = 200


def query_terms(text: str) -> tuple[set[str], list[str]]:
    """(whole words to mark, Hangul strings to mark wherever they occur inside a word)."""
    whole: set[str] = set()
    inside: list[str] = []
    for word in words(text):
        if _HANGUL.fullmatch(word) and len(word) >= 2:
            inside.append(word)
        else:
            whole.add(word)
    return whole, sorted(set(inside), key=len, reverse=True)


def _spans(text: str, whole: set[str], inside: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for match in _WORD.finditer(text):
        raw = match.group()
        folded = normalize(raw)
        if fold_plural(folded) in whole or folded in whole:
            spans.append(match.span())
            continue
        if not inside or len(folded) != len(raw):
            continue
        for term in inside:
            start = folded.find(term)
            while start != -1:
                spans.append((match.start() + start, match.start() + start + len(term)))
                start = folded.find(term, start + len(term))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(text: str, whole: set[str], inside: list[str]) -> str:
    out, last = [], 0
    for start, end in _spans(text, whole, inside):
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def snippet(text: str, whole: set[str], inside: list[str], limit: int = SNIPPET_CHARS) -> str:
    """At most `limit` characters of the text around its first match, marked."""
    text = " ".join(text.split())
    if len(text) > limit:
        spans = _spans(text, whole, inside)
        first = spans[0][0] if spans else 0
        start = max(0, min(first - limit // 4, len(text) - limit))
        piece = text[start:start + limit]
        text = ("…" if start else "") + piece + ("…" if start + limit < len(text) else "")
    return mark(text, whole, inside)


def highlights(doc: dict, query_text: str) -> dict[str, str]:
    """{"title": marked title, "summary": marked summary (or a description excerpt)}."""
    whole, inside = query_terms(query_text)
    summary = doc.get("summary") or ""
    if not summary or (inside or whole) and not _spans(summary, whole, inside):
        description = sanitized_html_to_text(doc.get("description_html"))
        if description and (not summary or _spans(description, whole, inside)):
            summary = description
    return {"title": mark(doc.get("title") or "", whole, inside),
            "summary": snippet(summary, whole, inside)}
