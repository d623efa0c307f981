"""Place words in a query: a district or dong name, Korean or romanized, or a well-known area
(config/place_aliases.toml) becomes a district filter, and leaves the words to search for.

"마포 공구" = 공구 in Mapo-gu; "tools Itaewon" = tools in Yongsan-gu; "망원동 드릴" = 드릴 in Mapo-gu.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from config import reference
from indexer.search.analysis import normalize

_TOKEN = re.compile(r"\w+", re.UNICODE)
_DONG_NUMBER = re.compile(r"\d+(?:[·.,]\d+)*(?:가)?(?=동$)")
MAX_PHRASE = 3


@dataclass(frozen=True)
class PlaceWord:
    word: str                       # as the user wrote it
    districts: tuple[str, ...]      # gu codes


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalize(text))


@lru_cache(maxsize=1)
def place_table() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Normalized word sequence -> gu codes."""
    table: dict[tuple[str, ...], set[str]] = {}

    def add(name: str, code: str) -> None:
        words = tuple(_tokens(name))
        if words and not (len(words) == 1 and len(words[0]) < 2):
            table.setdefault(words, set()).add(code)

    spellings = reference.place_names().get("district_spellings", {})
    for code, district in reference.districts().items():
        add(district.name_ko, code)
        if district.name_ko.endswith("구") and len(district.name_ko) >= 3:
            add(district.name_ko[:-1], code)           # 마포구 -> 마포
        add(district.name_en, code)                    # Mapo-gu
        base = re.sub(r"-gu$", "", district.name_en)
        if base.lower() != "jung":                     # "jung" is a common syllable in romanized text
            add(base, code)
        for spelling in spellings.get(code, ()):
            add(f"{spelling}-gu", code)
    for dong in reference.dongs():
        add(dong.name_ko, dong.district)               # 망원1동
        bare = _DONG_NUMBER.sub("", dong.name_ko)      # 망원동
        add(bare, dong.district)
        if dong.name_en:
            add(dong.name_en, dong.district)           # Mangwon 1-dong
    for name, codes in reference.place_aliases().items():
        for code in codes:
            add(name, code)
    return {words: tuple(sorted(codes)) for words, codes in table.items()}


def extract_places(text: str) -> tuple[str, list[PlaceWord]]:
    """(the text without its place words, the place words found), longest phrase first."""
    table = place_table()
    # Each normalized word with the span of the original text it came from (NFKC may split one).
    flat = [(m.start(), m.end(), word) for m in _TOKEN.finditer(text) for word in _tokens(m.group())]
    found: list[PlaceWord] = []
    cut: list[tuple[int, int]] = []
    i = 0
    while i < len(flat):
        for length in range(min(MAX_PHRASE, len(flat) - i), 0, -1):
            words = tuple(w for _, _, w in flat[i:i + length])
            codes = table.get(words)
            if codes:
                start, end = flat[i][0], flat[i + length - 1][1]
                found.append(PlaceWord(text[start:end], codes))
                cut.append((start, end))
                i += length
                break
        else:
            i += 1
    if not found:
        return text, []
    rest, last = [], 0
    for start, end in cut:
        rest.append(text[last:start])
        last = end
    rest.append(text[last:])
    return " ".join("".join(rest).split()), found
