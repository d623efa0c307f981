"""Prices as Korean and English partners write them, and as schema.org Offers state them.

Each function is documented by its table, ``tests/crawler/normalize/price_cases.tsv`` — one row per
case, its ``function`` column naming the function, checked field by field (amount, currency, unit,
unit_count, is_free, deposit, conditions) by ``tests/crawler/normalize/test_price.py``.

``parse_price(text, field=False)`` — the price a text states, or None when it states none (rows
``parse_price``; rows ``parse_price_field`` call it with ``field=True``). The rules, in order:

* The text is NFKC-normalized first: full-width digits, ``，`` and ``￦`` read like ASCII ones.
* An *amount* is a number with a currency: ``3,000원``, ``₩3,000``, ``\\3,000`` (EUC-KR's won sign
  shown as a backslash), ``5,000 KRW``, ``KRW 5,000``, ``2,000 won``; ``$5``/``5 USD``/``5달러``
  (USD), ``€``/``EUR``/``유로``, ``£``/``GBP``, ``¥``/``JPY``/``엔``. Korean magnitudes: ``3천원``,
  ``1만원``, ``1만 5천원``, ``1.5만원``, ``1억 2천만원``, a bare ``만원``/``천원``. Thousands may be
  grouped by commas or single spaces (``10 000원``); ``5,95`` is no number (a comma groups three
  digits). A fraction is rounded half up, as Price.amount is an int: ``$4.99`` is 5 USD. A number
  above 2^31-1 is no amount (no sharing price is that high; the catalog's column is 32-bit).
* A number without a currency is an amount only right after a price word (``가격: 5000``,
  ``보증금 1억``, ``월세 50만``, ``price 5000``) and only from 1,000 up — smaller ones are counts or
  만원 shorthand (``월세 50``) — or, with ``field=True`` (the partner's own price field), when the
  whole text is that number (``5000``, ``5000 / DAY``).
* So dates, times, phone numbers and counts are never amounts (``2026.11.20``, ``10:00~18:00``,
  ``02-123-4567``, ``3명``), and a number never starts inside one (``18:30 500원`` is 500).
* Each amount is judged by its *clause*: the text before it back to the previous amount or the last
  ``, . ; / ( ) [ ] · |`` or line break. An amount whose clause names a deposit (보증금, 예치금,
  전세, deposit) — unless it says there is none (보증금 없이, no deposit: a deposit of 0) — or that
  is followed by 보증금/deposit, is the deposit, never the price. One whose clause names a late,
  loss or damage fee or delivery (연체, 분실, 파손, 위약, 배송비, late, penalty, shipping) is ignored;
  so is a list price or worth (정가, 시가, 신품, retail, worth; ``5만원 상당``). One followed by
  별도/추가/할인/extra/additional/discount/off/not included is an extra charge or a discount, not the
  price: its clause goes to ``conditions``.
* The first remaining amount is the price. Its unit comes from the words just before it (``1일``,
  ``시간당``, ``1시간``, ``1박``, ``10분당``, ``1회 이용``, ``2주 대여``, ``월``, ``월세``, ``하루``,
  ``이틀``, ``한 달``, ``1박 2일`` (1 night), ``1시간 30분`` (90 minutes), ``per session``,
  ``hourly``, ``3 days``), else just after it (``/일``, ``/ 1박``, ``/DAY``, ``(1일 기준)``,
  ``per 10 minutes``, ``a day``, ``for two weeks``, ``per rental``, ``daily``). Units are once,
  minute, hour, day, night, week and month, with unit_count; a year is 12 months, a fortnight
  2 weeks, 보름 15 days. A date is no unit (``11월 20일``, ``2026년``: more than 10 years); per
  person is no unit (``1인``, ``per person``).
* A range (``5,000원~10,000원``, ``5,000~10,000원``, ``$5-$10``, ``5천~1만원``) is priced at its
  lower end, and the range as written goes to ``conditions``.
* With no amount, a free word makes the price free (amount 0): 무료, 공짜, 무상, free, no charge,
  참가비 없음. Free amenities are not (무료 주차, 주차 무료, 와이파이, 배송, free parking/wifi/
  shipping/delivery/cancellation), nor are ``feel free``, ``barrier-free``, ``hands-free``,
  ``보증금 무료`` or 무료하다 (bored). ``0원``/``₩0`` is free too. A positive amount wins over a
  free word: ``구민 무료, 타 지역 1일 2,000원`` costs 2,000 a day, with the condition ``구민 무료``.
* ``conditions`` are the clauses (at most 120 characters) that name a group and what it gets
  (``구민 우선``, ``구민 50% 할인``, ``Free for residents``, ``만 65세 이상 무료``,
  ``Students only``), the extra-charge clauses and the range, in text order, joined by ``"; "``.
* None when the text states no amount, no free word and no deposit (``가격: 문의``, ``유료``,
  ``per session`` alone, ``구민 우선`` alone). A deposit alone gives a Price whose amount is None.

``price_from_offer(price, currency=None, unit_text=None)`` — a schema.org Offer's or
UnitPriceSpecification's fields (rows ``price_from_offer``, input a JSON list of the three
arguments). ``price`` is a number or a string (``"3000"``, ``"3,000"``, ``"3000.00"``, ``"0"``;
other strings — ``"무료"``, ``"free"``, ``"$35"``, ``"1일 3,000원"``, ``"5000 / DAY"`` — are read by
parse_price as a price field);
``currency`` an ISO 4217 code or a sign (``₩``, ``원``, ``$``), KRW when missing or unreadable, and
it wins over a sign in the price string; ``unit_text`` a unitText or UN/CEFACT unitCode (``DAY``,
``HUR``, ``MIN``, ``WEE``, ``MON``, ``ANN`` = 12 months, ``NIGHT``, ``시간``, ``1박``,
``per night``, ``2 weeks``; an unknown one is no unit). A missing, negative, NaN or unreadable
price is None.

``item_price(price_text, text)`` — a listing's price from the partner's price field and the
listing's own text (rows ``item_price``, input a JSON list ``[price_text, text]``). The
field (read with ``field=True``) wins; the text fills in what the field leaves out: the unit when
both state the same amount, the deposit and the conditions. A field with nothing readable
(``유료``, ``문의``) leaves the text to decide; a field with only a deposit takes the text's price.

Speed: this runs for every item of every crawl. Every regex is linear and runs on the lowered text
without IGNORECASE: one digit-first scan for numbers, a bounded look (32 characters) around each,
one scan for free words only when no amount was found, and one for group words only when the text
contains one.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import replace
from decimal import Decimal
from numbers import Real

from indexer.listing import Price

# --- numbers and amounts ------------------------------------------------------------------------------

# 3,000 / 3,000.5 / 10 000 (space-grouped) / 3000 / 3000.5
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?![\d,.])|\d+(?:\.\d+)?"
# The same, starting with a literal \d (so the regex engine skips quickly to digits) and never
# starting inside 2026.11.20, 10:00 or 1,234.
_NUM_FIRST = r"\d(?<![\d.,:]\d)(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d{0,2}(?: \d{3})+(?![\d,.])|\d*(?:\.\d+)?)"
# ... with Korean magnitudes: 1만 5천 / 1억 2천만 / 10만 5,000 / 3천
_MAGNITUDES = rf"(?:\s*[억만천백](?:\s*(?:{_NUM})?\s*[억만천백])*(?:\s*(?:{_NUM})(?![\d,]))?)?"
_TOKEN = re.compile(_NUM_FIRST + _MAGNITUDES)
# ... and a bare 만원/천원, looked for only when the text has 만 or 천 and 원.
_TOKEN_OR_BARE = re.compile(rf"{_NUM_FIRST}{_MAGNITUDES}|(?<![가-힣\d])[만천](?=\s*원)")
_SIGNS = r"₩|(?<![a-z])(?:krw|usd|eur|gbp|jpy)|us\$|\$|€|£|¥"
_PREFIX = _SIGNS + r"|\\(?=\s*\d)"
_PREFIX_AT = re.compile(rf"(?:{_PREFIX})\s*")
_PREFIX_BEFORE = re.compile(rf"(?:{_SIGNS}|\\)\s*$")
_SUFFIX = r"원|(?:krw|won|usd|dollars?|eur|euros?|gbp|pounds?|jpy|yen)(?![a-z])|(?:달러|불|유로|파운드|엔)(?![가-힣])"
_SUFFIX_AT = re.compile(rf"\s*(?:{_SUFFIX})")
_CURRENCIES = {
    "₩": "KRW", "\\": "KRW", "krw": "KRW", "원": "KRW", "won": "KRW",
    "$": "USD", "us$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "달러": "USD", "불": "USD",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "유로": "EUR",
    "£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "파운드": "GBP",
    "¥": "JPY", "jpy": "JPY", "yen": "JPY", "엔": "JPY",
}
# Words after which a bare number is an amount: "가격: 5000", "보증금 1억", "월 50만".
_PRICE_WORD_BEFORE = re.compile(
    r"(?:(?<![a-z])(?:price|fee|cost|rent|deposit)|가격|금액|대여료|이용료|사용료|요금|참가비|회비|보증금|예치금|월세"
    r"|전세|(?<![가-힣\d])월)\s*[:=]?\s*$")
_BARE_END = re.compile(r"[\w%]|[.,\-/:]\d")  # "5000명", "50%", "500/40": not a bare amount
_MIN_BARE = 1000
# Above this a number is no amount: no sharing price is that high, and the catalog's column is 32-bit.
_MAX_AMOUNT = 2**31 - 1
_FIELD_NUMBER = re.compile(rf"\s*(?P<num>{_NUM})\s*(?=/|\Z)")
_NUMBER_ONLY = re.compile(_NUM)
_MAG_PIECE = re.compile(r"[\d.,]+|[억만천백]")
_MAGNITUDE = {"억": 100_000_000, "만": 10_000, "천": 1_000, "백": 100}

# --- what an amount is, from its clause ---------------------------------------------------------------

_SEPARATOR = re.compile(r"[\n;·/()\[\]|]|[.,](?!\d)")
_LAST_SEPARATOR = re.compile(r".*(?:[\n;·/()\[\]|]|[.,](?!\d))", re.DOTALL)
_WINDOW = 32
_DEPOSIT_BEFORE = re.compile(r"보증금|예치금|전세|(?<![a-z])deposit")
_DEPOSIT_AFTER = re.compile(r"\s*(?:의\s*)?(?:보증금|예치금|(?:refundable\s+)?deposit)(?!\s*[:=]?\s*(?:of\s*)?[\d₩$€£¥\\])")
_NO_DEPOSIT = re.compile(r"(?:보증금|예치금)\s*(?:은|는)?\s*(?:없음|없이|없어요|없습니다|무료|면제)"
                         r"|no\s+deposit|deposit[\s-]*free|without\s+(?:a\s+)?deposit")
_NOT_THE_PRICE = re.compile(r"연체|분실|파손|위약|벌금|배송비|택배비|정가|원가|시가|신품|새\s*제품"
                            r"|(?<![a-z])(?:late|penalty|lost|damage|shipping|retail|worth|valued\s+at|msrp"
                            r"|original\s+price)")
_WORTH_AFTER = re.compile(r"\s*(?:상당|어치|(?:worth|value)(?![a-z]))")
_EXTRA_AFTER = re.compile(r"\s*(?:씩\s*)?(?:별도|추가|할인|(?:extra|additional|discount|off|not\s+included"
                          r"|separately)(?![a-z\-]))")
_RANGE_SEPARATOR = re.compile(r"\s*(?:[~∼〜–-]|부터|(?<![a-z])to(?![a-z]))\s*")
_RANGE_LOW = re.compile(rf"(?<![\d.,:])(?:{_PREFIX})?\s*(?P<low>(?:{_NUM}){_MAGNITUDES}|[만천])\s*(?:{_SUFFIX})?"
                        r"\s*[~∼〜–-]\s*$")
_RANGE_SIGNS = ("~", "-", "–", "∼", "〜")

# --- units --------------------------------------------------------------------------------------------

_UNITS: dict[str, tuple[str, int]] = {}
for _unit, _words in {
    ("minute", 1): "분 minute minutes min mins",
    ("hour", 1): "시간 hour hours hr hrs h hourly hur",
    ("day", 1): "일 하루 일일 매일 day days daily",
    ("day", 2): "이틀",
    ("day", 3): "사흘",
    ("day", 15): "보름",
    ("night", 1): "박 night nights nightly",
    ("week", 1): "주 주일 주간 일주일 매주 week weeks wk wks weekly wee",
    ("week", 2): "fortnight",
    ("month", 1): "개월 달 월 월세 매월 매달 month months mo mos monthly mon",
    ("month", 12): "년 연 연간 year years yr yrs yearly annually annual ann",
    ("once", 1): "회 번 session sessions use uses rental rentals time times visit visits class classes "
                 "lesson lessons entry entries",
}.items():
    for _word in _words.split():
        _UNITS[_word] = _unit
_COUNT_WORDS = {"한": 1, "두": 2, "세": 3, "네": 4, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3,
                "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                "eleven": 11, "twelve": 12}
_EN_COUNTS = "|".join(sorted(_COUNT_WORDS, key=len, reverse=True))
_EN_UNITS = (r"minutes?|mins?|hours?|hrs?|h|days?|nights?|weeks?|wks?|fortnight|months?|mos?|years?|yrs?"
             r"|sessions?|uses?|rentals?|times?|visits?|class(?:es)?|lessons?|entry|entries|hur|wee|mon|ann|min")
_KO_UNITS = r"개월|시간|분|일|박|회|주일|주|달|년|월|번"
_NO_DIGIT_BEFORE = r"(?<![\d.,:/\-])"
# Words between a unit and its amount: "1회 이용 5천원", "1일 대여료: 3,000원", "시간당 5,000원".
_FILLER = (r"\s*(?:당|에|간|기준|마다|씩)?\s*(?:대여|이용|사용|대관|참가|체험|입장|주차|렌탈|숙박|rental|rate|fee|price)?"
           r"\s*(?:료|비|요금|금액|가격|회비)?\s*(?:은|는)?\s*[:=]?\s*$")
_UNIT_BEFORE = re.compile(
    rf"(?:{_NO_DIGIT_BEFORE}(?P<h>\d+)\s*시간\s*(?P<m>\d+)\s*분"
    rf"|{_NO_DIGIT_BEFORE}(?P<nights>\d+)\s*박\s*\d+\s*일"
    rf"|{_NO_DIGIT_BEFORE}(?<!월)(?<!월\s)(?P<count>\d+)\s*(?P<unit>개월|시간|분|일|박|회|주일|주|달|년|번"
    rf"|(?:{_EN_UNITS})(?![a-z]))"
    rf"|(?<![가-힣])(?P<kcount>한|두|세|네)\s*(?P<kunit>달|시간|주|번)"
    rf"|(?<![가-힣\d])(?P<per>시간|분|박|회|일|주)(?=당)"
    rf"|(?<![가-힣\d])(?P<word>하루|이틀|사흘|일주일|보름|일일|매일|매주|매월|매달|월세|월|연간|연|주간)"
    rf"|(?<![a-z])(?:per|each|a|an)\s+(?P<en>{_EN_UNITS})(?![a-z])"
    rf"|(?<![a-z])(?P<adv>hourly|daily|nightly|weekly|monthly|yearly|annual)(?![a-z])"
    rf"){_FILLER}")
_UNIT_AFTER = re.compile(
    rf"\s*(?:(?:/|(?<![a-z])(?:per|a|an|each|for)(?![a-z]))\s*(?P<count>\d+|(?:{_EN_COUNTS})(?![a-z]))?"
    rf"\s*(?P<unit>{_KO_UNITS}|(?:{_EN_UNITS})(?![a-z]))"
    rf"|\(\s*(?P<pcount>\d+)?\s*(?P<punit>{_KO_UNITS}|{_EN_UNITS})\s*(?:당|기준)?\s*\)"
    r"|(?P<adv>daily|hourly|nightly|weekly|monthly|yearly|annually)(?![a-z]))"
    r"(?![가-힣])")
_OFFER_UNIT = re.compile(
    rf"\s*(?:/|(?:per|a|an|each)(?![a-z]))?\s*(?P<count>\d+|(?:{_EN_COUNTS})(?![a-z]))?\s*"
    r"(?P<unit>[가-힣]+|[a-z]+)\s*(?:당|기준)?\s*")
_MAX_YEARS = 10

# --- free words and conditions --------------------------------------------------------------------------

_FREE = re.compile(r"무료(?![하함했해])|공짜|무상|(?<![a-z\-])free(?![a-z\-])|no\s+(?:charge|cost|fee)(?![a-z])|at\s+no\s+cost"
                   r"|(?:참가비|이용료|대여료|비용|요금)\s*(?:은|는)?\s*(?:없음|없어요|없습니다)")
_FREE_HINTS = ("무료", "공짜", "무상", "free", "no", "없")
_AMENITY = r"주차|배송|와이파이|wi-?fi|인터넷|취소|반품|충전|설치|parking|shipping|delivery|cancell?ation|refills?|internet"
_AMENITY_AFTER = re.compile(rf"\s*(?:{_AMENITY})")
_NOT_FREE_BEFORE = re.compile(
    rf"(?:(?:{_AMENITY})\s*(?:는|은|도|가|이)?|(?<![a-z])(?:feel|barrier|smoke|sugar|gluten|hands|toll|duty|tax"
    r"|worry|hassle|stress|care|fat|cruelty|alcohol)|(?:보증금|예치금)\s*(?:은|는)?|deposit)\s*$")
_GROUP = re.compile(r"구민|주민|시민|학생|청소년|청년|어르신|노인|장애인|유공자|수급자|다자녀|회원|아동|어린이|유아|임산부"
                    r"|\d+\s*세\s*(?:이상|이하|미만)|만\s*\d+\s*세|\d+\s*\+"
                    r"|(?:residents?|students?|members?|seniors?|children|kids|youth|veterans?|aged\s*\d+"
                    r"|under\s*\d+|over\s*\d+)(?![a-z])")
_GROUP_HINTS = ("구민", "주민", "시민", "학생", "청소년", "청년", "어르신", "노인", "장애인", "유공자", "수급자", "다자녀",
                "회원", "아동", "어린이", "유아", "임산부", "세", "+", "resident", "student", "member", "senior",
                "children", "kids", "youth", "veteran", "aged", "under", "over")
_BENEFIT = re.compile(r"무료|우선|할인|면제|감면|전용|한정"
                      r"|(?<![a-z])(?:free|only|priority|discount|off|exempt|half[\s-]price)(?![a-z])")
_MAX_CLAUSE = 120


# --- reading pieces ----------------------------------------------------------------------------------

def _nfkc(text: str) -> str:
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _half_up(value: float) -> int | None:
    """The amount rounded half up; None when it is no amount (infinite, or above _MAX_AMOUNT)."""
    if not value <= _MAX_AMOUNT:
        return None
    return int(math.floor(value + 0.5))


def _number(text: str) -> float:
    return float(text.replace(",", "").replace(" ", ""))


def _value(token: str) -> float:
    """3,000 → 3000; 1만 5천 → 15000; 1억 2천만 → 120000000; 만 → 10000."""
    if not any(c in token for c in "억만천백"):
        return _number(token)
    total = section = 0.0
    pending: float | None = None
    for piece in _MAG_PIECE.findall(token.replace(" ", "")):
        magnitude = _MAGNITUDE.get(piece)
        if magnitude is None:
            pending = _number(piece)
        elif magnitude < 10_000:
            section += (1 if pending is None else pending) * magnitude
            pending = None
        else:
            section += pending or 0
            total += (section or 1) * magnitude
            section, pending = 0.0, None
    return total + section + (pending or 0)


def _amount_at(low: str, m: re.Match) -> tuple[float, str, int, int] | None:
    """(value, currency, start, end) when the number `m` has a currency sign before it or a currency
    after it (`start` is then the sign's); else None."""
    start, end = m.start(), m.end()
    suffix = _SUFFIX_AT.match(low, end)
    before = start - 1
    while before >= 0 and low[before] == " ":
        before -= 1
    if before >= 0 and (low[before] in "₩\\$€£¥" or "a" <= low[before] <= "z"):
        prefix = _PREFIX_BEFORE.search(low, max(0, before - 5), before + 1)
        if prefix:
            currency = _CURRENCIES[prefix.group().strip()]
            return _value(m.group()), currency, prefix.start(), suffix.end() if suffix else end
    if suffix:
        return _value(m.group()), _CURRENCIES[suffix.group().strip()], start, suffix.end()
    return None


def _clause_before(low: str, start: int, floor: int) -> str:
    """The text before `start` back to `floor` or the last clause separator, at most _WINDOW long."""
    window = low[max(floor, start - _WINDOW):start]
    m = _LAST_SEPARATOR.match(window)
    return window[m.end():] if m else window


def _clause_bounds(low: str, start: int, end: int) -> tuple[int, int]:
    """The clause around low[start:end], cut at _MAX_CLAUSE characters on each side."""
    left = max(0, start - _MAX_CLAUSE)
    m = _LAST_SEPARATOR.match(low, left, start)
    left = m.end() if m else left
    m = _SEPARATOR.search(low, end, end + _MAX_CLAUSE)
    return left, m.start() if m else min(len(low), end + _MAX_CLAUSE)


def _unit_of(word: str, count: int) -> tuple[str | None, int | None]:
    key = word.lower()
    unit = _UNITS.get(key) or (_UNITS.get(key[:-1]) if key.endswith("s") else None)
    if unit is None or count <= 0:
        return None, None
    if unit == ("month", 12) and count > _MAX_YEARS:
        return None, None  # "2026년": a year, not a duration
    return unit[0], unit[1] * count


def _count(word: str | None) -> int:
    if not word:
        return 1
    return int(word) if word.isdigit() else _COUNT_WORDS.get(word.lower(), 1)


def _unit_before(clause: str) -> tuple[str | None, int | None]:
    m = _UNIT_BEFORE.search(clause)
    if not m:
        return None, None
    if m.group("h"):
        return "minute", int(m.group("h")) * 60 + int(m.group("m"))
    if m.group("nights"):
        return "night", int(m.group("nights"))
    if m.group("unit"):
        return _unit_of(m.group("unit"), int(m.group("count")))
    if m.group("kunit"):
        return _unit_of(m.group("kunit"), _count(m.group("kcount")))
    return _unit_of(m.group("per") or m.group("word") or m.group("en") or m.group("adv"), 1)


def _unit_after(low: str, end: int) -> tuple[str | None, int | None]:
    m = _UNIT_AFTER.match(low, end, end + _WINDOW)
    if not m:
        return None, None
    if m.group("unit"):
        return _unit_of(m.group("unit"), _count(m.group("count")))
    if m.group("punit"):
        return _unit_of(m.group("punit"), _count(m.group("pcount")))
    return _unit_of(m.group("adv"), 1)


def _is_free_word(low: str, m: re.Match) -> bool:
    if _AMENITY_AFTER.match(low, m.end()):
        return False
    return not _NOT_FREE_BEFORE.search(low, max(0, m.start() - 16), m.start())


def _conditions(text: str, low: str, notes: list[tuple[int, str]]) -> str | None:
    found = list(notes)
    if any(hint in low for hint in _GROUP_HINTS):
        seen = set()
        for group in _GROUP.finditer(low):
            left, right = _clause_bounds(low, group.start(), group.end())
            if left in seen or right - left > _MAX_CLAUSE:
                continue
            seen.add(left)
            if _BENEFIT.search(low, left, right):
                found.append((left, text[left:right]))
    if not found:
        return None
    found.sort(key=lambda note: note[0])
    return "; ".join(dict.fromkeys(" ".join(note.split()) for _, note in found)) or None


# --- the functions ------------------------------------------------------------------------------------

def parse_price(text: str | None, field: bool = False) -> Price | None:
    """The price a text states, or None when it states none; rules in the module docstring, cases in
    tests/crawler/normalize/price_cases.tsv (rows parse_price and parse_price_field).

    ``field``: the text is the partner's own price field, so a text that is only a number
    (``5000``, ``5000 / DAY``) is a price in KRW.
    """
    if not text:
        return None
    text = _nfkc(text)
    low = text.lower()
    if len(low) != len(text):  # a few characters lowercase to two; keep positions shared
        text = low
    price: Price | None = None
    deposit: int | None = None
    deposit_currency = "KRW"
    notes: list[tuple[int, str]] = []
    previous_end = 0
    skip_until = -1
    tokens = _TOKEN_OR_BARE if ("만" in low or "천" in low) and "원" in low else _TOKEN
    for m in tokens.finditer(low):
        if m.start() < skip_until:
            continue
        found = _amount_at(low, m)
        if found is None:  # a bare number: an amount only right after a price word
            start, end = m.span()
            if _BARE_END.match(low, end):
                continue
            clause = _clause_before(low, start, previous_end)
            if not _PRICE_WORD_BEFORE.search(clause):
                continue
            amount, currency = _value(m.group()), "KRW"
            if amount < _MIN_BARE:
                continue
        else:
            amount, currency, start, end = found
            clause = _clause_before(low, start, previous_end)
        amount_int = _half_up(amount)
        if amount_int is None:
            continue
        previous_end = end
        if _DEPOSIT_BEFORE.search(clause) and not _NO_DEPOSIT.search(clause) or _DEPOSIT_AFTER.match(low, end):
            if deposit is None:
                deposit, deposit_currency = amount_int, currency
            continue
        if _NOT_THE_PRICE.search(clause) or _WORTH_AFTER.match(low, end):
            continue
        if _EXTRA_AFTER.match(low, end):
            left, right = _clause_bounds(low, start, end)
            notes.append((left, text[left:right]))
            continue
        if price is not None:
            continue
        range_start = None
        if clause.rstrip().endswith(_RANGE_SIGNS):  # "5,000~10,000원": the low end has no currency
            low_end = _RANGE_LOW.search(clause)
            if low_end and _value(low_end.group("low")) < amount:
                range_start = start - len(clause) + low_end.start()
                amount_int = _half_up(_value(low_end.group("low")))  # below amount, so not None
                clause = clause[:low_end.start()]
        unit, count = _unit_before(clause)
        separator = _RANGE_SEPARATOR.match(low, end)
        if separator:  # "5,000원~10,000원", "$5-$10"
            prefix = _PREFIX_AT.match(low, separator.end())
            high_m = _TOKEN.match(low, prefix.end() if prefix else separator.end())
            high = _amount_at(low, high_m) if high_m else None
            if high is not None and high[0] > amount:
                range_start = start if range_start is None else range_start
                end = skip_until = high[3]
        if unit is None:
            unit, count = _unit_after(low, end)
        if range_start is not None:
            notes.append((range_start, text[range_start:end]))
        price = Price(amount=amount_int, currency=currency, unit=unit, unit_count=count, is_free=amount_int == 0)
    if price is None and any(hint in low for hint in _FREE_HINTS):
        if any(_is_free_word(low, m) for m in _FREE.finditer(low)):
            price = Price(amount=0, currency="KRW", unit=None, unit_count=None, is_free=True)
    if price is None and field:
        m = _FIELD_NUMBER.match(low)
        amount_int = _half_up(_number(m.group("num"))) if m else None
        if amount_int is not None:
            unit, count = _unit_after(low, m.end())
            price = Price(amount=amount_int, currency="KRW", unit=unit, unit_count=count, is_free=amount_int == 0)
    if deposit is None and ("보증금" in low or "예치금" in low or "deposit" in low) and _NO_DEPOSIT.search(low):
        deposit = 0
    if price is None:
        if deposit is None:
            return None
        price = Price(amount=None, currency=deposit_currency, is_free=None)
    return replace(price, deposit=deposit, conditions=_conditions(text, low, notes))


def price_from_offer(price, currency: str | None = None, unit_text: str | None = None) -> Price | None:
    """A schema.org Offer's price, priceCurrency and unitText (or unitCode); rules in the module
    docstring, cases in tests/crawler/normalize/price_cases.tsv (rows price_from_offer)."""
    if price is None or isinstance(price, bool):
        return None
    code = _offer_currency(currency)
    unit, count = _offer_unit(unit_text)
    if isinstance(price, (Real, Decimal)):
        value = float(price)
    else:
        words = _nfkc(str(price)).strip()
        if not _NUMBER_ONLY.fullmatch(words):
            parsed = parse_price(words, field=True)
            if parsed is None or parsed.amount is None:
                return None
            if unit is None:
                unit, count = parsed.unit, parsed.unit_count
            return replace(parsed, currency=code or parsed.currency, unit=unit, unit_count=count)
        value = _number(words)
    amount = _half_up(value) if value >= 0 else None  # NaN compares False: None
    if amount is None:
        return None
    return Price(amount=amount, currency=code or "KRW", unit=unit, unit_count=count, is_free=amount == 0)


def _offer_currency(currency) -> str | None:
    word = _nfkc(str(currency)).strip().lower() if currency is not None else ""
    if not word:
        return None
    return _CURRENCIES.get(word) or (word.upper() if re.fullmatch(r"[a-z]{3}", word) else None)


def _offer_unit(unit_text) -> tuple[str | None, int | None]:
    if unit_text is None:
        return None, None
    m = _OFFER_UNIT.fullmatch(_nfkc(str(unit_text)).lower())
    return _unit_of(m.group("unit"), _count(m.group("count"))) if m else (None, None)


def item_price(price_text: str | None, text: str | None) -> Price | None:
    """A listing's price from its partner's price field and its own text; rules in the module
    docstring, cases in tests/crawler/normalize/price_cases.tsv (rows item_price)."""
    field = parse_price(price_text, field=True)
    described = parse_price(text)
    if field is None:
        return described
    if described is None:
        return field
    if field.amount is None and field.is_free is None:  # the field states only a deposit
        return replace(described, deposit=field.deposit, conditions=described.conditions or field.conditions)
    if field.unit is None and described.unit is not None and field.amount == described.amount \
            and field.currency == described.currency:
        field = replace(field, unit=described.unit, unit_count=described.unit_count)
    return replace(field, deposit=field.deposit if field.deposit is not None else described.deposit,
                   conditions=field.conditions or described.conditions)
