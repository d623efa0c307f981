"""Prices as Korean and English partners write them: 3,000원/일, 1시간 9,900원, 10분당 1,200원, 무료, free.

A deposit (보증금) is never the price; it is kept apart. The first real price phrase in the text
wins; a text that says only "free"/"무료" is free.
"""

from __future__ import annotations

import re
from dataclasses import replace

from indexer.listing import Price

_NUM = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
# "1만 5천원", "3천원", "1만원", "3,000원", "₩3,000", "5,000 KRW", "2,000 won"
_KOREAN_AMOUNT = rf"(?:(?P<man>{_NUM})\s*만\s*)?(?:(?P<cheon>{_NUM})\s*천\s*)?(?:(?P<won>{_NUM})\s*)?"
_AMOUNT = re.compile(
    rf"(?:₩|\\|KRW\s*)\s*(?P<pre>{_NUM})"
    rf"|(?<![\d.,]){_KOREAN_AMOUNT}(?P<suffix>원|KRW|krw|won|Won|WON)(?![a-zA-Z])",
)
_UNIT_WORDS = {
    "분": "minute", "시간": "hour", "일": "day", "박": "night", "회": "once", "주": "week", "개월": "month",
    "달": "month", "월": "month", "하루": "day", "minute": "minute", "min": "minute", "hour": "hour",
    "hr": "hour", "day": "day", "night": "night", "week": "week", "month": "month", "session": "once",
    "use": "once", "time": "once",
}
# A unit before the amount: "1일 3,000원", "시간당 5,000원", "10분당 1,200원", "1박 10,000원", "하루 2천원"
_UNIT_BEFORE = re.compile(r"(?:(?P<count>\d+)\s*)?(?P<unit>개월|시간|분|일|박|회|주|달|하루)\s*(?:당|에)?\s*$")
# A unit after the amount: "3,000원/일", "3,000원 / 1시간", "5,000 KRW per day", "(1일)"
_UNIT_AFTER = re.compile(
    r"^\s*(?:/|per|a|an|each|당)?\s*(?:\(?\s*(?P<count>\d+)\s*)?"
    r"(?P<unit>개월|시간|분|일|박|회|주|달|minutes?|mins?|hours?|hrs?|days?|nights?|weeks?|months?|sessions?|uses?)"
    r"(?![가-힣a-zA-Z])", re.IGNORECASE)
_FREE = re.compile(r"무료|공짜|무상|(?<![a-z])free(?![a-z])|free of charge|no charge|0\s*원(?!\d)", re.IGNORECASE)
_DEPOSIT = re.compile(r"(?:보증금|예치금|deposit)\s*[:：]?\s*$", re.IGNORECASE)
# An eligibility condition is the clause (between . , ; · or a line break) that names a group and
# what it gets: "구민 우선", "free for students". Clauses are split first: one regex over the whole
# text with a [^.,;]* on each side would be quadratic in the text's length.
_CLAUSE_END = re.compile(r"[.\n·,;]")
_GROUP = r"(?:구민|주민|학생|청소년|어르신|장애인|회원|residents?|students?|members?)"
_CONDITION = re.compile(rf"{_GROUP}.*(?:무료|우선|할인|free|only|priority|discount)|(?:무료|free).*{_GROUP}",
                        re.IGNORECASE)


def _condition(text: str) -> str | None:
    for clause in _CLAUSE_END.split(text):
        if _CONDITION.search(clause):
            return " ".join(clause.split()) or None
    return None


def _to_int(number: str | None) -> float:
    return float(number.replace(",", "")) if number else 0.0


def _amount(match: re.Match) -> int:
    if match.group("pre"):
        return int(_to_int(match.group("pre")))
    total = _to_int(match.group("man")) * 10000 + _to_int(match.group("cheon")) * 1000 + _to_int(match.group("won"))
    return int(round(total))


def _unit(before: str, after: str) -> tuple[str | None, int | None]:
    m = _UNIT_AFTER.match(after)
    if m:
        word = m.group("unit").lower()
        word = word if word in _UNIT_WORDS else word.rstrip("s")
        return _UNIT_WORDS.get(word), int(m.group("count") or 1)
    m = _UNIT_BEFORE.search(before[-12:])
    if m:
        return _UNIT_WORDS[m.group("unit")], int(m.group("count") or 1)
    m = re.search(r"(?P<unit>per (?:session|use|day|hour|night|week|month))\s*$", before[-20:], re.IGNORECASE)
    if m:
        return _UNIT_WORDS[m.group("unit").split()[1].lower()], 1
    return None, None


def parse_price(text: str | None) -> Price | None:
    """The price a text states, or None when it states none."""
    if not text:
        return None
    price: Price | None = None
    deposit: int | None = None
    for match in _AMOUNT.finditer(text):
        if not any(match.group(g) for g in ("pre", "man", "cheon", "won")):
            continue
        amount = _amount(match)
        before, after = text[: match.start()], text[match.end():]
        if _DEPOSIT.search(before[-15:]):
            deposit = amount
            continue
        if price is None:
            unit, count = _unit(before, after)
            price = Price(amount=amount, currency="KRW", unit=unit, unit_count=count, is_free=amount == 0)
    free = _FREE.search(text)
    if price is None and free:
        price = Price(amount=0, currency="KRW", unit=None, unit_count=None, is_free=True)
    if price is None and deposit is None:
        return None
    if price is None:
        price = Price(amount=None, is_free=None)
    if price.unit is None and re.search(r"per session|1회", text, re.IGNORECASE) and price.amount:
        price = replace(price, unit="once", unit_count=1)
    return replace(price, deposit=deposit, conditions=_condition(text))
