"""Normalization speed: microseconds per call of the pure functions on common and on hostile input. Prints figures.

    .venv/bin/python bench/normalize_speed.py [--seconds 0.5]

Common forms are what partners send every day (dates in RFC 822, ISO 8601 and Korean; prices like
"1일 3,000원"; addresses; categories). Hostile forms are 20,000-character texts built to make a
backtracking regex take seconds; linear scans read them in milliseconds. The tests only guard
against hangs; this is where the figures live.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.normalize.category import categorize  # noqa: E402
from crawler.normalize.location import locate  # noqa: E402
from crawler.normalize.price import parse_price  # noqa: E402
from crawler.normalize.text import detect_language, find_contact, find_opening_hours  # noqa: E402
from crawler.normalize.timeparse import parse_time  # noqa: E402

COMMON = {
    "parse_time": (parse_time, ["Thu, 20 Nov 2026 14:00:00 +0900", "2026-11-20T14:00:00+09:00",
                                "2026년 11월 20일", "2026.11.20", "3일 전"]),
    "parse_price": (parse_price, ["3,000원", "1일 3,000원", "시간당 5,000원", "1만 5천원", "무료", "free for students",
                                  "보증금 1만원, 1박 10,000원"]),
    "locate": (lambda text: locate(lat=None, lon=None, address=text, text=None),
               ["서울특별시 마포구 망원로 45", "서울 노원구", "Mapo-gu, Seoul", "경기도 성남시 분당구"]),
    "locate (coordinates)": (lambda point: locate(lat=point[0], lon=point[1], address=None, text=None),
                             [(37.5563, 126.9220), (37.6542, 127.0568), (37.4979, 127.0276)]),
    "categorize (label)": (lambda label: categorize([label], "전동드릴", None), ["공구", "유아용품", "카셰어링"]),
    "categorize (title)": (lambda title: categorize([], title, None),
                           ["전동드릴 대여", "카셰어링 쏘카", "회의실 대관", "Kids bicycle", "무료 법률 상담"]),
    "categorize (summary)": (lambda summary: categorize([], "A룸", summary),
                             [("망원1동 공유센터에서 빌려 드립니다. 배터리 2개와 충전기가 포함되어 있고 반납은 7일 이내에 "
                               f"해 주세요. 상태 좋음 {i}. ") * 4 for i in range(50)]),
}

HOSTILE_PRICE = ["1 " * 10000, "1,000 " * 3000, "~1 " * 5000, "$1-" * 5000, "1일 3,000원 " * 2000,
                 "구민 무료, 1시간 5,000원 (보증금 1만원) " * 500]
HOSTILE_TEXT = ("<p>전동드릴 대여 1일 3,000원, 평일 09:00~18:00, 문의 02-123-4567 info@a.example</p>" * 200
                + "1-2-3-4-5-6-7-8-9 " * 200)


def per_call(function, inputs, seconds: float) -> float:
    calls, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for value in inputs:
            function(value)
        calls += len(inputs)
    return (time.perf_counter() - started) / calls


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.5, help="time spent per measured function")
    args = parser.parse_args(argv)

    print("common input (µs per call)")
    for name, (function, inputs) in COMMON.items():
        print(f"  {name:22} {per_call(function, inputs, args.seconds) * 1e6:9.1f}")
    print("hostile input, ~20,000 characters (ms per call)")
    for text in HOSTILE_PRICE:
        print(f"  parse_price {text[:14]!r:20} {per_call(parse_price, [text], args.seconds) * 1e3:9.1f}")
    finders = {"detect_language": detect_language, "find_contact": find_contact,
               "find_opening_hours": find_opening_hours}
    for name, function in finders.items():
        print(f"  {name:32} {per_call(function, [HOSTILE_TEXT], args.seconds) * 1e3:9.1f}")


if __name__ == "__main__":
    main()
