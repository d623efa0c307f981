"""The tables that document crawler.normalize.timeparse: parse_time and parse_period.

Every row is checked field by field (year, month, day, hour, minute, second, UTC offset). Rows
with a relative or year-less form are read against NOW, a Wednesday, unless the row gives its own.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import pytest

from crawler.normalize.timeparse import SEOUL, parse_period, parse_time

NOW = datetime(2026, 11, 25, 12, 0, 0, tzinfo=SEOUL)
KST = timedelta(hours=9)


def fields(value: datetime | None):
    """(y, m, d, H, M, S) of an aware datetime; also checks it is aware and in Seoul."""
    if value is None:
        return None
    assert value.tzinfo is not None, value
    assert value.utcoffset() == KST, value
    return (value.year, value.month, value.day, value.hour, value.minute, value.second)


# text -> (y, m, d, H, M, S) in Seoul
TIME_CASES = [
    # RFC 822 (RSS pubDate), with every zone form feeds use
    ("Thu, 20 Nov 2026 14:00:00 +0900", (2026, 11, 20, 14, 0, 0)),
    ("Wed, 17 Oct 2018 10:30:00 GMT", (2018, 10, 17, 19, 30, 0)),
    ("Wed, 8 Aug 2012 09:26:37 EST", (2012, 8, 8, 23, 26, 37)),
    ("Fri, 20 Nov 2026 05:00:00 +0000", (2026, 11, 20, 14, 0, 0)),
    ("Fri, 20 Nov 2026 05:00:00 UT", (2026, 11, 20, 14, 0, 0)),
    ("20 Nov 2026 14:00 +0900", (2026, 11, 20, 14, 0, 0)),
    ("Fri, 20 Nov 26 14:00:00 KST", (2026, 11, 20, 14, 0, 0)),
    ("Thu, 19 Nov 2026 21:00:00 PST", (2026, 11, 20, 14, 0, 0)),
    ("Fri, 20 Nov 2026 05:00:00 -0000", (2026, 11, 20, 14, 0, 0)),
    ("Fri, 20 Nov 2026 05:00:00 XYZ", (2026, 11, 20, 14, 0, 0)),      # unknown zone name: UTC
    ("Fri, 20 Nov 2026 14:00:00", (2026, 11, 20, 14, 0, 0)),          # no zone: Seoul
    ("Friday, 20-Nov-2026 14:00:00 GMT+9", (2026, 11, 20, 14, 0, 0)),
    # ISO 8601
    ("2026-11-20T14:00:00+09:00", (2026, 11, 20, 14, 0, 0)),
    ("2026-11-20T05:00:00Z", (2026, 11, 20, 14, 0, 0)),
    ("2026-11-20T14:00:00", (2026, 11, 20, 14, 0, 0)),
    ("2026-11-20", (2026, 11, 20, 0, 0, 0)),
    ("2026-11-20 14:00", (2026, 11, 20, 14, 0, 0)),
    ("2026-11-20T14:00:00-05:00", (2026, 11, 21, 4, 0, 0)),
    ("2026-11-20T14:00:00+0900", (2026, 11, 20, 14, 0, 0)),
    ("2026-11-20T05:00:00.123456789Z", (2026, 11, 20, 14, 0, 0)),
    ("20261120T050000Z", (2026, 11, 20, 14, 0, 0)),
    ("2026-11-20T14:00+09:00[Asia/Seoul]", (2026, 11, 20, 14, 0, 0)),
    ("2026-11-20 14:00 UTC", (2026, 11, 20, 23, 0, 0)),
    ("2026-11-20 09:00:00.0", (2026, 11, 20, 9, 0, 0)),               # Seoul Open API
    ("2012-04-23 00:00:00.0", (2012, 4, 23, 0, 0, 0)),
    # year, month, day as Korean sites write them
    ("2026년 11월 20일", (2026, 11, 20, 0, 0, 0)),
    ("2026.11.20", (2026, 11, 20, 0, 0, 0)),
    ("2026. 11. 20.", (2026, 11, 20, 0, 0, 0)),
    ("2026/11/20", (2026, 11, 20, 0, 0, 0)),
    ("2020/1/10 14:16:00", (2020, 1, 10, 14, 16, 0)),
    ("2026.11.20 14:30", (2026, 11, 20, 14, 30, 0)),
    ("2026.11.20 14:00 KST", (2026, 11, 20, 14, 0, 0)),
    ("2026.11.20 14:00-16:00", (2026, 11, 20, 14, 0, 0)),             # "-16:00" is a range's end
    ("2026-11-20 14:00 PM", (2026, 11, 20, 14, 0, 0)),
    ("2026-11-20 MON", (2026, 11, 20, 0, 0, 0)),                      # a word after a date is no zone
    # 오전/오후, 시/분, 반, 정오
    ("2026년 11월 20일 오후 3시", (2026, 11, 20, 15, 0, 0)),
    ("2026년 11월 20일 오전 9시 30분", (2026, 11, 20, 9, 30, 0)),
    ("2026년 12월 5일(토) 오후 2시", (2026, 12, 5, 14, 0, 0)),
    ("2026년 12월 5일(토) 오후 2시 30분", (2026, 12, 5, 14, 30, 0)),
    ("2026.11.20 오후 12시", (2026, 11, 20, 12, 0, 0)),
    ("2026.11.20 오전 12시", (2026, 11, 20, 0, 0, 0)),
    ("2026/1/5 오전 12:10", (2026, 1, 5, 0, 10, 0)),
    ("2026.11.20 오후 2시 반", (2026, 11, 20, 14, 30, 0)),
    ("2026.11.20 14시 5분 30초", (2026, 11, 20, 14, 5, 30)),
    ("2026.11.20 정오", (2026, 11, 20, 12, 0, 0)),
    ("2026.11.20 저녁 7시", (2026, 11, 20, 19, 0, 0)),
    ("2026.11.20 새벽 2시", (2026, 11, 20, 2, 0, 0)),
    ("2026.11.20 밤 12시", (2026, 11, 21, 0, 0, 0)),
    ("2026-11-20 24:00", (2026, 11, 21, 0, 0, 0)),
    # two-digit years: 00-69 -> 20xx, 70-99 -> 19xx
    ("26.11.20", (2026, 11, 20, 0, 0, 0)),
    ("26년 11월 20일", (2026, 11, 20, 0, 0, 0)),
    ("99.12.31", (1999, 12, 31, 0, 0, 0)),
    ("20 Nov 69 10:00 +0900", (2069, 11, 20, 10, 0, 0)),
    ("01 Jan 70 09:00 +0900", (1970, 1, 1, 9, 0, 0)),
    # labels and surrounding text
    ("등록일: 2026.11.20", (2026, 11, 20, 0, 0, 0)),
    ("등록일: 2026.11.20 (목) 09:05", (2026, 11, 20, 9, 5, 0)),
    ("일시: 2026년 12월 5일(토) 오후 2시", (2026, 12, 5, 14, 0, 0)),
    ("작성일 2026-11-20 14:00", (2026, 11, 20, 14, 0, 0)),
    ("Posted: 2026-11-20", (2026, 11, 20, 0, 0, 0)),
    # compact digits
    ("20261120", (2026, 11, 20, 0, 0, 0)),
    ("202611201430", (2026, 11, 20, 14, 30, 0)),
    ("20261120143005", (2026, 11, 20, 14, 30, 5)),
    # English month names
    ("November 20, 2026", (2026, 11, 20, 0, 0, 0)),
    ("November 20, 2026 2:00 PM", (2026, 11, 20, 14, 0, 0)),
    ("Nov 20, 2026 at 9:30 am", (2026, 11, 20, 9, 30, 0)),
    ("20 November 2026", (2026, 11, 20, 0, 0, 0)),
    ("Thursday, November 20, 2026", (2026, 11, 20, 0, 0, 0)),
    ("Sept. 3rd, 2026 12 PM", (2026, 9, 3, 12, 0, 0)),
    # full-width characters (NFKC)
    ("２０２６．１１．２０　１４：００", (2026, 11, 20, 14, 0, 0)),
]

# text -> (y, m, d, H, M, S), against NOW = 2026-11-25 12:00 Seoul
RELATIVE_CASES = [
    ("방금", (2026, 11, 25, 12, 0, 0)),
    ("방금 전", (2026, 11, 25, 12, 0, 0)),
    ("지금", (2026, 11, 25, 12, 0, 0)),
    ("just now", (2026, 11, 25, 12, 0, 0)),
    ("10초 전", (2026, 11, 25, 11, 59, 50)),
    ("30분 전", (2026, 11, 25, 11, 30, 0)),
    ("2시간 전", (2026, 11, 25, 10, 0, 0)),
    ("3일 전", (2026, 11, 22, 12, 0, 0)),
    ("3일전", (2026, 11, 22, 12, 0, 0)),
    ("1주 전", (2026, 11, 18, 12, 0, 0)),
    ("2주일 전", (2026, 11, 11, 12, 0, 0)),
    ("3개월 전", (2026, 8, 25, 12, 0, 0)),
    ("한 달 전", (2026, 10, 25, 12, 0, 0)),
    ("1년 전", (2025, 11, 25, 12, 0, 0)),
    ("3일 후", (2026, 11, 28, 12, 0, 0)),
    ("오늘", (2026, 11, 25, 12, 0, 0)),
    ("어제", (2026, 11, 24, 12, 0, 0)),
    ("그제", (2026, 11, 23, 12, 0, 0)),
    ("그저께", (2026, 11, 23, 12, 0, 0)),
    ("내일", (2026, 11, 26, 12, 0, 0)),
    ("모레", (2026, 11, 27, 12, 0, 0)),
    ("어제 14:30", (2026, 11, 24, 14, 30, 0)),
    ("오늘 오후 3시", (2026, 11, 25, 15, 0, 0)),
    ("3 days ago", (2026, 11, 22, 12, 0, 0)),
    ("2 hours ago", (2026, 11, 25, 10, 0, 0)),
    ("an hour ago", (2026, 11, 25, 11, 0, 0)),
    ("a day ago", (2026, 11, 24, 12, 0, 0)),
    ("5 mins ago", (2026, 11, 25, 11, 55, 0)),
    ("3d ago", (2026, 11, 22, 12, 0, 0)),
    ("1 week ago", (2026, 11, 18, 12, 0, 0)),
    ("2 months ago", (2026, 9, 25, 12, 0, 0)),
    ("in 3 days", (2026, 11, 28, 12, 0, 0)),
    ("yesterday", (2026, 11, 24, 12, 0, 0)),
    ("Yesterday at 2:30 PM", (2026, 11, 24, 14, 30, 0)),
    ("today", (2026, 11, 25, 12, 0, 0)),
    ("tomorrow", (2026, 11, 26, 12, 0, 0)),
    ("Posted: 3 days ago", (2026, 11, 22, 12, 0, 0)),
]

# (text, now) -> (y, m, d, H, M, S): no year, the nearest such date to now; month arithmetic
NO_YEAR_CASES = [
    ("11월 20일 (목) 14:00", NOW, (2026, 11, 20, 14, 0, 0)),
    ("11월 20일", NOW, (2026, 11, 20, 0, 0, 0)),
    ("12월 31일", NOW, (2026, 12, 31, 0, 0, 0)),
    ("1월 5일", NOW, (2027, 1, 5, 0, 0, 0)),                 # 41 days ahead, not 324 back
    ("5월 1일", NOW, (2027, 5, 1, 0, 0, 0)),                 # 157 days ahead beats 208 back
    ("6월 1일", NOW, (2026, 6, 1, 0, 0, 0)),                 # 177 days back beats 188 ahead
    ("12월 5일(토) 오후 2시", NOW, (2026, 12, 5, 14, 0, 0)),
    ("Nov 20", NOW, (2026, 11, 20, 0, 0, 0)),
    ("Jan 5 2:00 PM", NOW, (2027, 1, 5, 14, 0, 0)),
    ("2월 29일", datetime(2027, 12, 1, tzinfo=SEOUL), (2028, 2, 29, 0, 0, 0)),
    ("1개월 전", datetime(2026, 3, 31, 9, 0, tzinfo=SEOUL), (2026, 2, 28, 9, 0, 0)),   # day clamped
    ("1년 전", datetime(2028, 2, 29, 9, 0, tzinfo=SEOUL), (2027, 2, 28, 9, 0, 0)),
    ("어제", datetime(2026, 1, 1, 0, 30, tzinfo=SEOUL), (2025, 12, 31, 0, 30, 0)),
    ("3 hours ago", datetime(2026, 11, 20, 5, 0, tzinfo=timezone.utc), (2026, 11, 20, 11, 0, 0)),
    ("방금", datetime(2026, 11, 20, 14, 0), (2026, 11, 20, 14, 0, 0)),      # a naive now is Seoul time
]

# value (a number, digit string, date or datetime) -> (y, m, d, H, M, S)
NUMBER_CASES = [
    (1763614800, (2025, 11, 20, 14, 0, 0)),
    ("1763614800", (2025, 11, 20, 14, 0, 0)),
    (1763614800000, (2025, 11, 20, 14, 0, 0)),
    ("1763614800000", (2025, 11, 20, 14, 0, 0)),
    (1763614800.0, (2025, 11, 20, 14, 0, 0)),
    (1763614800.5, (2025, 11, 20, 14, 0, 0)),
    ("1763614800.5", (2025, 11, 20, 14, 0, 0)),
    (20261120, (2026, 11, 20, 0, 0, 0)),
    (datetime(2026, 11, 20, 14, 0), (2026, 11, 20, 14, 0, 0)),                       # naive: Seoul
    (datetime(2026, 11, 20, 5, 0, tzinfo=timezone.utc), (2026, 11, 20, 14, 0, 0)),
    (date(2026, 11, 20), (2026, 11, 20, 0, 0, 0)),
]

# unreadable: None, never an exception
GARBAGE = [
    None, "", "   ", "garbage text", "N/A", "미정", "상시", "-", "오후 3시", "14:00", "3일", "2026",
    "2026.11", "2026-W47-4", "2026-W47", "0000-00-00 00:00:00", "2026-02-30", "2026-13-01", "2026.13.01",
    "2026-11-20T25:00:00", "2026-11-20T14:60", "Fri, 32 Nov 2026 14:00:00 GMT", "9999-12-31", "1899-12-31",
    "2026-11-20T14:00:00+25:00", "2026-11-20 14:00 AM", "1234567", "123456789", "12345678901234567890",
    "20261340", "2월 30일", "20 Nov 2026 XYZ", "Nov 31", "3 days", "in 3 days ago", "\x00\x01\x02", "a" * 10_000, True, False,
    0, -5, 123, float("nan"), float("inf"), 1e30, object(), [], {}, b"2026-11-20",
]


@pytest.mark.parametrize("text, expected", TIME_CASES, ids=[c[0] for c in TIME_CASES])
def test_time_forms(text, expected):
    assert fields(parse_time(text, now=NOW)) == expected


@pytest.mark.parametrize("text, expected", RELATIVE_CASES, ids=[c[0] for c in RELATIVE_CASES])
def test_relative_forms(text, expected):
    assert fields(parse_time(text, now=NOW)) == expected


@pytest.mark.parametrize("text, now, expected", NO_YEAR_CASES, ids=[c[0] for c in NO_YEAR_CASES])
def test_no_year_and_calendar_arithmetic(text, now, expected):
    assert fields(parse_time(text, now=now)) == expected


@pytest.mark.parametrize("value, expected", NUMBER_CASES, ids=[repr(c[0]) for c in NUMBER_CASES])
def test_numbers_dates_and_datetimes(value, expected):
    assert fields(parse_time(value, now=NOW)) == expected


@pytest.mark.parametrize("value", GARBAGE, ids=[repr(v)[:30] for v in GARBAGE])
def test_garbage_is_none(value):
    assert parse_time(value, now=NOW) is None


def test_fractions_are_kept_to_the_microsecond():
    assert parse_time("2026-11-20T05:00:00.123456789Z").microsecond == 123456
    assert parse_time("2026-11-20T05:00:00.5Z").microsecond == 500000
    assert parse_time(1763614800.5).microsecond == 500000
    assert parse_time(1763614800123).microsecond == 123000


def test_default_tz_is_the_zone_of_every_result():
    assert parse_time("2026-11-20 14:00", default_tz=timezone.utc) == datetime(2026, 11, 20, 14, 0,
                                                                                tzinfo=timezone.utc)
    utc = parse_time("2026-11-20T14:00:00+09:00", default_tz=timezone.utc)
    assert (utc.hour, utc.utcoffset()) == (5, timedelta(0))


def test_relative_forms_default_to_the_current_time():
    before = datetime.now(SEOUL)
    parsed = parse_time("방금")
    assert before <= parsed <= datetime.now(SEOUL) and parsed.utcoffset() == KST
    assert parse_time("어제").date() == (datetime.now(SEOUL) - timedelta(days=1)).date()


def test_random_garbage_never_raises():
    rng = random.Random(4)
    alphabet = "0123456789-.:/~ T+Z년월일시분초전후오전오후ampmAMPMNovThu,()[]KSTGMT어제 ago days"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        parsed = parse_time(text, now=NOW)
        assert parsed is None or parsed.tzinfo is not None
        start, end = parse_period(text, now=NOW)
        assert start is None or start.tzinfo is not None
        assert end is None or end.tzinfo is not None


# text -> (start, end), each (y, m, d, H, M, S) or None
PERIOD_CASES = [
    ("2026.11.20 ~ 2026.12.31", (2026, 11, 20, 0, 0, 0), (2026, 12, 31, 23, 59, 59)),
    ("2026-11-20~2026-11-30", (2026, 11, 20, 0, 0, 0), (2026, 11, 30, 23, 59, 59)),
    ("2026-11-20 09:00:00.0 ~ 2026-11-30 18:00:00.0", (2026, 11, 20, 9, 0, 0), (2026, 11, 30, 18, 0, 0)),
    ("2026-11-01 09:00:00.0 ~ 2026-11-30 00:00:00.0", (2026, 11, 1, 9, 0, 0), (2026, 11, 30, 23, 59, 59)),
    ("2026.11.20 - 2026.12.31", (2026, 11, 20, 0, 0, 0), (2026, 12, 31, 23, 59, 59)),
    ("2026.11.20–2026.12.31", (2026, 11, 20, 0, 0, 0), (2026, 12, 31, 23, 59, 59)),
    ("2026.11.20 ～ 2026.12.31", (2026, 11, 20, 0, 0, 0), (2026, 12, 31, 23, 59, 59)),
    ("2026-11-20-2026-11-30", (2026, 11, 20, 0, 0, 0), (2026, 11, 30, 23, 59, 59)),
    ("20261120~20261130", (2026, 11, 20, 0, 0, 0), (2026, 11, 30, 23, 59, 59)),
    ("2026.11.20 ~ 12.31", (2026, 11, 20, 0, 0, 0), (2026, 12, 31, 23, 59, 59)),
    ("2026년 11월 20일 ~ 30일", (2026, 11, 20, 0, 0, 0), (2026, 11, 30, 23, 59, 59)),
    ("2026년 11월 20일 ~ 12월 5일", (2026, 11, 20, 0, 0, 0), (2026, 12, 5, 23, 59, 59)),
    ("2026.12.20 ~ 01.05", (2026, 12, 20, 0, 0, 0), (2027, 1, 5, 23, 59, 59)),
    ("2026.11.20 14:00~16:00", (2026, 11, 20, 14, 0, 0), (2026, 11, 20, 16, 0, 0)),
    ("2026년 12월 5일(토) 오후 2시~4시", (2026, 12, 5, 14, 0, 0), (2026, 12, 5, 16, 0, 0)),
    ("2026.11.20 22:00 ~ 02:00", (2026, 11, 20, 22, 0, 0), (2026, 11, 21, 2, 0, 0)),
    ("Nov 20 – Dec 31, 2026", (2026, 11, 20, 0, 0, 0), (2026, 12, 31, 23, 59, 59)),
    ("2026-11-20 to 2026-11-30", (2026, 11, 20, 0, 0, 0), (2026, 11, 30, 23, 59, 59)),
    ("from 2026-11-20 until 2026-11-30", (2026, 11, 20, 0, 0, 0), (2026, 11, 30, 23, 59, 59)),
    ("2026.11.20부터 2026.12.31까지", (2026, 11, 20, 0, 0, 0), (2026, 12, 31, 23, 59, 59)),
    ("접수기간: 2026.11.01 ~ 2026.11.30", (2026, 11, 1, 0, 0, 0), (2026, 11, 30, 23, 59, 59)),
    ("12월 20일 ~ 2027년 1월 5일", (2026, 12, 20, 0, 0, 0), (2027, 1, 5, 23, 59, 59)),
    ("11월 20일 ~ 11월 30일", (2026, 11, 20, 0, 0, 0), (2026, 11, 30, 23, 59, 59)),
    # open ends and single values
    ("2026.11.20부터", (2026, 11, 20, 0, 0, 0), None),
    ("2026.11.20 ~", (2026, 11, 20, 0, 0, 0), None),
    ("from Nov 20, 2026", (2026, 11, 20, 0, 0, 0), None),
    ("2026.12.31까지", None, (2026, 12, 31, 23, 59, 59)),
    ("~ 2026.12.31", None, (2026, 12, 31, 23, 59, 59)),
    ("until Dec 31, 2026", None, (2026, 12, 31, 23, 59, 59)),
    ("2026.11.20", (2026, 11, 20, 0, 0, 0), (2026, 11, 20, 23, 59, 59)),
    ("2026-11-20T14:00:00+09:00", (2026, 11, 20, 14, 0, 0), None),
    ("2026.11.20 ~ 미정", (2026, 11, 20, 0, 0, 0), None),
    # an end before its start is dropped
    ("2026.12.31 ~ 2026.11.20", (2026, 12, 31, 0, 0, 0), None),
    ("2026.11.20 14:00 ~ 2026.11.20 13:00", (2026, 11, 20, 14, 0, 0), None),
    ("상시 접수", None, None),
    ("", None, None),
]

# (start value, end value) -> (start, end): the Seoul Open API's two fields, schema.org startDate/endDate
PAIR_CASES = [
    ("2026-11-01 09:00:00.0", "2026-11-30 18:00:00.0", (2026, 11, 1, 9, 0, 0), (2026, 11, 30, 18, 0, 0)),
    ("2026-11-01 00:00:00.0", "2026-12-31 00:00:00.0", (2026, 11, 1, 0, 0, 0), (2026, 12, 31, 23, 59, 59)),
    ("2026-11-20", "2026-11-30", (2026, 11, 20, 0, 0, 0), (2026, 11, 30, 23, 59, 59)),
    ("2026-11-20T14:00:00+09:00", "2026-11-20T16:00:00+09:00", (2026, 11, 20, 14, 0, 0), (2026, 11, 20, 16, 0, 0)),
    ("2026-11-20T00:00:00", "2026-11-30T00:00:00", (2026, 11, 20, 0, 0, 0), (2026, 11, 30, 0, 0, 0)),
    (20261120, 20261130, (2026, 11, 20, 0, 0, 0), (2026, 11, 30, 23, 59, 59)),
    ("20261120", "20261130", (2026, 11, 20, 0, 0, 0), (2026, 11, 30, 23, 59, 59)),
    (date(2026, 11, 20), date(2026, 11, 30), (2026, 11, 20, 0, 0, 0), (2026, 11, 30, 23, 59, 59)),
    (None, "2026-11-30", None, (2026, 11, 30, 23, 59, 59)),
    ("2026-11-20", None, (2026, 11, 20, 0, 0, 0), None),
    ("2026-11-30", "2026-11-20", (2026, 11, 30, 0, 0, 0), None),
    ("garbage", "2026.11.30", None, (2026, 11, 30, 23, 59, 59)),
]


@pytest.mark.parametrize("text, start, end", PERIOD_CASES, ids=[c[0] or "empty" for c in PERIOD_CASES])
def test_periods(text, start, end):
    got_start, got_end = parse_period(text, now=NOW)
    assert (fields(got_start), fields(got_end)) == (start, end)


@pytest.mark.parametrize("first, last, start, end", PAIR_CASES, ids=[f"{c[0]!r}..{c[1]!r}" for c in PAIR_CASES])
def test_start_and_end_fields(first, last, start, end):
    got_start, got_end = parse_period(first, last, now=NOW)
    assert (fields(got_start), fields(got_end)) == (start, end)


def test_the_end_of_day_has_no_microseconds():
    assert parse_period("2026.11.20")[1].microsecond == 0

