from datetime import datetime, timezone

import pytest

from crawler.normalize.listing import normalize_item
from crawler.normalize.urls import absolute_http_url, canonical_url
from crawler.parsers.base import RawItem


@pytest.mark.parametrize("url, base, expected", [
    ("/items/1", "http://p.example/feed.xml", "http://p.example/items/1"),
    ("https://p.example/a b", None, "https://p.example/a%20b"),
    ("urn:uuid:1234", None, None),
    ("javascript:alert(1)", None, None),
    ("http://[::1", None, None),
    ("http://p.example:99999/", None, None),
    ("", "http://p.example/", None),
    (None, None, None),
])
def test_absolute_http_url(url, base, expected):
    assert absolute_http_url(url, base) == expected


def test_canonical_url_drops_tracking_parameters_only():
    assert canonical_url("https://p.example/i?id=3&utm_source=x&fbclid=y&page=2") == "https://p.example/i?id=3&page=2"


def test_an_item_becomes_a_listing():
    raw = RawItem(key="g-1", link="/items/1?utm_medium=rss", title="전동드릴 <b>대여</b>",
                  summary="<p onclick='x()'>대여료: 1일 3,000원</p><script>steal()</script>",
                  content_html="<p onclick='x()'>대여료: 1일 3,000원. 서울특별시 마포구 망원로 45</p>"
                               "<script>steal()</script><a href='javascript:x'>link</a>",
                  categories=["공구"], published=datetime(2026, 11, 20, tzinfo=timezone.utc),
                  images=["/img/1.jpg", "data:image/png;base64,xx"])
    listing, problems = normalize_item(raw, source_id=7, platform="Goods", base_url="http://p.example/rss")
    assert problems == []
    assert listing.url == "http://p.example/items/1"
    assert listing.title == "전동드릴 대여"
    assert (listing.price.amount, listing.price.unit, listing.price.is_free) == (3000, "day", False)
    assert (listing.category, listing.district) == ("tools", "11440")
    assert "script" not in listing.description_html and "onclick" not in listing.description_html
    assert "javascript" not in listing.description_html
    assert listing.images == ["http://p.example/img/1.jpg"]
    assert listing.id == normalize_item(raw, source_id=7, platform="Goods", base_url="http://p.example/rss")[0].id
    assert listing.id != normalize_item(raw, source_id=8, platform="Goods", base_url="http://p.example/rss")[0].id


def test_text_is_nfkc_normalized():
    listing, _ = normalize_item(RawItem(link="http://p.example/1", title="ＡＢＣ　공구 ㈜"), source_id=1, platform="P")
    assert listing.title == "ABC 공구 (주)"


@pytest.mark.parametrize("raw, codes", [
    (RawItem(key="urn:x", link="urn:x", title="제목"), ["invalid_link"]),
    (RawItem(key="k", link="http://p.example/1", title="  "), ["missing_title"]),
    (RawItem(key="k", link=None, title=None), ["missing_title", "invalid_link"]),
])
def test_items_that_cannot_be_listings_give_errors(raw, codes):
    listing, problems = normalize_item(raw, source_id=1, platform="P")
    assert listing is None
    assert [p.code for p in problems] == codes
    assert all(p.severity == "error" and p.message_ko and p.message_en for p in problems)


def test_unknowns_stay_null_with_warnings():
    listing, problems = normalize_item(RawItem(link="http://p.example/1", title="Something"), source_id=1,
                                       platform="P")
    assert (listing.category, listing.district, listing.price.amount) == (None, None, None)
    assert sorted(p.code for p in problems) == ["category_unknown", "location_unknown", "price_unknown"]
    assert all(p.severity == "warning" for p in problems)
