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
def _word_pattern() -> re.Pattern:
    """Every synonym in one alternation, longest first, so one scan finds the first mention."""
    alternatives = []
    for synonym in sorted(_synonym_index(), key=len, reverse=True):
        if re.fullmatch(r"[a-z0-9 -]+", synonym):
            alternatives.append(rf"\b{re.escape(synonym)}s?\b")
        elif len(synonym) >= 2:
            # Korean words are found inside compounds (전동드릴 → 드릴) but not single syllables.
            alternatives.append(re.escape(synonym))
    return re.compile("|".join(alternatives))


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
    m = _word_pattern().search(text)
    if not m:
        return None
    index = _synonym_index()
    word = m.group(0)
    return index.get(word) or index.get(word[:-1])


def categorize(labels: Iterable[str], title: str | None, summary: str | None) -> str | None:
    return category_from_labels(labels) or category_from_text(title, summary)
