"""Sitemaps and sitemap indexes become links with their lastmod; robots.txt names the sitemaps."""

from __future__ import annotations

import gzip
from datetime import datetime, timedelta, timezone

import pytest

from crawler.parsers import sitemap
from crawler.parsers.base import Link, ParseError
from crawler.parsers.registry import parse_document

BASE = "https://share.example/sitemap.xml"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def _urlset(*entries: str, namespace: str = NS) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {namespace}>'
            + "".join(entries) + "</urlset>").encode("utf-8")


def _url(loc: str, lastmod: str | None = None, extra: str = "") -> str:
    return f"<url><loc>{loc}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + extra + "</url>"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


# --- urlset -------------------------------------------------------------------------------------

def test_urlset_gives_one_page_link_per_url_with_its_lastmod():
    result = sitemap.parse(BASE, _urlset(
        _url("https://share.example/items/1", "2026-03-01"),
        _url("https://share.example/items/2"),
    ))
    assert result.format == "sitemap"
    assert result.items == []
    assert result.links == [
        Link("https://share.example/items/1", "page", utc(2026, 3, 1)),
        Link("https://share.example/items/2", "page", None),
    ]
    assert result.warnings == []


def test_loc_whitespace_is_stripped_and_relative_locs_resolved():
    result = sitemap.parse(BASE, _urlset(
        _url("\n   https://share.example/items/1 \t\n"),
        _url("/items/2"),
        _url("items/3?a=1&amp;b=2"),
    ))
    assert [link.url for link in result.links] == [
        "https://share.example/items/1",
        "https://share.example/items/2",
        "https://share.example/items/3?a=1&b=2",
    ]


def test_non_http_and_empty_locs_are_dropped_with_a_warning():
    result = sitemap.parse(BASE, _urlset(
        _url("javascript:alert(1)"),
        _url("mailto:someone@share.example"),
        _url("ftp://share.example/file"),
        "<url><lastmod>2026-01-01</lastmod></url>",
        _url("   "),
        _url("https://share.example/ok"),
    ))
    assert [link.url for link in result.links] == ["https://share.example/ok"]
    assert "sitemap: 3 <loc> values that are not http(s) URLs skipped" in result.warnings
    assert "sitemap: 2 <url> entries without a <loc> skipped" in result.warnings


def test_repeated_locs_are_one_link():
    result = sitemap.parse(BASE, _urlset(_url("https://share.example/a"), _url("https://share.example/a")))
    assert [link.url for link in result.links] == ["https://share.example/a"]


def test_image_and_news_locs_inside_a_url_are_not_pages():
    body = _urlset(
        _url("https://share.example/items/1", extra=(
            "<image:image><image:loc>https://cdn.share.example/1.jpg</image:loc></image:image>"
            "<news:news><news:title>t</news:title></news:news>")),
        namespace=NS + ' xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"'
                       ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"')
    assert [link.url for link in sitemap.parse(BASE, body).links] == ["https://share.example/items/1"]


def test_a_sitemap_without_the_namespace_is_still_read():
    result = sitemap.parse(BASE, _urlset(_url("https://share.example/a"), namespace=""))
    assert [link.url for link in result.links] == ["https://share.example/a"]


def test_euc_kr_sitemap_with_korean_paths():
    body = ('<?xml version="1.0" encoding="euc-kr"?>\n<urlset ' + NS + '>'
            '<url><loc>https://share.example/물품/드릴</loc></url></urlset>').encode("euc-kr")
    assert sitemap.parse(BASE, body).links[0].url == "https://share.example/물품/드릴"


# --- sitemap index ------------------------------------------------------------------------------

def test_sitemap_index_gives_sitemap_links():
    body = (f'<?xml version="1.0"?><sitemapindex {NS}>'
            "<sitemap><loc>https://share.example/sitemap-items.xml.gz</loc>"
            "<lastmod>2026-03-01T09:30:00+09:00</lastmod></sitemap>"
            "<sitemap><loc>/sitemap-places.xml</loc></sitemap>"
            "</sitemapindex>").encode()
    result = sitemap.parse(BASE, body)
    assert result.format == "sitemapindex"
    assert result.links == [
        Link("https://share.example/sitemap-items.xml.gz", "sitemap", utc(2026, 3, 1, 0, 30)),
        Link("https://share.example/sitemap-places.xml", "sitemap", None),
    ]


def test_the_registry_reads_sitemaps_with_this_parser():
    result = parse_document("sitemap", "document", BASE, _urlset(_url("https://share.example/a")), None)
    assert result.links == [Link("https://share.example/a", "page", None)]


# --- lastmod ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2026", utc(2026, 1, 1)),
    ("2026-03", utc(2026, 3, 1)),
    ("2026-03-05", utc(2026, 3, 5)),
    ("2026-03-05T14:30Z", utc(2026, 3, 5, 14, 30)),
    ("2026-03-05T14:30+09:00", utc(2026, 3, 5, 5, 30)),
    ("2026-03-05T14:30:15Z", utc(2026, 3, 5, 14, 30, 15)),
    ("2026-03-05T14:30:15-05:00", utc(2026, 3, 5, 19, 30, 15)),
    ("2026-03-05T14:30:15.5Z", utc(2026, 3, 5, 14, 30, 15, 500000)),
    ("2026-03-05T14:30:15.123456789+00:00", utc(2026, 3, 5, 14, 30, 15, 123456)),
    ("2026-03-05T14:30:15+0900", utc(2026, 3, 5, 5, 30, 15)),      # not W3C, but common
    ("2026-03-05 14:30:15", utc(2026, 3, 5, 14, 30, 15)),          # space, no zone: read as UTC
    ("  2026-03-05T14:30:15z \n", utc(2026, 3, 5, 14, 30, 15)),
])
def test_lastmod_in_every_w3c_precision_is_aware_utc(text, expected):
    parsed = sitemap.parse_lastmod(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize("text", [
    "", "yesterday", "2026-13-01", "2026-02-30", "2026-03-05T25:00Z", "2026-03-05T10:00+99:00",
    "05/03/2026", "2026-03-05T14", "2026-03-05T14:30:15 GMT", "20260305",
])
def test_a_bad_lastmod_is_none(text):
    assert sitemap.parse_lastmod(text) is None


def test_a_bad_lastmod_does_not_cost_the_link():
    result = sitemap.parse(BASE, _urlset(_url("https://share.example/a", "last tuesday")))
    assert result.links == [Link("https://share.example/a", "page", None)]


# --- bodies: gzip, size, errors -----------------------------------------------------------------

def test_gzip_is_detected_by_magic_bytes():
    body = gzip.compress(_urlset(_url("https://share.example/a", "2026-01-02")))
    assert sitemap.parse("https://share.example/sitemap.xml", body).links == [
        Link("https://share.example/a", "page", utc(2026, 1, 2))]


def test_a_gz_name_on_plain_xml_does_not_matter():
    assert len(sitemap.parse("https://share.example/sitemap.xml.gz", _urlset(_url("https://share.example/a"))).links) == 1


def test_a_gzip_bomb_is_refused_by_the_size_cap():
    bomb = gzip.compress(b"<urlset>" + b" " * (11 * 1024 * 1024) + b"</urlset>")
    with pytest.raises(ParseError, match=r"^sitemap: decompressed body exceeds \d+ bytes"):
        sitemap.parse(BASE, bomb)


def test_corrupt_gzip_is_a_parse_error():
    with pytest.raises(ParseError, match=r"^sitemap: gzip body is"):
        sitemap.parse(BASE, gzip.compress(_urlset(_url("https://share.example/a")))[:40])


def test_malformed_xml_is_a_parse_error():
    with pytest.raises(ParseError, match=r"^sitemap: unable to parse sitemap: .*line 1"):
        sitemap.parse(BASE, b"<urlset><url><loc>https://share.example/a</loc></urlset>")


@pytest.mark.parametrize("body", [b"", b"   \n"])
def test_an_empty_body_is_a_parse_error(body):
    with pytest.raises(ParseError, match=r"^sitemap: unable to parse sitemap: the body is empty"):
        sitemap.parse(BASE, body)


def test_another_root_element_is_a_parse_error():
    with pytest.raises(ParseError, match=r"^sitemap: unable to parse sitemap: root element is <rss>"):
        sitemap.parse(BASE, b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>')


def test_an_html_page_is_a_parse_error_that_says_so():
    with pytest.raises(ParseError, match=r"^sitemap: unable to parse sitemap: looks like HTML"):
        sitemap.parse(BASE, b"<!DOCTYPE html><html><body><p>Not found<br></body></html>")


def test_entity_declarations_are_refused():
    body = (b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b"<urlset><url><loc>https://share.example/&b;</loc></url></urlset>")
    with pytest.raises(ParseError, match=r"^sitemap: refusing XML with entity declarations$"):
        sitemap.parse(BASE, body)


def test_an_external_entity_never_reads_the_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = (f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY s SYSTEM "{secret.as_uri()}">]>'
            '<urlset><url><loc>https://share.example/&s;</loc></url></urlset>').encode()
    with pytest.raises(ParseError) as refused:
        sitemap.parse(BASE, body)
    assert "TOP-SECRET" not in str(refused.value)


def test_a_plain_doctype_is_fine():
    body = b'<?xml version="1.0"?><!DOCTYPE urlset><urlset><url><loc>https://share.example/a</loc></url></urlset>'
    assert len(sitemap.parse(BASE, body).links) == 1


def test_links_are_capped_at_the_protocol_limit():
    entries = "".join(f"<url><loc>https://share.example/{n}</loc></url>" for n in range(sitemap.MAX_LINKS + 5))
    result = sitemap.parse(BASE, _urlset(entries))
    assert len(result.links) == sitemap.MAX_LINKS
    assert any("more than 50000 <url> entries" in warning for warning in result.warnings)


# --- robots.txt ---------------------------------------------------------------------------------

ROBOTS_URL = "https://share.example/robots.txt"


def test_sitemap_lines_of_a_robots_txt():
    body = (b"User-agent: *\nDisallow: /admin\n\n"
            b"Sitemap: https://share.example/sitemap.xml\n"
            b"sitemap:https://share.example/sitemap-items.xml.gz\n"
            b"Sitemap: /relative-sitemap.xml\n"
            b"Sitemap: https://share.example/sitemap.xml\n")
    assert sitemap.sitemaps_from_robots(ROBOTS_URL, body) == [
        "https://share.example/sitemap.xml",
        "https://share.example/sitemap-items.xml.gz",
        "https://share.example/relative-sitemap.xml",
    ]


def test_an_html_error_page_as_robots_txt_names_no_sitemaps():
    body = "<!DOCTYPE html><html><head><title>오류</title></head><body>페이지를 찾을 수 없습니다</body></html>"
    assert sitemap.sitemaps_from_robots(ROBOTS_URL, body.encode("utf-8")) == []


@pytest.mark.parametrize("body", [b"", b"\x00\xff\xfe garbage \x80", gzip.compress(b"Sitemap: https://share.example/s.xml")])
def test_robots_txt_junk_never_raises(body):
    found = sitemap.sitemaps_from_robots(ROBOTS_URL, body)
    assert found in ([], ["https://share.example/s.xml"])


def test_non_http_sitemap_lines_are_ignored():
    body = b"Sitemap: ftp://share.example/sitemap.xml\nSitemap: javascript:alert(1)\n"
    assert sitemap.sitemaps_from_robots(ROBOTS_URL, body) == []
