"""서울 재능나눔 (Seoul Skill Share): neighbours teaching neighbours — repair cafés, language
exchanges, sewing, cooking, coding — published as an Atom 1.0 feed (``/events.atom``, UTF-8,
served as ``application/atom+xml``) that the homepage announces.

Entries have a ``tag:`` id, an alternate link to ``/events/{no}``, ``<published>`` and
``<updated>``, an author, ``<category term label>``, a plain ``<summary>``, an HTML ``<content>``
(escaped ``type="html"``, or ``type="xhtml"`` for every fifth entry) with the place, the fee
(free, per session, per hour, materials fee) and, for most entries, the start date written the
Korean way ("일시: 2026년 12월 5일(토) 오후 2시"); every fourth entry has no date in its content and
its ``<published>`` is the start. Each entry has a ``<georss:point>`` (lat lon).

40 entries at scale 1 over 20 districts, Korean and English. Invalid: one entry with an empty
``<title/>`` (``missing_title``), one whose link is ``javascript:void(0)`` (``invalid_link``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape as html_escape
from typing import Sequence
from xml.sax.saxutils import escape

from tests.partners.base import (
    KST, Item, PartnerSpec, SiteView, invalid_positions, page_shell, scaled_count, seeded, won)
from tests.partners.places import CODES, spot

KEY = "events"
NAME = "Seoul Skill Share"
NAME_KO = "서울 재능나눔"
FEED_PATH = "/events.atom"
BASE_COUNT = 40
SEED = "events-2026"
TAG = "tag:skillshare.seoul.example,2026"
LAST_MODIFIED = datetime(2026, 11, 24, 12, 30, tzinfo=KST)
WEEKDAYS = "월화수목금토일"
# Twenty districts take turns; the other five have no events.
DISTRICTS = tuple(c for c in CODES if c not in ("11305", "11320", "11545", "11260", "11470"))

# (Korean title, English title, category term, label, Korean blurb, English blurb, fee kind)
TOPICS = (
    ("우쿨렐레 기초 클래스", "Ukulele for beginners", "음악", "Music",
     "코드 네 개로 한 곡 완성! 악기는 빌려 드려요.", "Play a whole song with four chords; ukuleles provided.", "session"),
    ("동네 수리카페: 고장 난 물건 고쳐 써요", "Repair Café: fix it, don't toss it", "수리", "Repair",
     "소형 가전, 자전거, 옷 수선을 이웃 수리 봉사자와 함께.", "Bring small appliances, bikes and clothes; volunteers help you fix them.", "free"),
    ("스마트폰 사진 잘 찍는 법", "Smartphone photography walk", "사진", "Photography",
     "구도와 빛 쓰는 법을 배우고 동네를 함께 걸으며 찍어요.", "Learn composition and light, then shoot on a neighbourhood walk.", "session"),
    ("English conversation meetup", "English conversation meetup", "언어", "Language",
     "원어민 이웃과 영어로 수다 떨어요. 수준 무관.", "Chat in English with native-speaking neighbours; all levels.", "free"),
    ("한국어 말하기 교실 (for newcomers)", "Korean speaking class for newcomers", "언어", "Language",
     "외국인 주민을 위한 생활 한국어.", "Everyday Korean for foreign residents.", "free"),
    ("김장 나눔 — 배추 절이기부터", "Kimjang together", "요리", "Cooking",
     "함께 김장하고 한 통씩 나눠 가요. 재료비 있어요.", "Make kimchi together and take a tub home; materials fee.", "materials"),
    ("재봉틀 기초: 에코백 만들기", "Sewing machine basics: a tote bag", "공예", "Crafts",
     "재봉틀 사용법을 익히고 에코백을 완성해요.", "Learn the sewing machine and finish a tote bag.", "materials"),
    ("어린이 코딩 놀이 (스크래치)", "Kids' coding with Scratch", "교육", "Education",
     "초등 3~6학년, 노트북 지참.", "For ages 9-12; bring a laptop.", "session"),
    ("자전거 셀프 정비 워크숍", "Bike maintenance workshop", "수리", "Repair",
     "펑크 때우기, 체인 기름칠, 브레이크 조정.", "Fix a puncture, oil a chain, adjust brakes.", "free"),
    ("베란다 텃밭 가꾸기", "Balcony vegetable garden", "원예", "Gardening",
     "상추·방울토마토 모종을 나눠 드려요.", "Lettuce and cherry-tomato seedlings to take home.", "materials"),
    ("1:1 이력서 코칭", "One-to-one CV coaching", "취업", "Careers",
     "현직 인사담당자 이웃이 이력서를 봐 드려요.", "An HR professional neighbour reviews your CV.", "hour"),
    ("요가로 여는 아침", "Morning yoga in the park", "건강", "Health",
     "매트 지참, 공원 잔디광장.", "Bring a mat; on the park lawn.", "free"),
    ("보드게임 나눔의 밤", "Board game night", "여가", "Leisure",
     "집에서 잠자는 보드게임을 들고 오세요.", "Bring the board games gathering dust at home.", "free"),
    ("가죽 카드지갑 만들기", "Leather card wallet workshop", "공예", "Crafts",
     "가죽·도구 모두 준비되어 있어요.", "Leather and tools provided.", "materials"),
    ("기타 코드 반주 배우기", "Guitar accompaniment", "음악", "Music",
     "통기타 지참 (대여 가능 2대).", "Bring an acoustic guitar (two to borrow).", "session"),
    ("Sourdough bread baking", "Sourdough bread baking", "요리", "Cooking",
     "발효종을 나눠 드립니다.", "Take home some starter.", "materials"),
)
HOSTS = ("{dong} 주민센터 강당", "{gu} 마을공동체지원센터", "{dong} 작은도서관", "{station}역 인근 공유공간", "{gu} 청년센터")


def _fee(rng, kind: str) -> tuple[bool, str, str]:
    if kind == "free":
        return True, "참가비 무료", "Free"
    if kind == "materials":
        amount = rng.choice((3000, 5000, 10000, 15000))
        return False, f"재료비 1인 {won(amount)}", f"Materials fee {amount:,} won per person"
    if kind == "hour":
        amount = rng.choice((10000, 20000))
        return False, f"1시간 {won(amount)}", f"{amount:,} won per hour"
    amount = rng.choice((5000, 10000, 20000))
    return False, f"1회 {won(amount)}", f"{amount:,} won per session"


def _korean_date(value: datetime) -> str:
    hour = value.hour
    half = "오전" if hour < 12 else "오후"
    shown = hour if hour <= 12 else hour - 12
    minute = f" {value.minute}분" if value.minute else ""
    return f"{value.year}년 {value.month}월 {value.day}일({WEEKDAYS[value.weekday()]}) {half} {shown}시{minute}"


def _item(index: int, code: str, invalid: str | None) -> Item:
    rng = seeded(SEED, index)
    place = spot(rng, code)
    ko, en, term, label, blurb_ko, blurb_en, fee_kind = TOPICS[index % len(TOPICS)]
    english = index % 3 == 1 or ko == en
    title = en if english else ko
    venue = rng.choice(HOSTS).format(dong=place.dong.name_ko, gu=place.district.name_ko, station=place.station)
    starts = datetime(2026, 12, 1, tzinfo=KST) + timedelta(days=rng.randrange(45), hours=rng.choice((10, 14, 19)),
                                                          minutes=rng.choice((0, 0, 30)))
    posted = datetime(2026, 11, 1, 9, tzinfo=KST) + timedelta(days=index % 23, minutes=13 * index)
    date_in_content = index % 4 != 2
    is_free, fee_ko, fee_en = _fee(rng, fee_kind)
    no = 1040 + index
    return {
        "id": f"{TAG}:event-{no}", "no": no,
        "title": None if invalid == "missing_title" else title,
        "path": None if invalid == "invalid_link" else f"/events/{no}",
        "link_broken": invalid == "invalid_link",
        "english": english, "term": term, "label": label,
        "summary": f"{blurb_en if english else blurb_ko} ({fee_en if english else fee_ko})",
        "blurb_ko": blurb_ko, "blurb_en": blurb_en, "fee_ko": fee_ko, "fee_en": fee_en,
        "venue": venue, "address_ko": place.address_ko, "address_en": place.address_en,
        "point": (place.lat, place.lon), "starts": starts, "date_in_content": date_in_content,
        "published": posted if date_in_content else starts,
        "updated": posted + timedelta(hours=index % 5),
        "host": f"{place.dong.name_ko} 재능나눔단" if not english else f"{place.dong.name_en} skill sharers",
        "xhtml": index % 5 == 4,
        "district": None if invalid else code, "invalid": invalid, "is_free": None if invalid else is_free,
    }


def build(scale: float = 1.0) -> tuple[Item, ...]:
    count = scaled_count(BASE_COUNT, scale)
    bad = invalid_positions(count, ("missing_title", "invalid_link"))
    return tuple(_item(i, DISTRICTS[(i * 3) % len(DISTRICTS)], bad.get(i)) for i in range(count))


def _iso(value: datetime) -> str:
    return value.astimezone(KST).isoformat(timespec="seconds")


def content_html(item: Item) -> str:
    lines = []
    if item["english"]:
        lines.append(f"<p>{html_escape(item['blurb_en'])}</p>")
        if item["date_in_content"]:
            lines.append(f"<p><b>When:</b> {item['starts']:%A %d %B %Y, %H:%M}</p>")
        lines.append(f"<p><b>Where:</b> {html_escape(item['venue'])}, {html_escape(item['address_ko'])}</p>")
        lines.append(f"<p><b>Fee:</b> {html_escape(item['fee_en'])}</p>")
    else:
        lines.append(f"<p>{html_escape(item['blurb_ko'])}</p>")
        if item["date_in_content"]:
            lines.append(f"<p>일시: {_korean_date(item['starts'])}</p>")
        lines.append(f"<p>장소: {html_escape(item['venue'])} ({html_escape(item['address_ko'])})</p>")
        lines.append(f"<p>{html_escape(item['fee_ko'])} · 신청은 선착순</p>")
    return "".join(lines)


def _entry(item: Item, base_url: str) -> str:
    href = "javascript:void(0)" if item["link_broken"] else base_url + item["path"]
    out = ["  <entry>",
           f"    <title type=\"text\">{escape(item['title'] or '')}</title>",
           f'    <link rel="alternate" type="text/html" href="{escape(href)}"/>',
           f"    <id>{escape(item['id'])}</id>",
           f"    <published>{_iso(item['published'])}</published>",
           f"    <updated>{_iso(item['updated'])}</updated>",
           f"    <author><name>{escape(item['host'])}</name></author>",
           f'    <category term="{escape(item["term"])}" label="{escape(item["label"])}"/>',
           f"    <summary type=\"text\">{escape(item['summary'])}</summary>"]
    if item["xhtml"]:
        out.append(f'    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">{content_html(item)}</div></content>')
    else:
        out.append(f'    <content type="html">{escape(content_html(item))}</content>')
    lat, lon = item["point"]
    out.append(f"    <georss:point>{lat} {lon}</georss:point>")
    out.append("  </entry>")
    return "\n".join(out)


def render_feed(items: Sequence[Item], base_url: str, built_at: datetime) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:georss="http://www.georss.org/georss" xml:lang="ko">',
           f"  <title>{NAME_KO}</title>",
           "  <subtitle>이웃이 이웃에게 배우는 재능나눔 모임 (Seoul neighbours teaching neighbours)</subtitle>",
           f'  <link rel="self" type="application/atom+xml" href="{escape(base_url + FEED_PATH)}"/>',
           f'  <link rel="alternate" type="text/html" href="{escape(base_url)}/"/>',
           f"  <id>{TAG}:feed</id>",
           f"  <updated>{_iso(built_at)}</updated>",
           f"  <author><name>{NAME_KO}</name><uri>{escape(base_url)}/</uri></author>",
           '  <generator uri="https://wordpress.org/" version="6.7">WordPress</generator>',
           "  <rights>CC BY 4.0</rights>"]
    out.extend(_entry(item, base_url) for item in items)
    out.append("</feed>\n")
    return "\n".join(out).encode("utf-8")


def render_page(view: SiteView, item: Item) -> bytes:
    title = item["title"] or "(제목 없음)"
    body = f"""    <article class="event">
      <h1>{html_escape(title)}</h1>
      <p class="when"><time datetime="{_iso(item['starts'])}">{_korean_date(item['starts'])}</time></p>
      <p class="where">{html_escape(item['venue'])} · {html_escape(item['address_ko'])}</p>
      <p class="fee">{html_escape(item['fee_ko'])}</p>
      <div class="content">{content_html(item)}</div>
      <p><a href="/events/{item['no']}/apply">신청하기 (Apply)</a></p>
    </article>"""
    return page_shell(title, body, site_name=NAME_KO).encode("utf-8")


SPEC = PartnerSpec(
    key=KEY, name=NAME, name_ko=NAME_KO, feed_path=FEED_PATH,
    feed_content_type="application/atom+xml; charset=utf-8",
    feed_link_type="application/atom+xml", feed_link_absolute=False,
    page_charset="utf-8", page_content_type="text/html; charset=utf-8",
    server_header="nginx/1.24.0",
    description_ko="이웃에게 배우고 이웃에게 가르쳐요. 수리, 요리, 언어, 공예 재능나눔 모임.",
    items=build(1.0), render_feed=render_feed, last_modified=LAST_MODIFIED,
    kind="feed", render_page=render_page, feed_repeat=(b"<entry>", b"</entry>"), home_limit=30, build=build,
)
