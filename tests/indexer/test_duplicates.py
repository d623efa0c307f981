"""The cross-platform duplicate rules (indexer.duplicates), table-style: pairs in, verdict out."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from indexer.duplicates import (MAX_TERM_LISTINGS, Candidate, candidate_pairs, find_clusters, same_thing,
                                title_numbers, title_words, titles_match)

KST = timezone(timedelta(hours=9))
MANGWON = (37.5559, 126.9010)          # 망원1동
NEARBY = (37.5563, 126.9013)           # about 50 m away
NEXT_DONG = (37.5567, 126.9106)        # about 850 m away


def at(point, metres_north=0.0):
    return point[0] + metres_north * 0.9e-5, point[1]


# (title A, title B, do they name the same thing)
TITLE_CASES = [
    ("전동드릴 대여 (충전식 18V)", "충전식 전동드릴 18V 빌려드려요", True),
    ("고압세척기", "고압 세척기 대여 (호스 10m)", True),                 # spacing aside; details on one side
    ("빔프로젝터", "빔 프로젝터 대여 (HDMI)", True),
    ("공유주방 대관", "공유 주방 대여", True),                            # generic words do not count
    ("캠핑 텐트 (4인용)", "4인용 캠핑텐트 대여", True),
    ("카시트 (신생아용)", "신생아 카시트 대여", True),                    # 신생아용 = 신생아
    ("여행용 캐리어 28인치", "28인치 여행 캐리어 대여", True),
    ("Practice room for bands", "Band practice room", True),              # plural folding, word order
    ("Pottery workshop for beginners", "Beginners' pottery workshop", True),
    ("나눔카 쏘나타 하이브리드", "쏘나타 하이브리드 카셰어링", True),      # how a car is shared is not what it is
    ("줄자·수평계 세트", "줄자 수평계 세트 대여", True),
    ("한복 대여 (여성용)", "한복 대여 (남성용)", False),                  # details on both sides that disagree
    ("보드게임 (카탄)", "보드게임 (스플렌더)", False),
    ("무선 청소기", "로봇 청소기", False),
    ("그림책 꾸러미 (10권)", "영어 그림책 꾸러미 (10권)", False),        # a main word the other lacks
    ("빔프로젝터", "프로젝터 스크린 100인치", False),
    ("Camping stove", "Camping lantern", False),
    ("Hedge trimmer", "Cordless hedge trimmer", False),                   # missed on purpose: cordless may matter
    ("시니어 스마트폰 교실", "어르신 스마트폰 교실", False),               # synonyms are not guessed
    ("대여", "무료 대여", False),                                          # nothing but generic words
    ("art class", "party class", False),                                   # a Latin word is a word, not a substring
]


@pytest.mark.parametrize("a, b, same", TITLE_CASES, ids=[f"{a}|{b}" for a, b, _ in TITLE_CASES])
def test_titles_match(a, b, same):
    assert titles_match(a, b) is same
    assert titles_match(b, a) is same


@pytest.mark.parametrize("title, main, detail", [
    ("전동드릴 대여 (충전식 18V)", ["전동드릴"], ["충전식", "18v"]),
    ("Camping tents [4 people]", ["camping", "tent"], ["people"]),
    ("공구세트 (가정용)", ["공구세트"], ["가정"]),
    ("무료 나눔", [], []),
])
def test_title_words(title, main, detail):
    assert title_words(title) == (main, detail)


@pytest.mark.parametrize("title, numbers", [
    ("캠핑 텐트 (4인용)", {"4"}), ("전동드릴 18V", {"18"}), ("Room #12", {"12"}), ("3,000원 1일", {"3000", "1"}),
    ("유모차", set()),
])
def test_title_numbers(title, numbers):
    assert title_numbers(title) == numbers


def thing(id_, platform, title, point=MANGWON, **kw):
    lat, lon = point if point else (None, None)
    defaults = {"category": "tools", "district": "11440", "dong": "망원1동", "url": f"https://{platform}.example/{id_}"}
    return Candidate(id=id_, platform=platform, title=title, lat=lat, lon=lon, **{**defaults, **kw})


DRILL = thing("a", "alpha", "전동드릴 대여 (충전식 18V)")
EVENING = datetime(2026, 12, 12, 19, 0, tzinfo=KST)

# (B, is it DRILL's same thing, why) — one fact changed at a time
PAIR_CASES = [
    (thing("b", "beta", "충전식 전동드릴 18V", NEARBY), True, "near, same words"),
    (thing("b", "beta", "충전식 전동드릴 18V", None), True, "no coordinates, same dong"),
    (thing("b", "beta", "충전식 전동드릴 18V", None, dong=None), False, "no coordinates, district only"),
    (thing("b", "beta", "충전식 전동드릴 18V", None, dong="망원2동"), False, "another dong"),
    (thing("b", "beta", "충전식 전동드릴 18V", NEXT_DONG), False, "another branch 850 m away"),
    (thing("b", "beta", "충전식 전동드릴 18V", at(MANGWON, 240)), True, "240 m: the same building's two geocodes"),
    (thing("b", "beta", "충전식 전동드릴 18V", at(MANGWON, 300)), False, "300 m"),
    (thing("b", "beta", "충전식 전동드릴 12V", NEARBY), False, "another voltage"),
    (thing("b", "beta", "충전식 전동드릴", NEARBY), True, "no number stated"),
    (thing("b", "beta", "충전식 전동드릴 18V", NEARBY, category="goods"), False, "another category"),
    (thing("b", "beta", "충전식 전동드릴 18V", NEARBY, category=None), True, "no category stated"),
    (thing("b", "alpha", "충전식 전동드릴 18V", NEARBY), False, "the same platform"),
    (thing("b", "beta", "원형톱 대여", NEARBY), False, "another tool at the same library"),
    (thing("b", "beta", "다른 이름", NEXT_DONG, url=DRILL.url, category="goods"), True, "the same page"),
    (thing("b", "beta", "충전식 전동드릴 18V", NEARBY, starts_at=EVENING), False, "one has a start time"),
]


@pytest.mark.parametrize("other, same, why", PAIR_CASES, ids=[c[2] for c in PAIR_CASES])
def test_same_thing(other, same, why):
    assert (same_thing(DRILL, other) is not None) is same
    assert (same_thing(other, DRILL) is not None) is same


def test_events_match_on_their_start_time():
    a = thing("a", "alpha", "목공 원데이 클래스", category="talent", starts_at=EVENING)
    assert same_thing(a, thing("b", "beta", "원데이 목공 클래스", NEARBY, category="talent",
                               starts_at=EVENING + timedelta(minutes=30)))
    assert not same_thing(a, thing("b", "beta", "원데이 목공 클래스", NEARBY, category="talent",
                                   starts_at=EVENING + timedelta(days=7)))


def test_same_thing_says_why():
    assert same_thing(DRILL, thing("b", "beta", "충전식 전동드릴 18V", None)) == "same title words, both in 망원1동"
    assert same_thing(DRILL, thing("b", "beta", "x", url=DRILL.url)) == "same page"


def test_clusters_hold_one_listing_per_platform_and_take_the_smallest_id():
    listings = [
        thing("m", "alpha", "전동드릴 (충전식 18V)"),
        thing("k", "beta", "충전식 전동드릴 18V", NEARBY),
        thing("z", "gamma", "전동드릴 대여 18V", None),
        # A second drill of beta at the same place: it cannot join, beta is in the cluster already.
        thing("c", "beta", "전동드릴 18V 충전식", NEARBY),
        thing("x", "delta", "원형톱", NEARBY),
    ]
    clusters = find_clusters(listings)
    assert clusters["m"] == clusters["z"] == min("m", "z", clusters["m"])
    assert len({clusters[i] for i in clusters}) == 1
    assert sum(1 for i in ("k", "c") if i in clusters) == 1
    assert "x" not in clusters
    assert set(clusters.values()) == {min(clusters)}


def test_alone_means_no_cluster():
    assert find_clusters([DRILL, thing("b", "beta", "원형톱", NEARBY)]) == {}
    assert find_clusters([]) == {}


def test_only_rare_title_terms_and_other_platforms_make_pairs_to_compare():
    common = [thing(f"c{n}", f"p{n % 3}", f"공구 {n}호") for n in range(MAX_TERM_LISTINGS + 5)]
    # "공구" is in every title of the block: it does not pair them up (the numbers would differ anyway).
    assert candidate_pairs(common) == set()
    rare = [thing("r1", "alpha", "고압세척기"), thing("r2", "alpha", "고압세척기 (호스)"),
            thing("r3", "beta", "고압 세척기")]
    pairs = candidate_pairs(common + rare)
    n = len(common)
    assert pairs == {(n, n + 2), (n + 1, n + 2)}  # never r1-r2: one platform
    # Different districts are different blocks.
    assert candidate_pairs([thing("a", "alpha", "고압세척기"), thing("b", "beta", "고압세척기", district="11110")]) == set()
