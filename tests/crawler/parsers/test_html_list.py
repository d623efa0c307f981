"""The html source kind: a Korean tool library's EUC-KR listing read through declared selectors."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crawler.parsers import html_list
from crawler.parsers.base import Link, ParseError

KST = timezone(timedelta(hours=9))
BASE_URL = "https://tool.mapo.example/tool/list.do?page=2"

CONFIG = {
    "item": "li.tool", "title": "h3", "link": "a.detail@href", "price": ".fee", "location": ".addr",
    "image": "img@src", "date": "time@datetime", "summary": ".desc", "category": ".cat",
    "next": "a.next@href",
}

# A district tool library (공구도서관) board, as such boards are written: EUC-KR declared in a
# http-equiv meta, CP949-only syllables (똠), relative links, a pager with a "다음" link.
PAGE = """<!DOCTYPE html>
<html lang="ko">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">
<title>마포 공구도서관 - 대여 물품 목록</title>
<script>var label = "스크립트 글자";</script>
</head>
<body>
<ul class="tools">
  <li class="tool" data-id="T-101">
    <a class="detail" href="/tool/view.do?id=101"><img src="/upload/drill.jpg" alt=""></a>
    <h3>  충전식 <b>전동</b>드릴
        (보쉬)  </h3>
    <p class="desc">배터리 2개 포함.<br>드릴 비트 세트 함께 대여</p>
    <span class="fee">1일 2,000원</span>
    <span class="addr">서울특별시 마포구 망원로 45</span>
    <span class="cat">전동공구</span><span class="cat">DIY</span><span class="cat">전동공구</span>
    <time datetime="2026-11-20T09:30:00+09:00">2026.11.20</time>
  </li>
  <li class="tool" data-id="T-102">
    <a class="detail" href="view.do?id=102"><img src="../upload/ladder.jpg"><img src="https://cdn.example/l2.jpg"></a>
    <h3>똠방 사다리 3단</h3>
    <span class="fee">무료</span>
    <time>2026년 11월 21일</time>
  </li>
  <li class="tool" data-id="T-103">
    <h3>고압 세척기</h3>
    <a class="detail">상세 보기 없음</a>
  </li>
</ul>
<div class="paging"><a href="list.do?page=1">1</a> <strong>2</strong> <a class="next" href="list.do?page=3#top">다음</a></div>
</body>
</html>"""


def _page(text: str = PAGE, encoding: str = "cp949") -> bytes:
    return text.encode(encoding)


def _parse(body: bytes | None = None, config: dict | None = None, base_url: str = BASE_URL):
    return html_list.parse(base_url, _page() if body is None else body, CONFIG if config is None else config)


def test_every_item_becomes_a_raw_item_field_by_field():
    result = _parse()
    assert result.format == "html"
    assert result.title == "마포 공구도서관 - 대여 물품 목록"
    assert len(result.items) == 3

    drill = result.items[0]
    assert drill.key == "https://tool.mapo.example/tool/view.do?id=101"
    assert drill.link == "https://tool.mapo.example/tool/view.do?id=101"
    assert drill.title == "충전식 전동드릴 (보쉬)"
    assert drill.summary == "배터리 2개 포함. 드릴 비트 세트 함께 대여"
    assert drill.price_text == "1일 2,000원"
    assert drill.address == "서울특별시 마포구 망원로 45"
    assert drill.categories == ["전동공구", "DIY"]
    assert drill.images == ["https://tool.mapo.example/upload/drill.jpg"]
    assert drill.published == datetime(2026, 11, 20, 9, 30, tzinfo=KST)
    assert drill.content_html is None and drill.lat is None and drill.lon is None


def test_euc_kr_page_with_cp949_syllables_is_read_by_its_meta_charset():
    # 똠 is outside EUC-KR proper; the page is CP949. Reading the label (not guessing) gives no warning.
    result = _parse()
    assert result.items[1].title == "똠방 사다리 3단"
    assert result.warnings == []


def test_relative_links_and_images_resolve_against_the_page():
    ladder = _parse().items[1]
    assert ladder.link == "https://tool.mapo.example/tool/view.do?id=102"
    assert ladder.images == ["https://tool.mapo.example/upload/ladder.jpg", "https://cdn.example/l2.jpg"]


def test_missing_optional_fields_stay_empty_and_a_link_without_href_is_none():
    washer = _parse().items[2]
    assert washer.title == "고압 세척기"
    assert washer.link is None and washer.key is None
    assert washer.price_text is None and washer.address is None and washer.summary is None
    assert washer.categories == [] and washer.images == [] and washer.published is None


def test_date_from_element_text_in_korean_form():
    config = dict(CONFIG, date="time")
    items = _parse(config=config).items
    assert items[0].published == datetime(2026, 11, 20, tzinfo=KST)
    assert items[1].published == datetime(2026, 11, 21, tzinfo=KST)


def test_unreadable_dates_are_reported_once():
    page = PAGE.replace("2026년 11월 21일", "날짜 미정")
    result = _parse(_page(page), dict(CONFIG, date="time"))
    assert result.items[1].published is None
    assert "html: 1 date(s) could not be read, e.g. '날짜 미정'" in result.warnings


def test_next_page_link_is_absolute_without_fragment():
    assert _parse().links == [Link("https://tool.mapo.example/tool/list.do?page=3", "next")]


def test_last_page_whose_next_link_points_at_itself_has_no_next():
    page = PAGE.replace("list.do?page=3#top", "list.do?page=2")
    assert _parse(_page(page)).links == []


def test_javascript_pager_is_not_followed_and_says_why():
    page = PAGE.replace('href="list.do?page=3#top"', 'href="javascript:fn_search(3)"')
    result = _parse(_page(page))
    assert result.links == []
    assert any("next-page link 'javascript:fn_search(3)' is not an http(s) URL" in w for w in result.warnings)


def test_next_without_attribute_reads_href():
    assert _parse(config=dict(CONFIG, next="div.paging a.next")).links == [
        Link("https://tool.mapo.example/tool/list.do?page=3", "next")]


def test_no_next_selector_means_no_links():
    config = {k: v for k, v in CONFIG.items() if k != "next"}
    assert _parse(config=config).links == []


def test_base_href_is_honoured():
    page = PAGE.replace("<title>", '<base href="https://rent.example/app/"><title>')
    result = _parse(_page(page))
    assert result.items[1].link == "https://rent.example/app/view.do?id=102"
    assert result.links == [Link("https://rent.example/app/list.do?page=3", "next")]


def test_key_from_the_item_elements_own_attribute():
    items = _parse(config=dict(CONFIG, key="@data-id")).items
    assert [i.key for i in items] == ["T-101", "T-102", "T-103"]
    assert items[0].link == "https://tool.mapo.example/tool/view.do?id=101"


def test_script_text_never_leaks_into_fields():
    result = _parse(config=dict(CONFIG, item="head", title="title", summary=":scope"))
    assert result.items[0].summary == "마포 공구도서관 - 대여 물품 목록"


def test_empty_page_is_a_warning_not_an_error():
    page = PAGE.replace('class="tool"', 'class="old-tool"')
    result = _parse(_page(page))
    assert result.items == []
    assert "html: the item selector 'li.tool' matched nothing on this page" in result.warnings
    assert result.links == [Link("https://tool.mapo.example/tool/list.do?page=3", "next")]


@pytest.mark.parametrize("missing", ["item", "title", "link"])
def test_required_selectors(missing):
    config = {k: v for k, v in CONFIG.items() if k != missing}
    with pytest.raises(ParseError, match=rf"^html: source config lacks '{missing}'"):
        _parse(config=config)


def test_no_config_at_all_names_every_required_key():
    with pytest.raises(ParseError, match=r"^html: source config lacks 'item', 'title', 'link'"):
        html_list.parse(BASE_URL, _page(), None)


def test_invalid_css_is_a_parse_error_naming_the_selector():
    with pytest.raises(ParseError, match=r"^html: invalid selector 'h3\[' for 'title': .+"):
        _parse(config=dict(CONFIG, title="h3["))


def test_non_string_selector_is_refused():
    with pytest.raises(ParseError, match=r"^html: config 'price' must be a selector string"):
        _parse(config=dict(CONFIG, price=[".fee"]))


def test_unknown_config_key_is_reported():
    result = _parse(config=dict(CONFIG, prise=".fee"))
    assert any(w.startswith("html: unknown config key 'prise' ignored") for w in result.warnings)
    assert result.items[0].price_text == "1일 2,000원"


def test_at_sign_inside_an_attribute_selector_is_css_not_an_attribute():
    mail = '<a class="mail" href="mailto:desk@mapo.example">desk</a>'
    page = PAGE.replace('<span class="addr">', mail + '<span class="addr">')
    config = dict(CONFIG, location="a[href^='mailto:desk@mapo']")
    assert _parse(_page(page), config).items[0].address == "desk"


def test_items_are_capped_per_page():
    rows = "".join(f'<li class="tool"><h3>공구 {n}</h3><a class="detail" href="/t/{n}">x</a></li>'
                   for n in range(html_list.MAX_ITEMS + 5))
    result = _parse(f"<html><body><ul>{rows}</ul></body></html>".encode())
    assert len(result.items) == html_list.MAX_ITEMS
    assert result.items[-1].title == f"공구 {html_list.MAX_ITEMS - 1}"
    assert any("matched 1005 elements; only the first 1000 were read" in w for w in result.warnings)


def test_utf8_page_labelled_euc_kr_is_read_as_utf8():
    result = _parse(_page(encoding="utf-8"))
    assert result.items[0].title == "충전식 전동드릴 (보쉬)"
    assert any("declares euc-kr but the bytes are UTF-8" in w for w in result.warnings)


def test_undeclared_utf8_page():
    page = PAGE.replace('<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">', "")
    assert _parse(page.encode("utf-8")).items[1].title == "똠방 사다리 3단"


@pytest.mark.parametrize("text, expected", [
    ("2026.11.20", datetime(2026, 11, 20, tzinfo=KST)),
    ("2026. 11. 20.", datetime(2026, 11, 20, tzinfo=KST)),
    ("2026년 11월 20일", datetime(2026, 11, 20, tzinfo=KST)),
    ("2026년 11월 20일 오후 2시 30분", datetime(2026, 11, 20, 14, 30, tzinfo=KST)),
    ("2026-11-20 14:00", datetime(2026, 11, 20, 14, 0, tzinfo=KST)),
    ("등록일: 2026.11.20 (목) 09:05", datetime(2026, 11, 20, 9, 5, tzinfo=KST)),
    ("2026/1/5 오전 12:10", datetime(2026, 1, 5, 0, 10, tzinfo=KST)),
    ("2012-04-23 00:00:00.0", datetime(2012, 4, 23, tzinfo=KST)),
    ("20261120", datetime(2026, 11, 20, tzinfo=KST)),
    ("2026-11-20T05:00:00Z", datetime(2026, 11, 20, 14, 0, tzinfo=KST)),
    ("2026.13.01", None),
    ("미정", None),
    ("", None),
])
def test_parse_date(text, expected):
    parsed = html_list.parse_date(text)
    assert parsed == expected
    if parsed is not None:
        assert parsed.utcoffset() == timedelta(hours=9)


def test_a_whole_page_is_complete():
    assert not _parse().incomplete


def test_a_page_cut_off_in_transit_is_read_as_far_as_it_goes_and_said_to_be_incomplete():
    text = PAGE[:PAGE.index('<li class="tool" data-id="T-103">') + 60]
    result = _parse(_page(text))
    assert [i.title for i in result.items][:2] == ["충전식 전동드릴 (보쉬)", "똠방 사다리 3단"]
    assert result.incomplete
    assert "html: the page ends without </body> or </html>: it may be cut off" in result.warnings


def test_a_page_where_the_item_selector_matches_nothing_is_incomplete():
    result = _parse(_page("<html><body><h1>점검 중입니다</h1></body></html>"))
    assert result.items == [] and result.incomplete
