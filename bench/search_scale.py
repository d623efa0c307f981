"""Search at scale: index throughput, on-disk size and query latency with facets, per engine. Prints figures.

    make bench
    .venv/bin/python bench/search_scale.py [--sizes 100000,1000000] [--engines sqlite,elasticsearch]
        [--search-url http://127.0.0.1:9200] [--keep DIR] [--queries 200] [--warmup 20]
        [--batch 2000] [--seed 20261201] [--slowest 5] [--json FILE]

For each size and engine it builds a synthetic catalog of Seoul sharing listings from scratch and
prints:

- index: docs, seconds spent in `engine.index(batch)` and docs/s (building the documents is
  timed apart and not counted);
- on disk: SQLite, the search.sqlite3 file plus its -wal; Elasticsearch, the store size of the
  index's primaries (`indices.stats`) after a refresh and after its background merges have
  finished (the bench waits for them, and prints how long: queries timed while the node still
  merges a million fresh documents on the same two cores measure the bulk load, not the search);
- latency of `--queries` realistic queries (after `--warmup` untimed others): p50/p95/p99/max of
  the whole `engine.search()` call, which computes facet counts every time, the mean and the
  largest number of matches (result.total), the same figures by kind of query, and the slowest
  queries with their times and match counts;
- which filters and sorts an engine did not apply, found by checking the hits it returned (the
  query model can say more than every engine answers yet: the time of such a query is the time of
  what the engine did).

Nothing is asserted: timings are figures, and they follow the machine's load of the moment (the
load average is printed first). The process exits 0 unless an engine could not run at all.

The catalog (deterministic for a seed, streamed in batches; never held in memory): the 16
categories of config/categories.toml, every dong of the 25 districts (the listing carries the
dong's Korean name, its district code and coordinates a few hundred metres around the dong's
point), about 20 % English titles and summaries, about 150 category-appropriate Korean item words
with Zipf-like frequencies, so that a broad two-syllable word (대여, 공구, 대관) matches about 4-5 % of
the listings and a rare one a handful; 30 % free, otherwise 1,000-200,000 KRW per hour, day, night,
month or once; published over the year before 2026-12-01; about 15 % with starts_at/ends_at (events,
booking windows, some already past); 12 platforms with their own source ids; half with an HTML
description. There are no duplicate clusters (see --clustered to add some: it changes the SQLite
engine's query plan).

The queries (deterministic too): 1-3 words, Korean two-syllable words (the broad ones included, and
repeated as popular queries are), longer Korean words, Korean phrases, English words; about half
with filters: category, district, dong, free, a price range, near a dong with radius_km 2-5 and
sort=distance; some sorted newest or by price, a few on page 2. Every query hides what ended before
the catalog's "today" (`ended_before`), as the portal's searches do by default.

Elasticsearch uses the alias `sharehub-bench` (dropped before each size and at the end); SQLite a
temporary folder, or `--keep DIR` (DIR/sqlite-SIZE/search.sqlite3 is left there).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform as platform_module
import random
import shutil
import subprocess
import sys
import tempfile
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import accumulate, islice
from pathlib import Path
from typing import Any, Iterator

from config import load_settings
from config.reference import categories, districts, dongs
from indexer.listing import Listing, Price, search_document
from indexer.search import SearchError, SearchQuery, open_search
from indexer.search.query import available_until, effective_price, haversine_km

ES_ALIAS = "sharehub-bench"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)   # the catalog's "today": fixed, for reproducibility
TARGETS = {"sqlite": {"p95_ms": 50.0, "docs_per_s": 10_000.0}, "elasticsearch": {"p95_ms": 30.0}}
TARGET_SIZE = 1_000_000

# -- vocabulary ---------------------------------------------------------------------------------
# Per category: its share of the catalog, its items (Korean, English; most common first, drawn with
# Zipf-like weights), what a title says is done with them (Korean and English, with weights), the
# usual price unit and the verb of the summary's first sentence.
VOCABULARY: dict[str, dict[str, Any]] = {
    "space": {
        "share": 14.0, "unit": "hour", "verb": ("예약할 수 있습니다", "book"),
        "items": [("회의실", "meeting room"), ("강의실", "lecture room"), ("세미나실", "seminar room"),
                  ("공유주방", "shared kitchen"), ("연습실", "practice room"), ("다목적실", "multipurpose room"),
                  ("스터디룸", "study room"), ("파티룸", "party room"), ("강당", "auditorium"),
                  ("음악연습실", "music practice room"), ("공유오피스", "coworking office"), ("체육관", "gym"),
                  ("풋살장", "futsal court"), ("전시실", "exhibition room"), ("작업실", "studio"),
                  ("교육장", "training room"), ("테니스장", "tennis court")],
        "actions": [("대관", 4.0), ("예약", 2.0), ("공간대여", 0.4), ("개방", 0.6), ("무료 대관", 0.3),
                    ("", 3.0)],
        "actions_en": ["for rent", "booking", "to hire", "open to residents", ""],
    },
    "goods": {
        "share": 12.0, "unit": "day", "verb": ("빌릴 수 있습니다", "borrow"),
        "items": [("캠핑텐트", "camping tent"), ("텐트", "tent"), ("빔프로젝터", "projector"),
                  ("아이스박스", "cooler box"), ("제습기", "dehumidifier"), ("청소기", "vacuum cleaner"),
                  ("재봉틀", "sewing machine"), ("캠핑의자", "camping chair"), ("파티용품", "party supplies"),
                  ("보드게임", "board game"), ("여행가방", "suitcase"), ("돗자리", "picnic mat"),
                  ("캠핑용품", "camping gear"), ("운동기구", "exercise equipment"), ("김장매트", "kimchi mat")],
        "actions": [("대여", 0.5), ("빌려드려요", 1.5), ("나눔", 0.5), ("같이 써요", 0.8), ("물품대여", 0.2),
                    ("", 3.0)],
        "actions_en": ["for rent", "to lend", "to share", "free to borrow", ""],
    },
    "tools": {
        "share": 9.0, "unit": "day", "verb": ("빌릴 수 있습니다", "borrow"),
        "items": [("전동드릴", "power drill"), ("공구세트", "tool set"), ("사다리", "ladder"),
                  ("임팩트드릴", "impact drill"), ("원형톱", "circular saw"), ("그라인더", "grinder"),
                  ("글루건", "glue gun"), ("고압세척기", "pressure washer"), ("망치", "hammer"),
                  ("줄자", "tape measure"), ("수평계", "spirit level"), ("직소", "jigsaw"),
                  ("전동공구", "power tools"), ("타카", "staple gun"), ("육각렌치", "hex key set")],
        "actions": [("대여", 0.4), ("빌려드려요", 1.2), ("공구대여", 0.5), ("나눔", 0.3), ("", 3.0)],
        "extra": ("마을 공구함에서 언제든 빌릴 수 있습니다.", "Members of the tool library borrow for free.", 0.5),
        "actions_en": ["for rent", "to lend", "tool library", ""],
    },
    "kids": {
        "share": 9.0, "unit": "day", "verb": ("빌릴 수 있습니다", "borrow"),
        "items": [("유모차", "stroller"), ("장난감", "toys"), ("카시트", "car seat"), ("아기띠", "baby carrier"),
                  ("보행기", "baby walker"), ("유아용품", "baby goods"), ("아동복", "kids clothes"),
                  ("바운서", "baby bouncer"), ("어린이 킥보드", "kids scooter"), ("돌잔치 소품", "first birthday props"),
                  ("그림책 꾸러미", "picture book bundle"), ("아기침대", "baby cot")],
        "actions": [("대여", 0.5), ("나눔", 0.7), ("물려드려요", 1.0), ("교환", 0.5), ("", 3.0)],
        "actions_en": ["to lend", "free", "hand-me-down", "swap", ""],
    },
    "clothes": {
        "share": 5.0, "unit": "day", "verb": ("빌릴 수 있습니다", "borrow"),
        "items": [("정장", "suit"), ("면접정장", "interview suit"), ("한복", "hanbok"), ("드레스", "dress"),
                  ("턱시도", "tuxedo"), ("졸업가운", "graduation gown"), ("아동한복", "kids hanbok"),
                  ("코스튬", "costume"), ("교복", "school uniform")],
        "actions": [("대여", 0.6), ("무료 대여", 0.3), ("나눔", 0.4), ("빌려드립니다", 1.0), ("", 3.0)],
        "actions_en": ["rental", "free rental", "to lend", ""],
    },
    "books": {
        "share": 6.0, "unit": "once", "verb": ("빌려 볼 수 있습니다", "borrow"),
        "items": [("도서", "books"), ("그림책", "picture books"), ("동화책", "storybooks"), ("만화책", "comics"),
                  ("중고책", "used books"), ("공유서가", "shared bookshelf"), ("마을책꽂이", "neighbourhood bookshelf"),
                  ("전자책", "e-books"), ("잡지", "magazines"), ("참고서", "study guides")],
        "actions": [("나눔", 0.6), ("대출", 1.5), ("교환", 1.0), ("무료 나눔", 0.2), ("", 3.0)],
        "actions_en": ["to share", "to borrow", "swap", "free", ""],
    },
    "car": {
        "share": 6.0, "unit": "hour", "verb": ("이용할 수 있습니다", "use"),
        "items": [("카셰어링", "car sharing"), ("나눔카", "shared car"), ("전기차", "electric car"),
                  ("승합차", "van"), ("경차", "compact car"), ("캠핑카", "camper van"), ("공유차량", "shared vehicle"),
                  ("트럭", "truck"), ("카풀", "carpool")],
        "actions": [("이용", 1.5), ("예약", 1.5), ("할인", 0.5), ("대여", 0.3), ("", 3.0)],
        "actions_en": ["booking", "hourly", "discount", ""],
    },
    "bike": {
        "share": 5.0, "unit": "hour", "verb": ("이용할 수 있습니다", "ride"),
        "items": [("자전거", "bicycle"), ("따릉이", "Ttareungyi bike"), ("전기자전거", "e-bike"),
                  ("어린이자전거", "kids bike"), ("공유자전거", "shared bike"), ("카고자전거", "cargo bike"),
                  ("접이식자전거", "folding bike")],
        "actions": [("대여소", 0.5), ("이용", 1.0), ("대여", 0.3), ("", 3.0)],
        "actions_en": ["rental", "station", "hourly", ""],
    },
    "mobility": {
        "share": 3.0, "unit": "minute", "verb": ("이용할 수 있습니다", "ride"),
        "items": [("전동킥보드", "e-scooter"), ("킥보드", "kick scooter"), ("셔틀버스", "shuttle bus"),
                  ("전동휠체어", "power wheelchair"), ("스쿠터", "scooter")],
        "actions": [("이용", 1.0), ("운행", 1.0), ("대여", 0.3), ("", 3.0)],
        "actions_en": ["rides", "service", ""],
    },
    "parking": {
        "share": 6.0, "unit": "month", "verb": ("이용할 수 있습니다", "use"),
        "items": [("주차장", "parking lot"), ("공유주차장", "shared parking"), ("주차공간", "parking space"),
                  ("거주자우선주차", "resident parking"), ("주차면", "parking spot"), ("부설주차장", "building car park")],
        "actions": [("공유", 1.5), ("개방", 1.0), ("월주차", 0.5), ("시간제", 0.5), ("", 3.0)],
        "actions_en": ["to share", "monthly", "hourly", ""],
    },
    "housing": {
        "share": 5.0, "unit": "month", "verb": ("에서 함께 살 수 있습니다", "live in"),
        "items": [("셰어하우스", "share house"), ("홈셰어", "home share"), ("룸셰어", "room share"),
                  ("빈방", "spare room"), ("공유주택", "shared housing"), ("사회주택", "social housing"),
                  ("원룸", "studio flat")],
        "actions": [("입주자 모집", 1.5), ("룸메이트 구함", 1.0), ("모집", 1.0), ("", 3.0)],
        "actions_en": ["room available", "roommate wanted", "move in now", ""],
    },
    "lodging": {
        "share": 4.0, "unit": "night", "verb": ("에서 묵을 수 있습니다", "stay at"),
        "items": [("한옥스테이", "hanok stay"), ("게스트하우스", "guesthouse"), ("도시민박", "urban homestay"),
                  ("홈스테이", "homestay"), ("템플스테이", "templestay"), ("글램핑", "glamping"),
                  ("게스트룸", "guest room")],
        "actions": [("예약", 1.5), ("숙박", 1.0), ("할인", 0.5), ("1박", 0.5), ("", 3.0)],
        "actions_en": ["booking", "per night", "weekend deal", ""],
    },
    "talent": {
        "share": 9.0, "unit": "once", "verb": ("에 참여할 수 있습니다", "join"),
        "items": [("원데이클래스", "one-day class"), ("요리교실", "cooking class"), ("재능나눔", "talent sharing"),
                  ("재능기부", "skill donation"), ("코딩교실", "coding class"), ("기타레슨", "guitar lesson"),
                  ("공예수업", "craft class"), ("목공교실", "woodworking class"), ("멘토링", "mentoring"),
                  ("워크숍", "workshop"), ("외국어 교환", "language exchange"), ("수리카페", "repair café"),
                  ("그림교실", "drawing class")],
        "actions": [("수강생 모집", 1.5), ("참가자 모집", 1.0), ("신청", 1.0), ("무료 강좌", 0.3), ("체험", 0.5),
                    ("", 2.0)],
        "actions_en": ["sign up", "participants wanted", "free class", ""],
    },
    "info": {
        "share": 1.5, "unit": None, "verb": ("확인할 수 있습니다", "check"),
        "items": [("공유지도", "sharing map"), ("공공데이터", "open data"), ("생활정보", "local info"),
                  ("나눔지도", "giving map"), ("공유누리", "sharing portal")],
        "actions": [("안내", 1.5), ("공개", 0.5), ("업데이트", 0.5), ("", 2.0)],
        "actions_en": ["guide", "update", ""],
    },
    "time": {
        "share": 2.0, "unit": "once", "verb": ("에 참여할 수 있습니다", "join"),
        "items": [("시간은행", "time bank"), ("봉사활동", "volunteering"), ("자원봉사", "volunteer work"),
                  ("시간나눔", "time sharing"), ("재능봉사", "skill volunteering")],
        "actions": [("참여자 모집", 1.5), ("모집", 1.0), ("교환", 0.5), ("", 2.0)],
        "actions_en": ["volunteers wanted", "sign up", ""],
    },
    "public_items": {
        "share": 3.5, "unit": "day", "verb": ("빌릴 수 있습니다", "borrow"),
        "items": [("우산", "umbrella"), ("장우산", "long umbrella"), ("라돈측정기", "radon meter"),
                  ("백일상", "100-day table set"), ("돌상", "first birthday table"), ("휠체어", "wheelchair"),
                  ("양산", "parasol"), ("공공 생활물품", "public items")],
        "actions": [("대여", 0.5), ("무료 대여", 0.4), ("빌려드려요", 1.0), ("", 3.0)],
        "actions_en": ["free to borrow", "lending", ""],
    },
}

# Platforms: name, the categories they publish (with weights) and how many sources they have.
PLATFORMS: list[tuple[str, dict[str, float], int]] = [
    ("서울시 공공서비스예약", {"space": 5, "talent": 2, "goods": 1, "parking": 1}, 3),
    ("공유서울 물품대여", {"goods": 4, "tools": 1, "public_items": 2, "kids": 1, "clothes": 1}, 2),
    ("마을공구도서관", {"tools": 5, "goods": 1}, 2),
    ("장난감도서관", {"kids": 5, "books": 1}, 1),
    ("열린옷장", {"clothes": 5}, 1),
    ("나눔카", {"car": 5}, 1),
    ("따릉이", {"bike": 5, "mobility": 1}, 1),
    ("모두의주차장", {"parking": 5}, 1),
    ("셰어하우스우주", {"housing": 5, "lodging": 1}, 1),
    ("위홈", {"lodging": 5, "housing": 1}, 1),
    ("재능나눔터", {"talent": 5, "time": 2, "books": 1}, 2),
    ("공유누리", {"info": 3, "space": 2, "goods": 1, "books": 1, "time": 1, "public_items": 1, "mobility": 1}, 2),
]

ADJ_KO = ["깨끗한", "새 제품", "가정용", "소형", "대형", "주말", "평일", "저렴한", "동네", "마을", "구립", "주민센터"]
ADJ_EN = ["clean", "new", "small", "large", "weekend", "weekday", "cheap", "neighbourhood", "community"]
FILLER_KO = [
    "이용 시간은 평일 09:00~18:00입니다.", "신분증을 지참해 주세요.", "사용 후 깨끗하게 반납해 주세요.",
    "최대 3일까지 이용 가능합니다.", "온라인으로 신청한 뒤 방문해 주세요.", "보증금이 있습니다.",
    "주민이 아니어도 이용할 수 있습니다.", "파손 시 수리비가 청구됩니다.", "주말에는 운영하지 않습니다.",
    "선착순으로 마감됩니다.", "문의는 전화로 부탁드립니다.", "지하철역에서 걸어서 5분 거리입니다.",
    "사전 예약은 필수입니다.", "수량이 한정되어 있습니다.", "반려동물 동반은 어렵습니다.",
    "처음 오시는 분은 회원가입이 필요합니다.", "엘리베이터가 있습니다.", "아이와 함께 오셔도 됩니다.",
    "사용법을 알려 드립니다.", "상태가 아주 좋습니다.", "음식물 반입은 금지입니다.", "토요일 오전에도 엽니다.",
    "연장은 한 번만 됩니다.", "반납이 늦으면 다음 이용이 제한됩니다.", "장애인 화장실이 있습니다.",
]
FILLER_EN = [
    "Open weekdays 9am to 6pm.", "Please bring an ID.", "Return it clean after use.", "Up to three days.",
    "Book online, then come by.", "A small deposit applies.", "Open to everyone, not only residents.",
    "Closed on weekends.", "First come, first served.", "Five minutes on foot from the subway station.",
    "Limited numbers.", "We show you how to use it.", "In very good condition.", "Kids welcome.",
]
TAGS_KO = ["무료", "주민", "친환경", "가족", "주말", "초보환영", "공공", "동네"]


def _has_final(word: str) -> bool:
    last = word.rstrip()[-1:]
    return "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 != 0


def _object(word: str) -> str:
    """Word + the object particle Korean puts after it (을 after a final consonant, else 를)."""
    return word + ("을" if _has_final(word) else "를")


class _Weighted:
    """Deterministic weighted choice (bisect on cumulative weights; rng.choices is slower per call)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.items[min(bisect_right(self.cum, rng.random() * self.total), len(self.items) - 1)]


def _zipf(items, s: float = 1.0) -> _Weighted:
    return _Weighted(items, [1.0 / (rank + 1) ** s for rank in range(len(items))])


# -- the catalog ------------------------------------------------------------------------------------
class Catalog:
    """A deterministic stream of search documents for `n` listings."""

    def __init__(self, seed: int, clustered: float = 0.0):
        self.seed = seed
        self.clustered = clustered
        keys = list(categories())
        missing = set(keys) ^ set(VOCABULARY)
        if missing:
            raise SystemExit(f"bench: the vocabulary and config/categories.toml disagree on {sorted(missing)}")
        self.categories = _Weighted(keys, [VOCABULARY[k]["share"] for k in keys])
        self.items = {k: _zipf(v["items"]) for k, v in VOCABULARY.items()}
        self.actions = {k: _Weighted([a for a, _ in v["actions"]], [w for _, w in v["actions"]])
                        for k, v in VOCABULARY.items()}
        self.districts = districts()
        self.dongs = [d for d in dongs() if d.district in self.districts]
        self.platforms: dict[str, _Weighted] = {}
        self.sources: dict[str, list[int]] = {}
        source_id = 0
        for name, cats, n_sources in PLATFORMS:
            self.sources[name] = list(range(source_id + 1, source_id + 1 + n_sources))
            source_id += n_sources
        for key in keys:
            weights = {name: cats[key] for name, cats, _ in PLATFORMS if key in cats}
            self.platforms[key] = _Weighted(weights, weights.values())

    def documents(self, n: int) -> Iterator[dict[str, Any]]:
        rng = random.Random(self.seed)
        previous: dict[str, Any] | None = None
        for i in range(n):
            listing = self._listing(rng, i)
            doc = search_document(listing)
            if self.clustered and previous is not None and rng.random() < self.clustered:
                # The same thing on a second platform: both carry the first one's id as cluster.
                doc["cluster"] = previous["id"]
                doc["also_on"] = [{"id": previous["id"], "platform": previous["platform"],
                                   "url": previous["url"], "title": previous["title"]}]
            previous = doc
            yield doc

    def _listing(self, rng: random.Random, i: int) -> Listing:
        key = self.categories.pick(rng)
        vocab = VOCABULARY[key]
        item_ko, item_en = self.items[key].pick(rng)
        dong = rng.choice(self.dongs)
        district = self.districts[dong.district]
        english = rng.random() < 0.2
        if english:
            title, summary = self._english(rng, key, vocab, item_en, dong.name_en, district.name_en)
        else:
            title, summary = self._korean(rng, key, vocab, item_ko, dong.name_ko, district.name_ko)
        description = None
        if rng.random() < 0.5:
            extra = rng.sample(FILLER_EN if english else FILLER_KO, 2)
            description = f"<p>{summary}</p><p>{extra[0]}</p><ul><li>{extra[1]}</li></ul>"
        platform = self.platforms[key].pick(rng)
        source_id = rng.choice(self.sources[platform])
        published = NOW - timedelta(seconds=rng.randrange(365 * 86400))
        starts = ends = None
        if rng.random() < 0.15:
            # An event or a booking window, from three months ago to three months ahead.
            starts = NOW + timedelta(days=rng.uniform(-90, 90))
            starts = starts.replace(minute=0, second=0, microsecond=0)
            ends = starts + (timedelta(hours=rng.choice((2, 3, 4))) if key in ("talent", "time")
                             else timedelta(days=rng.choice((1, 7, 14, 30))))
        lat = round(dong.lat + rng.gauss(0, 0.0025), 6)     # ~280 m
        lon = round(dong.lon + rng.gauss(0, 0.0031), 6)     # ~280 m at Seoul's latitude
        return Listing(
            source_id=source_id, item_key=f"item-{i}", url=f"https://p{source_id}.example.kr/items/{i}",
            title=title, platform=platform, summary=summary, description_html=description, category=key,
            price=self._price(rng, vocab["unit"], free="무료" in title or "free" in title.lower()),
            address=f"서울특별시 {district.name_ko} {dong.name_ko} {rng.randrange(1, 999)}",
            district=district.code, dong=dong.name_ko, lat=lat, lon=lon,
            starts_at=starts, ends_at=ends, published_at=published,
            updated_at=published + timedelta(days=rng.randrange(0, 30)),
            images=[f"https://p{source_id}.example.kr/img/{i}.jpg"] if rng.random() < 0.6 else [],
            tags=rng.sample(TAGS_KO, rng.choice((1, 2))) if not english and rng.random() < 0.25 else [],
            language="en" if english else "ko",
            opening_hours="평일 09:00~18:00" if key == "space" and rng.random() < 0.5 else None)

    def _korean(self, rng, key, vocab, item, dong, district) -> tuple[str, str]:
        action = self.actions[key].pick(rng)
        shape = rng.random()
        if shape < 0.35:
            title = f"{item} {action}"
        elif shape < 0.55:
            title = f"[{dong}] {item} {action}"
        elif shape < 0.75:
            title = f"{rng.choice(ADJ_KO)} {item} {action}"
        elif shape < 0.9:
            title = f"{district} {item} {action}"
        else:
            title = f"{item} {action} ({dong})"
        title = " ".join(title.split())
        verb = vocab["verb"][0]
        target = item + verb if verb.startswith("에") else f"{_object(item)} {verb}"
        lead = [f"{district} {dong} 주민 누구나 {target}."]
        if "extra" in vocab and rng.random() < vocab["extra"][2]:
            lead.append(vocab["extra"][0])
        fillers = rng.sample(FILLER_KO, rng.choice((1, 2, 3)))
        return title, " ".join([*lead, *fillers])

    @staticmethod
    def _english(rng, key, vocab, item, dong, district) -> tuple[str, str]:
        action = rng.choice(vocab["actions_en"])
        shape = rng.random()
        if shape < 0.4:
            title = f"{item.capitalize()} {action}"
        elif shape < 0.7:
            title = f"{rng.choice(ADJ_EN).capitalize()} {item} {action}"
        else:
            title = f"{item.capitalize()} {action} in {dong}"
        title = " ".join(title.split())
        lead = [f"Anyone in {district} can {vocab['verb'][1]} the {item} near {dong}."]
        if "extra" in vocab and rng.random() < vocab["extra"][2]:
            lead.append(vocab["extra"][1])
        fillers = rng.sample(FILLER_EN, rng.choice((1, 2)))
        return title, " ".join([*lead, *fillers])

    @staticmethod
    def _price(rng, unit: str | None, free: bool) -> Price:
        if rng.random() < 0.3 or free or unit is None:
            return Price(amount=0, is_free=True)
        # Log-uniform between 1,000 and 200,000, rounded as prices are.
        amount = math.exp(rng.uniform(math.log(1_000), math.log(200_000)))
        step = 100 if amount < 10_000 else 1_000 if amount < 100_000 else 5_000
        amount = max(1_000, int(round(amount / step) * step))
        return Price(amount=amount, is_free=False, unit=unit, unit_count=1,
                     deposit=rng.choice((10_000, 50_000, 100_000)) if rng.random() < 0.1 else None)


# -- the queries ----------------------------------------------------------------------------------
# (text, category it belongs to or None, kind, popularity weight)
QUERY_WORDS: list[tuple[str, str | None, str, float]] = [
    # two-syllable Korean words: the broad ones first (and most often typed)
    ("대여", None, "ko2", 6), ("공구", "tools", "ko2", 5), ("대관", "space", "ko2", 5), ("나눔", None, "ko2", 3),
    ("드릴", "tools", "ko2", 3), ("텐트", "goods", "ko2", 3), ("캠핑", "goods", "ko2", 2), ("주차", "parking", "ko2", 2),
    ("한복", "clothes", "ko2", 2), ("정장", "clothes", "ko2", 2), ("공유", None, "ko2", 2), ("회의", "space", "ko2", 1),
    ("우산", "public_items", "ko2", 1), ("도서", "books", "ko2", 1), ("강의", "space", "ko2", 1),
    ("주방", "space", "ko2", 1), ("유모", "kids", "ko2", 1), ("민박", "lodging", "ko2", 1), ("경차", "car", "ko2", 1),
    ("교복", "clothes", "ko2", 1), ("망치", "tools", "ko2", 1), ("빈방", "housing", "ko2", 1),
    ("봉사", "time", "ko2", 1), ("돌상", "public_items", "ko2", 1), ("카풀", "car", "ko2", 1), ("줄자", "tools", "ko2", 1),
    # longer Korean words
    ("전동드릴", "tools", "ko-long", 3), ("공구세트", "tools", "ko-long", 2), ("유모차", "kids", "ko-long", 2),
    ("캠핑텐트", "goods", "ko-long", 2), ("회의실", "space", "ko-long", 3), ("카셰어링", "car", "ko-long", 2),
    ("자전거", "bike", "ko-long", 2), ("주차장", "parking", "ko-long", 2), ("셰어하우스", "housing", "ko-long", 2),
    ("강의실", "space", "ko-long", 1), ("장난감", "kids", "ko-long", 2), ("사다리", "tools", "ko-long", 1),
    ("공유주방", "space", "ko-long", 1), ("나눔카", "car", "ko-long", 1), ("연습실", "space", "ko-long", 1),
    ("재능나눔", "talent", "ko-long", 1), ("원데이클래스", "talent", "ko-long", 1), ("면접정장", "clothes", "ko-long", 1),
    ("따릉이", "bike", "ko-long", 1), ("게스트하우스", "lodging", "ko-long", 1), ("고압세척기", "tools", "ko-long", 1),
    ("빔프로젝터", "goods", "ko-long", 1), ("한옥스테이", "lodging", "ko-long", 1), ("라돈측정기", "public_items", "ko-long", 1),
    ("전기자전거", "bike", "ko-long", 1), ("시간은행", "time", "ko-long", 1),
    # Korean phrases of two or three words
    ("전동드릴 대여", "tools", "ko-words", 2), ("회의실 대관", "space", "ko-words", 2), ("캠핑 텐트", "goods", "ko-words", 1),
    ("공구 대여", "tools", "ko-words", 2), ("유모차 나눔", "kids", "ko-words", 1), ("한복 대여", "clothes", "ko-words", 1),
    ("정장 무료 대여", "clothes", "ko-words", 1), ("주차장 공유", "parking", "ko-words", 1),
    ("셰어하우스 입주자 모집", "housing", "ko-words", 1), ("원데이클래스 신청", "talent", "ko-words", 1),
    ("자전거 대여소", "bike", "ko-words", 1), ("공유주방 대관 주말", "space", "ko-words", 1),
    ("장난감 나눔", "kids", "ko-words", 1), ("강의실 대관 무료", "space", "ko-words", 1),
    ("카셰어링 전기차", "car", "ko-words", 1), ("마포구 공구", "tools", "ko-words", 1),
    # English
    ("drill", "tools", "en", 2), ("tent", "goods", "en", 2), ("stroller", "kids", "en", 1),
    ("meeting room", "space", "en", 2), ("bike", "bike", "en", 1), ("parking", "parking", "en", 1),
    ("suit", "clothes", "en", 1), ("ladder", "tools", "en", 1), ("umbrella", "public_items", "en", 1),
    ("hanbok", "clothes", "en", 1), ("camping tent", "goods", "en", 1), ("power drill rent", "tools", "en", 1),
    ("shared kitchen", "space", "en", 1), ("share house", "housing", "en", 1), ("e-bike", "bike", "en", 1),
    ("workshop", "talent", "en", 1), ("guesthouse", "lodging", "en", 1), ("car sharing", "car", "en", 1),
    ("room", None, "en", 1), ("cooking class", "talent", "en", 1), ("kids clothes", "kids", "en", 1),
    ("tool set", "tools", "en", 1), ("free", None, "en", 1),
]

PRICE_RANGES = [(None, 10_000), (None, 30_000), (10_000, 50_000), (50_000, 200_000), (1, 20_000)]


@dataclass
class BenchQuery:
    query: SearchQuery
    kind: str

    @property
    def filtered(self) -> bool:
        q = self.query
        return bool(q.categories or q.districts or q.dongs or q.free is not None or q.price_min is not None
                    or q.price_max is not None or q.near)

    def describe(self) -> str:
        q = self.query
        parts = [f'"{q.text}"']
        if q.categories:
            parts.append("category=" + ",".join(q.categories))
        if q.districts:
            parts.append("district=" + ",".join(q.districts))
        if q.dongs:
            parts.append("dong=" + ",".join(q.dongs))
        if q.free is True:
            parts.append("free")
        if q.price_min is not None or q.price_max is not None:
            parts.append(f"price {q.price_min or 0:,}-{'' if q.price_max is None else f'{q.price_max:,}'}")
        if q.near:
            parts.append(f"near {q.near[0]:.4f},{q.near[1]:.4f} ≤{q.radius_km:g} km")
        if q.sort != "relevance":
            parts.append(f"sort={q.sort}")
        if q.page > 1:
            parts.append(f"page={q.page}")
        return " ".join(parts)


def make_queries(n: int, seed: int) -> list[BenchQuery]:
    rng = random.Random(seed)
    words = _Weighted(QUERY_WORDS, [w for *_, w in QUERY_WORDS])
    all_dongs = [d for d in dongs() if d.district in districts()]
    district_codes = sorted(districts())
    out = []
    for _ in range(n):
        text, category, kind, _weight = words.pick(rng)
        fields: dict[str, Any] = {"text": text}
        if rng.random() < 0.5:
            roll = rng.random()
            if roll < 0.2 and category:
                fields["categories"] = (category,)
            elif roll < 0.4:
                fields["districts"] = (rng.choice(district_codes),)
            elif roll < 0.47:
                fields["dongs"] = (rng.choice(all_dongs).name_ko,)
            elif roll < 0.57:
                fields["free"] = True
            elif roll < 0.72:
                fields["price_min"], fields["price_max"] = rng.choice(PRICE_RANGES)
            elif roll < 0.9:
                dong = rng.choice(all_dongs)
                fields["near"] = (dong.lat, dong.lon)
                fields["radius_km"] = float(rng.choice((2, 3, 4, 5)))
                fields["sort"] = "distance"
            else:
                # Two filters at once.
                fields["districts"] = (rng.choice(district_codes),)
                if category:
                    fields["categories"] = (category,)
                else:
                    fields["free"] = True
        if "sort" not in fields:
            roll = rng.random()
            if roll < 0.12:
                fields["sort"] = "newest"
            elif roll < 0.2:
                fields["sort"] = "price"
        if rng.random() < 0.05:
            fields["page"] = 2
        fields["ended_before"] = NOW   # what indexer.search.service asks by default
        out.append(BenchQuery(SearchQuery(**fields), kind))
    return out


def not_applied(query: SearchQuery, hits: list[dict[str, Any]]) -> set[str]:
    """Filters and sorts of `query` the hits show were not applied."""
    out: set[str] = set()
    for hit in hits:
        if query.categories and hit.get("category") not in query.categories:
            out.add("category")
        if query.districts and hit.get("district") not in query.districts:
            out.add("district")
        if query.dongs and hit.get("dong") not in query.dongs:
            out.add("dong")
        if query.free is True and not (hit.get("price") or {}).get("is_free"):
            out.add("free")
        if query.price_min is not None or query.price_max is not None:
            amount = effective_price(hit.get("price"))
            if amount is None or (query.price_min is not None and amount < query.price_min) or \
                    (query.price_max is not None and amount > query.price_max):
                out.add("price range")
        if query.near and query.radius_km:
            if hit.get("lat") is None or haversine_km(*query.near, hit["lat"], hit["lon"]) > query.radius_km + 0.01:
                out.add("near/radius_km")
        if query.ended_before is not None and (until := available_until(hit)) and \
                _aware(datetime.fromisoformat(until)) < query.ended_before:
            out.add("ended")
    sort = query.effective_sort
    if len(hits) > 1 and sort != "relevance":
        if sort == "distance":
            keys = [haversine_km(*query.near, h["lat"], h["lon"]) if h.get("lat") is not None else math.inf
                    for h in hits]
        elif sort == "price":
            keys = [a if (a := effective_price(h.get("price"))) is not None else math.inf for h in hits]
        else:
            keys = [-datetime.fromisoformat(h["published_at"]).timestamp() if h.get("published_at") else math.inf
                    for h in hits]
        if any(b < a - 1e-9 for a, b in zip(keys, keys[1:])):
            out.add(f"sort={sort}")
    return out


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# -- running --------------------------------------------------------------------------------------
@dataclass
class Run:
    engine: str
    size: int
    docs: int = 0
    index_s: float = 0.0
    build_s: float = 0.0
    disk_bytes: int = 0
    disk_note: str = ""
    settle_s: float = 0.0
    timings: list[tuple[float, int, BenchQuery]] = field(default_factory=list)  # (ms, total, query)
    unapplied: dict[str, int] = field(default_factory=dict)
    asked: dict[str, int] = field(default_factory=dict)
    error: str = ""

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.index_s if self.index_s else 0.0

    def percentile(self, p: float, times: list[float] | None = None) -> float:
        times = sorted(times if times is not None else [t for t, _, _ in self.timings])
        if not times:
            return math.nan
        return times[max(0, math.ceil(p / 100 * len(times)) - 1)]


def open_engine(name: str, data_dir: Path, search_url: str):
    overrides = {"data_dir": str(data_dir), "search_index": ES_ALIAS,
                 "search_url": search_url if name == "elasticsearch" else ""}
    engine = open_search(load_settings(environ={}, overrides=overrides))
    if engine.name != name:
        raise SystemExit(f"bench: asked for {name}, got {engine.name}")
    return engine


def disk_size(engine, data_dir: Path) -> tuple[int, str]:
    if engine.name == "sqlite":
        main = engine.path.stat().st_size
        wal_path = engine.path.with_name(engine.path.name + "-wal")
        wal = wal_path.stat().st_size if wal_path.exists() else 0
        return main + wal, f"search.sqlite3 {mb(main)} + wal {mb(wal)}"
    client = engine._client
    try:
        client.indices.refresh(index=engine.alias)
        stats = client.indices.stats(index=engine.alias, metric=["store", "segments", "docs"])
    except Exception as exc:  # the client's ApiError / TransportError: report it as the engine's failure
        raise SearchError(f"elasticsearch: indices.stats failed: {exc}") from exc
    primaries = stats["_all"]["primaries"]
    size = int(primaries["store"]["size_in_bytes"])
    return size, f"{engine.index_name}: {primaries['segments']['count']} segments, {primaries['docs']['count']:,} docs"


def settle(engine, timeout_s: float = 900.0) -> float:
    """Elasticsearch merges segments in the background for a while after a bulk load, on the same
    two cores the queries need: wait until it has finished, so that the latencies are those of the
    index at rest (the time waited is printed). SQLite merges inline, within index()."""
    if engine.name != "elasticsearch":
        return 0.0
    started = time.perf_counter()
    client = engine._client
    while time.perf_counter() - started < timeout_s:
        try:
            client.indices.refresh(index=engine.alias)
            merges = client.indices.stats(index=engine.alias, metric=["merge"])["_all"]["primaries"]["merges"]
        except Exception as exc:  # the client's ApiError / TransportError: report it as the engine's failure
            raise SearchError(f"elasticsearch: indices.stats failed: {exc}") from exc
        if not merges.get("current"):
            break
        time.sleep(2)
    return time.perf_counter() - started


def mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def run_one(name: str, size: int, args, catalog: Catalog, warmup: list[BenchQuery],
            queries: list[BenchQuery], workdir: Path) -> Run:
    run = Run(name, size)
    data_dir = workdir / f"{name}-{size}"
    if name == "sqlite" and data_dir.exists():
        shutil.rmtree(data_dir)
    engine = open_engine(name, data_dir, args.search_url)
    try:
        if name == "elasticsearch":
            engine.drop()            # a fresh index: the next index() creates it
        stream = catalog.documents(size)
        while True:
            started = time.perf_counter()
            batch = list(islice(stream, args.batch))
            built = time.perf_counter()
            if not batch:
                break
            run.docs += engine.index(batch)
            run.index_s += time.perf_counter() - built
            run.build_s += built - started
            if args.progress and run.docs % (args.batch * 50) == 0:
                print(f"    … {name} {run.docs:,} docs, {run.docs / run.index_s:,.0f} docs/s", file=sys.stderr,
                      flush=True)
        del batch
        run.settle_s = settle(engine)
        run.disk_bytes, run.disk_note = disk_size(engine, data_dir)
        for q in warmup:
            engine.search(q.query)
        for q in queries:
            started = time.perf_counter()
            result = engine.search(q.query)
            elapsed = (time.perf_counter() - started) * 1000
            run.timings.append((elapsed, result.total, q))
            wanted = _asked(q.query)
            for label in wanted:
                run.asked[label] = run.asked.get(label, 0) + 1
            for label in not_applied(q.query, result.hits):
                run.unapplied[label] = run.unapplied.get(label, 0) + 1
    except SearchError as exc:
        run.error = str(exc)
    finally:
        if name == "elasticsearch":
            try:
                engine.drop()
            except SearchError as exc:
                print(f"bench: could not drop {ES_ALIAS}: {exc}", file=sys.stderr)
        engine.close()
        if name == "sqlite" and not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    return run


def _asked(q: SearchQuery) -> list[str]:
    out = [label for label, present in (
        ("category", q.categories), ("district", q.districts), ("dong", q.dongs), ("free", q.free is True),
        ("price range", q.price_min is not None or q.price_max is not None),
        ("near/radius_km", q.near is not None and q.radius_km is not None)) if present]
    if q.effective_sort != "relevance":
        out.append(f"sort={q.effective_sort}")
    return out


def report(run: Run, slowest: int, reference: Run | None = None) -> None:
    head = f"{run.engine} {run.docs:,} docs"
    if run.error:
        print(f"{head}: FAILED: {run.error}")
        if not run.timings:
            return
    print(f"{head}: indexed in {run.index_s:,.1f} s = {run.docs_per_s:,.0f} docs/s"
          f" (+ {run.build_s:,.1f} s building documents, not counted); on disk {mb(run.disk_bytes)}"
          f" ({run.disk_note})")
    if run.settle_s >= 0.5:
        print(f"  waited {run.settle_s:,.0f} s for background merges to finish before timing the queries")
    times = [t for t, _, _ in run.timings]
    totals = [n for _, n, _ in run.timings]
    broadest = max(run.timings, key=lambda r: (r[1], not r[2].filtered))  # the plainest of the broadest
    print(f"  {len(times)} queries with facets: p50 {run.percentile(50):.1f} ms, p95 {run.percentile(95):.1f},"
          f" p99 {run.percentile(99):.1f}, max {max(times):.1f} ms; matches mean {sum(totals) / len(totals):,.0f},"
          f" max {broadest[1]:,} ({broadest[2].describe()})")
    groups: dict[str, list[float]] = {}
    for t, _, q in run.timings:
        groups.setdefault(q.kind, []).append(t)
        groups.setdefault("filtered" if q.filtered else "no filter", []).append(t)
    order = ["ko2", "ko-long", "ko-words", "en", "no filter", "filtered"]
    print("  p50/p95 by kind: " + "; ".join(
        f"{kind} {run.percentile(50, groups[kind]):.1f}/{run.percentile(95, groups[kind]):.1f} ms"
        f" (n={len(groups[kind])})" for kind in order if groups.get(kind)))
    print(f"  {slowest} slowest:")
    for t, n, q in sorted(run.timings, key=lambda r: -r[0])[:slowest]:
        print(f"    {t:8.1f} ms {n:>9,} matches  {q.describe()}")
    if run.unapplied:
        print("  not applied by this engine (its hits break them, so those queries timed less work): "
              + ", ".join(f"{label} {n}/{run.asked.get(label, n)}" for label, n in sorted(run.unapplied.items())))
    if reference is not None and reference is not run and reference.timings:
        pairs = [(a[1], b[1]) for a, b in zip(reference.timings, run.timings)]
        differ = [(a, b) for a, b in pairs if a != b]
        if differ:
            worst = max(differ, key=lambda p: abs(p[0] - p[1]))
            print(f"  totals differ from {reference.engine}'s in {len(differ)} of {len(pairs)} queries"
                  f" (largest: {worst[1]:,} vs {worst[0]:,})")
        else:
            print(f"  totals equal {reference.engine}'s in all {len(pairs)} queries")


def summary(runs: list[Run]) -> None:
    print()
    print(f"{'engine':<14}{'docs':>11}{'docs/s':>9}{'disk MB':>9}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
          f"{'max ms':>8}{'mean matches':>14}{'max matches':>13}")
    for run in runs:
        if not run.timings:
            print(f"{run.engine:<14}{run.size:>11,}  failed: {run.error[:60]}")
            continue
        totals = [n for _, n, _ in run.timings]
        print(f"{run.engine:<14}{run.docs:>11,}{run.docs_per_s:>9,.0f}{run.disk_bytes / 1e6:>9,.1f}"
              f"{run.percentile(50):>8.1f}{run.percentile(95):>8.1f}{run.percentile(99):>8.1f}"
              f"{max(t for t, _, _ in run.timings):>8.1f}{sum(totals) / len(totals):>14,.0f}{max(totals):>13,}")
    at_target = [r for r in runs if r.size == TARGET_SIZE and r.timings]
    if at_target:
        print(f"targets at {TARGET_SIZE:,} listings (figures, not asserts):")
        for run in at_target:
            target = TARGETS.get(run.engine, {})
            parts = []
            if "p95_ms" in target:
                parts.append(f"p95 {run.percentile(95):.1f} ms vs ≤ {target['p95_ms']:g} ms:"
                             f" {'met' if run.percentile(95) <= target['p95_ms'] else 'NOT met'}")
            if "docs_per_s" in target:
                parts.append(f"index {run.docs_per_s:,.0f} docs/s vs ≥ {target['docs_per_s']:,.0f}:"
                             f" {'met' if run.docs_per_s >= target['docs_per_s'] else 'NOT met'}")
            print(f"  {run.engine}: " + "; ".join(parts))


def environment(args) -> str:
    import sqlite3
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).resolve().parent, timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "indexer"],
                               capture_output=True, text=True, cwd=Path(__file__).resolve().parent,
                               timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "?", ""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    es = ""
    if "elasticsearch" in args.engines:
        try:
            from elasticsearch import Elasticsearch
            nodes = Elasticsearch(args.search_url, request_timeout=10).nodes.info(metric="jvm")["nodes"]
            es = ", Elasticsearch " + ",".join(sorted({n.get("version", "?") for n in nodes.values()}))
        except Exception as exc:  # only for the header line
            es = f", Elasticsearch at {args.search_url} not answering ({type(exc).__name__})"
    changes = " + uncommitted indexer/ changes" if dirty else ""
    return (f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, commit {commit}{changes},"
            f" {os.cpu_count()} cores, load average {load}, Python {platform_module.python_version()},"
            f" SQLite {sqlite3.sqlite_version}{es}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="catalog sizes, comma-separated")
    parser.add_argument("--engines", default="sqlite,elasticsearch", help="sqlite, elasticsearch or both")
    parser.add_argument("--search-url", default="http://127.0.0.1:9200",
                        help="Elasticsearch for the elasticsearch engine")
    parser.add_argument("--keep", metavar="DIR", help="build the SQLite indexes in DIR and leave them there")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20, help="untimed queries run first")
    parser.add_argument("--batch", type=int, default=2000, help="documents per engine.index() call")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--clustered", type=float, default=0.0,
                        help="share of listings that are a second platform's copy of the one before (default 0)")
    parser.add_argument("--slowest", type=int, default=5, help="how many of the slowest queries to list")
    parser.add_argument("--json", metavar="FILE", help="also write every query's time and match count here")
    parser.add_argument("--progress", action="store_true", help="print indexing progress on stderr")
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(args.engines) - {"sqlite", "elasticsearch"}
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(sorted(unknown))}")

    print(f"search at scale: {environment(args)}")
    catalog = Catalog(args.seed, args.clustered)
    queries = make_queries(args.queries, args.seed + 1)
    warmup = make_queries(args.warmup, args.seed + 2)
    print(f"catalog seed {args.seed}: {', '.join(f'{s:,}' for s in sizes)} listings in batches of {args.batch:,};"
          f" {len(queries)} queries ({sum(q.filtered for q in queries)} with filters) after {len(warmup)} untimed")
    runs: list[Run] = []
    if args.keep:
        workdir = Path(args.keep)
        workdir.mkdir(parents=True, exist_ok=True)
        cleanup = None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="sharehub-bench-")
        workdir = Path(cleanup.name)
    try:
        for size in sizes:
            for name in args.engines:
                print(flush=True)
                run = run_one(name, size, args, catalog, warmup, queries, workdir)
                reference = next((r for r in runs if r.size == size and r.timings), None)
                runs.append(run)
                report(run, args.slowest, reference)
                sys.stdout.flush()
    finally:
        if cleanup is not None:
            cleanup.cleanup()
    summary(runs)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            for run in runs:
                for t, n, q in run.timings:
                    fh.write(json.dumps({"engine": run.engine, "docs": run.docs, "ms": round(t, 3), "total": n,
                                         "kind": q.kind, "query": q.describe()}, ensure_ascii=False) + "\n")
    return 1 if any(run.error for run in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
