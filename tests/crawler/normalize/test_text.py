"""The tables that document crawler.normalize.text: cleaning, sanitizing, language, contact, hours."""

from __future__ import annotations

import random

import pytest

from crawler.normalize.text import (clean_text, detect_language, find_contact, find_opening_hours,
                                    looks_like_html, nfkc, sanitize_html, truncate)
from indexer.text import html_to_text, sanitized_html_to_text

# raw field -> plain text
CLEAN_CASES = [
    ("<p>전<b>동</b>드릴 <i>대여</i></p>", "전동드릴 대여"),
    ("  Ａｂｃ\u3000１２３ ", "Abc 123"),                      # NFKC: full-width letters and space
    ("ﾊﾝｶｸ", "ハンカク"),                                      # half-width katakana
    ("①② ㈜공유", "12 (주)공유"),
    ("line1\nline2\t\tend", "line1 line2 end"),
    ("ctrl\x00\x07chars", "ctrl chars"),
    ("전동\u200b드릴\ufeff", "전동드릴"),                        # zero-width space, BOM
    ("soft\u00adhyphen", "softhyphen"),
    ("Tools &amp; more", "Tools & more"),
    ("&quot;quoted&quot; it&#39;s", "\"quoted\" it's"),
    ("&#44608;&#x1F600;", "김😀"),
    ("&middot; 이용 시간", "· 이용 시간"),
    # double-escaped: one more level resolved, complete entities only
    ("&amp;lt;b&amp;gt;", "<b>"),
    ("&amp;amp;", "&"),
    ("Tools &amp;amp; more", "Tools & more"),
    ("a &amp;amp;amp; b", "a & b"),                           # three levels
    ("&amp;#39;괄호&amp;#39;", "'괄호'"),
    ("&amp;middot; 운영", "· 운영"),
    ("&lt;b&gt;bold&lt;/b&gt;", "<b>bold</b>"),               # escaped markup is text, shown as written
    ("AT&amp;T", "AT&T"),
    ("AT&T", "AT&T"),
    ("?a=1&copy=2", "?a=1&copy=2"),                           # no complete entity: left alone
    ("5 < 6 > 4", "5 < 6 > 4"),                               # a comparison is no tag
    ("<script>alert(1)</script>보이는 글", "보이는 글"),
    ("&nbsp;", None),
    ("   ", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize("raw, expected", CLEAN_CASES, ids=[repr(c[0])[:40] for c in CLEAN_CASES])
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


def test_clean_text_truncates_to_max_length():
    assert clean_text("<p>" + "가" * 10 + "</p>", 5) == "가가가가…"
    assert clean_text("짧은 글", 50) == "짧은 글"


# (text, max_length) -> text
TRUNCATE_CASES = [
    (("abcdef", 4), "abc…"),
    (("abcd", 4), "abcd"),
    (("abc", 4), "abc"),
    (("ab cdef", 4), "ab…"),                 # the space before the cut is dropped
    (("전동드릴 대여합니다", 6), "전동드릴…"),
    (("", 4), None),
    ((None, 4), None),
]


@pytest.mark.parametrize("args, expected", TRUNCATE_CASES, ids=[repr(c[0]) for c in TRUNCATE_CASES])
def test_truncate(args, expected):
    result = truncate(*args)
    assert result == expected
    assert result is None or len(result) <= args[1]


# HTML -> HTML safe to show
SANITIZE_CASES = [
    ("<p>ok</p><script>x</script>", "<p>ok</p>"),
    ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
    ('<a href="https://a.example/x">x</a>', '<a href="https://a.example/x" rel="noopener noreferrer nofollow">x</a>'),
    ('<p onclick="x">Ａ</p>', "<p>A</p>"),
    ('<img src="http://a.example/i.png" onerror="x">', '<img src="http://a.example/i.png">'),
    ("<p>1 &lt; 2</p>", "<p>1 &lt; 2</p>"),
    ("<p>&amp;lt;b&amp;gt; &amp;amp; x</p>", "<p>&lt;b&gt; &amp; x</p>"),   # double-escaped: once
    ("<p>&amp;nbsp;공백</p>", "<p>&nbsp;공백</p>"),
    ('<a href="https://a.example/?a=1&amp;amp;b=2">x</a>',
     '<a href="https://a.example/?a=1&amp;b=2" rel="noopener noreferrer nofollow">x</a>'),
    ('<a href="https://a.example/?a=1&amp;b=2">x</a>',
     '<a href="https://a.example/?a=1&amp;b=2" rel="noopener noreferrer nofollow">x</a>'),
    ("   ", None),
    (None, None),
]


@pytest.mark.parametrize("raw, expected", SANITIZE_CASES, ids=[repr(c[0])[:40] for c in SANITIZE_CASES])
def test_sanitize_html(raw, expected):
    assert sanitize_html(raw) == expected


@pytest.mark.parametrize("raw", [c[0] for c in SANITIZE_CASES if c[0]] + [c[0] for c in CLEAN_CASES if c[0]])
def test_the_fast_text_of_sanitized_html_is_still_the_parsed_text(raw):
    sanitized = sanitize_html(raw) or ""
    assert sanitized_html_to_text(sanitized) == html_to_text(sanitized)


@pytest.mark.parametrize("value, expected", [
    ("<p>x</p>", True), ("<br/>", True), ("<!-- c -->", True), ("5 < 6 > 4", False),
    ("1 &lt; 2", False), ("", False), (None, False),
])
def test_looks_like_html(value, expected):
    assert looks_like_html(value) is expected


def test_nfkc():
    assert nfkc("Ｃａｎｏｎ　～１２") == "Canon ~12"


# text -> "ko" | "en" | "other" | None
LANGUAGE_CASES = [
    ("전동드릴 대여", "ko"),
    ("책", "ko"),                                        # one syllable is enough
    ("ㅋㅋㅋ", "ko"),                                     # jamo count as Hangul
    ("Canon EOS 카메라 대여", "ko"),                       # Korean with a brand name
    ("iPhone 15 Pro 케이스", "ko"),
    ("전동드릴 대여 / Cordless drill rental", "ko"),        # bilingual: Korean
    ("자전거(自轉車) 대여", "ko"),
    ("<p>전동드릴</p>", "ko"),                             # markup does not count
    ("문의 info@sharehub.kr https://sharehub.kr/items/1", "ko"),   # nor addresses
    ("Cordless drill rental", "en"),
    ("Free trial night in 망원동", "en"),                  # English with a place name
    ("Canon EOS R5 Mirrorless Camera 카메라", "en"),
    ("Ｃａｎｏｎ", "en"),
    ("Perceuse sans fil à louer", "en"),                 # Latin script: "en"
    ("電動ドリル レンタル", "other"),
    ("自転車", "other"),
    ("Дрель в аренду", "other"),
    ("สว่านไฟฟ้า", "other"),
    ("TV", None),                                        # too short to tell
    ("OK 👍", None),
    ("12345 - 2026.11.20", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize("text, expected", LANGUAGE_CASES, ids=[repr(c[0])[:40] for c in LANGUAGE_CASES])
def test_detect_language(text, expected):
    assert detect_language(text) == expected


# text -> (phones, emails), or None when there is neither
CONTACT_CASES = [
    ("문의: 02-123-4567", (["02-123-4567"], [])),
    ("02-3153-0000", (["02-3153-0000"], [])),
    ("010-1234-5678", (["010-1234-5678"], [])),
    ("1588-1234", (["1588-1234"], [])),
    ("(02) 3153-0000", (["02-3153-0000"], [])),
    ("02)123-4567", (["02-123-4567"], [])),
    ("031.123.4567", (["031-123-4567"], [])),
    ("Tel 02 2133 0000", (["02-2133-0000"], [])),
    ("+82-2-3001-1007", (["02-3001-1007"], [])),
    ("+82 10 1234 5678", (["010-1234-5678"], [])),
    ("01012345678", (["010-1234-5678"], [])),
    ("070-8765-4321", (["070-8765-4321"], [])),
    ("다산콜센터 02-120", (["02-120"], [])),
    ("이메일 info@ShareHub.KR 로 문의", ([], ["info@sharehub.kr"])),
    ("Contact: Rent.Desk+ko@mapo.go.kr.", ([], ["Rent.Desk+ko@mapo.go.kr"])),
    ("info(at)example(dot)com", ([], ["info@example.com"])),
    ("대여 문의 02-2133-0000 / tools@seoul.go.kr, 010-9999-8888, 02-2133-0000",
     (["02-2133-0000", "010-9999-8888"], ["tools@seoul.go.kr"])),
    ("<p>문의전화</p><p>02&#45;123&#45;4567</p>", (["02-123-4567"], [])),
    ("２０２６ 전화 ０２－１２３－４５６７", (["02-123-4567"], [])),
    # no contact: dates, prices, counts, business numbers
    ("2026-11-20 3,000원", None),
    ("사업자등록번호 123-45-67890", None),
    ("재고 12-345-6789개", None),
    ("user@localhost", None),
    ("1588 1234", None),                                  # a representative number needs its hyphen
    ("", None),
    (None, None),
]


@pytest.mark.parametrize("text, expected", CONTACT_CASES, ids=[repr(c[0])[:40] for c in CONTACT_CASES])
def test_find_contact(text, expected):
    found = find_contact(text)
    assert (None if found is None else (found["phones"], found["emails"])) == expected


# text -> the phrase as written (label left out, spaces normalized), or None
HOURS_CASES = [
    ("평일 09:00~18:00", "평일 09:00~18:00"),
    ("10:00-22:00", "10:00-22:00"),
    ("연중무휴", "연중무휴"),
    ("Mon–Fri 9–6", "Mon–Fri 9–6"),
    ("운영시간: 평일 09:00~18:00, 주말 10:00~17:00 (월요일 휴관)", "평일 09:00~18:00, 주말 10:00~17:00 (월요일 휴관)"),
    ("<p>&middot; 이용 시간: 09:00~18:00</p>", "09:00~18:00"),
    ("이용시간 09:00 ~ 22:00 (점심 12:00~13:00) 문의 02-123-4567", "09:00 ~ 22:00 (점심 12:00~13:00)"),
    ("매일 10시~22시", "매일 10시~22시"),
    ("오전 9시 ~ 오후 6시", "오전 9시 ~ 오후 6시"),
    ("월~금 9시-18시, 토 9시-13시 / 일요일·공휴일 휴무", "월~금 9시-18시, 토 9시-13시 / 일요일·공휴일 휴무"),
    ("연중무휴 24시간 운영", "연중무휴 24시간 운영"),
    ("주차장은 24시간 개방합니다", "24시간 개방"),
    ("Open daily 10:00–22:00", "daily 10:00–22:00"),
    ("Hours: Mon-Fri 9am-6pm, Sat 10am-2pm. Closed on Sundays", "Mon-Fri 9am-6pm, Sat 10am-2pm. Closed on Sundays"),
    ("open 24/7", "24/7"),
    ("Mon-Fri 9AM-6PM", "Mon-Fri 9AM-6PM"),
    ("이용시간:10:00-22:00", "10:00-22:00"),
    ("토·일 10:00 ~ 17:00", "토·일 10:00 ~ 17:00"),
    ("대여: 평일   09:00  ~  18:00 까지", "평일 09:00 ~ 18:00 까지"),
    ("전동드릴 대여. 10:00-22:00 (연중무휴). 1일 3,000원", "10:00-22:00 (연중무휴)"),
    ("운영시간 평일 09:00~18:00 ... 대여료 1일 2,000원 ... 토요일 10:00~13:00", "평일 09:00~18:00"),   # the first run
    # no opening hours
    ("심야(22시~7시) 1시간 6,000원", None),               # a price's night rate
    ("야간(18시~22시) 1시간 20,000원", None),
    ("3-4인 이용 가능", None),
    ("2026.11.20 14:00~16:00", None),                     # an event's time, after its date
    ("1시간 9,900원", None),
    ("2시간 전", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize("text, expected", HOURS_CASES, ids=[repr(c[0])[:40] for c in HOURS_CASES])
def test_find_opening_hours(text, expected):
    assert find_opening_hours(text) == expected


def test_finders_never_raise_on_random_text():
    rng = random.Random(4)
    alphabet = "0123456789-.:/~() 평일매일월금토일휴무연중시분오전후amp@&;<>abcTel+82 "
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        clean_text(text)
        detect_language(text)
        contact = find_contact(text)
        assert contact is None or set(contact) == {"phones", "emails"}
        hours = find_opening_hours(text)
        assert hours is None or hours == " ".join(hours.split())


# A hang guard, not a speed figure (bench/normalize_speed.py prints those): linear finders read this
# in a tenth of a second, backtracking ones would not finish.
@pytest.mark.timeout(60)
def test_finders_do_not_hang_on_long_descriptions():
    text = ("<p>전동드릴 대여 1일 3,000원, 평일 09:00~18:00, 문의 02-123-4567 info@a.example</p>" * 2000
            + "1-2-3-4-5-6-7-8-9 " * 2000)
    assert detect_language(text) == "ko"
    assert find_contact(text)["phones"] == ["02-123-4567"]
    assert find_opening_hours(text) == "평일 09:00~18:00"
