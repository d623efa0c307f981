"""꼬마옷장 (Little Closet): a neighbourhood shop where parents rent out and give away children's
clothes, shoes and gear. No feed: ``/robots.txt`` names ``/sitemap.xml`` (a urlset with a
``<lastmod>`` per product), and each product page ``/products/{no}`` describes the product in
**microdata**: ``itemscope itemtype="http://schema.org/Product"`` with ``name``, ``description``,
``image``, ``sku``, ``brand``, and ``offers`` (an ``Offer`` with ``price`` in a ``content``
attribute, ``priceCurrency`` KRW, ``availability``, and ``availableAtOrFrom`` — a ``Place`` with a
Korean ``PostalAddress`` and ``GeoCoordinates``: the pick-up point).

30 products at scale 1 over 15 districts; rentals per two weeks, per use, per month, or free
(나눔). Invalid: one product whose ``itemprop="name"`` is empty (``missing_title``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from typing import Sequence
from xml.sax.saxutils import escape as xml_escape

from tests.partners.base import (
    KST, Document, Item, PartnerSpec, SiteView, invalid_positions, page_shell, robots_txt, scaled_count, seeded,
    won)
from tests.partners.places import spot

KEY = "kids"
NAME = "Little Closet"
NAME_KO = "꼬마옷장"
BASE_COUNT = 30
SEED = "kids-2026"
SITEMAP = "/sitemap.xml"
LAST_MODIFIED = datetime(2026, 11, 24, 20, 15, tzinfo=KST)
DISTRICTS = ("11440", "11410", "11380", "11350", "11320", "11680", "11650", "11710", "11740", "11500",
             "11470", "11530", "11590", "11620", "11215")

# (Korean, English, brand, how it is offered)
PRODUCTS = (
    ("아동 경량 패딩 점퍼 (110)", "Kids' light padded jacket, size 110", "탑텐키즈", "two_weeks"),
    ("신생아 배냇저고리 5종 세트", "Newborn gown set of five", "아가방", "free"),
    ("돌잔치 한복 (남아 100호)", "First-birthday hanbok, boy, size 100", "한복나라", "once"),
    ("유아 장화 (160mm)", "Toddler rain boots, 160 mm", "크록스", "free"),
    ("Baby romper set 6-12M", "Baby romper set 6-12M", "Carter's", "two_weeks"),
    ("초등 졸업식 정장 (140)", "School graduation suit, size 140", "빈폴키즈", "once"),
    ("아기띠 (힙시트형)", "Hip-seat baby carrier", "포브", "month"),
    ("스키복 상하의 (130)", "Ski suit, size 130", "노스페이스키즈", "two_weeks"),
    ("어린이 수영복·수모 세트", "Kids' swimsuit and cap", "아레나", "free"),
    ("Winter snowsuit 18-24M", "Winter snowsuit 18-24M", "Columbia", "month"),
)


def _offer(rng, kind: str) -> tuple[bool, int, str, str]:
    """(is_free, price, Korean phrase, English phrase)."""
    if kind == "free":
        return True, 0, "무료 나눔", "free to a good home"
    if kind == "once":
        amount = rng.choice((5000, 8000, 10000))
        return False, amount, f"1회 대여 {won(amount)}", f"{amount:,} won per rental"
    if kind == "month":
        amount = rng.choice((10000, 15000))
        return False, amount, f"1개월 {won(amount)}", f"{amount:,} won per month"
    amount = rng.choice((3000, 5000, 8000))
    return False, amount, f"2주 대여 {won(amount)}", f"{amount:,} won for two weeks"


def _item(index: int, code: str, invalid: str | None) -> Item:
    rng = seeded(SEED, index)
    place = spot(rng, code)
    ko, en, brand, kind = PRODUCTS[index % len(PRODUCTS)]
    english = ko == en or rng.random() < 0.2
    is_free, price, phrase_ko, phrase_en = _offer(rng, kind)
    condition = rng.choice(("새 상품 수준", "사용감 적음", "세탁 완료", "얼룩 약간"))
    no = 5001 + index
    if english:
        description = f"{en}. Condition: washed and checked. {phrase_en}. Pick-up at {place.dong.name_en}."
    else:
        description = f"{ko}. 상태: {condition}. {phrase_ko}. {place.dong.name_ko}에서 직접 받아 가세요."
    return {
        "id": f"LC-{no}", "no": no, "title": None if invalid == "missing_title" else (en if english else ko),
        "path": f"/products/{no}", "brand": brand, "english": english, "description": description,
        "price": price, "phrase": phrase_en if english else phrase_ko,
        "pickup": f"꼬마옷장 {place.dong.name_ko} 픽업존", "street": place.street_ko,
        "locality": place.district.name_ko, "postal_code": place.postal_code, "address_ko": place.address_ko,
        "point": (place.lat, place.lon),
        "updated": LAST_MODIFIED - timedelta(hours=5 * index + 2),
        "district": None if invalid else code, "invalid": invalid, "is_free": None if invalid else is_free,
    }


def build(scale: float = 1.0) -> tuple[Item, ...]:
    count = scaled_count(BASE_COUNT, scale)
    bad = invalid_positions(count, ("missing_title",))
    return tuple(_item(i, DISTRICTS[(i * 4) % len(DISTRICTS)], bad.get(i)) for i in range(count))


def _iso(value: datetime) -> str:
    return value.astimezone(KST).isoformat(timespec="seconds")


def render_page(view: SiteView, item: Item) -> bytes:
    name = escape(item["title"] or "")
    lat, lon = item["point"]
    availability = "http://schema.org/InStock"
    body = f"""    <main>
    <div class="product" itemscope itemtype="http://schema.org/Product">
      <h1 itemprop="name">{name}</h1>
      <meta itemprop="sku" content="{item['id']}">
      <p class="brand">브랜드: <span itemprop="brand" itemscope itemtype="http://schema.org/Brand"><span itemprop="name">{escape(item['brand'])}</span></span></p>
      <img itemprop="image" src="/images/kids/{item['no']}.png" alt="{name}">
      <div itemprop="description"><p>{escape(item['description'])}</p></div>
      <div class="offer" itemprop="offers" itemscope itemtype="http://schema.org/Offer">
        <span class="price" itemprop="price" content="{item['price']}">{escape(item['phrase'])}</span>
        <meta itemprop="priceCurrency" content="KRW">
        <link itemprop="availability" href="{availability}">
        <div itemprop="availableAtOrFrom" itemscope itemtype="http://schema.org/Place">
          픽업: <span itemprop="name">{escape(item['pickup'])}</span>
          <div itemprop="address" itemscope itemtype="http://schema.org/PostalAddress">
            <span itemprop="addressRegion">서울특별시</span>
            <span itemprop="addressLocality">{escape(item['locality'])}</span>
            <span itemprop="streetAddress">{escape(item['street'])}</span>
            <meta itemprop="postalCode" content="{item['postal_code']}">
            <meta itemprop="addressCountry" content="KR">
          </div>
          <div itemprop="geo" itemscope itemtype="http://schema.org/GeoCoordinates">
            <meta itemprop="latitude" content="{lat}">
            <meta itemprop="longitude" content="{lon}">
          </div>
        </div>
      </div>
    </div>
    <p><a href="/cart/add?product={item['no']}">대여 신청</a></p>
    </main>"""
    return page_shell(item["title"] or "상품", body, site_name=NAME_KO).encode("utf-8")


def _urlset(items: Sequence[Item], base_url: str) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for item in items:
        out.append(f"<url><loc>{xml_escape(base_url + item['path'])}</loc>"
                   f"<lastmod>{_iso(item['updated'])}</lastmod><changefreq>weekly</changefreq>"
                   "<priority>0.8</priority></url>")
    out.append("</urlset>\n")
    return "\n".join(out).encode("utf-8")


def route(view: SiteView, path: str, query: str) -> Document | None:
    if path == SITEMAP:
        return Document(_urlset(view.items, view.base_url), "application/xml; charset=utf-8", main=True,
                        repeat=(b"<url>", b"</url>"))
    return None


def robots(base_url: str) -> bytes:
    return robots_txt(("/private/", "/cart/", "/search"), (base_url + SITEMAP,))


SPEC = PartnerSpec(
    key=KEY, name=NAME, name_ko=NAME_KO, feed_path=SITEMAP,
    feed_content_type="application/xml; charset=utf-8",
    feed_link_type=None, feed_link_absolute=True,
    page_charset="utf-8", page_content_type="text/html; charset=utf-8",
    server_header="Caddy",
    description_ko="작아진 아이 옷, 이웃과 나눠 입어요. 대여와 무료 나눔.",
    items=build(1.0), render_feed=None, last_modified=LAST_MODIFIED,
    kind="sitemap", sitemap_path=SITEMAP, robots=robots, route=route, render_page=render_page,
    home_limit=12, build=build,
)
