"""The same thing listed on several platforms: pure rules that group listings into clusters.

Two listings are the same thing when they come from different platforms and either link the same
page, or agree on every fact both state — category, start time, numbers in the title (18V, 4인용,
#12) — are at the same place (within SAME_PLACE_METRES by coordinates, else the same district and
dong) and their titles name the same thing (`titles_match`): each title's main words (outside
brackets, generic words such as 대여/rental left out) are all stated by the other, spacing aside
(고압세척기 = 고압 세척기), and at most one of them adds details in brackets the other does not
state ("고압세척기" and "고압 세척기 (호스 10m)" match; "한복 (여성용)" and "한복 (남성용)" do not).
Precision comes first: a wrong merge hides a listing from search, a missed one only shows it twice.
So a fact one listing lacks never counts for a match, a near synonym (시니어/어르신) is not
guessed, and a cluster holds at most one listing per platform.

Clusters are found within blocks (a district, else a coordinate cell), and inside a block only pairs
that share a rare title term are compared, so the work grows with the listings, not their square.
The table of labelled pairs is tests/indexer/test_duplicates.py; bench/duplicate_precision.py
measures precision and recall on bench/labels/duplicate_pairs.jsonl.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from typing import Iterable

from indexer.search.analysis import hangul_bigrams, normalize, words

SAME_PLACE_METRES = 250.0
SAME_START_SECONDS = 30 * 60
# A title term found in more listings of a block than this says nothing about which are the same.
MAX_TERM_LISTINGS = 60

# Words that say how a thing is offered, not what it is.
GENERIC_WORDS = frozenset("""
대여 대관 대출 나눔 공유 무료 유료 빌려 빌려드립니다 빌려드려요 드립니다 드려요 합니다 가능 판매 렌트 렌탈 예약 신청
이용 모집 안내 서비스 및 와 과 의 에서 용 새상품 중고 급처 팝니다 삽니다 나눔카 카셰어링 카쉐어링
rent rental rentals renting hire loan lend lending borrow share sharing shared free for the a an of and to in at
on with available book booking reservation per day hour week month
""".split())

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_BRACKETED = re.compile(r"[(\[{（【〔<「『][^)\]}）】〕>」』]*[)\]}）】〕>」』]")


@dataclass(frozen=True)
class Candidate:
    """What the rules read of one listing."""
    id: str
    platform: str
    title: str
    url: str | None = None
    category: str | None = None
    district: str | None = None
    dong: str | None = None
    lat: float | None = None
    lon: float | None = None
    starts_at: datetime | None = None


@lru_cache(maxsize=65536)
def title_terms(title: str) -> frozenset[str]:
    """The terms that say what a title names: words, Korean words as syllable bigrams, no generic words."""
    terms: set[str] = set()
    for word in words(title):
        if word in GENERIC_WORDS or _NUMBER.fullmatch(word):
            continue
        if word.isascii():
            terms.add(word)
            continue
        bigrams = hangul_bigrams(word)
        terms.update(b for b in bigrams if b not in GENERIC_WORDS)
        if not bigrams:
            terms.add(word)
    return frozenset(terms)


def title_numbers(title: str) -> frozenset[str]:
    """Numbers in a title (18V, 4인용, 3단, #12): two listings that state different ones differ."""
    return frozenset(n.replace(",", "") for n in _NUMBER.findall(normalize(title)))


def _main_word(word: str) -> str:
    # 여행용, 가정용, 행사용: "for travel", "for the home"; 여행, 가정, 행사 say the same.
    if not word.isascii() and len(word) >= 3 and word.endswith("용"):
        return word[:-1]
    return word


def title_words(title: str) -> tuple[list[str], list[str]]:
    """(main words, bracketed detail words) of a title, generic words and bare numbers left out."""
    text = normalize(title)  # brackets are found in the NFKC form (full-width （） too)
    detail = " ".join(_BRACKETED.findall(text))
    main = _BRACKETED.sub(" ", text)

    def significant(part: str) -> list[str]:
        return [_main_word(w) for w in words(part) if w not in GENERIC_WORDS and not _NUMBER.fullmatch(w)]
    return significant(main), significant(detail)


class _Title:
    __slots__ = ("main", "detail", "words", "compact")

    def __init__(self, title: str):
        self.main, self.detail = title_words(title)
        every = words(title)
        self.words = set(every) | set(self.main) | set(self.detail)
        self.compact = "".join(every)

    def states(self, word: str) -> bool:
        # A Korean word may be written with or without spaces inside it; a Latin word is a word.
        return word in self.words if word.isascii() else word in self.compact


# A listing meets many others while clusters are found: read each title once.
_title = lru_cache(maxsize=65536)(_Title)


def titles_match(a: str, b: str) -> bool:
    """Whether two titles name the same thing (see the module's doc)."""
    ta, tb = _title(a), _title(b)
    if not ta.main or not tb.main:
        return False
    if not all(map(tb.states, ta.main)) or not all(map(ta.states, tb.main)):
        return False
    extra_a = [w for w in ta.detail if not tb.states(w)]
    extra_b = [w for w in tb.detail if not ta.states(w)]
    return not (extra_a and extra_b)


def title_similarity(a: str, b: str) -> float:
    """Dice coefficient of the title terms, 0 when either title has none."""
    ta, tb = title_terms(a), title_terms(b)
    if not ta or not tb:
        return 0.0
    return 2 * len(ta & tb) / (len(ta) + len(tb))


def distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(min(1.0, h)))


def same_thing(a: Candidate, b: Candidate) -> str | None:
    """Why `a` and `b` are the same thing on two platforms, or None when they are not (or may not be)."""
    if a.id == b.id or a.platform == b.platform:
        return None
    if a.url and a.url == b.url:
        return "same page"
    if a.category and b.category and a.category != b.category:
        return None
    if (a.starts_at is None) != (b.starts_at is None):
        return None
    if a.starts_at is not None and abs((a.starts_at - b.starts_at).total_seconds()) > SAME_START_SECONDS:
        return None
    numbers_a, numbers_b = title_numbers(a.title), title_numbers(b.title)
    if numbers_a and numbers_b and numbers_a != numbers_b:
        return None
    if None not in (a.lat, a.lon, b.lat, b.lon):
        metres = distance_metres(a.lat, a.lon, b.lat, b.lon)
        if metres > SAME_PLACE_METRES:
            return None
        place = f"{metres:.0f} m apart"
    elif a.district and a.district == b.district and a.dong and a.dong == b.dong:
        place = f"both in {a.dong}"
    else:
        return None  # no place both state that is narrower than a district: too little to go on
    if not titles_match(a.title, b.title):
        return None
    return f"same title words, {place}"


def _block(c: Candidate) -> str | None:
    if c.district:
        return c.district
    if c.lat is not None and c.lon is not None:
        # About 1.1 km cells; a pair across a cell edge is missed, which costs recall, not precision.
        return f"cell:{math.floor(c.lat * 100)}:{math.floor(c.lon * 100)}"
    return None


def candidate_pairs(candidates: list[Candidate]) -> set[tuple[int, int]]:
    """Index pairs worth comparing: the same page anywhere, or a shared rare title term in one block."""
    pairs: set[tuple[int, int]] = set()
    by_url: dict[str, list[int]] = {}
    blocks: dict[str, dict[str, list[int]]] = {}
    for n, c in enumerate(candidates):
        if c.url:
            by_url.setdefault(c.url, []).append(n)
        block = _block(c)
        if block is None:
            continue
        postings = blocks.setdefault(block, {})
        for term in title_terms(c.title):
            postings.setdefault(term, []).append(n)
    groups = list(by_url.values())
    for postings in blocks.values():
        groups.extend(p for p in postings.values() if len(p) <= MAX_TERM_LISTINGS)
    for group in groups:
        if len(group) < 2:
            continue
        for i, j in combinations(group, 2):
            if candidates[i].platform != candidates[j].platform:
                pairs.add((i, j) if i < j else (j, i))
    return pairs


def find_clusters(candidates: Iterable[Candidate]) -> dict[str, str]:
    """Listing id -> cluster id, for every listing that has a match; the cluster id is its
    smallest member id, so it stays put while that member stays."""
    items = list(candidates)
    parent = list(range(len(items)))
    platforms = [{c.platform} for c in items]

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    # Most alike first, so that when two listings of one platform both match a third, the third
    # joins the better match.
    scored = []
    for i, j in candidate_pairs(items):
        if same_thing(items[i], items[j]) is not None:
            scored.append((-title_similarity(items[i].title, items[j].title), items[i].id, items[j].id, i, j))
    for *_, i, j in sorted(scored):
        ri, rj = root(i), root(j)
        if ri == rj or platforms[ri] & platforms[rj]:
            continue  # one listing per platform in a cluster
        parent[rj] = ri
        platforms[ri] |= platforms[rj]
    members: dict[int, list[str]] = {}
    for n, c in enumerate(items):
        members.setdefault(root(n), []).append(c.id)
    return {listing_id: min(ids) for ids in members.values() if len(ids) > 1 for listing_id in ids}
