"""서울 공공공간 예약 (Seoul Public Space Booking): community rooms, halls and kitchens that
district offices and community centres hire out, served in the Seoul Open Data Plaza API shape
(public_data_formats.md §1, service ``ListPublicReservationInstitution``, 시설대관).

``GET /{KEY}/{json|xml}/{SERVICE}/{START}/{END}/[{MINCLASSNM}]`` answers like openapi.seoul.go.kr:

- ``{"ListPublicReservationInstitution": {"list_total_count": N, "RESULT": {"CODE": "INFO-000",
  "MESSAGE": "정상 처리되었습니다"}, "row": [...]}}``, compact UTF-8 JSON, every value a string
  (XML with the same names for ``xml``);
- START/END 1-based and inclusive; more than 1,000 rows in one request is ``ERROR-336``,
  START > END ``ERROR-334``, a position that is not a number ``ERROR-333``;
- START beyond the total: ``{"RESULT": {"CODE": "INFO-200", "MESSAGE": "해당하는 데이터가 없습니다."}}``;
- a KEY other than ``sample`` or :data:`API_KEY`: ``INFO-100``; the ``sample`` key gets at most
  5 rows a request (as the Plaza's sample key does); a service other than
  ListPublicReservationInstitution / ListPublicReservationDetail (``/1/1/{SVCID}``): ``ERROR-310``;
  a type other than json/xml: ``ERROR-301``. Errors are HTTP 200, like the real API.

Rows carry GUBUN, SVCID, MAXCLASSNM, MINCLASSNM, SVCSTATNM, SVCNM, PAYATNM, PLACENM, USETGTINFO,
SVCURL (this partner's own page ``/web/reservation/selectReservView.do?rsv_svc_id={SVCID}``),
X, Y, SVCOPNBGNDT, SVCOPNENDDT, RCPTBGNDT, RCPTENDDT, AREANM, IMGURL, DTLCONT (HTML with
``&middot;``, ``&#39;``, ``&nbsp;``), TELNO, V_MIN, V_MAX, REVSTDDAYNM, REVSTDDAY.
X is the latitude and Y the longitude (as in the stored sample response) except in every ninth
row (index % 9 == 4), where they are swapped, and one row (index 17) has empty X and Y; some
SVCNMs contain ``&middot;`` (the item's ``title`` is the unescaped text).

120 rows at scale 1 (two API pages of 100) over all 25 districts, a third of them free
(PAYATNM 무료); paid ones state the price in DTLCONT (per hour, per use, per day, evening rate).
Invalid rows: one with an empty SVCNM (``missing_title``) and one whose SVCURL is
``javascript:fnDetail(...)`` (``invalid_link``), at a third and two thirds of the list.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from html import escape
from typing import Sequence
from urllib.parse import unquote
from xml.sax.saxutils import escape as xml_escape

from tests.partners.base import (
    KST, Document, Item, PartnerSpec, SiteView, invalid_positions, page_shell, robots_txt, scaled_count, seeded,
    won)
from tests.partners.places import CODES, spot

KEY = "spaces"
NAME = "Seoul Public Space Booking"
NAME_KO = "서울 공공공간 예약"
API_KEY = "6a4d51707a4c6f6b43684a7176496e"
SERVICE = "ListPublicReservationInstitution"
DETAIL_SERVICE = "ListPublicReservationDetail"
SAMPLE_KEY = "sample"
SAMPLE_ROWS = 5
MAX_ROWS = 1000
PAGE_SIZE = 100
BASE_COUNT = 120
SEED = "spaces-2026"
PAGE_PATH = "/web/reservation/selectReservView.do"
FEED_PATH = f"/{API_KEY}/json/{SERVICE}/1/{PAGE_SIZE}/"
CONFIG = {"preset": "seoul_reservation", "service": SERVICE, "key": API_KEY}
LAST_MODIFIED = datetime(2026, 11, 24, 6, 0, tzinfo=KST)

FIELDS = ("GUBUN", "SVCID", "MAXCLASSNM", "MINCLASSNM", "SVCSTATNM", "SVCNM", "PAYATNM", "PLACENM",
          "USETGTINFO", "SVCURL", "X", "Y", "SVCOPNBGNDT", "SVCOPNENDDT", "RCPTBGNDT", "RCPTENDDT",
          "AREANM", "IMGURL", "DTLCONT", "TELNO", "V_MIN", "V_MAX", "REVSTDDAYNM", "REVSTDDAY")

MESSAGES = {
    "INFO-000": "정상 처리되었습니다",
    "INFO-100": "인증키가 유효하지 않습니다. 인증키가 없는 경우, 열린 데이터 광장 홈페이지에서 인증키를 신청하십시오.",
    "INFO-200": "해당하는 데이터가 없습니다.",
    "ERROR-300": "필수 값이 누락되어 있습니다. 요청인자를 참고 하십시오.",
    "ERROR-301": "파일타입 값이 누락 혹은 유효하지 않습니다. 요청인자 중 TYPE을 확인하십시오.",
    "ERROR-310": "해당하는 서비스를 찾을 수 없습니다. 요청인자 중 SERVICE를 확인하십시오",
    "ERROR-331": "요청시작위치 값을 확인하십시오. 요청인자 중 START_INDEX를 확인하십시오.",
    "ERROR-332": "요청종료위치 값을 확인하십시오. 요청인자 중 END_INDEX를 확인하십시오.",
    "ERROR-333": "요청위치 값의 타입이 유효하지 않습니다.요청위치 값은 정수를 입력하세요.",
    "ERROR-334": "요청종료위치 보다 요청시작위치가 더 큽니다. 요청시작조회건수는 정수를 입력하세요.",
    "ERROR-336": "데이터요청은 한번에 최대 1000건을 넘을 수 없습니다.",
}

# (MINCLASSNM, English, capacity range, how it is priced)
ROOMS = (
    ("회의실", "Meeting room", (8, 20), "hour"),
    ("강의실", "Lecture room", (20, 40), "hour"),
    ("다목적실", "Multipurpose room", (20, 60), "hour"),
    ("강당", "Auditorium", (80, 250), "day"),
    ("세미나실", "Seminar room", (10, 30), "hour"),
    ("공유부엌", "Shared kitchen", (8, 16), "once"),
    ("음악연습실", "Music practice room", (2, 8), "hour"),
    ("스터디룸", "Study room", (4, 8), "hour"),
    ("전시실", "Gallery", (30, 80), "day"),
)
VENUES = ("{dong} 주민센터", "{dong} 자치회관", "{gu}청", "{gu} 청소년문화의집", "{gu} 평생학습관",
          "{gu}립 {dong} 작은도서관")
TARGETS = ("제한없음", "서울시민", "{gu} 구민", "{gu} 소재 단체", "만 19세 이상 서울시민")
STATUSES = ("접수중", "접수중", "접수중", "안내중", "접수종료", "예약마감")
CANCEL = (("이용일", "1"), ("이용일", "3"), ("접수종료일", "1"), ("이용기간시작일", "7"))
SWAP_EVERY, SWAP_AT, NO_COORDINATES_AT = 9, 4, 17


def _svcid(rng) -> str:
    when = datetime(2019, 1, 1) + timedelta(seconds=rng.randrange(8 * 365 * 86400))
    return f"S{when:%y%m%d%H%M%S}{rng.randrange(10**6):06d}"


def _price(rng, priced: str) -> tuple[bool, str, str]:
    """(is_free, Korean price phrase, English one)."""
    if rng.random() < 0.34:
        return True, "무료", "free of charge"
    if priced == "hour":
        amount = rng.choice((3000, 5000, 8000, 10000, 12000, 15000, 20000))
        if rng.random() < 0.2:
            return False, f"야간(18시~22시) 1시간 {won(amount)}", f"{amount:,} won per hour in the evening"
        return False, f"1시간 {won(amount)}", f"{amount:,} won per hour"
    if priced == "once":
        amount = rng.choice((10000, 15000, 20000, 30000))
        return False, f"1회 {won(amount)}", f"{amount:,} won per use"
    amount = rng.choice((80000, 120000, 150000, 200000, 300000))
    return False, f"1일 {won(amount)}", f"{amount:,} won per day"


def _item(index: int, code: str, invalid: str | None) -> Item:
    rng = seeded(SEED, index)
    place = spot(rng, code)
    gu, dong = place.district.name_ko, place.dong.name_ko
    room, room_en, (low, high), priced = rng.choice(ROOMS)
    venue = rng.choice(VENUES).format(gu=gu, dong=dong)
    floor = rng.randint(1, 5)
    is_free, price_ko, price_en = _price(rng, priced)
    capacity = rng.randint(low, high)
    svcid = _svcid(rng)
    english = rng.random() < 0.3
    prefix = "" if venue.startswith(gu) else f"[{gu}] "
    title = f"{prefix}{venue} {room}" + (f" ({room_en})" if english else "")
    middot = index % 7 == 3  # some services name two rooms with a middle dot, written as &middot;
    if middot:
        title = f"{prefix}{venue} {room}·{'강의실' if room == '회의실' else '회의실'}"
    open_day = datetime(2026, rng.randint(1, 10), rng.randint(1, 28))
    receipt = datetime(2026, 11, rng.randint(1, 20), 9)
    cancel = rng.choice(CANCEL)
    v_min, v_max = rng.choice((("09:00", "18:00"), ("09:00", "22:00"), ("10:00", "21:00"), ("06:00", "22:00")))
    swapped = index % SWAP_EVERY == SWAP_AT
    no_point = index == NO_COORDINATES_AT
    return {
        "id": svcid, "svcid": svcid, "index": index,
        "title": None if invalid == "missing_title" else title,
        "svcnm": "" if invalid == "missing_title" else (title.replace("·", "&middot;") if middot else title),
        "path": None if invalid == "invalid_link" else f"{PAGE_PATH}?rsv_svc_id={svcid}",
        "link_broken": invalid == "invalid_link",
        "gubun": "자체" if rng.random() < 0.8 else "연계",
        "minclass": room, "room_en": room_en, "status": rng.choice(STATUSES),
        "payat": "무료" if is_free else "유료", "price_ko": price_ko, "price_en": price_en,
        "place": f"{venue} {floor}층 {room}", "venue": venue, "capacity": capacity,
        "target": rng.choice(TARGETS).format(gu=gu),
        "point": None if no_point else (place.lat, place.lon), "swapped": swapped,
        "address": f"{place.address_ko} ({dong})",
        "service_from": open_day, "service_to": datetime(2026, 12, 31),
        "receipt_from": receipt, "receipt_to": receipt + timedelta(days=rng.choice((14, 30, 45))),
        "area": gu, "phone": f"02-{rng.randint(2100, 3999)}-{rng.randint(1000, 9999)}",
        "v_min": v_min, "v_max": v_max, "cancel": cancel, "english": english,
        "updated": LAST_MODIFIED - timedelta(hours=index % 200),
        "district": None if invalid else code, "invalid": invalid, "is_free": None if invalid else is_free,
    }


def build(scale: float = 1.0) -> tuple[Item, ...]:
    count = scaled_count(BASE_COUNT, scale, minimum=10)
    bad = invalid_positions(count, ("missing_title", "invalid_link"))
    order = CODES  # row i sits in district i % 25: every district, evenly
    return tuple(_item(i, order[(i * 7) % len(order)], bad.get(i)) for i in range(count))


def _dt(value: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S}.0"


def _dtlcont(item: Item) -> str:
    parts = [
        "<p><strong>1. 시설 안내</strong></p>",
        f"<p>&middot; 위치: {escape(item['address'])} {escape(item['place'])}</p>",
        f"<p>&middot; 수용인원: {item['capacity']}명</p>",
        f"<p>&middot; 이용료: {escape(item['price_ko'])}</p>",
        "<p><strong>2. 이용 안내</strong></p>",
        f"<p>&middot; 이용 시간: {item['v_min']}~{item['v_max']}</p>",
        "<p>&middot; &#39;취사 및 음주&#39;는 금지됩니다. 이용 후 원상복구 해 주세요.</p>",
    ]
    if item["english"]:
        parts.append(f"<p>{escape(item['room_en'])} for up to {item['capacity']} people, "
                     f"{escape(item['price_en'])}. Book online; cancellations {item['cancel'][1]} day(s) ahead.</p>")
    parts.append("<p>&nbsp;</p>")
    return "".join(parts)


def row(item: Item, base_url: str) -> dict[str, str]:
    svcid = item["svcid"]
    if item["link_broken"]:
        url = f"javascript:fnDetail('{svcid}');"
    else:
        url = base_url + item["path"]
    if item["point"] is None:
        x = y = ""
    else:
        lat, lon = item["point"]
        x, y = (str(lon), str(lat)) if item["swapped"] else (str(lat), str(lon))
    return {
        "GUBUN": item["gubun"], "SVCID": svcid, "MAXCLASSNM": "시설대관", "MINCLASSNM": item["minclass"],
        "SVCSTATNM": item["status"], "SVCNM": item["svcnm"], "PAYATNM": item["payat"], "PLACENM": item["place"],
        "USETGTINFO": item["target"], "SVCURL": url, "X": x, "Y": y,
        "SVCOPNBGNDT": _dt(item["service_from"]), "SVCOPNENDDT": _dt(item["service_to"]),
        "RCPTBGNDT": _dt(item["receipt_from"]), "RCPTENDDT": _dt(item["receipt_to"]),
        "AREANM": item["area"], "IMGURL": f"{base_url}/upload/yeyak/{svcid}.png", "DTLCONT": _dtlcont(item),
        "TELNO": item["phone"], "V_MIN": item["v_min"], "V_MAX": item["v_max"],
        "REVSTDDAYNM": item["cancel"][0], "REVSTDDAY": item["cancel"][1],
    }


# --- the API ---------------------------------------------------------------------------------------

def _answer(kind: str, service: str, code: str, rows: list[dict] | None = None, total: int = 0) -> Document:
    result = {"CODE": code, "MESSAGE": MESSAGES[code]}
    if kind == "xml":
        if rows is None:
            body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<RESULT><CODE>{code}</CODE>'
                    f"<MESSAGE><![CDATA[{MESSAGES[code]}]]></MESSAGE></RESULT>")
        else:
            out = [f'<?xml version="1.0" encoding="UTF-8"?>\n<{service}>',
                   f"<list_total_count>{total}</list_total_count>",
                   f"<RESULT>\n<CODE>{code}</CODE>\n<MESSAGE><![CDATA[{MESSAGES[code]}]]></MESSAGE>\n</RESULT>"]
            for r in rows:
                out.append("<row>\n" + "\n".join(f"<{k}>{xml_escape(v)}</{k}>" for k, v in r.items()) + "\n</row>")
            out.append(f"</{service}>")
            body = "\n".join(out)
        return Document(body.encode("utf-8"), "application/xml;charset=UTF-8", main=True, repeat=(b"<row>", b"</row>"))
    if rows is None:
        document: dict = {"RESULT": result}
    else:
        document = {service: {"list_total_count": total, "RESULT": result, "row": rows}}
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return Document(body.encode("utf-8"), "application/json;charset=UTF-8", main=True, repeat=(b"json", b'"row":['))


def api(view: SiteView, segments: list[str]) -> Document:
    kind = segments[1].lower() if len(segments) > 1 else "json"
    if len(segments) < 5:
        return _answer("json" if kind != "xml" else "xml", SERVICE, "ERROR-300")
    key, _, service, start_text, end_text, *rest = segments
    if kind not in ("json", "xml"):
        return _answer("json", service, "ERROR-301")
    if key not in (SAMPLE_KEY, API_KEY):
        return _answer(kind, service, "INFO-100")
    if service not in (SERVICE, DETAIL_SERVICE):
        return _answer(kind, service, "ERROR-310")
    try:
        start, end = int(start_text), int(end_text)
    except ValueError:
        return _answer(kind, service, "ERROR-333")
    if start < 1:
        return _answer(kind, service, "ERROR-331")
    if end < 1:
        return _answer(kind, service, "ERROR-332")
    if start > end:
        return _answer(kind, service, "ERROR-334")
    if end - start + 1 > MAX_ROWS:
        return _answer(kind, service, "ERROR-336")
    wanted = unquote(rest[0]) if rest and rest[0] else None
    items: Sequence[Item] = view.items
    if service == DETAIL_SERVICE:
        items = [i for i in items if i["svcid"] == wanted] if wanted else []
    elif wanted:
        items = [i for i in items if i["minclass"] == wanted]
    total = len(items)
    if start > total:
        return _answer(kind, service, "INFO-200")
    if key == SAMPLE_KEY:
        end = min(end, start + SAMPLE_ROWS - 1)
    rows = [row(item, view.base_url) for item in items[start - 1:end]]
    return _answer(kind, service, "INFO-000", rows, total)


_SITE_PREFIXES = ("web", "upload", "images", "private", "robots.txt", "index.html", "index.do", "favicon.ico")


def route(view: SiteView, path: str, query: str) -> Document | None:
    segments = [s for s in path.split("/") if s]
    if len(segments) < 2 or segments[0] in _SITE_PREFIXES:
        return None
    return api(view, segments)


def render_page(view: SiteView, item: Item) -> bytes:
    title = item["title"] or "(제목 없음)"
    lat_lon = "" if item["point"] is None else (
        f'\n      <p class="map" data-lat="{item["point"][0]}" data-lon="{item["point"][1]}">지도 보기</p>')
    body = f"""    <main class="reserve-view">
      <h1>{escape(title)}</h1>
      <p class="status">{escape(item['status'])}</p>
      <img src="/upload/yeyak/{item['svcid']}.png" alt="{escape(title)}">
      <dl>
        <dt>장소</dt><dd>{escape(item['place'])}</dd>
        <dt>주소</dt><dd>{escape(item['address'])}</dd>
        <dt>이용대상</dt><dd>{escape(item['target'])}</dd>
        <dt>이용요금</dt><dd>{escape(item['payat'])} ({escape(item['price_ko'])})</dd>
        <dt>이용시간</dt><dd>{item['v_min']} ~ {item['v_max']}</dd>
        <dt>접수기간</dt><dd>{_dt(item['receipt_from'])} ~ {_dt(item['receipt_to'])}</dd>
        <dt>문의전화</dt><dd>{escape(item['phone'])}</dd>
      </dl>{lat_lon}
      <div class="detail">{_dtlcont(item)}</div>
      <p><a class="btn" href="/web/reservation/reserve.do?rsv_svc_id={item['svcid']}">예약하기</a></p>
    </main>"""
    return page_shell(title, body, site_name=NAME_KO).encode("utf-8")


def robots(base_url: str) -> bytes:
    return robots_txt(("/private/", "/web/reservation/reserve.do"))


SPEC = PartnerSpec(
    key=KEY, name=NAME, name_ko=NAME_KO, feed_path=FEED_PATH,
    feed_content_type="application/json;charset=UTF-8",
    feed_link_type=None, feed_link_absolute=True,
    page_charset="utf-8", page_content_type="text/html;charset=UTF-8",
    server_header="Apache",
    description_ko="구청·주민센터의 회의실, 강의실, 강당, 공유부엌을 예약하세요 (서울 열린데이터광장 API 형식).",
    items=build(1.0), render_feed=None, last_modified=LAST_MODIFIED,
    kind="json_api", config=CONFIG, api_key=API_KEY, robots=robots, route=route, render_page=render_page,
    home_limit=30, build=build,
)
