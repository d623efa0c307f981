"""Text analysis shared by every backend, so that both engines see the same terms.

NFKC, case folding, words; a Hangul word also yields its syllable bigrams, so that a two-syllable
query (공구, 드릴) matches inside a longer word (공구도서관, 전동드릴) without a Korean analyzer.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import chain

from indexer.text import sanitized_html_to_text

_WORD = re.compile(r"\w+", re.UNICODE)
_HANGUL_SYLLABLE = re.compile(r"[\uac00-\ud7a3]")
_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+")
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]{2,}")


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


def fold_plural(word: str) -> str:
    """Simple English plural folding: tools -> tool, boxes -> box, bikes -> bike."""
    if not word.isascii() or len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    return [fold_plural(w) for w in _WORD.findall(normalize(text)) if w != "_"]


def hangul_bigrams(word: str) -> list[str]:
    if _HANGUL_WORD.fullmatch(word):  # the common case: one run, no regex scan needed
        return [word[i:i + 2] for i in range(len(word) - 1)]
    out: list[str] = []
    for run in _HANGUL_RUN.findall(word):
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


def index_terms(text: str) -> list[str]:
    """Terms stored for a field: each word, then the Hangul bigrams of that word."""
    return list(chain.from_iterable(map(_word_terms, _WORD.findall(normalize(text)))))


@lru_cache(maxsize=200_000)
def _word_terms(word: str) -> tuple[str, ...]:
    # Words repeat across listings (Zipf): each is folded and split into bigrams once.
    if word == "_":
        return ()
    word = fold_plural(word)
    if word.isascii():  # most words of most texts; no Hangul to split
        return (word,)
    bigrams = hangul_bigrams(word)
    if len(bigrams) > 1 or (bigrams and bigrams[0] != word):
        return (word, *bigrams)
    return (word,)


def index_text(text: str) -> str:
    return " ".join(chain.from_iterable(map(_word_terms, _WORD.findall(normalize(text)))))


def query_groups(text: str) -> list[list[str]]:
    """One group per query word; a group matches when all its terms match in sequence.

    A Hangul word of three or more syllables becomes its bigrams (전동드릴 -> 전동 동드 드릴), a
    two-syllable word is its own bigram, a one-syllable word and any other word stays whole.
    """
    groups: list[list[str]] = []
    for word in words(text):
        if _HANGUL_RUN.fullmatch(word) and len(word) >= 3:
            groups.append(hangul_bigrams(word))
        else:
            groups.append([word])
    return groups


def is_hangul_syllable(char: str) -> bool:
    return bool(_HANGUL_SYLLABLE.fullmatch(char))


def document_terms(doc: dict) -> tuple[str, str]:
    """(title terms, body terms) of a search document: what every backend indexes."""
    summary = doc.get("summary") or ""
    description = sanitized_html_to_text(doc.get("description_html"))
    # The summary is most often the description's opening, cut short: index those words once.
    if summary and description.startswith(summary.rstrip("…").rstrip()):
        summary = ""
    body = [summary, description, *(doc.get("tags") or [])]
    return index_text(doc.get("title") or ""), index_text("\n".join(p for p in body if p))
