import pytest

from crawler.normalize.price import parse_price

# text -> (amount, unit, unit_count, is_free, deposit)
CASES = [
    ("3,000원", (3000, None, None, False, None)),
    ("₩3,000", (3000, None, None, False, None)),
    ("3천원", (3000, None, None, False, None)),
    ("1만원", (10000, None, None, False, None)),
    ("1만 5천원", (15000, None, None, False, None)),
    ("5,000 KRW", (5000, None, None, False, None)),
    ("2,000 won", (2000, None, None, False, None)),
    ("1일 3,000원", (3000, "day", 1, False, None)),
    ("3,000원/일", (3000, "day", 1, False, None)),
    ("시간당 5,000원", (5000, "hour", 1, False, None)),
    ("1시간 9,900원", (9900, "hour", 1, False, None)),
    ("1박 10,000원", (10000, "night", 1, False, None)),
    ("10분당 1,200원", (1200, "minute", 10, False, None)),
    ("1회 5천원", (5000, "once", 1, False, None)),
    ("5,000원 per session", (5000, "once", 1, False, None)),
    ("4,000 won per day", (4000, "day", 1, False, None)),
    ("무료", (0, None, None, True, None)),
    ("무료 대여", (0, None, None, True, None)),
    ("0원", (0, None, None, True, None)),
    ("free", (0, None, None, True, None)),
    ("보증금 10,000원 / 1일 2,000원", (2000, "day", 1, False, 10000)),
    ("대여료: 1일 5천원", (5000, "day", 1, False, None)),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[c[0] for c in CASES])
def test_price_phrases(text, expected):
    price = parse_price(text)
    assert (price.amount, price.unit, price.unit_count, price.is_free, price.deposit) == expected
    assert price.currency == "KRW"


@pytest.mark.parametrize("text", ["", None, "전동드릴 대여", "2026년 11월 20일", "Cordless drill"])
def test_no_price_stated(text):
    assert parse_price(text) is None


def test_conditions_are_kept_beside_the_price():
    price = parse_price("구민 무료, 타 지역 1일 2,000원")
    assert (price.amount, price.unit) == (2000, "day")
    assert price.conditions == "구민 무료"
    assert parse_price("Free for residents").conditions == "Free for residents"
