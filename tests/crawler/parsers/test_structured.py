"""Item pages: schema.org listings (JSON-LD, microdata, RDFa) become raw items, field by field."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from crawler.normalize.listing import normalize_item
from crawler.parsers import structured
from crawler.parsers.base import ParseError
from crawler.parsers.registry import parse_document

SEOUL = ZoneInfo("Asia/Seoul")
PAGE = "https://share.example/items/drill-1"


def _page(*blocks: object, head: str = "", body: str = "", lang: str = "ko") -> bytes:
    scripts = "".join(
        f'<script type="application/ld+json">{b if isinstance(b, str) else json.dumps(b, ensure_ascii=False)}</script>'
        for b in blocks)
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>공유</title>{head}{scripts}'
            f"</head><body>{body}</body></html>").encode("utf-8")


KOREAN_PRODUCT = {
    "@context": "https://schema.org",
    "@type": "Product",
    "@id": "https://share.example/items/drill-1#product",
    "name": "전동드릴 대여 &amp; 비트 세트",
    "description": "가정용 전동드릴을 하루 단위로 빌려드립니다.\n배터리 2개 포함.",
    "image": ["https://share.example/img/drill.jpg", "/img/drill-2.jpg",
              {"@type": "ImageObject", "url": "https://cdn.share.example/drill-3.jpg"}],
    "category": ["공구", "DIY"],
    "datePublished": "2026-03-01T10:00:00",
    "dateModified": "2026-03-02T09:00:00+00:00",
    "address": {"@type": "PostalAddress", "streetAddress": "서울특별시 마포구 망원로 45",
                "addressLocality": "마포구", "addressRegion": "서울특별시", "addressCountry": "KR"},
    "geo": {"@type": "GeoCoordinates", "latitude": "37.5563", "longitude": 126.9019},
    "offers": {"@type": "Offer", "price": "3000", "priceCurrency": "KRW", "unitText": "DAY",
               "availability": "https://schema.org/InStock"},
}


# --- one Korean JSON-LD Product, every field ----------------------------------------------------

def test_korean_json_ld_product_maps_every_field():
    result = structured.parse(PAGE, _page(KOREAN_PRODUCT))
    assert result.format == "schema.org"
    assert result.warnings == []
    assert result.link == PAGE
    [item] = result.items
    assert item.key == "https://share.example/items/drill-1#product"
    assert item.link == PAGE
    assert item.title == "전동드릴 대여 & 비트 세트"
    assert item.summary == "가정용 전동드릴을 하루 단위로 빌려드립니다.\n배터리 2개 포함."
    assert item.content_html == "가정용 전동드릴을 하루 단위로 빌려드립니다.<br>\n배터리 2개 포함."
    assert item.categories == ["Product", "공구", "DIY"]
    assert item.images == ["https://share.example/img/drill.jpg", "https://share.example/img/drill-2.jpg",
                           "https://cdn.share.example/drill-3.jpg"]
    assert item.address == "서울특별시 마포구 망원로 45"
    assert (item.lat, item.lon) == (37.5563, 126.9019)
    assert item.price_text == "3000 KRW / DAY"
    assert item.published == datetime(2026, 3, 1, 10, 0, tzinfo=SEOUL)
    assert item.updated == datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    assert item.language == "ko"
    assert item.extra["schema_type"] == "Product"
    assert item.extra["syntax"] == "json-ld"
    assert item.extra["availability"] == "InStock"


def test_the_korean_product_normalizes_to_a_daily_price_in_mapo():
    [item] = structured.parse(PAGE, _page(KOREAN_PRODUCT)).items
    listing, problems = normalize_item(item, source_id=1, platform="test")
    assert listing is not None
    assert (listing.price.amount, listing.price.currency, listing.price.unit) == (3000, "KRW", "day")
    assert listing.address == "서울특별시 마포구 망원로 45"
    assert listing.dong == "망원1동"
    assert listing.item_key == "https://share.example/items/drill-1#product"
    assert "price_unknown" not in {problem.code for problem in problems}


def test_the_registry_reads_sitemap_pages_with_this_parser():
    result = parse_document("sitemap", "page", PAGE, _page(KOREAN_PRODUCT), None)
    assert [item.title for item in result.items] == ["전동드릴 대여 & 비트 세트"]


# --- addresses ----------------------------------------------------------------------------------

@pytest.mark.parametrize("address, expected", [
    ("서울특별시 마포구 망원로 45", "서울특별시 마포구 망원로 45"),
    ({"@type": "PostalAddress", "streetAddress": "망원로 45", "addressLocality": "마포구",
      "addressRegion": "서울특별시", "postalCode": "04007"}, "서울특별시 마포구 망원로 45 04007"),
    ({"@type": "PostalAddress", "streetAddress": "서울특별시 마포구 망원로 45", "addressLocality": "마포구",
      "addressRegion": "서울특별시"}, "서울특별시 마포구 망원로 45"),
    ({"@type": "PostalAddress", "streetAddress": "497 Rogers Ave", "addressLocality": "Brooklyn",
      "addressRegion": "NY", "postalCode": "11225", "addressCountry": "US"}, "497 Rogers Ave, Brooklyn, NY, 11225"),
    ({"@type": "PostalAddress", "addressLocality": "Tacoma, Georgia", "addressRegion": "Georgia"}, "Tacoma, Georgia"),
    ({"@type": "PostalAddress"}, None),
])
def test_address_forms(address, expected):
    assert structured.format_address(address) == expected


# --- events -------------------------------------------------------------------------------------

EVENT = {
    "@context": "https://schema.org",
    "@type": "EducationEvent",
    "name": "수리 카페: 고장난 우산 고치기",
    "startDate": "2026-05-09T14:00",
    "endDate": "2026-05-09T16:30:00+09:00",
    "location": {
        "@type": "Place", "name": "성수 공유공간",
        "address": {"@type": "PostalAddress", "streetAddress": "서울특별시 성동구 성수이로 10"},
        "geo": {"@type": "GeoCoordinates", "latitude": 37.5446, "longitude": "127.0557"},
    },
    "offers": {"@type": "Offer", "price": 0, "priceCurrency": "KRW"},
    "image": {"@type": "ImageObject", "contentUrl": "https://share.example/repair.png"},
}


def test_event_dates_place_and_free_price():
    [item] = structured.parse("https://share.example/events/7", _page(EVENT)).items
    assert item.extra["schema_type"] == "EducationEvent"
    assert item.extra["starts_at"] == datetime(2026, 5, 9, 14, 0, tzinfo=SEOUL)
    assert item.extra["ends_at"] == datetime(2026, 5, 9, 16, 30, tzinfo=timezone(timedelta(hours=9)))
    assert item.extra["starts_at"].utcoffset() == timedelta(hours=9)
    assert item.extra["place_name"] == "성수 공유공간"
    assert item.address == "서울특별시 성동구 성수이로 10"
    assert (item.lat, item.lon) == (37.5446, 127.0557)
    assert item.price_text == "0 KRW"
    assert item.images == ["https://share.example/repair.png"]
    assert item.categories == ["EducationEvent"]


def test_an_event_location_that_is_just_text_is_the_address():
    event = {"@type": "Event", "name": "나눔장터", "startDate": "2026-06-01", "location": "서울특별시 마포구 망원동 공원"}
    [item] = structured.parse("https://share.example/e", _page(event)).items
    assert item.address == "서울특별시 마포구 망원동 공원"
    assert item.extra["starts_at"] == datetime(2026, 6, 1, tzinfo=SEOUL)


def test_free_events_keep_their_word_for_it():
    free_word = {"@type": "Event", "name": "a", "offers": {"@type": "Offer", "price": "무료", "priceCurrency": "KRW"}}
    accessible = {"@type": "Event", "name": "b", "isAccessibleForFree": True}
    items = structured.parse("https://share.example/e", _page(free_word, accessible)).items
    assert [item.price_text for item in items] == ["무료", "무료"]


# --- prices -------------------------------------------------------------------------------------

@pytest.mark.parametrize("offers, expected", [
    ({"@type": "Offer", "price": 3000, "priceCurrency": "KRW"}, "3000 KRW"),
    ({"@type": "Offer", "price": 3000.0, "priceCurrency": "KRW"}, "3000 KRW"),
    ({"@type": "Offer", "price": "12,500", "priceCurrency": "KRW"}, "12,500 KRW"),
    ({"@type": "Offer", "price": "5000"}, "5000"),
    ({"@type": "Offer", "priceSpecification": {"@type": "UnitPriceSpecification", "price": 9900,
                                                "priceCurrency": "KRW", "unitText": "1시간"}}, "9900 KRW / 1시간"),
    ({"@type": "Offer", "price": 1200, "priceCurrency": "KRW",
      "priceSpecification": {"@type": "UnitPriceSpecification", "unitCode": "HUR"}}, "1200 KRW / HOUR"),
    ({"@type": "AggregateOffer", "lowPrice": "2000", "highPrice": "5000", "priceCurrency": "KRW"}, "2000 KRW"),
    ([{"@type": "Offer", "priceCurrency": "KRW"}, {"@type": "Offer", "price": 700, "priceCurrency": "KRW"}], "700 KRW"),
    ({"@type": "Offer", "price": "$35"}, "$35"),
    ({"@type": "Offer", "availability": "InStock"}, None),
])
def test_price_text_from_offers(offers, expected):
    product = {"@type": "Product", "name": "x", "offers": offers}
    [item] = structured.parse(PAGE, _page(product)).items
    assert item.price_text == expected


def test_a_bare_offer_is_a_listing_named_by_its_item():
    offer = {"@context": "https://schema.org", "@type": "Offer", "price": "2000", "priceCurrency": "KRW",
             "unitText": "DAY", "itemOffered": {"@type": "Product", "name": "캠핑 의자"}}
    [item] = structured.parse(PAGE, _page(offer)).items
    assert (item.title, item.price_text, item.extra["schema_type"]) == ("캠핑 의자", "2000 KRW / DAY", "Offer")


# --- microdata, lodging, RDFa -------------------------------------------------------------------

MICRODATA_PRODUCT = """
<div itemscope itemtype="https://schema.org/Product" itemid="urn:share:tent-3">
  <h1 itemprop="name">4인용 텐트</h1>
  <img itemprop="image" src="/img/tent.jpg" alt="">
  <p itemprop="description">주말 캠핑용 텐트 대여</p>
  <span itemprop="category">캠핑</span>
  <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
    <meta itemprop="priceCurrency" content="KRW"><span itemprop="price" content="10000">10,000원</span>
    <span itemprop="unitText">1박</span>
  </div>
</div>"""


def test_microdata_product():
    [item] = structured.parse("https://share.example/tents/3", _page(body=MICRODATA_PRODUCT)).items
    assert item.key == "urn:share:tent-3"
    assert item.link == "https://share.example/tents/3"
    assert item.title == "4인용 텐트"
    assert item.summary == "주말 캠핑용 텐트 대여"
    assert item.images == ["https://share.example/img/tent.jpg"]
    assert item.categories == ["Product", "캠핑"]
    assert item.price_text == "10000 KRW / 1박"
    assert item.extra["syntax"] == "microdata"


LODGING = {
    "@context": "http://schema.org",
    "@type": ["LodgingBusiness", "Organization"],
    "name": "북촌 한옥 게스트하우스",
    "description": "<p>전통 <b>한옥</b>에서 하룻밤</p>",
    "address": {"@type": "PostalAddress", "streetAddress": "계동길 12", "addressLocality": "종로구",
                "addressRegion": "서울특별시", "postalCode": "03058", "addressCountry": "KR"},
    "geo": {"@type": "GeoCoordinates", "latitude": "37.5826", "longitude": "126.9853"},
    "image": {"@type": "ImageObject", "url": "https://share.example/hanok.jpg"},
    "priceRange": "₩₩",
    "makesOffer": {"@type": "Offer", "price": "80000", "priceCurrency": "KRW"},
}


def test_lodging_business():
    [item] = structured.parse("https://share.example/stay/12", _page(LODGING)).items
    assert item.extra["schema_type"] == "LodgingBusiness"
    assert item.categories == ["LodgingBusiness", "Organization"]
    assert item.address == "서울특별시 종로구 계동길 12 03058"
    assert (item.lat, item.lon) == (37.5826, 126.9853)
    assert item.images == ["https://share.example/hanok.jpg"]
    assert item.summary == item.content_html == "<p>전통 <b>한옥</b>에서 하룻밤</p>"
    # makesOffer describes what the business offers, not the page's own price.
    assert item.price_text is None


RDFA_ROOM = """
<div vocab="https://schema.org/" typeof="MeetingRoom" resource="#room-1">
  <h2 property="name">망원동 공유 회의실</h2>
  <p property="description">10인 회의실, 빔프로젝터 구비</p>
  <img property="image" src="/img/room.jpg">
  <div property="address" typeof="PostalAddress">
    <span property="addressRegion">서울특별시</span> <span property="addressLocality">마포구</span>
    <span property="streetAddress">망원로 45</span>
  </div>
  <div property="geo" typeof="GeoCoordinates">
    <meta property="latitude" content="37.556"><meta property="longitude" content="126.91">
  </div>
</div>"""


def test_rdfa_meeting_room():
    [item] = structured.parse("https://share.example/rooms/1", _page(body=RDFA_ROOM)).items
    assert item.key == "https://share.example/rooms/1#room-1"
    assert item.title == "망원동 공유 회의실"
    assert item.address == "서울특별시 마포구 망원로 45"
    assert (item.lat, item.lon) == (37.556, 126.91)
    assert item.images == ["https://share.example/img/room.jpg"]
    assert item.extra["syntax"] == "rdfa"


def test_the_same_listing_in_json_ld_and_microdata_is_one_item():
    body = MICRODATA_PRODUCT
    json_ld = {"@context": "https://schema.org", "@type": "Product", "name": "4인용 텐트",
               "offers": {"@type": "Offer", "price": 10000, "priceCurrency": "KRW"}}
    [item] = structured.parse("https://share.example/tents/3", _page(json_ld, body=body)).items
    assert item.extra["syntax"] == "json-ld"


# --- @graph, nesting, references ----------------------------------------------------------------

GRAPH = {
    "@context": "https://schema.org",
    "@graph": [
        {"@type": "WebPage", "@id": "https://share.example/items/9#webpage", "url": "https://share.example/items/9",
         "mainEntity": {"@id": "https://share.example/items/9#item"},
         "publisher": {"@id": "https://share.example/#org"}},
        {"@type": ["Organization", "LocalBusiness"], "@id": "https://share.example/#org", "name": "공유센터",
         "address": "서울특별시 중구 세종대로 110"},
        {"@type": "Product", "@id": "https://share.example/items/9#item", "name": "유모차",
         "offers": {"@id": "https://share.example/items/9#offer"},
         "image": {"@id": "https://share.example/items/9#image"}},
        {"@type": "Offer", "@id": "https://share.example/items/9#offer", "price": "5000", "priceCurrency": "KRW",
         "unitText": "주"},
        {"@type": "ImageObject", "@id": "https://share.example/items/9#image",
         "url": "https://share.example/img/stroller.jpg"},
    ],
}


def test_graph_follows_references_and_skips_context_nodes():
    [item] = structured.parse("https://share.example/items/9", _page(GRAPH)).items
    assert item.key == "https://share.example/items/9#item"
    assert item.title == "유모차"
    assert item.price_text == "5000 KRW / 주"
    assert item.images == ["https://share.example/img/stroller.jpg"]


def test_an_events_venue_in_the_graph_is_part_of_the_event_not_a_listing():
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "Event", "@id": "#event", "name": "자전거 수리 교실", "startDate": "2026-04-04T10:00+09:00",
         "location": {"@id": "#venue"}},
        {"@type": "Place", "@id": "#venue", "name": "마포 자전거 공방",
         "geo": {"@type": "GeoCoordinates", "latitude": 37.55, "longitude": 126.92}},
    ]}
    [item] = structured.parse("https://share.example/events/3", _page(graph)).items
    assert item.key == "https://share.example/events/3#event"
    assert (item.lat, item.lon, item.extra["place_name"]) == (37.55, 126.92, "마포 자전거 공방")


def test_item_list_elements_are_listings():
    item_list = {"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "item": {"@type": "Car", "name": "쏘카 아반떼"}},
        {"@type": "ListItem", "position": 2, "item": {"@type": "Motorcycle", "name": "전기 스쿠터"}},
    ]}
    items = structured.parse("https://share.example/vehicles", _page(item_list)).items
    assert [(item.title, item.extra["schema_type"]) for item in items] == [("쏘카 아반떼", "Car"), ("전기 스쿠터", "Motorcycle")]
    assert [item.key for item in items] == ["https://share.example/vehicles#1", "https://share.example/vehicles#2"]
    assert all(item.link == "https://share.example/vehicles" for item in items)


def test_places_named_as_context_are_not_listings():
    article = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "공유 주차장 확대",
               "contentLocation": {"@type": "Place", "name": "서울시청"},
               "publisher": {"@type": "LocalBusiness", "name": "동네신문"}}
    result = structured.parse("https://share.example/news/1", _page(article))
    assert result.items == []
    assert structured.NO_LISTING_WARNING in result.warnings


# --- links and keys -----------------------------------------------------------------------------

def test_same_site_canonical_is_the_link():
    head = '<link rel="canonical" href="/items/drill-1">'
    result = structured.parse("https://share.example/items/drill-1?utm_source=naver", _page(KOREAN_PRODUCT, head=head))
    assert result.link == result.items[0].link == "https://share.example/items/drill-1"
    assert result.warnings == []


def test_cross_site_canonical_is_not_the_link():
    head = '<link rel="canonical" href="https://aggregator.example/drill-1">'
    url = "https://share.example/items/drill-1?ref=1"
    result = structured.parse(url, _page(KOREAN_PRODUCT, head=head))
    assert result.items[0].link == url
    assert result.warnings == ["structured: canonical links point to another site (aggregator.example); "
                               "the page URL is the items' link"]


def test_the_id_is_never_the_link():
    product = dict(KOREAN_PRODUCT, **{"@id": "https://other.example/products/77"})
    [item] = structured.parse(PAGE, _page(product)).items
    assert item.key == "https://other.example/products/77"
    assert item.link == PAGE


def test_blank_node_ids_are_not_keys():
    product = dict(KOREAN_PRODUCT, **{"@id": "_:b0"})
    [item] = structured.parse(PAGE, _page(product)).items
    assert item.key == PAGE


def test_several_listings_without_ids_are_numbered():
    places = [{"@type": "Place", "name": "A"}, {"@type": "SportsActivityLocation", "name": "B"}]
    items = structured.parse(PAGE, _page(places)).items
    assert [item.key for item in items] == [f"{PAGE}#1", f"{PAGE}#2"]


# --- what is and is not a listing ---------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "Product", "Offer", "AggregateOffer", "Place", "Event", "Accommodation", "LodgingBusiness", "Service",
    "Vehicle", "EventVenue", "Residence", "Apartment", "House", "Room", "MeetingRoom", "Hotel", "Car",
    "BusOrCoach", "Motorcycle", "MusicEvent", "LocalBusiness", "Restaurant", "CivicStructure",
    "SportsActivityLocation", "Library", "Park", "ParkingFacility", "ExerciseGym", "CafeOrCoffeeShop",
    "http://schema.org/Product", "https://schema.org/Event", "schema:Place",
])
def test_listing_types(name):
    assert structured.is_listing({"@type": name})


@pytest.mark.parametrize("name", [
    "Recipe", "Organization", "Article", "NewsArticle", "WebPage", "WebSite", "Person", "Review",
    "BreadcrumbList", "City", "Country", "Mountain", "MusicGroup", "PostalAddress", "ImageObject", "",
])
def test_not_listing_types(name):
    assert not structured.is_listing({"@type": name})


def test_opengraph_only_gives_no_items():
    head = ('<meta property="og:type" content="product"><meta property="og:title" content="드릴">'
            '<meta property="og:image" content="https://share.example/og.jpg">')
    result = structured.parse(PAGE, _page(head=head))
    assert result.items == []
    assert structured.NO_LISTING_WARNING in result.warnings
    assert any("og:product (opengraph)" in warning for warning in result.warnings)


def test_og_image_fills_in_for_a_single_listing_without_image():
    head = '<meta property="og:image" content="/og/drill.jpg">'
    product = {"@type": "Product", "name": "드릴"}
    [item] = structured.parse(PAGE, _page(product, head=head)).items
    assert item.images == ["https://share.example/og/drill.jpg"]


def test_a_recipe_page_yields_nothing_and_says_what_it_found():
    recipe = {"@context": "https://schema.org", "@type": "Recipe", "name": "김치찌개"}
    result = structured.parse(PAGE, _page(recipe))
    assert result.items == []
    assert result.warnings == [structured.NO_LISTING_WARNING,
                               "structured: the page describes Recipe (json-ld); none is a listing type"]


def test_a_page_without_structured_data():
    result = structured.parse(PAGE, b"<html><body><p>hello</p></body></html>")
    assert result.items == []
    assert result.warnings == [structured.NO_LISTING_WARNING]


@pytest.mark.parametrize("body", [b"", b"  \n ", b"<!-- nothing -->"])
def test_an_empty_page(body):
    result = structured.parse(PAGE, body)
    assert result.items == []
    assert structured.NO_LISTING_WARNING in result.warnings


# --- broken and odd pages -----------------------------------------------------------------------

def test_a_broken_json_ld_block_costs_only_itself():
    truncated = '{"@type": "Product", "name": "broken", '
    with_comment = '{"@type": "Place", // a comment\n "name": "공유 창고", // another\n}'
    result = structured.parse(PAGE, _page(truncated, with_comment, KOREAN_PRODUCT))
    assert [item.title for item in result.items] == ["공유 창고", "전동드릴 대여 & 비트 세트"]
    assert result.warnings == [
        "structured: JSON-LD block 1 is not valid JSON (Expecting property name enclosed in double quotes); skipped",
        "structured: JSON-LD block 2 is not valid JSON (Expecting property name enclosed in double quotes); "
        "read leniently without its comments",
    ]
    assert result.incomplete  # block 1 could not be read at all


def test_json_ld_read_leniently_leaves_the_page_complete_and_a_cut_page_is_not():
    block = '{"@type": "Product", "name": "드릴", "description": "첫 줄' + "\n" + '둘째 줄"}'
    assert not structured.parse(PAGE, _page(block)).incomplete
    whole = _page(KOREAN_PRODUCT)
    assert not structured.parse(PAGE, whole).incomplete
    cut = structured.parse(PAGE, whole[:whole.rindex(b"</body>")])
    assert cut.incomplete and "it may be cut off" in cut.warnings[-1]


def test_raw_control_characters_in_json_ld_strings_are_forgiven():
    block = '{"@type": "Product", "name": "드릴", "description": "첫 줄' + "\n" + '둘째 줄"}'
    result = structured.parse(PAGE, _page(block))
    assert result.items[0].summary == "첫 줄\n둘째 줄"
    assert result.warnings == ["structured: JSON-LD block 1 is not valid JSON (Invalid control character); "
                               "read leniently"]


def test_a_hand_written_trailing_comma_is_not_forgiven():
    # Search engines refuse this block as well; the page has no listing data (tests/partners/homes.py
    # serves exactly this as its "broken_jsonld" page).
    block = json.dumps(KOREAN_PRODUCT, ensure_ascii=False, indent=2)[:-2] + ",\n}"
    result = structured.parse(PAGE, _page(block))
    assert result.items == []
    assert result.warnings[0].endswith("; skipped")
    assert structured.NO_LISTING_WARNING in result.warnings


def test_json_ld_null_and_scalars_are_ignored():
    result = structured.parse(PAGE, _page("null", "42", '"text"', "[]", KOREAN_PRODUCT))
    assert len(result.items) == 1
    assert result.warnings == []


def test_deeply_nested_json_ld_does_not_recurse_forever():
    deep = "[" * 5000 + "]" * 5000
    result = structured.parse(PAGE, _page(deep, KOREAN_PRODUCT))
    assert len(result.items) == 1


def test_euc_kr_page():
    body = _page(KOREAN_PRODUCT).decode("utf-8").replace('charset="utf-8"', 'charset="euc-kr"').encode("euc-kr")
    [item] = structured.parse(PAGE, body).items
    assert item.title == "전동드릴 대여 & 비트 세트"
    assert item.address == "서울특별시 마포구 망원로 45"


def test_xhtml_with_an_encoding_declaration():
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
            '<script type="application/ld+json">{"@type": "Room", "name": "다목적실"}</script>'
            "</head><body/></html>").encode("utf-8")
    assert [item.title for item in structured.parse(PAGE, body).items] == ["다목적실"]


def test_gzip_page():
    [item] = structured.parse(PAGE, gzip.compress(_page(KOREAN_PRODUCT))).items
    assert item.price_text == "3000 KRW / DAY"


def test_a_gzip_bomb_page_is_refused():
    with pytest.raises(ParseError, match=r"^structured: decompressed body exceeds"):
        structured.parse(PAGE, gzip.compress(b" " * (11 * 1024 * 1024)))


def test_bad_coordinates_are_dropped():
    place = {"@type": "Place", "name": "x", "geo": {"@type": "GeoCoordinates", "latitude": "north", "longitude": 500}}
    [item] = structured.parse(PAGE, _page(place)).items
    assert (item.lat, item.lon) == (None, None)


def test_a_huge_page_skips_rdfa_and_keeps_its_json_ld():
    rows = "".join(f'<div vocab="https://schema.org/" typeof="Thing"><span property="name">row {n}</span></div>'
                   f'<p itemscope itemtype="https://schema.org/Thing"><span itemprop="name">m{n}</span></p>'
                   for n in range(12000))
    body = _page(KOREAN_PRODUCT, body=rows)
    assert len(body) > 1024 * 1024
    result = structured.parse(PAGE, body)
    assert len(result.items) == 1
    assert any(w.startswith("structured: RDFa not read on a page this large") for w in result.warnings)


def test_many_listings_are_capped():
    places = [{"@type": "Place", "name": f"p{n}"} for n in range(structured.MAX_ITEMS + 10)]
    result = structured.parse(PAGE, _page(places))
    assert len(result.items) == structured.MAX_ITEMS
    assert any("listing entities on the page; the first" in w for w in result.warnings)
