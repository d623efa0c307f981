"""Category keys of config/categories.toml from a partner's categories, tags, or words in the text.

Precedence: the partner's own categories and tags, then words in title and summary. Unknown stays
None (the caller warns); a guess is never presented as fact.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from config import reference
from crawler.normalize.text import nfkc


def _norm(value: str) -> str:
    return " ".join(nfkc(value).casefold().replace("_", " ").split())


@lru_cache(maxsize=None)
def _synonym_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for key, category in reference.categories().items():
        for name in (key, category.ko, category.en, *category.synonyms):
            index.setdefault(_norm(name), key)
    return index


@lru_cache(maxsize=None)
def _word_patterns() -> list[tuple[re.Pattern, str]]:
    patterns = []
    for synonym, key in sorted(_synonym_index().items(), key=lambda kv: -len(kv[0])):
        if re.fullmatch(r"[a-z0-9 -]+", synonym):
            patterns.append((re.compile(rf"\b{re.escape(synonym)}s?\b"), key))
        elif len(synonym) >= 2:
            # Korean words are found inside compounds (전동드릴 → 드릴) but not single syllables.
            patterns.append((re.compile(re.escape(synonym)), key))
    return patterns


def category_from_labels(labels: Iterable[str]) -> str | None:
    index = _synonym_index()
    for label in labels:
        for part in re.split(r"[/>,|·]", label):
            key = index.get(_norm(part))
            if key:
                return key
    return None


def category_from_text(*texts: str | None) -> str | None:
    text = _norm(" ".join(t for t in texts if t))
    if not text:
        return None
    best: tuple[int, str] | None = None
    for pattern, key in _word_patterns():
        m = pattern.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), key)
    return best[1] if best else None


def categorize(labels: Iterable[str], title: str | None, summary: str | None) -> str | None:
    return category_from_labels(labels) or category_from_text(title, summary)
