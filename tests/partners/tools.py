"""서울 공구도서관 (Seoul Tool Library): drills, ladders, pressure washers and camping gear lent by
district tool libraries, listed only as plain HTML pages — the hub reads them with the CSS
selectors of :data:`CONFIG` (the ``html`` source kind).

- ``/tools?page=N`` (UTF-8, ``text/html; charset=utf-8``): 10 tools a page, each
  ``<li class="tool" data-id>`` with ``<a class="detail" href="/tools/{no}">`` (around the
  ``<img src>``), ``<h3>`` title, ``<p class="desc">``, ``<span class="cat">``,
  ``<span class="fee">1일 2,000원</span>``, ``<span class="addr">`` and ``<time datetime>``; a
  pager with page numbers, ``이전`` and ``<a class="next" href="/tools?page=N+1">다음</a>`` — the last
  page has ``<span class="next disabled">다음</span>`` instead; a page past the last lists
  nothing; ``page`` that is not a positive number is 404;
- ``/legacy/tools.asp?page=N``: the same listing from the old site, in EUC-KR (``<meta
  http-equiv>`` only, the header says ``text/html``) with relative ``tools.asp?page=N`` links;
- ``/tools/{no}``: the tool's page.

The first tool, the 18V drill, is the drill that the goods partner's 망원1동 공유센터 lends too
(:data:`SHARED_WITH_GOODS`): the same thing on two platforms, which search shows once, "also on"
the other.

45 tools at scale 1 (5 pages) over all 25 districts; fees per day, per use, per hour, for three
days, or free. Invalid: one ``<li>`` whose ``a.detail`` is ``javascript:void(0)`` (``invalid_link``,
no page) and one with an empty ``<h3>`` (``missing_title``).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from html import escape
from typing import Sequence
from urllib.parse import parse_qsl

from tests.partners.base import (
    KST, Document, Item, PartnerSpec, SiteView, invalid_positions, page_shell, scaled_count, seeded, won)
from tests.partners.places import CODES, spot

KEY = "tools"
NAME = "Seoul Tool Library"
NAME_KO = "서울 공구도서관"
BASE_COUNT = 45
PER_PAGE = 10
SEED = "tools-2026"
LISTING = "/tools"
LEGACY = "/legacy/tools.asp"
FEED_PATH = f"{LISTING}?page=1"
LAST_MODIFIED = datetime(2026, 11, 24, 17, 40, tzinfo=KST)
CONFIG = {"item": "li.tool", "title": "h3", "link": "a.detail@href", "price": ".fee", "location": ".addr",
          "image": "img@src", "date": "time@datetime", "next": "a.next@href"}

# (Korean name, English name, category, description, fee kind)
TOOLS = (
    ("전동드릴 (충전식 18V)", "Cordless drill 18V", "전동공구", "배터리 2개·충전기·비트 세트 포함", "day"),
    ("원형톱", "Circular saw", "전동공구", "보안경·장갑 함께 대여", "day"),
    ("알루미늄 사다리 (3단)", "Aluminium ladder, 3 steps", "수공구", "최대 하중 120kg", "free"),
    ("고압세척기", "Pressure washer", "청소", "베란다·자동차 세척용, 호스 10m", "hour"),
    ("타일 커터", "Tile cutter", "수공구", "600mm 수동 타일 커터", "once"),
    ("글루건 세트", "Glue gun set", "공예", "글루스틱 20개 포함", "free"),
    ("전기 재봉틀", "Electric sewing machine", "생활", "노루발 5종 포함", "day"),
    ("캠핑 텐트 (4인용)", "Camping tent for 4", "캠핑", "그라운드시트·팩 포함", "three"),
    ("카펫 청소기", "Carpet cleaner", "청소", "습식 카펫·소파 청소기", "day"),
    ("직소", "Jigsaw", "전동공구", "목재·합판용 날 5개", "day"),
    ("줄자·수평계 세트", "Tape measure and spirit level", "수공구", "5m 줄자, 60cm 수평계", "free"),
    ("Hedge trimmer", "Hedge trimmer", "원예", "Cordless, 50 cm blade", "day"),
    ("전기 대패", "Electric planer", "전동공구", "82mm 대패날", "once"),
    ("Stud finder", "Stud finder", "수공구", "Finds studs and live wires behind drywall", "free"),
    ("제습기 (20L)", "Dehumidifier 20 L", "생활", "장마철 인기, 예약 필수", "three"),
)
# Tool index -> (district, dong, address) of a place another partner lists the same tool at.
SHARED_WITH_GOODS = {0: ("11440", "망원1동", "서울특별시 마포구 망원로 45 망원1동 주민센터 1층 공유센터")}
PLACES = ("{dong} 공구도서관", "{gu} 공구대여소", "{dong} 주민센터 공구함", "{gu} 마을공동체지원센터 공구실")


def _fee(rng, kind: str) -> tuple[bool, str]:
    if kind == "free":
        return True, "무료"
    if kind == "hour":
        return False, f"1시간 {won(rng.choice((1000, 2000)))}"
    if kind == "once":
        return False, f"1회 {won(rng.choice((3000, 5000)))}"
    if kind == "three":
        return False, f"3일 {won(rng.choice((5000, 8000, 10000)))}"
    return False, f"1일 {won(rng.choice((1000, 2000, 3000)))}"


def _item(index: int, code: str, invalid: str | None) -> Item:
    rng = seeded(SEED, index)
    place = spot(rng, code)
    ko, en, category, desc, fee_kind = TOOLS[index % len(TOOLS)]
    english = ko == en or rng.random() < 0.15
    is_free, fee = _fee(rng, fee_kind)
    where = rng.choice(PLACES).format(dong=place.dong.name_ko, gu=place.district.name_ko)
    address = f"{place.address_ko} {where}" if not english else f"{where}, {place.address_ko}"
    dong = place.dong.name_ko
    if index in SHARED_WITH_GOODS:
        code, dong, address = SHARED_WITH_GOODS[index]
    added = datetime(2026, 11, 24, 10, tzinfo=KST) - timedelta(days=index // 3, hours=index % 7)
    no = 101 + index
    return {
        "id": f"T-{no:04d}", "no": no,
        "title": None if invalid == "missing_title" else (en if english else ko),
        "path": None if invalid == "invalid_link" else f"/tools/{no}",
        "link_broken": invalid == "invalid_link",
        "category": category, "desc": desc, "fee": fee, "address": address, "dong": dong,
        "added": added, "date_with_time": index % 4 == 1, "point": None,
        "updated": added,
        "district": None if invalid else code, "invalid": invalid, "is_free": None if invalid else is_free,
    }


def build(scale: float = 1.0) -> tuple[Item, ...]:
    count = scaled_count(BASE_COUNT, scale)
    bad = invalid_positions(count, ("invalid_link", "missing_title"))
    return tuple(_item(i, CODES[(i * 11) % len(CODES)], bad.get(i)) for i in range(count))


def pages(count: int) -> int:
    return max(1, math.ceil(count / PER_PAGE))


def _li(item: Item) -> str:
    href = "javascript:void(0)" if item["link_broken"] else item["path"]
    onclick = ' onclick="alert(\'준비 중입니다\'); return false;"' if item["link_broken"] else ""
    title = escape(item["title"] or "")
    when = item["added"]
    stamp = when.isoformat(timespec="seconds") if item["date_with_time"] else f"{when:%Y-%m-%d}"
    return f"""  <li class="tool" data-id="{item['id']}">
    <a class="detail" href="{escape(href)}"{onclick}><img src="/images/tools/{item['no']}.png" alt="{title}" width="160"></a>
    <h3>{title}</h3>
    <p class="desc">{escape(item['desc'])}</p>
    <span class="cat">{escape(item['category'])}</span>
    <span class="fee">{escape(item['fee'])}</span>
    <span class="addr">{escape(item['address'])}</span>
    <time datetime="{stamp}">{when:%Y.%m.%d}</time>
  </li>"""


def listing(items: Sequence[Item], page: int, legacy: bool = False) -> str:
    last = pages(len(items))
    shown = items[(page - 1) * PER_PAGE: page * PER_PAGE]
    link = (lambda n: f"tools.asp?page={n}") if legacy else (lambda n: f"{LISTING}?page={n}")
    pager = []
    if page > 1:
        pager.append(f'<a class="prev" href="{link(page - 1)}">이전</a>')
    for n in range(1, last + 1):
        pager.append(f"<strong>{n}</strong>" if n == page else f'<a href="{link(n)}">{n}</a>')
    if page < last:
        pager.append(f'<a class="next" href="{link(page + 1)}">다음</a>')
    else:
        pager.append('<span class="next disabled">다음</span>')
    rows = "\n".join(_li(item) for item in shown)
    charset = "euc-kr" if legacy else "utf-8"
    meta = (f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if legacy
            else f'<meta charset="{charset}">')
    return f"""<!DOCTYPE html>
<html lang="ko">
<head>
{meta}
<title>대여 가능한 공구 ({page}/{last}쪽) - {NAME_KO}</title>
<link rel="stylesheet" href="/css/tools.css">
</head>
<body>
<header><a href="/">{NAME_KO}</a>
  <form action="/search"><input name="q" placeholder="공구 검색"></form>
  <ul class="menu"><li><a href="/tools?page=1">공구 목록</a></li><li><a href="/guide">이용 안내</a></li></ul>
</header>
<main>
<h2>대여 가능한 공구 <small>총 {len(items)}건</small></h2>
<ul class="tool-list">
{rows}
</ul>
<div class="paging">
  {' '.join(pager)}
</div>
</main>
<footer>서울 공구도서관 · 대여 문의 02-2133-0000</footer>
</body>
</html>
"""


def _page_number(query: str) -> int | None:
    value = dict(parse_qsl(query)).get("page", "1")
    try:
        page = int(value)
    except ValueError:
        return None
    return page if page >= 1 else None


def route(view: SiteView, path: str, query: str) -> Document | None:
    if path not in (LISTING, LEGACY):
        return None
    page = _page_number(query)
    if page is None:
        return None
    if path == LEGACY:
        body = listing(view.items, page, legacy=True).encode("euc_kr", "xmlcharrefreplace")
        return Document(body, "text/html", main=True, repeat=(b'<li class="tool"', b"</li>"))
    return Document(listing(view.items, page).encode("utf-8"), "text/html; charset=utf-8", main=True,
                    repeat=(b'<li class="tool"', b"</li>"))


def render_page(view: SiteView, item: Item) -> bytes:
    title = item["title"] or ""
    body = f"""    <main class="tool-view">
      <h1>{escape(title)}</h1>
      <img src="/images/tools/{item['no']}.png" alt="{escape(title)}">
      <table>
        <tr><th>분류</th><td>{escape(item['category'])}</td></tr>
        <tr><th>대여료</th><td class="fee">{escape(item['fee'])}</td></tr>
        <tr><th>대여 장소</th><td class="addr">{escape(item['address'])}</td></tr>
        <tr><th>등록일</th><td>{item['added']:%Y.%m.%d}</td></tr>
      </table>
      <p>{escape(item['desc'])}</p>
      <p><a href="/tools?page=1">목록으로</a></p>
    </main>"""
    return page_shell(title or "공구", body, site_name=NAME_KO).encode("utf-8")


SPEC = PartnerSpec(
    key=KEY, name=NAME, name_ko=NAME_KO, feed_path=FEED_PATH,
    feed_content_type="text/html; charset=utf-8",
    feed_link_type=None, feed_link_absolute=False,
    page_charset="utf-8", page_content_type="text/html; charset=utf-8",
    server_header="Microsoft-IIS/10.0",
    description_ko="구청·주민센터 공구도서관의 공구를 빌려 쓰세요.",
    items=build(1.0), render_feed=None, last_modified=LAST_MODIFIED,
    kind="html", config=CONFIG, route=route, render_page=render_page,
    home_nav=((FEED_PATH, "공구 목록"), (LEGACY + "?page=1", "구 홈페이지 (EUC-KR)")), home_limit=10, build=build,
)
