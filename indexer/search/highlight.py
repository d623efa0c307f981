"""Highlighted snippets: the query's words marked in a hit's title and summary, the same for every
engine (it reads the query the way indexer.search.analysis does, not an engine's highlighter).

Output is HTML: the text escaped, each match wrapped in <mark>.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from indexer.search.analysis import fold_plural, normalize, words
from indexer.text import sanitized_html_to_text

_WORD = re.compile(r"\w+", re.UNICODE)
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")
SNIPPET_CHARS = 200


@lru_cache(maxsize=512)
def query_terms(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """(whole words to mark, Hangul strings to mark wherever they occur inside a word); the same
    for every hit of a page, so worked out once per query text."""
    whole: set[str] = set()
    inside: list[str] = []
    for word in words(text):
        if _HANGUL.fullmatch(word) and len(word) >= 2:
            inside.append(word)
        else:
            whole.add(word)
    return frozenset(whole), tuple(sorted(set(inside), key=len, reverse=True))


def _spans(text: str, whole, inside) -> list[tuple[int, int]]:
    folded_text = normalize(text)
    # Every match holds one of the terms (a plural folds to its term, which it contains), so most
    # texts are settled by a substring test; and when folding keeps the text's length, as it does
    # for Hangul and ASCII, words are read off the folded text at the same offsets.
    if not any(term in folded_text or term[-1:] == "y" and term[:-1] + "ies" in folded_text for term in whole) \
            and not any(term in folded_text for term in inside):
        return []
    same_offsets = len(folded_text) == len(text)
    spans: list[tuple[int, int]] = []
    if same_offsets and inside:
        # Hangul terms hold no space, so they are found in the whole folded text at once.
        for term in inside:
            start = folded_text.find(term)
            while start != -1:
                spans.append((start, start + len(term)))
                start = folded_text.find(term, start + len(term))
    if whole or (inside and not same_offsets):
        for match in _WORD.finditer(folded_text if same_offsets else text):
            raw = match.group()
            folded = raw if same_offsets else normalize(raw)
            if folded in whole or fold_plural(folded) in whole:
                spans.append(match.span())
                continue
            if same_offsets or not inside or len(folded) != len(raw):
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
    return _marked(text, _spans(text, whole, inside))


def _marked(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in spans:
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def _snippet(text: str, spans: list[tuple[int, int]], limit: int = SNIPPET_CHARS) -> str:
    """At most `limit` characters of the text around its first match, marked."""
    if len(text) <= limit:
        return _marked(text, spans)
    first = spans[0][0] if spans else 0
    start = max(0, min(first - limit // 4, len(text) - limit))
    end = start + limit
    inside = [(max(a, start) - start, min(b, end) - start) for a, b in spans if a < end and b > start]
    return ("…" if start else "") + _marked(text[start:end], inside) + ("…" if end < len(text) else "")


def highlights(doc: dict, query_text: str) -> dict[str, str]:
    """{"title": marked title, "summary": marked summary, or a description excerpt when the
    summary is missing or holds none of the words and the description does}."""
    whole, inside = query_terms(query_text)
    summary = " ".join((doc.get("summary") or "").split())
    spans = _spans(summary, whole, inside)
    if not summary or (not spans and (whole or inside)):
        description = " ".join(sanitized_html_to_text(doc.get("description_html")).split())
        found = _spans(description, whole, inside)
        if description and (not summary or found):
            summary, spans = description, found
    return {"title": mark(doc.get("title") or "", whole, inside), "summary": _snippet(summary, spans)}
