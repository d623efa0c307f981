"""동네물품공유센터 (Neighbourhood Sharing Center): tools and goods lent by community centres.

Its feed is RSS 2.0 as a legacy Korean public-sector CMS writes it: encoded in EUC-KR (declared in
the XML declaration, and the bytes really are EUC-KR), served as ``text/html``, item links to a
JSP page with a query string, descriptions in HTML (some in CDATA, some entity-escaped) with a
price phrase and an address, some items with a GeoRSS point, and one item with no title.

13 items: 12 listings over 6 districts and 1 without a title (diagnostic "missing_title").
Above scale 1 the feed adds copies of the 12 listings (item numbers from 1001, "(#k)" titles).
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from typing import Sequence
from xml.sax.saxutils import escape

from tests.partners.base import KST, Item, PartnerSpec

KEY = "goods"
NAME = "Neighbourhood Sharing Center"
NAME_KO = "동네물품공유센터"
FEED_PATH = "/rss.xml"
ENCODING = "EUC-KR"


def _when(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=KST)


def _item(no: int, title: str | None, *, categories: list[str], creator: str, published: datetime,
          description_html: str, district: str | None, is_free: bool | None, point: tuple[float, float] | None = None,
          cdata: bool = True, invalid: str | None = None) -> Item:
    return {
        "id": f"NSC-ITEM-{no:04d}", "no": no, "title": title, "path": f"/share/view.do?itemNo={no}&menuId=21",
        "categories": categories, "creator": creator, "published": published, "point": point,
        "description_html": description_html, "cdata": cdata,
        "district": district, "invalid": invalid, "is_free": is_free,
    }


ITEMS: tuple[Item, ...] = (
    _item(
        412, "전동드릴 대여 (충전식 18V)", categories=["공구"], creator="망원1동 공유센터",
        published=_when(23, 9, 30), point=(37.5556, 126.9057), district="11440", is_free=False,
        description_html=(
            "<p>충전식 <b>전동드릴</b>(18V, 배터리 2개·충전기 포함)을 빌려 드립니다. 드릴 비트 세트도 함께 드려요.</p>"
            "<p>대여료: 1일 3,000원 (최대 3일)</p>"
            "<p>대여 장소: 서울특별시 마포구 망원로 45 망원1동 주민센터 1층 공유센터</p>"
            '<img src="/upload/item/0412.png" alt="전동드릴" width="320">'
            "<script>document.write('<img src=\"http://stats.example.net/p.gif?i=412\">');</script>"
        )),
    _item(
        415, "Cordless drill for loan", categories=["tools"], creator="Seodaemun Sharing Center",
        published=_when(23, 14, 5), point=(37.5791, 126.9368), district="11410", is_free=True,
        description_html=(
            "<p>A <b>cordless drill</b> (14.4V) with a set of bits, lent for up to 3 days.</p>"
            "<p>Free for residents. Please bring your ID card.</p>"
            "<p>Pick-up: Seodaemun-gu Office, 248 Yeonhui-ro, Seodaemun-gu, Seoul</p>"
        )),
    _item(
        398, "가정용 공구세트 (38종) & 공구함", categories=["공구", "생활용품"], creator="상계2동 마을공유센터",
        published=_when(22, 10, 0), district="11350", is_free=True, cdata=False,
        description_html=(
            "<p>망치, 드라이버, 렌치, 줄자 등 <b>38종 공구세트</b>입니다.</p>"
            "<p><strong>무료 대여</strong> (최대 7일, 연체 시 2주간 대여 제한)</p>"
            "<p>장소: 서울 노원구 상계로 118 상계2동 마을공유센터</p>"
            '<p><a href="#" onclick="alert(document.cookie)">예약 안내 보기</a></p>'
        )),
    _item(
        377, "유모차 (휴대용 절충형)", categories=["유아용품"], creator="행당1동 공유센터",
        published=_when(21, 11, 20), point=(37.5590, 127.0361), district="11200", is_free=False,
        description_html=(
            "<p>접이식 <b>절충형 유모차</b>, 생후 6개월부터 사용 가능합니다. 세척·소독 후 대여합니다.</p>"
            "<p>보증금 10,000원 / 1일 2,000원 (반납 시 보증금 환불)</p>"
            "<p>서울특별시 성동구 왕십리로 410 행당1동 주민센터 2층</p>"
        )),
    _item(
        420, "캠핑텐트 4인용 (원터치)", categories=["캠핑용품"], creator="송파구 공유센터",
        published=_when(24, 8, 45), district="11710", is_free=False,
        description_html=(
            "<p>4인용 <b>원터치 캠핑텐트</b>, 그라운드시트와 팩 포함.</p>"
            "<p>1일 5천원, 주말(금~일) 1만 2천원</p>"
            "<p>서울특별시 송파구 올림픽로 326 송파구청 별관 1층</p>"
        )),
    _item(
        421, "Camping tent 4-person", categories=["camping"], creator="Yeoksam 1-dong Sharing Center",
        published=_when(24, 9, 10), district="11680", is_free=False, cdata=False,
        description_html=(
            "<p>Dome <b>tent for 4 people</b> with rain fly, pegs and a carry bag.</p>"
            "<p>5,000 won per day, deposit 20,000 won.</p>"
            "<p>Yeoksam 1-dong Community Center, 7 Yeoksam-ro 7-gil, Gangnam-gu, Seoul</p>"
        )),
    _item(
        388, "한복 대여 (여아 120호)", categories=["의류"], creator="연희동 공유센터",
        published=_when(20, 15, 0), point=(37.5681, 126.9313), district="11410", is_free=False,
        description_html=(
            "<p>명절·돌잔치용 <b>여아 한복</b> (120호, 저고리·치마·속치마 세트).</p>"
            "<p>대여료: 1회 10,000원 (3일 이내 반납, 세탁비 포함)</p>"
            "<p>서울특별시 서대문구 연희로 149 연희동 주민센터</p>"
        )),
    _item(
        402, "장우산 (대형, 자동)", categories=["생활용품"], creator="역삼1동 공유센터",
        published=_when(22, 7, 40), district="11680", is_free=True,
        description_html=(
            "<p>갑자기 비가 올 때 빌려 가세요. <b>대형 자동 장우산</b> 30개 비치.</p>"
            "<p>무료 대여 (3일 이내 반납)</p>"
            "<p>서울 강남구 테헤란로 152 역삼1동 공유우산함</p>"
        )),
    _item(
        395, '접이식 사다리 "2단" AND (높이 조절', categories=["공구"], creator="공릉1동 공유센터",
        published=_when(21, 16, 30), district="11350", is_free=False, cdata=False,
        description_html=(
            "<p>알루미늄 <b>접이식 사다리</b>, 2단, 최대 하중 100㎏.</p>"
            "<p>대여료 1일 1,000원</p>"
            "<p>서울특별시 노원구 동일로 1001 공릉1동 주민센터</p>"
        )),
    _item(
        380, "아이스박스 45L", categories=["캠핑용품"], creator="잠실본동 공유센터",
        published=_when(19, 13, 15), point=(37.5055, 127.0823), district="11710", is_free=False,
        description_html=(
            "<p>바퀴 달린 <b>45L 아이스박스</b>. 아이스팩 4개 포함.</p>"
            "<p>1일 2,000원</p>"
            "<p>서울특별시 송파구 백제고분로 236 잠실본동 주민센터</p>"
        )),
    _item(
        371, "카시트 (신생아~4세)", categories=["유아용품"], creator="서교동 공유센터",
        published=_when(18, 10, 50), district="11440", is_free=False,
        description_html=(
            "<p>ISOFIX 지원 <b>카시트</b>, 신생아부터 만 4세까지.</p>"
            "<p>보증금 20,000원, 1주 5,000원</p>"
            "<p>서울특별시 마포구 동교로 195 서교동 주민센터 3층 (마포구 공유센터 분소)</p>"
        )),
    _item(
        366, "Electric sewing machine", categories=["household"], creator="Seongsu Sharing Center",
        published=_when(17, 17, 25), district="11200", is_free=False,
        description_html=(
            "<p>Brother <b>sewing machine</b> with a foot pedal. A short lesson is available on request.</p>"
            "<p>3,000 won per day.</p>"
            "<p>Seongsu 2-ga 3-dong Community Center, Seongdong-gu, Seoul</p>"
        )),
    # Drafted in the CMS but never given a title: the hub must report it, not list it.
    _item(
        359, None, categories=["생활용품"], creator="망원1동 공유센터",
        published=_when(16, 12, 0), district=None, is_free=None, invalid="missing_title",
        description_html=(
            "<p>행사용 천막 (3x3m), 무료 대여.</p>"
            "<p>서울특별시 마포구 망원로 45 망원1동 주민센터</p>"
        )),
)


def clone(item: Item, k: int) -> Item:
    """The k-th extra copy of a listing, for scale > 1."""
    no = 1000 + k
    return {**item, "id": f"NSC-ITEM-{no:04d}", "no": no, "title": f"{item['title']} (#{k})",
            "path": f"/share/view.do?itemNo={no}&menuId=21"}


def _description(item: Item) -> str:
    html = item["description_html"]
    if item["cdata"]:
        return f"<description><![CDATA[{html}]]></description>"
    return f"<description>{escape(html)}</description>"


def render_feed(items: Sequence[Item], base_url: str, built_at: datetime) -> bytes:
    """RSS 2.0 in EUC-KR; raises UnicodeEncodeError if the data holds a character EUC-KR lacks."""
    out = [
        f'<?xml version="1.0" encoding="{ENCODING}"?>',
        '<rss version="2.0" xmlns:georss="http://www.georss.org/georss"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "<channel>",
        f"<title>{NAME_KO}</title>",
        f"<link>{escape(base_url)}/</link>",
        "<description>서울 동네 주민센터 공유센터의 물품·공구 대여 목록</description>",
        "<language>ko</language>",
        "<copyright>Copyright (c) 동네물품공유센터. All rights reserved.</copyright>",
        f"<lastBuildDate>{format_datetime(built_at.astimezone(KST))}</lastBuildDate>",
        "<ttl>60</ttl>",
        "<generator>eGovFrame RSS 2.1</generator>",
    ]
    for item in items:
        out.append("<item>")
        if item["title"] is None:
            out.append("<title></title>")
        else:
            out.append(f"<title>{escape(item['title'])}</title>")
        out.append(f"<link>{escape(base_url + item['path'])}</link>")
        out.append(f'<guid isPermaLink="false">{escape(item["id"])}</guid>')
        out.extend(f"<category>{escape(c)}</category>" for c in item["categories"])
        out.append(f"<dc:creator>{escape(item['creator'])}</dc:creator>")
        out.append(_description(item))
        out.append(f"<pubDate>{format_datetime(item['published'])}</pubDate>")
        if item["point"]:
            lat, lon = item["point"]
            out.append(f"<georss:point>{lat} {lon}</georss:point>")
        out.append("</item>")
    out += ["</channel>", "</rss>", ""]
    return "\r\n".join(out).encode("euc_kr")


SPEC = PartnerSpec(
    key=KEY, name=NAME, name_ko=NAME_KO, feed_path=FEED_PATH,
    feed_content_type="text/html",  # mislabelled, as such CMSs do; no charset parameter either
    feed_link_type="application/rss+xml", feed_link_absolute=False,
    page_charset="euc-kr", page_content_type="text/html",
    server_header="Apache-Coyote/1.1",
    description_ko="공구, 캠핑용품, 유아용품을 이웃과 나눠 써요.",
    items=ITEMS, render_feed=render_feed,
    last_modified=datetime(2026, 11, 24, 9, 10, tzinfo=KST),
    feed_repeat=(b"<item>", b"</item>"), clone=clone,
)
