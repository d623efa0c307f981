"""JSON Feed 1.0 / 1.1 mapping, one field at a time, and the refusals."""

from __future__ import annotations

import codecs
import json
from datetime import datetime, timedelta, timezone

import pytest

from crawler.parsers import jsonfeed
from crawler.parsers.base import ParseError

V11 = "https://jsonfeed.org/version/1.1"
BASE_URL = "https://partner.example/feed.json"


def _feed(*items: dict, **top) -> bytes:
    document = {"version": V11, "title": "공유 피드", "items": list(items)}
    document.update(top)
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _one(item: dict, **top):
    return jsonfeed.parse(BASE_URL, _feed(item, **top)).items[0]


def test_full_item_maps_every_field():
    result = jsonfeed.parse(BASE_URL, _feed({
        "id": "item-1",
        "url": "https://share.example/items/1",
        "title": "전동 드릴 대여 &#8211; 마포구",
        "summary": "하루 3,000원",
        "content_html": "<p>전동 드릴을 빌려 드립니다.</p>",
        "tags": ["공구", "DIY", "공구"],
        "date_published": "2024-03-01T09:30:00+09:00",
        "date_modified": "2024-03-02T00:00:00Z",
        "image": "https://share.example/img/1.jpg",
        "banner_image": "/img/banner.png",
        "language": "ko-KR",
        "authors": [{"name": "마포 공유센터"}],
        "_geo": {"lat": 37.56, "lon": 126.9},
    }, home_page_url="https://share.example/", language="en"))
    assert result.format == "jsonfeed11"
    assert result.title == "공유 피드"
    assert result.link == "https://share.example/"
    item = result.items[0]
    assert item.key == "item-1"
    assert item.link == "https://share.example/items/1"
    assert item.title == "전동 드릴 대여 – 마포구"
    assert item.summary == "하루 3,000원"
    assert item.content_html == "<p>전동 드릴을 빌려 드립니다.</p>"
    assert item.categories == ["공구", "DIY"]
    assert item.published == datetime(2024, 3, 1, 0, 30, tzinfo=timezone.utc)
    assert item.updated == datetime(2024, 3, 2, tzinfo=timezone.utc)
    assert item.images == ["https://share.example/img/1.jpg", "https://share.example/img/banner.png"]
    assert item.language == "ko-KR"
    assert item.extra == {"_geo": {"lat": 37.56, "lon": 126.9}, "author": "마포 공유센터"}


def test_version_1_0_and_its_single_author():
    body = json.dumps({"version": "https://jsonfeed.org/version/1", "items": [
        {"id": "1", "url": "https://a.example/1", "author": {"name": "Old Style"}}]}).encode()
    result = jsonfeed.parse(BASE_URL, body)
    assert result.format == "jsonfeed10"
    assert result.items[0].extra["author"] == "Old Style"


def test_external_url_is_the_link_when_url_is_missing_and_key_falls_back_to_it():
    item = _one({"external_url": "https://elsewhere.example/post"})
    assert item.link == "https://elsewhere.example/post"
    assert item.key == "https://elsewhere.example/post"


def test_http_url_is_preferred_over_a_non_http_one():
    item = _one({"id": "x", "url": "urn:uuid:42", "external_url": "https://a.example/42"})
    assert item.link == "https://a.example/42"
    assert _one({"id": "x", "url": "urn:uuid:42"}).link == "urn:uuid:42"


def test_numeric_id_becomes_a_string():
    assert _one({"id": 42, "url": "https://a.example/42"}).key == "42"


@pytest.mark.parametrize("top, expected", [
    ({"home_page_url": "https://home.example/blog/", "feed_url": "https://feeds.example/f.json"},
     "https://home.example/blog/posts/1"),
    ({"feed_url": "https://feeds.example/x/f.json"}, "https://feeds.example/x/posts/1"),
    ({}, "https://partner.example/posts/1"),
    ({"home_page_url": "/site/"}, "https://partner.example/site/posts/1"),
])
def test_relative_urls_resolve_against_home_page_feed_url_then_base_url(top, expected):
    assert _one({"id": "1", "url": "posts/1"}, **top).link == expected


def test_content_text_becomes_escaped_html_when_there_is_no_content_html():
    item = _one({"id": "1", "content_text": "a < b & c"})
    assert item.content_html == "a &lt; b &amp; c"


def test_image_attachments_are_images_and_other_attachments_stay_in_extra():
    item = _one({"id": "1", "attachments": [
        {"url": "https://a.example/photo.jpg", "mime_type": "image/jpeg"},
        {"url": "https://a.example/episode.m4a", "mime_type": "audio/x-m4a"},
    ]})
    assert item.images == ["https://a.example/photo.jpg"]
    assert item.extra["attachments"] == [{"url": "https://a.example/episode.m4a", "mime_type": "audio/x-m4a"}]


def test_feed_language_is_the_fallback():
    assert _one({"id": "1"}, language="ko").language == "ko"


def test_published_falls_back_to_modified():
    item = _one({"id": "1", "date_modified": "2024-01-02T03:04:05Z"})
    assert item.published == item.updated == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_bad_dates_are_none_not_errors():
    item = _one({"id": "1", "date_published": "yesterday", "date_modified": 20240101})
    assert item.published is None and item.updated is None


@pytest.mark.parametrize("value, expected", [
    ("2024-03-01T09:30:00+09:00", datetime(2024, 3, 1, 0, 30, tzinfo=timezone.utc)),
    ("2024-03-01T09:30:00Z", datetime(2024, 3, 1, 9, 30, tzinfo=timezone.utc)),
    ("2024-03-01T09:30:00", datetime(2024, 3, 1, 9, 30, tzinfo=timezone.utc)),
    ("2024-03-01", datetime(2024, 3, 1, tzinfo=timezone.utc)),
    ("Fri, 31 May 2019 12:17:58 -0700", datetime(2019, 5, 31, 19, 17, 58, tzinfo=timezone.utc)),
    ("2024-02-30T00:00:00Z", None),
    ("not a date", None),
    ("", None),
    (None, None),
    (1700000000, None),
])
def test_parse_datetime(value, expected):
    parsed = jsonfeed.parse_datetime(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is timezone.utc


def test_parse_datetime_keeps_long_fractions_to_the_microsecond():
    parsed = jsonfeed.parse_datetime("2024-03-01T09:30:00.123456789-05:00")
    assert parsed is not None and parsed.utcoffset() == timedelta(0)
    assert (parsed.hour, parsed.minute, parsed.microsecond) == (14, 30, 123456)


def test_non_object_items_are_skipped_with_a_warning():
    result = jsonfeed.parse(BASE_URL, _feed({"id": "1"}, "oops", {"id": "2"}))
    assert [item.key for item in result.items] == ["1", "2"]
    assert result.warnings == ["jsonfeed: item 1 is not an object; skipped"]


def test_empty_feed_is_not_an_error():
    result = jsonfeed.parse(BASE_URL, _feed())
    assert result.items == [] and result.warnings == []


def test_utf8_bom_is_accepted():
    result = jsonfeed.parse(BASE_URL, codecs.BOM_UTF8 + _feed({"id": "1", "title": "테스트"}))
    assert result.items[0].title == "테스트"


def test_unknown_1x_version_is_read_with_a_warning():
    body = json.dumps({"version": "https://jsonfeed.org/version/1.2", "items": [{"id": "1"}]}).encode()
    result = jsonfeed.parse(BASE_URL, body)
    assert result.format == "jsonfeed11"
    assert result.warnings == ["jsonfeed: unknown JSON Feed version 1.2; read as 1.1"]


@pytest.mark.parametrize("body, message", [
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "title": "trunc',
     r"^jsonfeed: unable to parse feed: Unterminated string"),
    (b"{'version': 1}", r"^jsonfeed: unable to parse feed: Expecting property name"),
    (b'{"rss": {"channel": {}}}', r'^jsonfeed: not a JSON Feed \(no "version"; top-level keys: rss\)$'),
    (b'{"version": "2.0", "items": []}', r"^jsonfeed: not a JSON Feed \(version '2.0'\)$"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "title": "x"}',
     r'^jsonfeed: not a JSON Feed \(no "items" list; top-level keys: version, title\)$'),
    (b'[{"id": "1"}]', r"^jsonfeed: not a JSON Feed \(top level is a list, not an object\)$"),
    (b"[" * 100000, r"^jsonfeed: unable to parse feed: "),
])
def test_refusals(body, message):
    with pytest.raises(ParseError, match=message):
        jsonfeed.parse(BASE_URL, body)
