"""How bench/labels/items.jsonl was drafted: the simulator's ground truth plus hand tables.

The simulator knows each item's district, whether it is free, its start time and the fee phrase it
wrote; what a citizen should read from a phrase (amount, unit, count) and which category an item
belongs to are labelled here by hand, in the tables below. Run once, then review items.jsonl;
the reviewed file is the source of truth (bench/normalize_accuracy.py reads only it).

    .venv/bin/python bench/labels/make_labels.py > bench/labels/items.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.partners import PartnerSimulator  # noqa: E402

# fee phrase -> (amount, unit, unit_count); free phrases -> (0, None, None)
FEES = {
    "1시간 10,000원": (10000, "hour", 1), "1시간 12,000원": (12000, "hour", 1), "1시간 15,000원": (15000, "hour", 1),
    "1시간 20,000원": (20000, "hour", 1), "1시간 3,000원": (3000, "hour", 1), "1시간 5,000원": (5000, "hour", 1),
    "1시간 8,000원": (8000, "hour", 1), "1시간 1,000원": (1000, "hour", 1), "1시간 2,000원": (2000, "hour", 1),
    "1일 120,000원": (120000, "day", 1), "1일 200,000원": (200000, "day", 1), "1일 300,000원": (300000, "day", 1),
    "1일 80,000원": (80000, "day", 1), "1일 1,000원": (1000, "day", 1), "1일 2,000원": (2000, "day", 1),
    "1일 3,000원": (3000, "day", 1), "3일 10,000원": (10000, "day", 3), "3일 5,000원": (5000, "day", 3),
    "3일 8,000원": (8000, "day", 3),
    "1회 10,000원": (10000, "once", 1), "1회 15,000원": (15000, "once", 1), "1회 20,000원": (20000, "once", 1),
    "1회 30,000원": (30000, "once", 1), "1회 3,000원": (3000, "once", 1), "1회 5,000원": (5000, "once", 1),
    "재료비 1인 10,000원": (10000, "once", 1), "재료비 1인 15,000원": (15000, "once", 1),
    "재료비 1인 3,000원": (3000, "once", 1), "재료비 1인 5,000원": (5000, "once", 1),
    "10,000 won per month": (10000, "month", 1), "15,000 won per month": (15000, "month", 1),
    "1개월 10,000원": (10000, "month", 1), "1개월 15,000원": (15000, "month", 1),
    "1회 대여 10,000원": (10000, "once", 1), "1회 대여 5,000원": (5000, "once", 1), "1회 대여 8,000원": (8000, "once", 1),
    "2주 대여 3,000원": (3000, "week", 2), "2주 대여 5,000원": (5000, "week", 2), "2주 대여 8,000원": (8000, "week", 2),
    "5,000 won for two weeks": (5000, "week", 2), "8,000 won for two weeks": (8000, "week", 2),
    "5,000 won per rental": (5000, "once", 1), "8,000 won per rental": (8000, "once", 1),
    "무료": (0, None, None), "무료 나눔": (0, None, None), "참가비 무료": (0, None, None),
    "free to a good home": (0, None, None),
}
for night in ("야간(18시~22시) 1시간 ",):  # a night rate is still an hourly price
    for amount in (3000, 5000, 8000, 10000, 12000, 15000, 20000):
        FEES[f"{night}{amount:,}원"] = (amount, "hour", 1)

GOODS = {  # title -> (category, amount, unit, unit_count); the fee is in the description's prose
    "전동드릴 대여 (충전식 18V)": ("tools", 3000, "day", 1),
    "Cordless drill for loan": ("tools", 0, None, None),
    "가정용 공구세트 (38종) & 공구함": ("tools", 0, None, None),
    '접이식 사다리 "2단" AND (높이 조절': ("tools", 1000, "day", 1),
    "유모차 (휴대용 절충형)": ("kids", 2000, "day", 1),
    "캠핑텐트 4인용 (원터치)": ("goods", 5000, "day", 1),
    "Camping tent 4-person": ("goods", 5000, "day", 1),
    "한복 대여 (여아 120호)": ("clothes", 10000, "once", 1),
    "장우산 (대형, 자동)": ("goods", 0, None, None),
    "아이스박스 45L": ("goods", 2000, "day", 1),
    "카시트 (신생아~4세)": ("kids", 5000, "week", 1),
    "Electric sewing machine": ("goods", 3000, "day", 1),
}
CARS = {  # summary prefix -> (amount, unit, count): the first rate is the price
    "Hongik": (2400, "minute", 10), "Sinchon": (1100, "minute", 10), "강남역": (1200, "minute", 10),
    "노원역": (14500, "hour", 1), "망원시장": (790, "minute", 10), "성수역": (850, "minute", 10),
    "역삼역": (1350, "minute", 10), "잠실역": (9900, "hour", 1), "잠실종합운동장": (15900, "hour", 1),
    "종로3가역": (1290, "minute", 10), "천호역": (8800, "hour", 1),
}
TOOLS_CATEGORY = {"전동공구": "tools", "수공구": "tools", "청소": "tools", "공예": "tools", "원예": "tools",
                  "생활": "goods", "캠핑": "goods"}


def price(amount, unit, count):
    return {"price_amount": amount, "price_unit": unit, "price_unit_count": count, "is_free": amount == 0}


def rows(sim):
    for item in sim.items("goods"):
        if item["invalid"] or item["title"] not in GOODS:
            continue
        category, *fee = GOODS[item["title"]]
        yield "goods", item, {"category": category, "district": item["district"], **price(*fee)}
    for item in sim.items("cars"):
        if item["invalid"]:
            continue
        fee = next(v for k, v in CARS.items() if (item.get("summary") or "").startswith(k))
        yield "cars", item, {"category": "car", "district": item["district"], **price(*fee)}
    for item in sim.items("spaces")[::3]:
        if item["invalid"]:
            continue
        yield "spaces", item, {"category": "space", "district": item["district"], **price(*FEES[item["price_ko"]])}
    for item in sim.items("events"):
        if item["invalid"]:
            continue
        yield "events", item, {"category": "talent", "district": item["district"],
                               "starts_at": item["starts"].isoformat(), **price(*FEES[item["fee_ko"]])}
    for item in sim.items("homes"):
        if item["invalid"] or item.get("unlisted"):
            continue
        shared = any(w in item["title"].lower() for w in ("셰어하우스", "share house"))
        yield "homes", item, {"category": "housing" if shared else "lodging", "district": item["district"],
                              **price(item["price"], "night" if item["price"] else None, 1 if item["price"] else None)}
    for item in sim.items("tools"):
        if item["invalid"]:
            continue
        yield "tools", item, {"category": TOOLS_CATEGORY[item["category"]], "district": item["district"],
                              **price(*FEES[item["fee"]])}
    for item in sim.items("kids"):
        if item["invalid"]:
            continue
        yield "kids", item, {"category": "kids", "district": item["district"], **price(*FEES[item["phrase"]])}


def main() -> None:
    with PartnerSimulator() as sim:
        for partner, item, expect in rows(sim):
            print(json.dumps({"partner": partner, "id": item["id"], "path": item["path"], "title": item["title"],
                              "expect": expect}, ensure_ascii=False))


if __name__ == "__main__":
    main()
