"""Feed bytes to text: BOMs, lying prologs, undeclared legacy encodings, gzip and its bombs."""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

import pytest

from crawler.parsers.base import ParseError
from indexer.text import html_to_text
from crawler.parsers.encoding import (
    codec_name,
    declared_encoding,
    decode_body,
    gunzip_capped,
    xml_as_utf8,
)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
KOREAN = "서울시 공유 공구 대여소에서 전동 드릴과 사다리를 무료로 빌려 드립니다. 마포구 주민이면 누구나 신청할 수 있습니다."
UTF8_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'


def _rss(text: str, declaration: str | None) -> str:
    prolog = f'<?xml version="1.0" encoding="{declaration}"?>\n' if declaration else ""
    return f"{prolog}<rss version=\"2.0\"><channel><title>{text}</title></channel></rss>"


# --- byte-order marks -------------------------------------------------------------------------

@pytest.mark.parametrize("codec, expected", [
    ("utf-8-sig", "utf-8"), ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be"),
    ("utf-32-le", "utf-32-le"), ("utf-32-be", "utf-32-be"),
])
def test_bom_decides_the_encoding(codec, expected):
    document = _rss("테스트 피드", "utf-8")
    body = document.encode(codec)
    if codec != "utf-8-sig":
        body = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
                "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[codec] + body
    decoded = decode_body(body)
    assert decoded.encoding == expected
    assert decoded.text == document  # BOM gone, nothing else touched
    assert decoded.warnings == []


def test_bomless_utf16_is_recognised_from_the_prolog_pattern():
    document = _rss("테스트", "utf-16")
    decoded = decode_body(document.encode("utf-16-le"))
    assert decoded.encoding == "utf-16-le"
    assert "<title>테스트</title>" in decoded.text


def test_invalid_bytes_after_a_bom_are_replaced_with_a_warning():
    decoded = decode_body(codecs.BOM_UTF8 + b"<rss><title>Espa\xf1a</title></rss>")
    assert decoded.text == "<rss><title>Espa\ufffda</title></rss>"
    assert decoded.warnings == ["feed: bytes invalid for the utf-8 byte-order mark at byte 16; invalid bytes replaced"]


def test_utf16le_corpus_file():
    decoded = decode_body((CORPUS / "edge/feedparser__utf-16le-bom.xml").read_bytes())
    assert decoded.encoding == "utf-16-le"
    assert decoded.text.startswith('<?xml version="1.0" encoding="utf-16"?>')
    assert "<rss>" in decoded.text


# --- declared encodings -----------------------------------------------------------------------

def test_declared_euc_kr_is_honoured():
    decoded = decode_body(_rss(KOREAN, "euc-kr").encode("euc-kr"))
    assert decoded.encoding == "euc_kr"
    assert KOREAN in decoded.text
    assert decoded.warnings == []


def test_declared_euc_kr_corpus_item_decodes_to_hangul():
    decoded = decode_body((CORPUS / "edge/feedparser__euc-kr-item.xml").read_bytes())
    assert "<description>\ub144</description>" in decoded.text


def test_undeclared_euc_kr_is_detected():
    decoded = decode_body(_rss(KOREAN, None).encode("euc-kr"))
    assert decoded.encoding == "euc_kr"
    assert KOREAN in decoded.text
    assert decoded.warnings[0].startswith("feed: bytes are not valid UTF-8 (no encoding declared); detected euc_kr")


def test_undeclared_euc_kr_corpus_file_is_detected():
    decoded = decode_body((CORPUS / "edge/feedparser__chardet_euckr.xml").read_bytes())
    assert decoded.encoding == "euc_kr"
    assert "<title>EUC-KR 에서 TypeKey 한글닉네임 표시하기</title>" in decoded.text


@pytest.mark.parametrize("label", ["ISO-8859-1", "latin1", "windows-1252", "us-ascii", "iso-8859-15"])
def test_utf8_bytes_under_a_latin_label_are_read_as_utf8(label):
    decoded = decode_body(_rss("테스트 피드 Café", label).encode("utf-8"))
    assert decoded.encoding == "utf-8"
    assert "<title>테스트 피드 Café</title>" in decoded.text
    assert decoded.warnings == [f"feed: prolog declares {label} but the bytes are UTF-8; read as UTF-8"]


def test_even_one_utf8_character_overrides_a_latin1_label():
    decoded = decode_body(_rss("Café", "ISO-8859-1").encode("utf-8"))
    assert decoded.encoding == "utf-8"
    assert "<title>Café</title>" in decoded.text


def test_a_lone_utf8_lookalike_does_not_override_a_legacy_label():
    # 0xC3 0xA9 is "é" in UTF-8 and "챕" in EUC-KR; one character is no evidence against the
    # declaration.
    body = _rss("", "euc-kr").encode("ascii").replace(b"<title></title>", b"<title>\xc3\xa9</title>")
    decoded = decode_body(body)
    assert decoded.encoding == "euc_kr"
    assert "<title>챕</title>" in decoded.text
    assert decoded.warnings == []


@pytest.mark.parametrize("label", ["euc-kr", "cp949", "windows-1251"])
def test_utf8_korean_under_a_legacy_label_is_read_as_utf8(label):
    # Legacy board templates keep saying euc-kr after the site moved to UTF-8.
    decoded = decode_body(_rss(KOREAN, label).encode("utf-8"))
    assert decoded.encoding == "utf-8"
    assert KOREAN in decoded.text
    assert decoded.warnings == [f"feed: prolog declares {label} but the bytes are UTF-8; read as UTF-8"]


def test_large_undeclared_legacy_body_is_detected():
    body = _rss("<br/>".join(["x" * 200] * 20000) + KOREAN * 50, None).encode("euc-kr")
    assert len(body) > 4_000_000
    decoded = decode_body(body)
    assert decoded.encoding == "euc_kr"
    assert KOREAN in decoded.text


def test_korean_corpus_feed_with_latin1_prolog_reads_as_hangul():
    decoded = decode_body((CORPUS / "edge/miniflux__utf8-incorrect-prolog.xml").read_bytes())
    assert "<title>테스트 피드</title>" in decoded.text
    assert "í" not in decoded.text


def test_real_latin1_bytes_stay_latin1():
    decoded = decode_body(_rss("Jornal de Notícias", "ISO-8859-1").encode("latin-1"))
    assert decoded.encoding == "iso8859-1"
    assert "Jornal de Notícias" in decoded.text
    assert decoded.warnings == []


def test_bogus_label_on_utf8_bytes():
    decoded = decode_body(_rss("테스트 피드", "invalid").encode("utf-8"))
    assert decoded.encoding == "utf-8"
    assert "<title>테스트 피드</title>" in decoded.text
    assert decoded.warnings == ["feed: unknown encoding 'invalid' declared in the XML prolog"]


def test_undecodable_declared_encoding_falls_back_to_detection():
    # Declared Shift_JIS, written in EUC-KR: Shift_JIS cannot decode these bytes.
    body = _rss(KOREAN * 3, "shift_jis").encode("euc-kr")
    with pytest.raises(UnicodeDecodeError):
        body.decode("shift_jis")
    decoded = decode_body(body)
    assert KOREAN in decoded.text
    assert any("not valid declared shift_jis" in warning for warning in decoded.warnings)


def test_a_few_stray_bytes_do_not_turn_a_utf8_feed_into_mojibake():
    body = _rss(KOREAN * 2, "utf-8").encode("utf-8").replace(b"</title>", b"\xff</title>")
    decoded = decode_body(body)
    assert decoded.encoding == "utf-8"
    assert KOREAN in decoded.text
    assert decoded.warnings == ["feed: 1 byte(s) are not valid UTF-8; replaced"]


def test_undeclared_latin1_is_detected():
    decoded = decode_body((CORPUS / "edge/miniflux__no_encoding_ISO-8859-1.xml").read_bytes())
    assert "nombre d'études montrent" in decoded.text
    assert decoded.encoding in ("iso8859-1", "cp1252")


def test_declared_encoding_and_codec_names():
    assert declared_encoding(b"<?xml version='1.0' encoding='EUC-KR'?><rss/>") == "EUC-KR"
    assert declared_encoding(b"<!-- c -->\n<?xml version=\"1.0\" encoding = \"gb2312\" ?>") == "gb2312"
    assert declared_encoding(b"<?xml version='1.0'?><rss/>") is None
    assert codec_name("gb2312") == "gb18030"
    assert codec_name("Windows-1251") == "cp1251"
    assert codec_name("bogus") is None


# --- gzip -------------------------------------------------------------------------------------

def test_gzip_body_is_decompressed_then_decoded():
    document = _rss(KOREAN, "euc-kr")
    decoded = decode_body(gzip.compress(document.encode("euc-kr")))
    assert decoded.gzipped is True
    assert decoded.text == document


def test_gzip_corpus_feed_decodes_its_windows_1251():
    decoded = decode_body((CORPUS / "edge/nodefeedparser__compressed.xml.gz").read_bytes())
    assert decoded.gzipped is True
    assert decoded.encoding == "cp1251"
    assert "Новости Оренбурга" in decoded.text


def test_gzip_bomb_is_refused_by_the_cap():
    body = (CORPUS / "security/scrapy__bomb-gzip.bin").read_bytes()
    with pytest.raises(ParseError, match=r"^feed: decompressed body exceeds 10485760 bytes$"):
        decode_body(body)


def test_gzip_cap_is_a_parameter_and_inclusive():
    payload = b"x" * 2000
    assert gunzip_capped(gzip.compress(payload), max_size=2000) == payload
    with pytest.raises(ParseError, match="^feed: decompressed body exceeds 1999 bytes$"):
        gunzip_capped(gzip.compress(payload), max_size=1999)
    with pytest.raises(ParseError, match="exceeds 1000 bytes"):
        decode_body(gzip.compress(payload), max_size=1000)


def test_concatenated_gzip_members_are_all_read_and_share_the_cap():
    body = gzip.compress(b"<rss>") + gzip.compress(b"</rss>")
    assert gunzip_capped(body) == b"<rss></rss>"
    with pytest.raises(ParseError, match="exceeds 8 bytes"):
        gunzip_capped(body, max_size=8)


def test_corrupt_and_truncated_gzip():
    whole = gzip.compress(b"<rss>" + b"a" * 5000 + b"</rss>")
    with pytest.raises(ParseError, match="^feed: gzip body is truncated$"):
        gunzip_capped(whole[: len(whole) // 2])
    with pytest.raises(ParseError, match="^feed: gzip body is corrupt"):
        gunzip_capped(b"\x1f\x8b\x08\x00garbage-garbage-garbage")


# --- handing XML to a parser ------------------------------------------------------------------

def test_xml_as_utf8_rewrites_the_declaration_in_place():
    text = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<feed>\n<title>테스트</title>\n</feed>'
    data = xml_as_utf8(text)
    assert data == (UTF8_DECLARATION + "\n<feed>\n<title>테스트</title>\n</feed>".encode("utf-8"))


def test_xml_as_utf8_moves_a_misplaced_declaration_to_the_start_keeping_lines():
    text = '<!--\n comment\n-->\n\n<?xml version="1.0"?>\n<rss>\n</rss>'
    data = xml_as_utf8(text).decode("utf-8")
    assert data.startswith('<?xml version="1.0" encoding="utf-8"?><!--\n comment\n-->')
    assert data.count("<?xml") == 1
    assert data.count("\n") == text.count("\n")  # parser line numbers still match the partner's


def test_xml_as_utf8_adds_a_declaration_and_blanks_forbidden_characters():
    data = xml_as_utf8("<rss><title>a\x0bb\x00c</title></rss>")
    assert data == UTF8_DECLARATION + b"<rss><title>a b c</title></rss>"


# --- plain text from markup -------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("<b>Bold</b> &amp; more", "Bold & more"),
    ("Blog &#8211; InfluxData", "Blog – InfluxData"),
    ('<img src="x.jpg" onclick="steal()"/>', None),
    ("<p>one</p><p>two</p>", "one two"),
    ("before<script>alert(1)</script>after", "before after"),
    ("<style>p{}</style>visible<!-- hidden -->", "visible"),
    ("a < b and c > d", "a < b and c > d"),
    ("x<y", "x<y"),
    ("  spaced \n\t out  ", "spaced out"),
    ("", None),
    (None, None),
])
def test_html_to_text(value, expected):
    assert (html_to_text(value) or None) == expected
