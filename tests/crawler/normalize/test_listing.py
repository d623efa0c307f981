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


def _listing(**fields):
    raw = RawItem(key="k", link="https://p.example/1", **fields)
    listing, _ = normalize_item(raw, source_id=1, platform="p", base_url="https://p.example/feed")
    return listing


KST = __import__("zoneinfo").ZoneInfo("Asia/Seoul")


@pytest.mark.parametrize("content, starts, ends", [
    ("<p>코드 네 개로 한 곡!</p><p>일시: 2026년 12월 11일(금) 오후 2시 30분</p><p>장소: 종로구 마을공동체지원센터</p>",
     datetime(2026, 12, 11, 14, 30, tzinfo=KST), None),
    ("<p>Bring bikes.</p><p><b>When:</b> Saturday 26 December 2026, 14:00</p><p><b>Where:</b> 옥수동</p>",
     datetime(2026, 12, 26, 14, 0, tzinfo=KST), None),
    ("<p>기간: 2026.12.01 ~ 2026.12.31</p>",
     datetime(2026, 12, 1, tzinfo=KST), datetime(2026, 12, 31, 23, 59, 59, tzinfo=KST)),
    ("<p>문의: 02-123-4567</p>", None, None),  # no labelled date: no window
])
def test_an_event_window_is_read_from_a_labelled_date_in_the_text(content, starts, ends):
    listing = _listing(title="우쿨렐레 클래스", content_html=content)
    assert (listing.starts_at, listing.ends_at) == (starts, ends)


def test_structured_start_times_without_an_offset_are_seoul_time_and_win_over_the_text():
    listing = _listing(title="강좌", content_html="<p>일시: 2027년 1월 5일</p>",
                       extra={"starts_at": datetime(2026, 12, 1, 10, 0), "ends_at": "2026-12-01"})
    assert listing.starts_at == datetime(2026, 12, 1, 10, 0, tzinfo=KST)
    assert listing.ends_at == datetime(2026, 12, 1, tzinfo=KST)


@pytest.mark.parametrize("title, summary, declared, expected", [
    ("전동드릴 대여", "하루 3,000원", "en-us", "ko"),       # a CMS default that is wrong
    ("Cordless drill for loan", "3,000 won a day", "ko", "en"),
    ("TV", None, "ko-KR", "ko"),                         # too short to tell: the declaration
    ("TV", None, "fr", "other"),
    ("TV", None, None, None),
])
def test_the_language_is_what_the_text_is_written_in(title, summary, declared, expected):
    assert _listing(title=title, summary=summary, language=declared).language == expected


def test_contact_and_opening_hours_are_kept_where_the_partner_gives_them():
    listing = _listing(title="공유센터 공구 대여",
                       content_html="<p>운영: 평일 09:00~18:00 (점심 12~13시)</p><p>문의 02-123-4567, share@mapo.example</p>")
    assert listing.contact == {"phones": ["02-123-4567"], "emails": ["share@mapo.example"]}
    assert listing.opening_hours and listing.opening_hours.startswith("평일 09:00~18:00")
    bare = _listing(title="공구 대여", summary="1일 3,000원")
    assert (bare.contact, bare.opening_hours) == (None, None)
