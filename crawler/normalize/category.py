"""The category key of an item (config/categories.toml), and which rule decided it.

Precedence, first rule that gives a key wins:

1. ``override``    the source's own mapping from a partner's category to our key, set by an operator
                   (``{"공간대여": "space", "기타": None, "*": "kids"}``). ``None`` says "this partner
                   category means nothing, ask the next rules"; ``"*"`` puts every item of the source
                   in one category. Keys are compared like labels (rule 2), ignoring case (and spaces in Korean).
2. ``label``       the partner's categories and tags, in the order given: a whole label, then each
                   level of a hierarchy from the leaf up ("생활용품 > 주방" tries 주방, then 생활용품),
                   each split into alternatives ("유아/아동", "Tools & DIY"), compared with the labels,
                   synonyms and label-only words of the taxonomy; failing that, the words in the label
                   (see 4: "한복 대여" → 한복).
3. ``schema_type`` schema.org types (Place → space, Car → car, LodgingBusiness → lodging, Event → talent,
                   …). Product, Service, Offer and Thing are too vague and give no key. A label that is
                   a schema.org type name ("Product", "Place": the structured-data parser lists the types
                   among an item's categories) counts here, not as a partner label. A specific type wins
                   over a generic one (Place, CivicStructure, Room, Vehicle).
4. ``title``: words in the title. A generic type alone (Place, CivicStructure, Room, Vehicle) decides
   only after the title: "Place" is anything with an address, so a Place titled "따릉이 대여소" is a
   bike, and a Room in a "셰어하우스" is housing; with no word in the title, Place is space, Room
   lodging, Vehicle car (rule ``schema_type`` still).
5. ``summary``: words in the summary.

Unknown stays ``None``; the caller adds the ``category_unknown`` warning: there is no default key.
The table in tests/crawler/normalize/test_category.py shows every rule at work, case by case.

Words in a text (rule 4, and the words of a label):

* Latin synonyms match whole words only, with an optional plural -s/-es ("tools", "classes");
  "motorbike" does not hold "bike" and "suite" is not "suit".
* Korean synonyms of two or more syllables also match inside compounds (전동드릴 → 드릴), because Korean
  writes compounds without spaces. A space in a synonym is optional in the text.
* A one-syllable Korean synonym (책, 옷) matches only as a word of its own, optionally followed by a
  particle (책을, 옷도): 책상 (desk), 책임, 정책, 옷장 (wardrobe) are not books or clothes.
* Longest first: at one position the longest synonym or exclusion wins (캠핑카 → car before 캠핑 → goods,
  car seat → kids before car, 공구도서관 before 도서).
* Exclusions (``excludes`` in the taxonomy) are compounds and phrases that hold a synonym and mean
  something else: 공구리 (concrete), "공구 진행" (group purchase), 드릴게요 ("I will give"),
  도서산간 (islands), 의류건조기 (an appliance), "주차 가능" and "parking available" (a venue's amenity).
  They are found like synonyms and then ignored, so the words inside them never count.
* Which mention decides: Korean and English noun phrases are head-final ("자전거 정비 워크숍" is a
  workshop, "공구 대여소 회의실 대관" a booking of a room), so the last mention in the head of the text
  wins — the head ends at the first bracket, colon, comma, slash, full stop, dash or English
  preposition ("Camping tents for 4", "한복 대여 (여아 120호)"); a leading tag ("[공구도서관] 캠핑 텐트")
  is not the head. With no mention in the head, the first mention elsewhere decides. A kids mention
  outweighs clothes, goods and mobility in the same part ("아동 한복", "아기 옷" are kids' things).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping, NamedTuple

from config import reference
from crawler.normalize.text import nfkc

RULES = ("override", "label", "schema_type", "title", "summary")  # and "unknown"

# schema.org types that say nothing about what is shared.
VAGUE_SCHEMA_TYPES = frozenset({
    "Thing", "Product", "IndividualProduct", "ProductCollection", "ProductGroup", "ProductModel", "SomeProducts",
    "Offer", "AggregateOffer", "OfferForLease", "OfferForPurchase", "Service", "GovernmentService",
    "LocalBusiness", "Organization", "CreativeWork", "WebPage", "TouristAttraction",
})
# Types that a more specific type given beside them overrides (["Place", "ParkingFacility"] → parking),
# and that the title's words override too.
GENERIC_SCHEMA_TYPES = frozenset({"Place", "CivicStructure", "Room", "Vehicle"})
# A kids mention makes these kids' things.
KIDS_OUTWEIGHS = frozenset({"clothes", "goods", "mobility"})

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_SCHEMA_IRI = re.compile(r"^(?:https?://(?:www\.)?schema\.org/|schema:)", re.IGNORECASE)
_LEVELS = re.compile(r"\s*(?:>|›|»|→|::)\s*")
_PARTS = re.compile(r"\s*(?:[/,|·・&+;()\[\]]|\s및\s|\sand\s)\s*")
# Where the head of a title ends (see the module docstring).
_HEAD_END = re.compile(r"[(\[{:|/,.!?;\"]| [-–—~] | (?:for|with|in|at|near|from|by|of|to|on|per) ")
# A leading tag ("[마포구] ", "(무료) ", "【나눔】") is not the head.
_LEADING_TAG = re.compile(r"^(?:\s*[\[(【][^\])】]{0,30}[\])】])+\s*")
# Particles after a one-syllable Korean word (책을, 옷도, 책으로).
_PARTICLES = "을|를|이|가|은|는|도|과|와|의|만|에|로|으로|이나|나"


class Explained(NamedTuple):
    key: str | None
    rule: str          # "label: 공간대여", "schema_type: Place", "title: 전동드릴", … or "unknown"


@dataclass(frozen=True)
class _Taxonomy:
    labels: dict[str, str]          # normalized label, synonym or label-only word -> key
    words: dict[str, str | None]    # normalized synonym -> key; exclusion -> None
    schema: dict[str, str]          # schema.org type -> key
    pattern: re.Pattern


def _norm(value: str) -> str:
    """Casefolded NFKC with single spaces; Korean strings lose their spaces (공구 대여 = 공구대여)."""
    text = " ".join(nfkc(value).casefold().replace("_", " ").split())
    return text.replace(" ", "") if _HANGUL.search(text) else text


def _text_norm(value: str) -> str:
    return " ".join(nfkc(value).casefold().replace("_", " ").split())


def _trie(sequences: Iterable[Iterable[str]]) -> str:
    """One regex for many token sequences, sharing prefixes; the longest match is tried first.

    A plain alternation of some 450 words is tried word by word at every position of a text; the
    trie lets the regex engine reject a position on its first character (about 10x faster).
    """
    root: dict = {}
    for tokens in sequences:
        node = root
        for token in tokens:
            node = node.setdefault(token, {})
        node[None] = {}

    def build(node: dict) -> str:
        branches = [token + build(child) for token, child in sorted(
            ((t, c) for t, c in node.items() if t is not None), key=lambda tc: tc[0])]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy: the longer words below this node are tried before the word that ends here.
        return f"(?:{body})?" if None in node else body

    return build(root)


def _pattern(words: Iterable[str]) -> re.Pattern:
    """The regex that finds every word (see the module docstring for the three kinds of word)."""
    latin, korean, syllables = [], [], []
    for word in words:
        if not _HANGUL.search(word):
            latin.append([re.escape(ch) for ch in word])
        elif len(word.replace(" ", "")) == 1:
            syllables.append([re.escape(word.replace(" ", ""))])
        else:
            korean.append([" ?" if ch == " " else re.escape(ch) for ch in word])
    parts = []
    if latin:
        parts.append(rf"(?<![a-z0-9]){_trie(latin)}(?:s|es)?(?![a-z0-9])")
    if korean:
        parts.append(_trie(korean))
    if syllables:
        parts.append(rf"(?<![가-힣]){_trie(syllables)}(?=(?:{_PARTICLES})?(?![가-힣]))")
    return re.compile("|".join(parts))


@lru_cache(maxsize=None)
def _taxonomy() -> _Taxonomy:
    labels: dict[str, str] = {}
    words: dict[str, str | None] = {}
    schema: dict[str, str] = {}
    spelled: dict[str, str] = {}   # normalized word -> one written form, for the pattern
    for key, category in reference.categories().items():
        for name in (key, category.ko, category.en, *category.synonyms, *category.label_only):
            labels.setdefault(_norm(name), key)
        for name in category.synonyms:
            words.setdefault(_norm(name), key)
        for type_name in category.schema_types:
            schema.setdefault(type_name, key)
    for category in reference.categories().values():
        for name in category.excludes:
            words.setdefault(_norm(name), None)
    for key, category in reference.categories().items():
        for name in (*category.synonyms, *category.excludes):
            # "자전거 도로" also finds 자전거도로: of two spellings the one with more spaces is kept.
            text = _text_norm(name)
            if text.count(" ") >= spelled.get(_norm(name), "").count(" "):
                spelled[_norm(name)] = text
    return _Taxonomy(labels, words, schema, _pattern(spelled.values()))


def _lookup(candidate: str, table: Mapping[str, object]) -> str | None:
    """The table's entry for a normalized candidate, also for a Latin plural ("tools", "classes")."""
    if candidate in table:
        return candidate
    if not _HANGUL.search(candidate) and candidate.endswith("s"):
        for stem in (candidate[:-1], candidate[:-2] if candidate.endswith("es") else None):
            if stem and stem in table:
                return stem
    return None


@lru_cache(maxsize=8192)
def _candidates(label: str) -> tuple[str, ...]:
    """A label's normalized forms to compare: whole, then each level from the leaf up, then its parts."""
    out = [_norm(label)]
    levels = [level for level in _LEVELS.split(label) if level.strip()]
    for level in reversed(levels):
        out.append(_norm(level))
        out.extend(_norm(part) for part in _PARTS.split(level) if part.strip())
    return tuple(dict.fromkeys(c for c in out if c))


def schema_type_name(label: str) -> str | None:
    """The schema.org type a label names ("Place", "https://schema.org/Car"), else None."""
    name = _SCHEMA_IRI.sub("", label.strip())
    if name in VAGUE_SCHEMA_TYPES or name in _taxonomy().schema:
        return name
    return None


@lru_cache(maxsize=16384)
def _label_decision(label: str) -> tuple[str, str] | None:
    """(key, evidence) from one partner label: "공구", or "생활용품 > 주방 (주방)" when a part decided."""
    taxonomy = _taxonomy()
    candidates = _candidates(label)
    for candidate in candidates:
        found = _lookup(candidate, taxonomy.labels)
        if found:
            return taxonomy.labels[found], label if candidate == candidates[0] else f"{label} ({candidate})"
    hit = _short_text_decision(label)
    return (hit[0], f"{label} ({hit[1]})") if hit else None


def _schema_decision(types: Iterable[str]) -> tuple[str, str, bool] | None:
    """(key, the type that decided, whether that type is generic), or None."""
    schema = _taxonomy().schema
    generic = None
    for value in types:
        name = _SCHEMA_IRI.sub("", value.strip())
        key = schema.get(name)
        if key is None:
            continue
        if name not in GENERIC_SCHEMA_TYPES:
            return key, name, False
        generic = generic or (key, name, True)
    return generic


@lru_cache(maxsize=16384)
def _short_text_decision(text: str) -> tuple[str, str] | None:
    """_text_decision remembered, for labels and titles: a recrawl sees the same ones again."""
    return _text_decision(text)


def _text_decision(text: str) -> tuple[str, str] | None:
    """(key, the word that decided) from the words of a text, or None."""
    normalized = _text_norm(text)
    if not normalized:
        return None
    taxonomy = _taxonomy()
    mentions = []
    for match in taxonomy.pattern.finditer(normalized):
        word = match.group(0)
        found = _lookup(_norm(word), taxonomy.words)
        key = taxonomy.words.get(found) if found else None
        if key:
            mentions.append((match.start(), key, word))
    if not mentions:
        return None
    tag = _LEADING_TAG.match(normalized)
    head_start = tag.end() if tag else 0
    end = _HEAD_END.search(normalized, head_start)
    head_end = end.start() if end else len(normalized)
    head = [m for m in mentions if head_start <= m[0] < head_end]
    part = head or mentions
    _, key, word = head[-1] if head else mentions[0]
    if key in KIDS_OUTWEIGHS:
        kids = next((m for m in part if m[1] == "kids"), None)
        if kids:
            _, key, word = kids
    return key, word


def _override_table(overrides: Mapping[str, str | None]) -> dict[str, str | None]:
    keys = reference.categories()
    table: dict[str, str | None] = {}
    for partner_category, key in overrides.items():
        if key is not None and key != "" and key not in keys:
            raise ValueError(f"category override {partner_category!r} → {key!r}: not a category key "
                             f"({', '.join(keys)})")
        table[_norm(partner_category)] = key or None
    return table


def check_overrides(overrides: Mapping[str, str | None]) -> list[str]:
    """What is wrong with a source's override mapping (for the source's configuration check)."""
    try:
        _override_table(overrides)
    except ValueError as exc:
        return [str(exc)]
    return []


def categorize_explained(labels: Iterable[str], title: str | None, summary: str | None, *,
                         schema_types: Iterable[str] = (),
                         overrides: Mapping[str, str | None] | None = None) -> Explained:
    """The category key and the rule that decided it ("label: 공구", "title: 전동드릴", "unknown")."""
    partner: list[str] = []
    types = list(schema_types)
    for label in labels:
        if not label or not label.strip():
            continue
        type_name = schema_type_name(label)
        if type_name:
            types.append(type_name)
        else:
            partner.append(label)
    if overrides:
        table = _override_table(overrides)
        if table.get("*"):
            return Explained(table["*"], "override: *")
        silenced = set()
        for label in partner:
            for candidate in _candidates(label):
                if candidate in table:
                    if table[candidate]:
                        return Explained(table[candidate], f"override: {label}")
                    silenced.add(label)
                    break
        partner = [label for label in partner if label not in silenced]
    for label in partner:
        hit = _label_decision(label)
        if hit:
            return Explained(hit[0], f"label: {hit[1]}")
    typed = _schema_decision(types)
    if typed and not typed[2]:
        return Explained(typed[0], f"schema_type: {typed[1]}")
    hit = _short_text_decision(title) if title else None
    if hit:
        return Explained(hit[0], f"title: {hit[1]}")
    if typed:
        return Explained(typed[0], f"schema_type: {typed[1]}")
    hit = _text_decision(summary) if summary else None
    if hit:
        return Explained(hit[0], f"summary: {hit[1]}")
    return Explained(None, "unknown")


def categorize(labels: Iterable[str], title: str | None, summary: str | None, *,
               schema_types: Iterable[str] = (), overrides: Mapping[str, str | None] | None = None) -> str | None:
    """The category key of an item, or None when no rule knows it (see the module docstring)."""
    return categorize_explained(labels, title, summary, schema_types=schema_types, overrides=overrides).key


def category_from_labels(labels: Iterable[str]) -> str | None:
    """The key from a partner's categories and tags alone (rules 2 and 3)."""
    return categorize(labels, None, None)


def category_from_text(*texts: str | None) -> str | None:
    """The key from words in texts alone, the first text that has one deciding (rule 4)."""
    for text in texts:
        hit = _text_decision(text) if text else None
        if hit:
            return hit[0]
    return None
