"""Search-as-you-type suggestions and "did you mean" for misspelled Latin words.

A `Suggester` is an immutable, in-memory index of what a citizen may be typing: active listing
titles, the categories, Seoul's 25 gu, well-known place names and the platforms. It answers every
keystroke from sorted arrays with bisect (a prefix is a contiguous range of a sorted array), never
by scanning all titles. Korean input works by syllable prefix, by initial consonants (ㄱㄱ -> 공구)
and while the last syllable is still being composed (공구셑 -> 공구세트).

Nothing here reads settings or Flask globals: the web layer owns a `SuggesterCache` built with
its catalog and calls it.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from heapq import nsmallest
from typing import Callable, Iterable, NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from sqlalchemy import func, select

from config import reference
from indexer.catalog import Catalog
from indexer.catalog.models import ListingRow, Platform, Source
from indexer.search.analysis import fold_plural

log = logging.getLogger(__name__)

KINDS = ("category", "district", "place", "platform", "title")  # what Entry.kind may be
ACTIVE = "active"  # ListingRow.status: active, gone or removed; only active listings are searchable

MAX_QUERY = 200     # characters of a prefix looked at: nobody types more into a search box
MAX_KEY = 32        # characters of a label kept per sorted key; longer prefixes are verified
MAX_LIMIT = 50
MAX_DYM_CHARS = 500  # the search form cuts q at 500 characters (queryargs)
MAX_DYM_WORDS = 12
_BIG_RANGE = 5_000  # prefix ranges this large (one letter, one consonant) are memoized
_MEMO_SIZE = 4_096

# -- Hangul ------------------------------------------------------------------------------------
# A precomposed syllable is 0xAC00 + (initial * 21 + medial) * 28 + final, so all syllables with
# one initial consonant, or with one initial and medial, form one contiguous code range: prefix
# ranges over sorted strings work for partially typed syllables too.
_S_BASE, _S_COUNT, _PER_INITIAL, _T_COUNT = 0xAC00, 11172, 588, 28
CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JONGSEONG = ("", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ", "ㅁ",
              "ㅂ", "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ")
# An IME joins two consonants typed without a vowel (ㄱ then ㅅ gives ㄳ); as input they are two.
_CLUSTERS = {"ㄳ": "ㄱㅅ", "ㄵ": "ㄴㅈ", "ㄶ": "ㄴㅎ", "ㄺ": "ㄹㄱ", "ㄻ": "ㄹㅁ", "ㄼ": "ㄹㅂ", "ㄽ": "ㄹㅅ",
             "ㄾ": "ㄹㅌ", "ㄿ": "ㄹㅍ", "ㅀ": "ㄹㅎ", "ㅄ": "ㅂㅅ"}
_CONSONANTS = frozenset(CHOSEONG) | frozenset(_CLUSTERS)
_INITIAL_INDEX = {c: i for i, c in enumerate(CHOSEONG)}
_TO_CHOSEONG = {_S_BASE + s: CHOSEONG[s // _PER_INITIAL] for s in range(_S_COUNT)}
# NFKC turns compatibility jamo (what keyboards type: ㄱ) into conjoining jamo (ᄀ); turn them back
# so that input and labels agree on one form.
_TO_COMPAT = {ord(unicodedata.normalize("NFKC", c)): c for c in map(chr, range(0x3131, 0x314F))
              if len(unicodedata.normalize("NFKC", c)) == 1 and unicodedata.normalize("NFKC", c) != c}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_WORD = re.compile(r"\w+")

# Common query words the titles may not hold: never "corrected" into a title word.
COMMON_WORDS = frozenset("""
    free rent rental rentals rents borrow borrowing lend lending share sharing shared swap give
    near nearby with from into this that these those what where when which cheap used good
    best more most very only open today tomorrow weekend weekday week month year hour hours
    seoul korea korean english public city station room rooms item items thing things sale
    need want wanted offer offers available small large big long short kids baby
""".split())


def normalize(text: str) -> str:
    """The matching form of a label or a query: NFKC, case folded, keyboard jamo, one space."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    if not text.isascii():  # most Latin labels: no jamo to look up
        text = text.translate(_TO_COMPAT)
    return " ".join(_CONTROL.sub("", text).split())


def choseong(text: str) -> str:
    """Each Hangul syllable replaced by its initial consonant (공구 세트 -> ㄱㄱ ㅅㅌ)."""
    return text if text.isascii() else text.translate(_TO_CHOSEONG)


def _consonant_query(text: str) -> str:
    """The query as initial consonants, compound consonants split, or "" if it is not one."""
    text = text.replace(" ", "")
    if not text or any(c not in _CONSONANTS for c in text):
        return ""
    return "".join(_CLUSTERS.get(c, c) for c in text)


def _initial_range(consonant: str) -> tuple[str, str]:
    """[first, after last) syllable whose initial consonant is `consonant`."""
    start = _S_BASE + _INITIAL_INDEX[consonant] * _PER_INITIAL
    return chr(start), chr(start + _PER_INITIAL)


def _after(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


# -- entries -----------------------------------------------------------------------------------

class Entry(NamedTuple):
    """One thing to suggest.

    `value` is what goes into the query or filter (a category key, a gu code, or text), the labels
    are shown in the page's language, `aliases` are matched but never shown (category synonyms,
    other romanizations of a gu), and `weight` orders equally good matches (listings behind it).
    """

    kind: str
    value: str
    label_ko: str
    label_en: str
    weight: int = 0
    aliases: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        """The label shown on a page in `lang` (ko, ko-KR: Korean; anything else: English)."""
        return self.label_ko if lang.startswith("ko") else self.label_en


# A key's flag: where in which text of its entry it starts. Exactness is decided per query.
_WHOLE_LABEL, _LABEL_START, _LABEL_INNER, _WHOLE_ALIAS, _ALIAS_PART = range(5)
# Match quality, best first: exact label; label start (or an alias typed in full); a later word of
# the label; an alias (a synonym shows a label the user did not type, so it comes last).
_TIER = {_WHOLE_LABEL: 1, _LABEL_START: 1, _LABEL_INNER: 2, _WHOLE_ALIAS: 3, _ALIAS_PART: 3}
_EXACT_TIER = {_WHOLE_LABEL: 0, _WHOLE_ALIAS: 1}
_FLAGS = 8  # codes are entry * _FLAGS + flag


def _texts(entry: Entry) -> list[tuple[str, bool]]:
    """(normalized text, is a shown label) of an entry, each text once."""
    given: set[str] = set()
    seen: set[str] = set()
    out = []
    for raw, is_label in ((entry.label_ko, True), (entry.label_en, True),
                          *((alias, False) for alias in entry.aliases)):
        if raw in given:  # a title's two labels are one string: normalize it once
            continue
        given.add(raw)
        text = normalize(raw)
        if text and text not in seen:
            seen.add(text)
            out.append((text, is_label))
    return out


class _Index(NamedTuple):
    """Sorted keys, and per key its entry-and-flag code and its rank per language."""

    keys: list[str]
    codes: array
    order: dict[str, array]  # lang -> tier * entries + rank of the entry, for heapq.nsmallest


class Suggester:
    """Prefix suggestions over a fixed set of entries, and spelling fixes over their words."""

    def __init__(self, entries: Iterable[Entry]):
        self.entries: list[Entry] = [e for e in entries if e.label_ko.strip() or e.label_en.strip()]
        self._n = max(len(self.entries), 1)
        self._rank = self._ranks()
        self._by_rank: dict[str, list[int]] = {}
        for lang, ranks in self._rank.items():
            by_rank = [0] * len(ranks)
            for i, r in enumerate(ranks):
                by_rank[r] = i
            self._by_rank[lang] = by_rank
        text_keys: list[str] = []
        text_codes: list[int] = []
        consonant_keys: list[str] = []
        consonant_codes: list[int] = []
        vocabulary: Counter = Counter()
        for i, entry in enumerate(self.entries):
            base = i * _FLAGS
            inner = entry.kind != "district"  # every gu ends in "-gu": its second word means nothing
            # Reference words count once: a category's synonym is known, not common.
            weight = max(entry.weight, 1) if entry.kind == "title" else 1
            for text, is_label in _texts(entry):
                cho = choseong(text)
                words = list(_WORD.finditer(text))
                for m in words if inner else words[:1]:
                    p = m.start()
                    if p == 0:
                        if is_label:
                            flag = _WHOLE_LABEL if len(text) <= MAX_KEY else _LABEL_START
                        else:
                            flag = _WHOLE_ALIAS if len(text) <= MAX_KEY else _ALIAS_PART
                    else:
                        flag = _LABEL_INNER if is_label else _ALIAS_PART
                    text_keys.append(text[p:p + MAX_KEY])
                    text_codes.append(base + flag)
                    if cho[p] in _CONSONANTS:
                        consonant_keys.append(cho[p:p + 2 * MAX_KEY].replace(" ", "")[:MAX_KEY])
                        consonant_codes.append(base + flag)
                for m in words:
                    word = m.group()
                    if word.isascii() and word.isalpha() and len(word) >= 2:
                        vocabulary[word] += weight
        self._text = self._build_index((text_keys, text_codes))
        self._consonants = self._build_index((consonant_keys, consonant_codes))
        self._memo: dict[tuple[str, str, int], list[dict]] = {}
        self._vocabulary = vocabulary
        # Words by length: a word of n letters within d edits has n-d to n+d letters.
        self._by_length: dict[int, tuple[list[str], list[int]]] = {}
        for word, count in sorted(vocabulary.items()):
            if len(word) >= 3:
                words_, counts = self._by_length.setdefault(len(word), ([], []))
                words_.append(word)
                counts.append(count)
        self._fixes: dict[str, str | None] = {}

    # -- building ------------------------------------------------------------------------------

    def _ranks(self) -> dict[str, list[int]]:
        """Per language, each entry's place among equally good matches: non-titles first, then
        more listings, then the shorter label."""
        entries = self.entries

        def key(lang: str):
            def of(i: int):
                label = entries[i].label(lang)
                return (-entries[i].weight, len(label), label.casefold(), i)
            return of

        others = [i for i, e in enumerate(entries) if e.kind != "title"]
        # A title reads the same in both languages: sort the (many) titles once.
        titles = sorted((i for i, e in enumerate(entries) if e.kind == "title"), key=key("en"))
        out = {}
        for lang in ("ko", "en"):
            ranks = [0] * len(entries)
            for rank, i in enumerate(sorted(others, key=key(lang)) + titles):
                ranks[i] = rank
            out[lang] = ranks
        return out

    def _build_index(self, pairs: tuple[list[str], list[int]]) -> _Index:
        # Sorting a permutation by the key strings alone beats sorting (key, code) tuples.
        unsorted_keys, unsorted_codes = pairs
        permutation = sorted(range(len(unsorted_keys)), key=unsorted_keys.__getitem__)
        keys = [unsorted_keys[j] for j in permutation]
        codes = array("q", [unsorted_codes[j] for j in permutation])
        n = self._n
        tiers = [_TIER[f] * n if f in _TIER else 0 for f in range(_FLAGS)]
        order = {lang: array("q", [tiers[c % _FLAGS] + r[c // _FLAGS] for c in codes])
                 for lang, r in self._rank.items()}
        return _Index(keys, codes, order)

    @classmethod
    def from_catalog(cls, catalog: Catalog, limit_titles: int = 200_000) -> "Suggester":
        """A Suggester of the catalog's active listings (four queries) and the reference data.

        Titles are grouped in SQL, the most used first, so `limit_titles` keeps the common ones.
        """
        active = ListingRow.status == ACTIVE
        with catalog.session() as session:
            count = func.count().label("n")
            titles = session.execute(
                select(ListingRow.title, count).where(active).group_by(ListingRow.title)
                .order_by(count.desc(), ListingRow.title).limit(limit_titles)).all()
            by_category = dict(session.execute(
                select(ListingRow.category, func.count()).where(active).group_by(ListingRow.category)).all())
            by_district = dict(session.execute(
                select(ListingRow.district, func.count()).where(active).group_by(ListingRow.district)).all())
            platforms = session.execute(
                select(Platform.name, Platform.name_ko, func.count(ListingRow.id))
                .join(Source, Source.platform_id == Platform.id)
                .join(ListingRow, ListingRow.source_id == Source.id).where(active)
                .group_by(Platform.id, Platform.name, Platform.name_ko)).all()
        entries = title_entries(titles)
        entries += reference_entries(by_category, by_district)
        entries += [Entry("platform", name, name_ko or name, name, n) for name, name_ko, n in platforms if n]
        return cls(entries)

    # -- suggestions ---------------------------------------------------------------------------

    def suggest(self, prefix: str, lang: str, limit: int = 8) -> list[dict]:
        """Up to `limit` suggestions for what is typed so far: {"kind", "value", "label"}.

        Best first: an exact label, then labels starting with the prefix, then labels with a later
        word starting with it, then synonyms; among equals categories, gu, places and platforms
        come before titles, then the ones with more listings, then the shorter.
        """
        limit = min(int(limit), MAX_LIMIT)
        q = normalize((prefix or "")[:MAX_QUERY])
        if limit <= 0 or not q:
            return []
        lang = "ko" if (lang or "").lower().startswith("ko") else "en"
        memo_key = (q, lang, limit)
        found = self._memo.get(memo_key)
        if found is None:
            found, size = self._suggest(q, lang, limit)
            if size >= _BIG_RANGE:  # a one-letter prefix costs a scan of its range: do it once
                if len(self._memo) >= _MEMO_SIZE:
                    self._memo.clear()
                self._memo[memo_key] = found
        return [dict(s) for s in found]

    def _suggest(self, q: str, lang: str, limit: int) -> tuple[list[dict], int]:
        """(suggestions, how many keys the prefix ranges held)."""
        exact: list[int] = []   # order values of exact matches
        ranges: list[tuple[_Index, int, int, Callable[[str], bool] | None]] = []
        verify_long = False
        consonants = _consonant_query(q)
        if consonants:
            cq = consonants[:MAX_KEY]
            index = self._consonants
            ranges.append((index, bisect_left(index.keys, cq), bisect_left(index.keys, _after(cq)), None))
        else:
            index = self._text
            keys = index.keys
            head, tail = _split_trailing_consonants(q)
            if tail and head and len(q) <= MAX_KEY:
                # 공ㄱ: the syllable range of ㄱ after the head, then the rest of the consonants.
                first, stop = _initial_range(tail[0])
                rest, at = tail[1:], len(head) + 1
                verify = (lambda key: choseong(key[at:]).replace(" ", "").startswith(rest)) if rest else None
                ranges.append((index, bisect_left(keys, head + first), bisect_left(keys, head + stop), verify))
            else:
                verify_long = len(q) > MAX_KEY
                key = q[:MAX_KEY]
                lo, hi = bisect_left(keys, key), bisect_right(keys, key)
                n = self._n
                exact = [_EXACT_TIER[c % _FLAGS] * n + index.order[lang][j] % n
                         for j, c in zip(range(lo, hi), index.codes[lo:hi])
                         if c % _FLAGS in _EXACT_TIER and not verify_long]
                ranges.extend((index, a, b, None) for a, b in _syllable_ranges(keys, key))
        size = sum(hi - lo for _, lo, hi, _ in ranges)
        n = self._n
        k = limit * 4 + 16
        while True:
            candidates = list(exact)
            cutoff = math.inf
            for index, lo, hi, verify in ranges:
                order = index.order[lang]
                if verify is None:
                    values = order[lo:hi] if hi - lo <= k else nsmallest(k, order[lo:hi])
                else:
                    values = nsmallest(k, (order[j] for j in range(lo, hi) if verify(index.keys[j])))
                candidates.extend(values)
                if len(values) >= k and hi - lo > k:
                    cutoff = min(cutoff, max(values))  # what this range holds beyond k is worse
            candidates.sort()
            out: list[dict] = []
            seen_entries: set[int] = set()
            seen_labels: set[str] = set()
            by_rank = self._by_rank[lang]
            complete = True
            for value in candidates:
                if value > cutoff:
                    complete = False
                    break
                i = by_rank[value % n]
                if i in seen_entries:
                    continue
                seen_entries.add(i)
                entry = self.entries[i]
                if verify_long and not self._matches_long(entry, q):
                    continue
                label = entry.label(lang)
                folded = normalize(label)
                if folded in seen_labels:
                    continue
                seen_labels.add(folded)
                out.append({"kind": entry.kind, "value": entry.value, "label": label})
                if len(out) == limit:
                    return out, size
            if complete or cutoff is math.inf:
                return out, size
            k *= 4

    def _matches_long(self, entry: Entry, q: str) -> bool:
        """Whether a prefix longer than the stored keys still matches a word start of the entry."""
        for text, _ in _texts(entry):
            starts = [m.start() for m in _WORD.finditer(text)] if entry.kind != "district" else [0]
            if any(text.startswith(q, p) for p in starts):
                return True
        return False

    # -- did you mean --------------------------------------------------------------------------

    def did_you_mean(self, text: str) -> str | None:
        """The query with its unknown Latin words corrected, or None when nothing changes.

        A word of four or more ASCII letters that no title, category, gu, place or platform uses
        becomes the known word nearest to it: within one edit for four or five letters, two from
        six on; the nearest first, then the most used. Korean and other words stay as typed.
        """
        if not text:
            return None
        head, rest = text[:MAX_DYM_CHARS], text[MAX_DYM_CHARS:]
        parts: list[str] = []
        last = 0
        changed = False
        checked = 0
        for m in _WORD.finditer(head):
            word = m.group()
            if not (word.isascii() and word.isalpha() and len(word) >= 4):
                continue
            checked += 1
            if checked > MAX_DYM_WORDS:
                break
            fix = self._correct(word.lower())
            if fix is None:
                continue
            parts += [head[last:m.start()], _same_case(word, fix)]
            last = m.end()
            changed = True
        if not changed:
            return None
        return "".join(parts) + head[last:] + rest

    def _correct(self, word: str) -> str | None:
        """The known word for an unknown one, None if it is known or nothing is near enough."""
        if word in self._fixes:
            return self._fixes[word]
        fix = None
        if not (word in self._vocabulary or fold_plural(word) in self._vocabulary or word in COMMON_WORDS):
            limit = 1 if len(word) <= 5 else 2
            best: tuple | None = None
            for length in range(len(word) - limit, len(word) + limit + 1):
                words, counts = self._by_length.get(length, ((), ()))
                if not words:
                    continue
                for candidate, distance, at in process.extract(word, words, scorer=Levenshtein.distance,
                                                               score_cutoff=limit, limit=None):
                    rank = (distance, -counts[at], candidate)
                    if best is None or rank < best:
                        best = rank
            fix = best[2] if best else None
        if len(self._fixes) >= _MEMO_SIZE:
            self._fixes.clear()
        self._fixes[word] = fix
        return fix


def _same_case(typed: str, word: str) -> str:
    """`word` in the case the user typed (Strolller -> Stroller, STROLLLER -> STROLLER)."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[0].isupper():
        return word[:1].upper() + word[1:]
    return word


def _split_trailing_consonants(q: str) -> tuple[str, str]:
    """(head, trailing initial consonants with compounds split): 공ㄱ -> (공, ㄱ)."""
    i = len(q)
    while i > 0 and q[i - 1] in _CONSONANTS:
        i -= 1
    return q[:i], "".join(_CLUSTERS.get(c, c) for c in q[i:])


def _syllable_ranges(keys: list[str], q: str) -> list[tuple[int, int]]:
    """Index ranges of keys matching `q`, its last syllable possibly still being composed.

    세 may become 섹, 센, ... (a final consonant still to come); 셑 may be 세 followed by a
    syllable starting with ㅌ (the consonant moves on when a vowel follows, as in 세트).
    """
    last = ord(q[-1]) - _S_BASE
    if not 0 <= last < _S_COUNT:
        return [(bisect_left(keys, q), bisect_left(keys, _after(q)))]
    head = q[:-1]
    final = last % _T_COUNT
    if final == 0:
        lo, hi = head + chr(_S_BASE + last), head + chr(_S_BASE + last + _T_COUNT)
        return [(bisect_left(keys, lo), bisect_left(keys, hi))]
    out = [(bisect_left(keys, q), bisect_left(keys, _after(q)))]
    jamo = _JONGSEONG[final]
    kept, moved = (_CLUSTERS[jamo][0], _CLUSTERS[jamo][1]) if jamo in _CLUSTERS else ("", jamo)
    if moved in _INITIAL_INDEX:
        bare = head + chr(_S_BASE + last - final + _JONGSEONG.index(kept))
        first, stop = _initial_range(moved)
        out.append((bisect_left(keys, bare + first), bisect_left(keys, bare + stop)))
    return out


# -- entries from the catalog and the reference data -------------------------------------------

def title_entries(titles: Iterable[tuple[str, int]]) -> list[Entry]:
    """One entry per normalized title: (title, listings) pairs merged, the commonest spelling shown."""
    groups: dict[str, Counter] = {}
    for title, count in titles:
        shown = " ".join(_CONTROL.sub("", title or "").split())
        key = normalize(shown)
        if key:
            groups.setdefault(key, Counter())[shown] += count
    entries = []
    for spellings in groups.values():
        shown = min(spellings.items(), key=lambda item: (-item[1], item[0]))[0]
        entries.append(Entry("title", shown, shown, shown, sum(spellings.values())))
    return entries


def reference_entries(by_category: dict | None = None, by_district: dict | None = None) -> list[Entry]:
    """Categories, gu and place aliases from config/, weighted by their active listings if given."""
    by_category, by_district = by_category or {}, by_district or {}
    entries = [Entry("category", key, c.ko, c.en, by_category.get(key, 0), c.synonyms)
               for key, c in reference.categories().items()]
    spellings = reference.place_names().get("district_spellings", {})
    entries += [Entry("district", code, d.name_ko, d.name_en, by_district.get(code, 0),
                      tuple(spellings.get(code, ())))
                for code, d in reference.districts().items()]
    entries += [Entry("place", name, name, _place_label(name), 0) for name in reference.place_aliases()]
    return entries


def _place_label(name: str) -> str:
    """How a romanized alias is shown: itaewon -> Itaewon, ddp -> DDP (the file is lower case)."""
    if not name.isascii():
        return name
    return " ".join(w.upper() if len(w) <= 3 else w.capitalize() for w in name.split())


# -- a Suggester per app -----------------------------------------------------------------------

class SuggesterCache:
    """The catalog's Suggester, rebuilt when older than `ttl_seconds`.

    One thread builds at a time, outside the lock; the others keep the previous Suggester
    meanwhile (or wait for the very first one). A failed rebuild keeps the previous Suggester and
    is retried after `retry_seconds`, not at every keystroke.
    """

    def __init__(self, catalog: Catalog, ttl_seconds: float = 600.0, *, limit_titles: int = 200_000,
                 retry_seconds: float = 30.0, clock: Callable[[], float] = time.monotonic):
        self.catalog = catalog
        self.ttl_seconds = ttl_seconds
        self.limit_titles = limit_titles
        self.retry_seconds = retry_seconds
        self._clock = clock
        self._cond = threading.Condition()
        self._suggester: Suggester | None = None
        self._built_at = -math.inf
        self._building = False

    def get(self) -> Suggester:
        """The current Suggester, built first if it is missing or too old."""
        with self._cond:
            while True:
                current = self._suggester
                if current is not None and (self._building or self._clock() - self._built_at < self.ttl_seconds):
                    return current
                if not self._building:
                    self._building = True
                    break
                self._cond.wait()  # the first build: nothing to serve meanwhile
        try:
            fresh = Suggester.from_catalog(self.catalog, self.limit_titles)
        except Exception:
            with self._cond:
                self._building = False
                self._cond.notify_all()
                if current is None:
                    raise
                self._built_at = self._clock() - self.ttl_seconds + self.retry_seconds
            log.warning("suggest: rebuilding the suggestions failed; keeping the previous ones", exc_info=True)
            return current
        except BaseException:
            with self._cond:
                self._building = False
                self._cond.notify_all()
            raise
        with self._cond:
            self._suggester, self._built_at, self._building = fresh, self._clock(), False
            self._cond.notify_all()
        return fresh

    def invalidate(self) -> None:
        """Make the next get() rebuild (after a crawl changed the catalog, say)."""
        with self._cond:
            self._built_at = -math.inf
