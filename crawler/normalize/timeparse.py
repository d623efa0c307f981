"""Dates and times as partners write them, read into aware datetimes (Asia/Seoul when none is given).

Two functions, each documented by its table in tests/crawler/normalize/test_timeparse.py:

* ``parse_time(value, *, now=None, default_tz=SEOUL)`` -- one point in time (TIME_CASES,
  RELATIVE_CASES, NO_YEAR_CASES, NUMBER_CASES, GARBAGE).
* ``parse_period(value, end=None, *, now=None, default_tz=SEOUL)`` -- a window (start, end):
  event dates, the Seoul Open API's service and reception periods (PERIOD_CASES, PAIR_CASES).

The common forms are explicit regular expressions (a few microseconds each); there is no fallback
to dateparser: it is not a dependency, takes 0.4-23 ms a call (7 ms to give up on garbage, the case
a crawler meets most often among unreadable dates) and misreads forms we need ("방금", "20261120",
ranges). What no pattern here reads is None, never an exception.

Rules (the tables hold one row per rule):

* A value without an offset is wall-clock time in ``default_tz`` (Seoul). Every result is given in
  ``default_tz``; a value with an offset or zone name (Z, +09:00, +0900, GMT, UTC, KST, EST, ...)
  keeps its instant. RFC 822 zone names other than those known are UTC (RFC 2822 section 4.3).
* Date forms: ISO 8601 (extended and basic; ``T`` or a space; any fraction of a second, also the
  Seoul Open API's "2026-11-20 09:00:00.0"), RFC 822 ("Thu, 20 Nov 2026 14:00:00 +0900", with or
  without weekday, two- or four-digit year), English month names ("November 20, 2026 2:00 PM",
  "20 November 2026"), year-month-day with ``.``, ``-``, ``/`` or 년/월/일 ("2026.11.20",
  "2026. 11. 20.", "2020/1/10 14:16:00", "2026년 11월 20일(목) 오후 2시 30분"), compact digits
  ("20261120", "202611201430", "20261120143000"). A label before the value is skipped
  ("등록일: 2026.11.20"); a four-digit-year date is also found inside longer text.
* Times: "14:00", "14:00:00", "2:30 PM", "2 pm", "14시", "오후 2시 30분", "오후 2시 반", "정오".
  오전/새벽/아침/AM make 12 o'clock 0; 오후/저녁/밤/PM add 12 to hours below 12 ("14:00 PM" stays
  14:00; "밤 12시" is the next day's 00:00); 낮 adds 12 to hours 1-7. "24:00" is the next day's 00:00.
* Two-digit years: 00-69 are 2000-2069, 70-99 are 1970-1999 (the POSIX rule). A two-digit year is
  read only at the start of the value (after a label), never inside longer text.
* No year ("11월 20일 (목) 14:00", "Nov 20"): the nearest such date to ``now`` (last year, this
  year or next year). Weekdays in parentheses are skipped, never checked: partners get them wrong.
* Relative forms, against ``now`` (default: the current time): "방금", "지금", "just now", "now",
  "N초/분/시간/일/주/개월/달/년 전" (also 후/뒤, and 한/두/세/네 for N), "N seconds/minutes/hours/
  days/weeks/months/years ago", "in N days", "a day ago", "an hour ago". Day words keep ``now``'s
  time of day unless a time follows: "오늘", "어제", "그제"/"그저께", "내일", "모레", "today",
  "yesterday", "tomorrow" ("어제 14:30" is yesterday at 14:30). Months and years are calendar
  months and years (the day clamped to the month's last day).
* Numbers: Unix time in seconds (10 digits) or milliseconds (13 digits), as int, float or digit
  string; an 8-digit number is YYYYMMDD. Other digit counts are None.
* Not read (None): ISO week dates ("2026-W47-4"), a time without a date ("오후 3시"), a year or a
  month alone ("2026.11"), impossible dates ("2026-02-30", "0000-00-00"), years outside 1900-2200.
  Only the first 200 characters of a value are read: it is a field, not a document.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, NamedTuple


def _seoul_zone() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Seoul")
    except Exception:  # no tz database on the host: Korea has kept UTC+9 without DST since 1988
        return timezone(timedelta(hours=9), "KST")


SEOUL = _seoul_zone()
UTC = timezone.utc
MAX_CHARS = 200
MIN_YEAR, MAX_YEAR = 1900, 2200

# --- building blocks --------------------------------------------------------------------------------

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
           "oct": 10, "nov": 11, "dec": 12}
_MONTH = (r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_EN_WEEKDAY = r"(?i:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"
_KO_WEEKDAY = r"[월화수목금토일](?:요일)?"
# "(목)", "[Thu]", ", 목요일", " Thu" after a date: skipped, never checked.
_WEEKDAY_AFTER = rf"(?:\s*[(\[]\s*(?:{_KO_WEEKDAY}|{_EN_WEEKDAY})\s*[)\]]|\s*,?\s*[월화수목금토일]요일)?"

_ZONE_NAMES = {"Z": 0, "UT": 0, "UTC": 0, "GMT": 0, "KST": 9, "JST": 9, "EST": -5, "EDT": -4,
               "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "CET": 1, "CEST": 2}
_ZONE = (r"(?P<zone>Z|[+-]\d{2}(?::?\d{2})?|(?:UTC|GMT|UT)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?"
         r"|KST|JST|EST|EDT|CST|CDT|MST|MDT|PST|PDT|CET|CEST|\(KST\))")
# After an RFC 822 time, any other zone name too (read as UTC).
_ZONE_RFC = _ZONE[:-1] + r"|[A-Z]{3,5})"
_AMPM_BEFORE = r"(?P<ap1>오전|오후|새벽|아침|낮|저녁|밤|(?i:am|pm|a\.m\.|p\.m\.))"
_AMPM_AFTER = r"(?P<ap2>(?i:am|pm|a\.m\.|p\.m\.))"
_AMPM_AHEAD = r"(?i:am|pm|a\.m\.|p\.m\.)"
# 14:00, 14:00:00.0, 2:30 PM, 2 pm, 14시, 오후 2시 30분, 오후 2시 반, 정오
_TIME = (rf"(?:(?P<noon>정오|(?i:noon))|(?:{_AMPM_BEFORE}\s*)?(?P<H>\d{{1,2}})"
         r"(?:\s*:\s*(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
         r"|\s*시(?:\s*(?:(?P<M2>\d{1,2})\s*분|(?P<half>반)))?(?:\s*(?P<S2>\d{1,2})\s*초)?"
         rf"|(?=\s*{_AMPM_AHEAD}))(?:\s*{_AMPM_AFTER})?)")
_TIME_PART = rf"(?:\s*(?:T|,|,?\s*at\b|에)?\s*{_TIME}(?:\s*{_ZONE_RFC})?)?"
# In Korean forms, found inside text, "-16:00" after a time is a range's end, not an offset.
_ZONE_NAMED = (r"(?P<zone>Z|\+\d{2}:?\d{2}|(?:UTC|GMT)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?"
               r"|KST|JST|\(KST\))")
_TIME_PART_KO = rf"(?:\s*(?:T|,|,?\s*at\b|에)?\s*{_TIME})?(?:\s*{_ZONE_NAMED})?"

# "등록일: ", "Posted: ", "일시 : " before the value
_LABEL = re.compile(r"^[^\d:：]{1,15}[:：]\s*")

_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):?(?P<M>\d{2})(?::?(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?"
    rf"\s*{_ZONE}?(?:\[[A-Za-z_/+\-0-9]+\])?")
_ISO_BASIC = re.compile(
    r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})T(?P<H>\d{2})(?P<M>\d{2})(?:(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    rf"{_ZONE}?")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
# RFC 822 and "20 November 2026 14:00": day, month name, year
_DAY_MONTH_YEAR = re.compile(
    rf"(?:{_EN_WEEKDAY},?\s*)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*[ \-]\s*(?P<mon>{_MONTH})\s*[ \-,]\s*"
    rf"(?P<y>\d{{4}}|\d{{2}})(?!\d){_TIME_PART}")
# "November 20, 2026 2:00 PM", "Thursday, Nov 20 2026", "Nov 20" (no year)
_MONTH_DAY_YEAR = re.compile(
    rf"(?:{_EN_WEEKDAY},?\s*)?(?P<mon>{_MONTH})\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"
    rf"(?:,?\s*(?P<y>\d{{4}})(?!\d))?(?:\s*,)?{_TIME_PART}")
# 2026.11.20, 2026. 11. 20., 2026/1/10, 2026-11-20, 2026년 11월 20일, 26.11.20
_YMD = re.compile(
    r"(?<!\d)(?P<y>\d{4}|\d{2})\s*(?:년\s*|[.\-/]\s*)(?P<m>\d{1,2})\s*(?:월\s*|[.\-/]\s*)(?P<d>\d{1,2})(?!\d)"
    rf"(?:\s*일|\.)?{_WEEKDAY_AFTER}{_TIME_PART_KO}")
# 11월 20일 (목) 14:00 -- no year
_MD_KO = re.compile(rf"(?<!\d)(?P<m>\d{{1,2}})\s*월\s*(?P<d>\d{{1,2}})\s*일{_WEEKDAY_AFTER}{_TIME_PART_KO}")

_KO_NUMBERS = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5}
_KO_UNITS = {"초": "seconds", "분": "minutes", "시간": "hours", "일": "days", "주": "weeks", "주일": "weeks",
             "개월": "months", "달": "months", "년": "years"}
_RELATIVE_KO = re.compile(
    r"(?P<n>\d+|한|두|세|네|다섯)\s*(?P<u>초|분|시간|일|주일|주|개월|달|년)\s*(?P<dir>전|후|뒤)(?:에)?")
_RELATIVE_EN = re.compile(
    r"(?i:(?:(?P<in>in)\s+)?(?P<n>\d+|an?|one|two|three)\s*(?P<u>s(?:ec(?:ond)?s?)?|m(?:in(?:ute)?s?)?"
    r"|h(?:(?:ou)?rs?)?|d(?:ays?)?|w(?:(?:ee)?ks?)?|mo(?:nths?)?|y(?:(?:ea)?rs?)?)\.?(?:\s+(?P<ago>ago))?)")
_EN_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3}
_EN_UNITS = {"s": "seconds", "m": "minutes", "mi": "minutes", "h": "hours", "d": "days", "w": "weeks",
             "mo": "months", "y": "years"}
_DAY_WORDS = {"오늘": 0, "금일": 0, "어제": -1, "작일": -1, "그제": -2, "그저께": -2, "엊그제": -2, "내일": 1,
              "모레": 2, "today": 0, "yesterday": -1, "tomorrow": 1}
_NOW_WORDS = frozenset({"방금", "방금 전", "방금전", "지금", "금방", "just now", "now", "right now", "moments ago",
                        "a moment ago"})
_DAY_WORD = re.compile(rf"(?P<word>오늘|금일|어제|작일|그저께|그제|엊그제|내일|모레|(?i:today|yesterday|tomorrow))"
                       rf"{_TIME_PART_KO}")


class _Found(NamedTuple):
    when: datetime       # aware, in the default zone
    has_time: bool       # a time of day was written (or implied: relative forms, Unix time)
    has_year: bool


# --- public API --------------------------------------------------------------------------------------

def parse_time(value: Any, *, now: datetime | None = None, default_tz: tzinfo = SEOUL) -> datetime | None:
    """An aware datetime in ``default_tz`` from the forms feeds and Korean sites use; None if unreadable.

    Table: TIME_CASES, RELATIVE_CASES, NO_YEAR_CASES, NUMBER_CASES and GARBAGE in
    tests/crawler/normalize/test_timeparse.py; the rules are in this module's docstring. ``value``
    may be a str, an int or float (Unix time or YYYYMMDD), a date or a datetime (a naive one is
    wall-clock time in ``default_tz``). Relative forms ("3일 전", "yesterday") count from ``now``.
    """
    found = _read(value, now, default_tz)
    return found.when if found else None


_NO_END = object()


def parse_period(value: Any, end: Any = _NO_END, *, now: datetime | None = None,
                 default_tz: tzinfo = SEOUL) -> tuple[datetime | None, datetime | None]:
    """(start, end) of a window, each an aware datetime in ``default_tz`` or None.

    Table: PERIOD_CASES and PAIR_CASES in tests/crawler/normalize/test_timeparse.py.

    * One text holding both ends: "2026.11.20 ~ 2026.12.31", "2026-11-20~2026-11-30",
      "2026-11-20 09:00:00.0 ~ 2026-11-30 18:00:00.0", "2026.11.20 - 2026.12.31", "Nov 20 to
      Dec 31, 2026", "2026.11.20부터 2026.12.31까지" (separators ~ 〜 – — -, to, until, through,
      부터). The end may leave out what it shares with the start: "2026.11.20 ~ 12.31",
      "2026년 11월 20일 ~ 30일", "2026.11.20 14:00~16:00", "2026년 12월 5일 오후 2시~4시" (an end
      hour without 오전/오후 after a 오후 start is afternoon too). An end without a year before its
      start is in the next year; a start without a year takes the end's.
    * Two values (``end`` given, None included): the Seoul Open API's SVCOPNBGNDT/SVCOPNENDDT and
      RCPTBGNDT/RCPTENDDT, or schema.org startDate/endDate, each read as parse_time reads it.
    * **An end date without a time means the end of that day, 23:59:59 in default_tz.** So does an
      end written as the Seoul Open API's date-only form "YYYY-MM-DD 00:00:00.0" (it writes every
      date with that time); any other written time, midnight included, is kept as written.
    * One date alone is that whole day (00:00:00 to 23:59:59); one date with a time is (it, None);
      "X부터"/"from X"/"X ~" is (X, None); "X까지"/"until X"/"~ X" is (None, X).
    * An end before its start is dropped: (start, None). Unreadable sides are None; never raises.
    """
    try:
        return _read_period(value, end, now, default_tz)
    except (ValueError, OverflowError, OSError):  # an impossible date or offset somewhere
        return None, None


def _read_period(value: Any, end: Any, now: datetime | None,
                 default_tz: tzinfo) -> tuple[datetime | None, datetime | None]:
    if end is not _NO_END:
        start = _read(value, now, default_tz)
        stop = _read(end, now, default_tz)
        start_when = start.when if start else None
        stop_when = _end_of(stop) if stop else None
        if start_when and stop_when and stop_when < start_when:
            stop_when = None
        return start_when, stop_when
    if not isinstance(value, str):
        found = _read(value, now, default_tz)
        return _single(found)
    text = _prepare(value)
    if not text:
        return None, None
    text = _LABEL.sub("", text, count=1)
    return _period(text, now, default_tz)


# --- reading one value ---------------------------------------------------------------------------

def _prepare(value: str) -> str:
    text = value[:MAX_CHARS]
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


def _now(now: datetime | None, zone: tzinfo) -> datetime:
    if now is None:
        return datetime.now(zone)
    if now.tzinfo is None:
        return now.replace(tzinfo=zone)
    return now.astimezone(zone)


def _read(value: Any, now: datetime | None, zone: tzinfo, year_hint: int | None = None) -> _Found | None:
    try:
        if isinstance(value, str):
            text = _prepare(value)
            return _parse_text(text, now, zone, year_hint) if text else None
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, (int, float)):
            return _from_number(value, zone)
        if isinstance(value, datetime):
            when = value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)
            return _Found(when, True, True)
        if isinstance(value, date):
            return _Found(datetime(value.year, value.month, value.day, tzinfo=zone), False, True)
    except (ValueError, OverflowError, OSError):  # out-of-range dates and timestamps
        return None
    return None


def _parse_text(text: str, now: datetime | None, zone: tzinfo, year_hint: int | None = None) -> _Found | None:
    first = text[0]
    if first.isdigit():
        if text.isdigit():
            return _from_digits(text, zone)
        match = _ISO.fullmatch(text) or _ISO_BASIC.fullmatch(text)
        if match:
            return _build(match, zone, year=int(match["y"]))
        if _DIGITS.fullmatch(text):
            return _from_digits(text, zone) if "." in text and len(text.split(".")[0]) in (10, 13) else None
    else:
        labelled = _LABEL.match(text)
        if labelled:
            text = text[labelled.end():]
            if not text:
                return None
            if text[0].isdigit():
                return _parse_text(text, now, zone, year_hint)
    found = _from_words(text, now, zone, year_hint)
    if found:
        return found
    return _from_ymd(text, zone) or _from_month_day(text, now, zone, year_hint)


def _from_words(text: str, now: datetime | None, zone: tzinfo, year_hint: int | None) -> _Found | None:
    """Month names (RFC 822, English) and relative forms: whole-value matches only."""
    match = _DAY_MONTH_YEAR.fullmatch(text)
    if match:
        return _build(match, zone, year=_year(match["y"]), month=_MONTHS[match["mon"][:3].lower()])
    match = _MONTH_DAY_YEAR.fullmatch(text)
    if match:
        month = _MONTHS[match["mon"][:3].lower()]
        if match["y"]:
            return _build(match, zone, year=int(match["y"]), month=month)
        return _nearest(match, now, zone, month, year_hint)
    return _relative(text, now, zone)


def _relative(text: str, now: datetime | None, zone: tzinfo) -> _Found | None:
    lowered = text.lower().rstrip(".")
    if lowered in _NOW_WORDS:
        return _Found(_now(now, zone), True, True)
    match = _RELATIVE_KO.fullmatch(text)
    if match:
        count = _KO_NUMBERS.get(match["n"]) or int(match["n"])
        sign = -1 if match["dir"] == "전" else 1
        return _Found(_shift(_now(now, zone), _KO_UNITS[match["u"]], sign * count), True, True)
    match = _RELATIVE_EN.fullmatch(text)
    if match and (match["ago"] or match["in"]) and not (match["ago"] and match["in"]):
        unit = match["u"].lower()
        key = "mo" if unit.startswith("mo") else ("mi" if unit.startswith("mi") else unit[0])
        count = _EN_NUMBERS.get(match["n"].lower()) or int(match["n"])
        sign = -1 if match["ago"] else 1
        return _Found(_shift(_now(now, zone), _EN_UNITS[key], sign * count), True, True)
    match = _DAY_WORD.fullmatch(text)
    if match:
        base = _now(now, zone) + timedelta(days=_DAY_WORDS[match["word"].lower()])
        if match["H"] is None and match["noon"] is None:
            return _Found(base, True, True)
        return _build(match, zone, year=base.year, month=base.month, day=base.day)
    return None


def _from_ymd(text: str, zone: tzinfo) -> _Found | None:
    for match in _YMD.finditer(text):
        if len(match["y"]) == 2 and not _at_start(text, match.start()):
            continue  # "10.5.3" inside a sentence is no date
        found = _build(match, zone, year=_year(match["y"]))
        if found:
            return found
    return None


def _from_month_day(text: str, now: datetime | None, zone: tzinfo, year_hint: int | None) -> _Found | None:
    match = _MD_KO.search(text)
    if match:
        return _nearest(match, now, zone, int(match["m"]), year_hint)
    return None


def _at_start(text: str, position: int) -> bool:
    return position == 0 or (position <= 15 and not any(c.isdigit() for c in text[:position]))


def _nearest(match: re.Match, now: datetime | None, zone: tzinfo, month: int,
             year_hint: int | None) -> _Found | None:
    """A date written without its year: the year given by the caller, else the nearest to now."""
    if year_hint is not None:
        found = _build(match, zone, year=year_hint, month=month)
        return found._replace(has_year=False) if found else None
    reference = _now(now, zone)
    candidates = [f for f in (_build(match, zone, year=reference.year + k, month=month) for k in (-1, 0, 1)) if f]
    if not candidates:
        return None
    best = min(candidates, key=lambda f: abs(f.when - reference))
    return best._replace(has_year=False)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _build(match: re.Match, zone: tzinfo, *, year: int, month: int | None = None,
           day: int | None = None) -> _Found | None:
    """The datetime a date-and-time match names, or None when it names no real date."""
    groups = match.groupdict()
    month = month if month is not None else int(groups["m"])
    day = day if day is not None else int(groups["d"])
    if not (MIN_YEAR <= year <= MAX_YEAR):
        return None
    clock = _clock(groups)
    if clock is None:
        return None
    hour, minute, second, micro, has_time = clock
    try:
        when = datetime(year, month, day, 0, minute, second, micro)
    except ValueError:
        return None
    when += timedelta(hours=hour)  # 24:00 and "밤 12시" roll over into the next day
    zone_text = groups.get("zone")
    if zone_text:
        offset = _offset(zone_text)
        when = when.replace(tzinfo=offset).astimezone(zone)
    else:
        when = when.replace(tzinfo=zone)
    return _Found(when, has_time, True)


def _clock(groups: dict) -> tuple[int, int, int, int, bool] | None:
    """(hour, minute, second, microsecond, written) of a match's time groups; None if impossible."""
    if groups.get("noon"):
        return 12, 0, 0, 0, True
    hour_text = groups.get("H")
    if hour_text is None:
        return 0, 0, 0, 0, False
    hour = int(hour_text)
    minute = int(groups.get("M") or groups.get("M2") or (30 if groups.get("half") else 0))
    second = int(groups.get("S") or groups.get("S2") or 0)
    fraction = groups.get("f")
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    marker = (groups.get("ap1") or groups.get("ap2") or "").lower().replace(".", "")
    if marker:
        if marker in ("오후", "pm") and 12 < hour < 24:
            marker = ""  # "14:00 PM": the hour says it already
        elif not 1 <= hour <= 12:
            return None
        if marker in ("오전", "새벽", "아침", "am"):
            hour = 0 if hour == 12 else hour
        elif marker in ("오후", "저녁", "밤", "pm"):
            hour = hour + 12 if hour < 12 else (24 if marker == "밤" else 12)
        elif marker == "낮" and hour <= 7:
            hour += 12
    if hour > 24 or minute > 59 or second > 60 or (hour == 24 and (minute or second or micro)):
        return None
    second = min(second, 59)  # a leap second
    # The Seoul Open API writes a bare date as "2026-12-31 00:00:00.0": that is no time of day.
    written = not (fraction is not None and fraction.strip("0") == "" and hour == minute == second == 0
                   and groups.get("zone") is None)
    return hour, minute, second, micro, written


def _offset(text: str) -> tzinfo:
    text = text.strip("()").upper()
    if text in _ZONE_NAMES:
        return timezone(timedelta(hours=_ZONE_NAMES[text]))
    if text.isalpha():  # a zone name RFC 822 does not define: -0000 (RFC 2822 section 4.3)
        return UTC
    for prefix in ("UTC", "GMT", "UT"):
        if text.startswith(prefix):
            text = text[len(prefix):].strip()
            break
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    if len(digits) <= 2:
        hours, minutes = int(digits), 0
    else:
        hours, minutes = int(digits[:-2]), int(digits[-2:])
    if hours > 14 or minutes > 59:
        raise ValueError(f"offset out of range: {text}")
    return timezone(sign * timedelta(hours=hours, minutes=minutes)) if hours or minutes else UTC


def _from_digits(text: str, zone: tzinfo) -> _Found | None:
    whole = text.split(".")[0]
    size = len(whole)
    if size == 8:
        return _compact(whole, zone)
    if size in (12, 14):
        return _compact(whole, zone)
    if size == 10:
        return _Found(datetime.fromtimestamp(float(text), zone), True, True)
    if size == 13:
        return _Found(datetime.fromtimestamp(float(text) / 1000, zone), True, True)
    return None


def _compact(text: str, zone: tzinfo) -> _Found | None:
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    hour, minute, second = int(text[8:10] or 0), int(text[10:12] or 0), int(text[12:14] or 0)
    if not (MIN_YEAR <= year <= MAX_YEAR):
        return None
    try:
        return _Found(datetime(year, month, day, hour, minute, second, tzinfo=zone), len(text) > 8, True)
    except ValueError:
        return None


def _from_number(value: int | float, zone: tzinfo) -> _Found | None:
    if value != value or value <= 0:  # NaN, zero, negative
        return None
    whole = int(value)
    if isinstance(value, int) or value == whole:
        return _from_digits(str(whole), zone)
    if len(str(whole)) in (10, 13):
        seconds = value / 1000 if len(str(whole)) == 13 else value
        return _Found(datetime.fromtimestamp(seconds, zone), True, True)
    return None


def _shift(when: datetime, unit: str, count: int) -> datetime:
    if unit in ("months", "years"):
        months = when.month - 1 + count * (12 if unit == "years" else 1)
        year, month = when.year + months // 12, months % 12 + 1
        day = min(when.day, _days_in_month(year, month))
        return when.replace(year=year, month=month, day=day)
    return when + timedelta(**{unit: count})


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


# --- periods -------------------------------------------------------------------------------------

# "~" and its look-alikes, dashes between spaces, words; a bare "-" is tried later, between dates.
_SEPARATOR = re.compile(r"\s*(?:~|〜|∼|–|—|―|−|\s-\s|부터|(?i:\s(?:to|until|till|through|thru)\s))\s*")
_OPEN_START = re.compile(r"^(?i:from|since)\s+|(?:부터|이후|~|〜|∼)$")
_OPEN_END = re.compile(r"^(?i:until|till|through|by|to)\s+|^(?:~|〜|∼)\s*|(?:까지|이전|마감)$")
_END_TIME = re.compile(rf"{_TIME}(?:\s*{_ZONE_NAMED})?")
_END_MONTH_DAY = re.compile(
    rf"(?P<m>\d{{1,2}})\s*(?:월\s*|[.\-/]\s*)(?P<d>\d{{1,2}})(?!\d)(?:\s*일|\.)?{_WEEKDAY_AFTER}{_TIME_PART_KO}")
_END_DAY = re.compile(rf"(?P<d>\d{{1,2}})\s*일{_WEEKDAY_AFTER}{_TIME_PART_KO}")


def _end_of(found: _Found) -> datetime:
    if found.has_time:
        return found.when
    return found.when.replace(hour=23, minute=59, second=59, microsecond=0)


def _single(found: _Found | None) -> tuple[datetime | None, datetime | None]:
    if found is None:
        return None, None
    return (found.when, None) if found.has_time else (found.when, _end_of(found))


def _period(text: str, now: datetime | None, zone: tzinfo) -> tuple[datetime | None, datetime | None]:
    text = text.strip()
    text = re.sub(r"까지$", "", text).strip() if "부터" in text else text
    parts = _SEPARATOR.split(text, maxsplit=1)
    if len(parts) == 2:
        left, right = parts[0].strip(), parts[1].strip()
        if left.lower().startswith(("from ", "since ")):
            left = left.split(" ", 1)[1]
        right = re.sub(r"\s*(?:까지|이전)$", "", right)
        return _pair(left, right, now, zone)
    # "2026-11-20-2026-11-30": a bare hyphen between two dates
    for position in [m.start() for m in re.finditer("-", text)]:
        left, right = text[:position].strip(), text[position + 1:].strip()
        if left and right and left[-1].isdigit() and right[0].isdigit():
            start, stop = _read(left, now, zone), _read(right, now, zone)
            if start and stop and start.has_year and stop.has_year:
                return _ordered(start.when, _end_of(stop))
    if _OPEN_END.search(text):
        stop = _read(_OPEN_END.sub("", text).strip(), now, zone)
        return None, _end_of(stop) if stop else None
    if _OPEN_START.search(text):
        start = _read(_OPEN_START.sub("", text).strip(), now, zone)
        return (start.when if start else None), None
    return _single(_read(text, now, zone))


def _pair(left: str, right: str, now: datetime | None, zone: tzinfo) -> tuple[datetime | None, datetime | None]:
    if not left:
        stop = _read(right, now, zone)
        return None, _end_of(stop) if stop else None
    if not right:
        start = _read(left, now, zone)
        return (start.when if start else None), None
    stop = _read(right, now, zone)
    start = _read(left, now, zone, year_hint=stop.when.year if stop and stop.has_year else None)
    if start and stop and not start.has_year and stop.has_year and start.when > _end_of(stop):
        start = _read(left, now, zone, year_hint=stop.when.year - 1)
    if start is None:
        return None, (_end_of(stop) if stop else None)
    if stop is None or not stop.has_year:
        stop = _partial_end(_prepare(right), start, left, zone) or stop
    if stop is None:
        return start.when, None
    return _ordered(start.when, _end_of(stop))


def _ordered(start: datetime, stop: datetime) -> tuple[datetime, datetime | None]:
    return (start, stop) if stop >= start else (start, None)


def _partial_end(text: str, start: _Found, left: str, zone: tzinfo) -> _Found | None:
    """An end that leaves out what it shares with the start: "12.31", "30일", "16:00", "4시"."""
    begin = start.when
    match = _END_TIME.fullmatch(text)
    if match:
        clock = _clock(match.groupdict())
        if clock is None:
            return None
        hour, minute, second, micro, _ = clock
        if not (match["ap1"] or match["ap2"]) and hour < 12 and re.search(r"오후|저녁|밤|(?i:pm|p\.m\.)", left):
            hour += 12
        when = begin.replace(hour=0, minute=minute, second=second, microsecond=micro) + timedelta(hours=hour)
        if match["zone"]:
            when = when.replace(tzinfo=None).replace(tzinfo=_offset(match["zone"])).astimezone(zone)
        if when < begin:  # "22:00~02:00": past midnight
            when += timedelta(days=1)
        return _Found(when, True, True)
    match = _END_MONTH_DAY.fullmatch(text)
    if match:
        found = _build(match, zone, year=begin.year)
        if found and _end_of(found) < begin:
            found = _build(match, zone, year=begin.year + 1)
        return found
    match = _END_DAY.fullmatch(text)
    if match:
        found = _build(match, zone, year=begin.year, month=begin.month)
        if found and _end_of(found) < begin:
            following = begin.month % 12 + 1
            found = _build(match, zone, year=begin.year + (following == 1), month=following)
        return found
    return None
