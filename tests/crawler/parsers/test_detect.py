"""Format detection from bytes alone: what a body is, whatever the server called it."""

from __future__ import annotations

import codecs
import gzip
import json
from pathlib import Path

import pytest

from crawler.parsers.detect import detect_format

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.mark.parametrize("body, expected", [
    (b'{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": []}', "jsonfeed"),
    (b'{"version":"http://jsonfeed.org/version/1","items":[]}', "jsonfeed"),
    (b'  \n{"rss": {"version": "2.0", "channel": {}}}', "json"),
    (b'[{"title": "a"}]', "json"),
    (b"[" * 100000, "json"),
    (b'{"version": "2.0", "items": []}', "json"),
    (b'<rss version="2.0"><channel/></rss>', "xml-feed"),
    (b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', "xml-feed"),
    (b'<feed xmlns="http://www.w3.org/2005/Atom"/>', "xml-feed"),
    (b'<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"/>', "xml-feed"),
    (b'<feed version="0.3" xmlns="http://purl.org/atom/ns#"/>', "xml-feed"),
    (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>', "sitemap"),
    (b'<?xml version="1.0"?><sitemapindex/>', "sitemap"),
    (b"<!DOCTYPE html><html><body>hi</body></html>", "html"),
    (b"<!doctype HTML>\n<title>x</title>", "html"),
    (b"<html lang=ko><head></head></html>", "html"),
    (b'<div itemscope itemtype="http://schema.org/Product">x</div>', "html"),
    (b"<root><child/></root>", "unknown"),
    (b"User-agent: *\nDisallow: /", "unknown"),
    (b"", "unknown"),
    (b"   \n\t ", "unknown"),
])
def test_detect_format(body, expected):
    assert detect_format(body) == expected


def test_prolog_noise_before_the_root_is_skipped():
    body = (b'\n\n<?xml version="1.0" encoding="utf-8"?>\n'
            b'<!-- generated <by> a CMS -->\n'
            b'<?xml-stylesheet type="text/xsl" href="/rss.xsl"?>\n'
            b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
            b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
            b'<rss version="0.91"><channel/></rss>')
    assert detect_format(body) == "xml-feed"


def test_doctype_with_internal_subset_is_skipped():
    body = b'<!DOCTYPE rss [\n<!ENTITY nbsp "&#160;">\n]>\n<rss version="2.0"/>'
    assert detect_format(body) == "xml-feed"


@pytest.mark.parametrize("codec, bom", [
    ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
])
def test_byte_order_marks(codec, bom):
    assert detect_format(bom + '<?xml version="1.0"?><rss/>'.encode(codec)) == "xml-feed"
    assert detect_format(bom + '{"version": "https://jsonfeed.org/version/1.1", "items": []}'
                         .encode(codec)) == "jsonfeed"


def test_gzip_wrapped_bodies():
    assert detect_format(gzip.compress(b"<rss version='2.0'/>")) == "xml-feed"
    assert detect_format(gzip.compress(b"<urlset/>")) == "sitemap"
    assert detect_format(gzip.compress(b'{"version": "https://jsonfeed.org/version/1", "items": []}')) \
        == "jsonfeed"


def test_jsonfeed_version_after_a_long_items_array():
    items = [{"id": str(n), "content_text": "x" * 200} for n in range(500)]
    body = json.dumps({"items": items, "version": "https://jsonfeed.org/version/1.1"}).encode()
    assert len(body) > 64 * 1024
    assert detect_format(body) == "jsonfeed"


def test_corpus_files_are_detected_by_content_not_name():
    assert detect_format((CORPUS / "edge/nodefeedparser__compressed.xml.gz").read_bytes()) == "xml-feed"
    assert detect_format((CORPUS / "edge/nodefeedparser__notafeed.html").read_bytes()) == "html"
    assert detect_format((CORPUS / "edge/rssparser__unrecognized.rss").read_bytes()) == "html"
    assert detect_format((CORPUS / "edge/feedparser__utf-16le-bom.xml").read_bytes()) == "xml-feed"
    assert detect_format((CORPUS / "edge/feedparser__rss_incomplete_cdata.xml").read_bytes()) == "xml-feed"
    assert detect_format((CORPUS / "jsonfeed/rsparser__3960.json").read_bytes()) == "jsonfeed"
    assert detect_format((CORPUS / "jsonfeed/gofeed__invalid.json").read_bytes()) == "json"
    assert detect_format((CORPUS / "rss1/rssparser__rss-1.rdf").read_bytes()) == "xml-feed"
    assert detect_format((CORPUS / "atom/nodefeedparser__nondefaultnamespace-xhtml.atom").read_bytes()) == "xml-feed"
    assert detect_format((CORPUS / "sitemap/advertools__regular_sitemap.xml.gz").read_bytes()) == "sitemap"
    assert detect_format((CORPUS / "sitemap/advertools__sitemap_index.xml").read_bytes()) == "sitemap"


def test_gzip_bomb_is_sniffed_without_inflating_it():
    assert detect_format((CORPUS / "security/scrapy__bomb-gzip.bin").read_bytes()) == "unknown"


def test_comment_only_document_is_unknown():
    assert detect_format((CORPUS / "edge/feedparser__rss_empty_document.xml").read_bytes()) == "unknown"
