"""나눔카 셰어링 (Nanum Car Sharing): shared cars parked at zones near subway stations.

Its feed is a JSON Feed 1.1 in UTF-8, served as ``application/octet-stream`` (a download, as some
platforms' API gateways label it). Items carry Korean or English titles, content_html and a plain
summary with per-10-minute, hourly and per-km prices, an address in the content, tags, ISO 8601
dates with +09:00 and an image. One item has no url at all and a ``urn:`` id.

12 items: 11 listings over 8 districts and 1 with no web link (diagnostic "invalid_link").
Above scale 1 the feed adds copies of the 11 listings (vehicle numbers from 20001, "(#k)" titles).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Sequence

from tests.partners.base import KST, Item, PartnerSpec

KEY = "cars"
NAME = "Nanum Car Sharing"
NAME_KO = "나눔카 셰어링"
FEED_PATH = "/feed.json"


def _when(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=KST)


def _item(vehicle: int, title: str, *, summary: str, content_html: str, tags: list[str], published: datetime,
          district: str | None, modified: datetime | None = None, image: str | None = None,
          language: str = "ko", zone: str | None = None, has_url: bool = True,
          invalid: str | None = None) -> Item:
    return {
        "id": f"nanumcar-vehicle-{vehicle}" if has_url else f"urn:nanumcar:vehicle:{vehicle}",
        "vehicle": vehicle, "title": title, "path": f"/vehicles/{vehicle}" if has_url else None,
        "summary": summary, "content_html": content_html, "tags": tags, "published": published,
        "modified": modified, "image": image, "language": language, "zone": zone,
        "district": district, "invalid": invalid, "is_free": False if invalid is None else None,
    }


ITEMS: tuple[Item, ...] = (
    _item(
        10231, "쏘나타 하이브리드 — 강남역 2번 출구",
        summary="강남역 2번 출구 공영주차장, 10분당 1,200원 + 주행요금 km당 190원",
        content_html=(
            "<p><b>쏘나타 하이브리드</b> (5인승, 2025년식). 하이패스·블랙박스 장착.</p>"
            "<ul><li>대여요금: 10분당 1,200원</li><li>주행요금 km당 190원</li></ul>"
            "<p>대여 장소: 서울특별시 강남구 강남대로 396 (강남역 2번 출구 공영주차장 B2)</p>"
        ),
        tags=["카셰어링", "나눔카", "하이브리드"], published=_when(20, 9, 30), modified=_when(24, 18, 5),
        image="/images/cars/sonata-hybrid.png", zone="강남역 2번 출구", district="11680"),
    _item(
        10245, "Ioniq 5 EV at Hongdae",
        summary="Hongik Univ. Station, ₩2,400 per 10 minutes, charging included",
        content_html=(
            "<p><b>Hyundai Ioniq 5</b> long range EV, 5 seats. Charging is included in the price.</p>"
            "<ul><li>₩2,400 per 10 minutes</li><li>Mileage: ₩150 per km</li></ul>"
            "<p>Zone: Hongik Univ. Station public parking, 160 Yanghwa-ro, Mapo-gu, Seoul</p>"
        ),
        tags=["카셰어링", "나눔카", "전기차", "EV"], published=_when(21, 11, 0),
        image="/images/cars/ioniq5.png", language="en", zone="Hongik Univ. Station", district="11440"),
    _item(
        10252, "아반떼 — 잠실역 8번 출구",
        summary="잠실역 8번 출구, 1시간 9,900원 (주행요금 km당 180원)",
        content_html=(
            "<p><b>아반떼</b> (5인승, 가솔린). 초보 운전자도 편한 준중형.</p>"
            "<p>1시간 9,900원, 주행요금 km당 180원</p>"
            "<p>서울특별시 송파구 올림픽로 265 잠실역 8번 출구 환승주차장</p>"
        ),
        tags=["카셰어링", "나눔카"], published=_when(21, 14, 10),
        image="/images/cars/avante.png", zone="잠실역 8번 출구", district="11710"),
    _item(
        10260, "캐스퍼 — 성수역 3번 출구",
        summary="성수역 3번 출구, 10분당 850원",
        content_html=(
            "<p>경차 <b>캐스퍼</b>. 좁은 골목 주차가 쉬워요. 경차 할인으로 공영주차장 50% 감면.</p>"
            "<p>10분당 850원, 주행요금 km당 170원</p>"
            "<p>서울특별시 성동구 아차산로 100 성수역 3번 출구 앞 나눔카 존</p>"
        ),
        tags=["카셰어링", "나눔카", "경차"], published=_when(22, 8, 0),
        image="/images/cars/casper.png", zone="성수역 3번 출구", district="11200"),
    _item(
        10263, "카니발 9인승 — 노원역",
        summary="노원역 공영주차장, 1시간 14,500원",
        content_html=(
            "<p><b>카니발</b> 9인승. 가족 나들이, 이사 짐 옮길 때 좋아요.</p>"
            "<p>1시간 14,500원, 주행요금 km당 240원</p>"
            "<p>서울특별시 노원구 상계로 69 노원역 공영주차장 지하 1층</p>"
        ),
        tags=["카셰어링", "나눔카", "승합"], published=_when(22, 13, 45),
        image="/images/cars/carnival.png", zone="노원역", district="11350"),
    _item(
        10270, "Kona Electric — Sinchon Station",
        summary="Sinchon Station Exit 2, ₩1,100 per 10 minutes",
        content_html=(
            "<p><b>Kona Electric</b>, compact SUV. Cable in the trunk; charge at any city charger.</p>"
            "<p>₩1,100 per 10 minutes, no mileage fee under 30 km.</p>"
            "<p>Zone: Sinchon Station Exit 2, Sinchon-ro, Seodaemun-gu, Seoul</p>"
            '<p><a href="javascript:alert(1)">Open in the app</a></p>'
        ),
        tags=["카셰어링", "나눔카", "전기차", "EV"], published=_when(23, 7, 55),
        image="/images/cars/kona-ev.png", language="en", zone="Sinchon Station", district="11410"),
    _item(
        10274, "레이 — 망원시장 공영주차장",
        summary="망원시장 공영주차장, 10분당 790원",
        content_html=(
            "<p>짐이 많은 날엔 <b>레이</b>. 장보기·캠핑 짐 싣기 좋아요.</p>"
            "<p>10분당 790원, 주행요금 km당 160원</p>"
            "<p>서울특별시 마포구 포은로 8길 망원시장 공영주차장</p>"
        ),
        tags=["카셰어링", "나눔카", "경차"], published=_when(23, 10, 20),
        image="/images/cars/ray.png", zone="망원시장", district="11440"),
    _item(
        10281, "투싼 — 역삼역 4번 출구",
        summary="역삼역 4번 출구, 10분당 1,350원",
        content_html=(
            "<p><b>투싼</b> (SUV, 디젤). 주말 근교 나들이용.</p>"
            "<p>10분당 1,350원, 주행요금 km당 200원</p>"
            "<p>서울특별시 강남구 테헤란로 201 역삼역 4번 출구 앞 나눔카 존</p>"
        ),
        tags=["카셰어링", "나눔카"], published=_when(23, 16, 40),
        image="/images/cars/tucson.png", zone="역삼역 4번 출구", district="11680"),
    _item(
        10288, "니로 EV — 천호역",
        summary="천호역 공영주차장, 1시간 8,800원",
        content_html=(
            "<p><b>니로 EV</b>. 충전 요금 포함, 주행요금 없음.</p>"
            "<p>1시간 8,800원</p>"
            "<p>서울특별시 강동구 천호대로 1005 천호역 공영주차장</p>"
        ),
        tags=["카셰어링", "나눔카", "전기차"], published=_when(24, 9, 0),
        image="/images/cars/niro-ev.png", zone="천호역", district="11740"),
    _item(
        10292, "아이오닉 6 — 종로3가역",
        summary="종로3가역, 10분당 1,290원 (심야 1시간 6,000원)",
        content_html=(
            "<p><b>아이오닉 6</b> 전기차. 충전 요금 포함.</p>"
            "<p>10분당 1,290원, 심야(22시~7시) 1시간 6,000원</p>"
            "<p>서울특별시 종로구 종로 132 종로3가역 공영주차장</p>"
        ),
        tags=["카셰어링", "나눔카", "전기차"], published=_when(24, 12, 30),
        image="/images/cars/ioniq6.png", zone="종로3가역", district="11110"),
    _item(
        10295, "스타리아 11인승 — 잠실종합운동장",
        summary="잠실종합운동장 주차장, 1시간 15,900원",
        content_html=(
            "<p><b>스타리아</b> 11인승 승합. 단체 이동, 동호회 행사용.</p>"
            "<p>1시간 15,900원, 주행요금 km당 260원</p>"
            "<p>서울특별시 송파구 올림픽로 25 잠실종합운동장 주차장</p>"
        ),
        tags=["카셰어링", "나눔카", "승합"], published=_when(24, 15, 15),
        image="/images/cars/staria.png", zone="잠실종합운동장", district="11710"),
    # A vehicle in maintenance, exported without a page: only a urn: id, no url, no external_url.
    _item(
        10299, "[정비중] 쏘렌토 하이브리드 — 목동",
        summary="정비 중인 차량입니다. 10분당 1,400원",
        content_html=(
            "<p><b>쏘렌토 하이브리드</b> 7인승. 현재 정비 중.</p>"
            "<p>서울특별시 양천구 목동동로 81 목동 공영주차장</p>"
        ),
        tags=["카셰어링", "나눔카", "하이브리드"], published=_when(19, 9, 0),
        zone="목동", has_url=False, district=None, invalid="invalid_link"),
)


def clone(item: Item, k: int) -> Item:
    """The k-th extra copy of a listing, for scale > 1."""
    vehicle = 20000 + k
    return {**item, "id": f"nanumcar-vehicle-{vehicle}", "vehicle": vehicle, "title": f"{item['title']} (#{k})",
            "path": f"/vehicles/{vehicle}"}


def _iso(value: datetime) -> str:
    return value.astimezone(KST).isoformat(timespec="seconds")


def render_feed(items: Sequence[Item], base_url: str, built_at: datetime) -> bytes:
    """JSON Feed 1.1 in UTF-8 (non-ASCII written as is, not \\u-escaped)."""
    entries = []
    for item in items:
        entry: dict = {"id": item["id"]}
        if item["path"]:
            entry["url"] = base_url + item["path"]
        entry["title"] = item["title"]
        entry["content_html"] = item["content_html"]
        entry["summary"] = item["summary"]
        if item["image"]:
            entry["image"] = base_url + item["image"]
        entry["date_published"] = _iso(item["published"])
        if item["modified"]:
            entry["date_modified"] = _iso(item["modified"])
        entry["tags"] = list(item["tags"])
        entry["language"] = item["language"]
        entry["_nanumcar"] = {"about": "https://nanumcar.example/docs/feed-extension",
                              "zone": item["zone"], "vehicle_no": item["vehicle"]}
        entries.append(entry)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": NAME_KO,
        "home_page_url": base_url + "/",
        "feed_url": base_url + FEED_PATH,
        "description": "서울 나눔카 존의 공유 차량 (10분 단위 대여)",
        "icon": base_url + "/images/icon.png",
        "favicon": base_url + "/favicon.ico",
        "language": "ko-KR",
        "authors": [{"name": NAME_KO, "url": base_url + "/"}],
        "_nanumcar": {"about": "https://nanumcar.example/docs/feed-extension", "generated": _iso(built_at)},
        "items": entries,
    }
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


SPEC = PartnerSpec(
    key=KEY, name=NAME, name_ko=NAME_KO, feed_path=FEED_PATH,
    feed_content_type="application/octet-stream",
    feed_link_type="application/feed+json", feed_link_absolute=True,
    page_charset="utf-8", page_content_type="text/html; charset=utf-8",
    server_header="nginx",
    description_ko="지하철역 가까운 나눔카 존에서 10분 단위로 차를 빌려 쓰세요.",
    items=ITEMS, render_feed=render_feed,
    last_modified=datetime(2026, 11, 24, 18, 5, tzinfo=KST),
    feed_repeat=(b"json", b'"items": ['), clone=clone,
)
