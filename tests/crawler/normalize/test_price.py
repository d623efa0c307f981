"""The price table (price_cases.tsv), row by row and field by field, plus what a table cannot say."""

import json
import math
from pathlib import Path

import pytest

from crawler.normalize import price as price_module
from crawler.normalize.price import item_price, parse_price, price_from_offer
from indexer.listing import Price

TABLE = Path(__file__).with_name("price_cases.tsv")
COLUMNS = ["function", "input", "amount", "currency", "unit", "unit_count", "is_free", "deposit", "conditions",
           "note"]
FIELDS = ["amount", "currency", "unit", "unit_count", "is_free", "deposit", "conditions"]
FUNCTIONS = {
    "parse_price": lambda text: parse_price(text),
    "parse_price_field": lambda text: parse_price(text, field=True),
    "price_from_offer": lambda args: price_from_offer(*args),
    "item_price": lambda args: item_price(*args),
}


def _rows() -> list[dict[str, str]]:
    lines = [line for line in TABLE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert lines[0].split("\t") == COLUMNS
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        assert 2 <= len(cells) <= len(COLUMNS), f"row {number} has {len(cells)} cells: {line!r}"
        cells += [""] * (len(COLUMNS) - len(cells))  # trailing empty cells may be left out
        rows.append(dict(zip(COLUMNS, cells)))
    return rows


ROWS = _rows()


def _argument(row: dict[str, str]):
    if row["function"] in ("price_from_offer", "item_price"):
        return json.loads(row["input"])
    return row["input"].replace("\\n", "\n")


def _expected(row: dict[str, str]) -> dict | None:
    if not row["currency"]:
        assert not any(row[name] for name in FIELDS), "a None row has no expected fields"
        return None

    def number(cell: str) -> int | None:
        return int(cell) if cell else None

    assert row["is_free"] in ("true", "false", "")
    return {"amount": number(row["amount"]), "currency": row["currency"], "unit": row["unit"] or None,
            "unit_count": number(row["unit_count"]),
            "is_free": {"true": True, "false": False, "": None}[row["is_free"]],
            "deposit": number(row["deposit"]), "conditions": row["conditions"] or None}


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['function']}:{r['input']}" for r in ROWS])
def test_table_row(row):
    got = FUNCTIONS[row["function"]](_argument(row))
    expected = _expected(row)
    if expected is None:
        assert got is None
        return
    assert got is not None, f"expected a price ({row['note']})"
    assert {name: getattr(got, name) for name in FIELDS} == expected, row["note"]


def test_the_table_is_large_and_covers_every_function_and_field():
    assert len(ROWS) >= 110
    counts = {name: sum(1 for row in ROWS if row["function"] == name) for name in FUNCTIONS}
    assert counts["parse_price"] >= 110 and all(counts.values()), counts
    assert len({(row["function"], row["input"]) for row in ROWS}) == len(ROWS), "duplicate rows"
    priced = [row for row in ROWS if row["currency"]]
    for name in ("amount", "unit", "unit_count", "deposit", "conditions"):
        assert any(row[name] for row in priced), f"no row expects a {name}"
    assert {row["unit"] for row in priced} >= {"once", "minute", "hour", "day", "night", "week", "month"}
    assert {row["currency"] for row in priced} >= {"KRW", "USD", "EUR", "GBP", "JPY"}
    assert {row["is_free"] for row in priced} >= {"true", "false", ""}
    assert any(not row["currency"] for row in ROWS), "no row expects None"


def test_every_form_the_issue_lists_is_in_the_table():
    inputs = {row["input"] for row in ROWS}
    for form in ["3,000원", "₩3,000", "3천원", "1만원", "1만 5천원", "5,000 KRW", "2,000 won", "1일 3,000원",
                 "시간당 5,000원", "1시간 9,900원", "1박 10,000원", "10분당 1,200원", "1회 5천원", "무료", "0원",
                 "free", "대여료 1일 2,000원 (보증금 1만원)", "1시간당 3,000원 / 구민 50% 할인", "₩12,000/night",
                 "$5 per hour", "5,000원~10,000원", "가격: 문의", "무료 (단, 재료비 5,000원 별도)", "Free for residents",
                 "월 30만원", "2주 1만원", "1회 이용 5천원", "30분 1,000원", "2026.11.20", "02-123-4567",
                 "10:00~18:00", "3명", '["무료", null, null]']:
        assert form in inputs, form
    assert any("per session" in text for text in inputs)


def test_the_docstrings_name_the_table():
    for function in (parse_price, price_from_offer, item_price):
        assert "price_cases.tsv" in function.__doc__
    assert "price_cases.tsv" in price_module.__doc__ and "test_price.py" in price_module.__doc__


@pytest.mark.parametrize("text", [None, "", "   "])
def test_nothing_states_no_price(text):
    assert parse_price(text) is None
    assert parse_price(text, field=True) is None


def test_every_function_gives_the_listing_model():
    assert isinstance(parse_price("1일 3,000원"), Price)
    assert isinstance(price_from_offer(3000, "KRW", "DAY"), Price)
    assert isinstance(item_price("3000 KRW", "1일 3,000원"), Price)


def test_offer_prices_of_every_numeric_type():
    from decimal import Decimal

    assert price_from_offer(Decimal("3000.50"), "KRW").amount == 3001
    assert price_from_offer(math.inf, "KRW") is None
    assert price_from_offer(3000, None, "").unit is None


HOSTILE_PRICE_TEXTS = [
    "1" * 20000, "1 " * 10000, "1,000 " * 3000, "1만 " * 5000, "원" * 20000, "무료 " * 5000, "free " * 5000,
    "보증금 " * 4000, "구민 " * 5000, "1일 " * 5000, "~1 " * 5000, "₩" * 20000, "$1-" * 5000, "(" * 20000,
    "1일 3,000원 " * 2000, "구민 무료, 1시간 5,000원 (보증금 1만원) " * 500,
]


# A hang guard, not a speed figure (bench/normalize_speed.py prints those): a scan linear in the text reads
# these 200,000 characters in about a second, a backtracking regex would need hours.
@pytest.mark.timeout(60)
@pytest.mark.parametrize("text", [text * 10 for text in HOSTILE_PRICE_TEXTS], ids=[t[:8] for t in HOSTILE_PRICE_TEXTS])
def test_long_texts_do_not_hang_the_price_parser(text):
    for field in (False, True):
        price = parse_price(text, field=field)
        assert price is None or isinstance(price, Price)
