"""RSS / Atom mapping through feedparser, one field at a time, with small inline feeds."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from crawler.parsers import rss
from crawler.parsers.base import ParseError

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
BASE_URL = "https://partner.example/feeds/rss.xml"

NAMESPACES = (
    'xmlns:g="http://base.google.com/ns/1.0" '
    'xmlns:geo="http://www.w3.org/2003/01/geo/wgs84_pos#" '
    'xmlns:georss="http://www.georss.org/georss" '
    'xmlns:media="http://search.yahoo.com/mrss/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:atom="http://www.w3.org/2005/Atom"'
)


def _rss(items: str, channel: str = "", encoding: str = "utf-8") -> bytes:
    document = (f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0" {NAMESPACES}><channel>'
                f"<title>마포 공유센터</title><link>https://share.example/</link><language>ko</language>"
                f"{channel}{items}</channel></rss>")
    return document.encode("utf-8" if encoding.lower() in ("utf-8", "iso-8859-1") else encoding)


def _item(body: str, **kwargs):
    return rss.parse(BASE_URL, _rss(f"<item>{body}</item>", **kwargs)).items[0]


def _atom(entries: str, feed_attrs: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" {feed_attrs}>'
            f"<title>Atom</title><id>urn:feed</id><updated>2024-01-01T00:00:00Z</updated>{entries}</feed>"
            ).encode("utf-8")


def test_rss_channel_fields():
    result = rss.parse(BASE_URL, _rss("<item><title>a</title></item>", channel="<ttl>45</ttl>"))
    assert result.format == "rss20"
    assert result.title == "마포 공유센터"
    assert result.link == "https://share.example/"
    assert result.ttl_minutes == 45
    assert result.warnings == []


@pytest.mark.parametrize("ttl, expected", [("abc", None), ("-5", None), ("0", None), (" 90 ", 90)])
def test_ttl_must_be_a_positive_number(ttl, expected):
    assert rss.parse(BASE_URL, _rss("<item><title>a</title></item>", channel=f"<ttl>{ttl}</ttl>")).ttl_minutes \
        == expected


def test_key_is_guid_and_link_is_resolved_against_the_document_url():
    item = _item("<guid isPermaLink='false'>tool-42</guid><link>/items/42</link><title>드릴</title>")
    assert item.key == "tool-42"
    assert item.link == "https://partner.example/items/42"


def test_key_falls_back_to_link():
    item = _item("<link>https://share.example/items/7</link>")
    assert item.key == "https://share.example/items/7"


def test_relative_link_without_a_document_url_uses_the_channel_link():
    result = rss.parse("", _rss("<item><link>items/9</link></item>"))
    assert result.items[0].link == "https://share.example/items/9"


def test_guid_urn_permalink_is_kept_as_the_link_when_nothing_better_exists():
    assert _item("<guid>urn:uuid:1234</guid><title>x</title>").link == "urn:uuid:1234"


def test_a_real_http_link_is_preferred_over_an_urn():
    item = _item('<guid>urn:uuid:9</guid><atom:link rel="alternate" href="https://share.example/x/9"/>')
    assert item.key == "urn:uuid:9"
    assert item.link == "https://share.example/x/9"


def test_atom_alternate_beats_related_and_enclosure():
    entry = ('<entry><id>urn:e1</id><title>t</title><updated>2024-01-01T00:00:00Z</updated>'
             '<link rel="enclosure" href="https://cdn.example/a.mp3" type="audio/mpeg"/>'
             '<link rel="related" href="https://elsewhere.example/story"/>'
             '<link rel="alternate" type="text/html" href="https://share.example/e1"/></entry>')
    assert rss.parse(BASE_URL, _atom(entry)).items[0].link == "https://share.example/e1"


def test_atom_entry_with_only_an_urn_id_keeps_it_for_the_normalizer():
    entry = "<entry><id>urn:uuid:abc</id><title>No link</title><updated>2024-01-02T03:04:05Z</updated></entry>"
    item = rss.parse(BASE_URL, _atom(entry)).items[0]
    assert item.key == "urn:uuid:abc"
    assert item.link == "urn:uuid:abc"


def test_atom_relative_links_without_base_url_use_the_self_link():
    result = rss.parse("", (CORPUS / "atom/feedrs__atom_relative.xml").read_bytes())
    assert result.items[0].link == "https://example.com/blog/2003/12/13/atom03"
    assert result.link == "https://example.com/blog/"


def test_atom_xml_base_wins_over_the_document_url():
    entry = ('<entry xml:base="https://other.example/dir/"><id>urn:e</id><title>t</title>'
             '<updated>2024-01-01T00:00:00Z</updated><link href="page.html"/></entry>')
    assert rss.parse(BASE_URL, _atom(entry)).items[0].link == "https://other.example/dir/page.html"


@pytest.mark.parametrize("title, expected", [
    ("&lt;b&gt;Bold&lt;/b&gt; title", "Bold title"),
    ('&lt;img src="x.jpg" onclick="location.href=\'http://evil\'"/&gt;사다리', "사다리"),
    ("<![CDATA[<script>alert(1)</script>Safe <i>text</i>]]>", "Safe text"),
    ("Tools &amp; more", "Tools & more"),
    ("  many\n   spaces ", "many spaces"),
    ("a &lt; b", "a < b"),
])
def test_titles_are_plain_text(title, expected):
    assert _item(f"<title>{title}</title>").title == expected


def test_atom_html_title_is_stripped():
    entry = ('<entry><id>urn:e</id><title type="html">&lt;em&gt;Hi&lt;/em&gt; there</title>'
             '<updated>2024-01-01T00:00:00Z</updated></entry>')
    assert rss.parse(BASE_URL, _atom(entry)).items[0].title == "Hi there"


def test_summary_and_content_encoded():
    item = _item("<description>&lt;p&gt;짧은 설명&lt;/p&gt;</description>"
                 "<content:encoded><![CDATA[<p>긴 <b>본문</b></p>]]></content:encoded>")
    assert item.summary == "<p>짧은 설명</p>"
    assert item.content_html == "<p>긴 <b>본문</b></p>"


def test_description_is_the_content_when_there_is_no_content_encoded():
    item = _item("<description>&lt;p&gt;본문&lt;/p&gt;</description>")
    assert item.content_html == "<p>본문</p>"


def test_content_html_is_not_sanitized_here():
    # crawler.normalize sanitizes with its own allow-list; the parser keeps what the partner wrote.
    item = _item('<content:encoded><![CDATA[<p onclick="x()">hi</p><script>s()</script>]]></content:encoded>')
    assert item.content_html == '<p onclick="x()">hi</p><script>s()</script>'


def test_atom_text_content_becomes_escaped_html():
    entry = ('<entry><id>urn:e</id><title>t</title><updated>2024-01-01T00:00:00Z</updated>'
             '<content type="text">a &lt; b &amp; c</content></entry>')
    assert rss.parse(BASE_URL, _atom(entry)).items[0].content_html == "a &lt; b &amp; c"


def test_categories_terms_and_labels_in_order_without_duplicates():
    item = _item("<category>공구</category><category domain='x'>DIY</category><category>공구</category>")
    assert item.categories == ["공구", "DIY"]
    entry = ('<entry><id>urn:e</id><title>t</title><updated>2024-01-01T00:00:00Z</updated>'
             '<category term="tools" label="Tools &amp; more"/><category term="ladder"/></entry>')
    assert rss.parse(BASE_URL, _atom(entry)).items[0].categories == ["tools", "Tools & more", "ladder"]


def test_pubdate_becomes_aware_utc():
    item = _item("<pubDate>Wed, 03 Jan 2024 10:00:00 +0900</pubDate>")
    assert item.published == datetime(2024, 1, 3, 1, 0, tzinfo=timezone.utc)
    assert item.published.tzinfo is timezone.utc
    assert item.updated is None


def test_dc_date_is_both_updated_and_the_publication_fallback():
    item = _item("<dc:date>2024-01-02T03:04:05+09:00</dc:date>")
    assert item.updated == datetime(2024, 1, 1, 18, 4, 5, tzinfo=timezone.utc)
    assert item.published == item.updated


def test_atom_published_and_updated():
    entry = ('<entry><id>urn:e</id><title>t</title><published>2024-01-01T00:00:00Z</published>'
             '<updated>2024-01-02T03:04:05+09:00</updated></entry>')
    item = rss.parse(BASE_URL, _atom(entry)).items[0]
    assert item.published == datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert item.updated == datetime(2024, 1, 1, 18, 4, 5, tzinfo=timezone.utc)


@pytest.mark.parametrize("date", ["not a date", "Tue, 31 Feb 2024 10:00:00 +0900", "", "Τρί, 29 Ιού 2004"])
def test_bad_dates_are_none(date):
    item = _item(f"<title>x</title><pubDate>{date}</pubDate>")
    assert item.published is None
    assert item.title == "x"


def test_georss_point():
    item = _item("<georss:point>37.5665 126.9780</georss:point>")
    assert (item.lat, item.lon) == (37.5665, 126.978)


def test_w3c_geo_lat_long():
    item = _item("<geo:lat>37.55</geo:lat><geo:long>126.91</geo:long>")
    assert (item.lat, item.lon) == (37.55, 126.91)


@pytest.mark.parametrize("point", ["91 10", "abc def", "37.5"])
def test_impossible_points_are_dropped(point):
    item = _item(f"<georss:point>{point}</georss:point>")
    assert (item.lat, item.lon) == (None, None)


def test_images_from_media_enclosures_and_google_base():
    item = _item(
        '<media:content url="https://img.example/a.png" medium="image"/>'
        '<media:content url="https://img.example/clip.mp4" type="video/mp4"/>'
        '<media:thumbnail url="/thumbs/t.jpg"/>'
        '<enclosure url="https://img.example/e.jpg" type="image/jpeg" length="1"/>'
        '<enclosure url="https://img.example/talk.mp3" type="audio/mpeg" length="1"/>'
        '<g:image_link>https://img.example/a.png</g:image_link>')
    assert item.images == ["https://img.example/a.png", "https://partner.example/thumbs/t.jpg",
                           "https://img.example/e.jpg"]


def test_media_content_without_type_counts_as_image_by_its_extension():
    item = _item('<media:content url="https://img.example/p.webp?w=300"/>'
                 '<media:content url="https://img.example/page.html"/>')
    assert item.images == ["https://img.example/p.webp?w=300"]


def test_google_base_fields():
    item = _item("<g:price>15000</g:price><g:currency>KRW</g:currency>"
                 "<g:location>서울특별시 마포구 월드컵북로 212</g:location>"
                 "<g:latitude>37.56</g:latitude><g:longitude>126.90</g:longitude><g:condition>used</g:condition>")
    assert item.price_text == "15000 KRW"
    assert item.address == "서울특별시 마포구 월드컵북로 212"
    assert (item.lat, item.lon) == (37.56, 126.9)
    assert item.extra["g:condition"] == "used"
    assert item.extra["g:price"] == "15000"


def test_google_base_price_with_its_own_currency_is_kept_as_written():
    assert _item("<g:price>3,000원/일</g:price><g:currency>KRW</g:currency>").price_text == "3,000원/일"


def test_google_base_under_another_prefix():
    body = ('<rss version="2.0" xmlns:gb="http://base.google.com/ns/1.0"><channel><title>t</title>'
            "<item><title>x</title><gb:price>5000 KRW</gb:price></item></channel></rss>").encode()
    assert rss.parse(BASE_URL, body).items[0].price_text == "5000 KRW"


def test_google_base_corpus_listing():
    item = rss.parse(BASE_URL, (CORPUS / "listing/feedvalidator__gbase_housing2.xml").read_bytes()).items[0]
    assert item.price_text == "350000 USD"
    assert item.address == "123 Main St, Anytown, CA, 12345, USA"
    assert item.images == ["http://www.providers-website.com/image1.jpg"]
    assert item.extra["g:bedrooms"] == "3"


def test_language_from_entry_then_channel():
    assert _item("<title>x</title>").language == "ko"
    entry = '<entry xml:lang="en"><id>urn:e</id><title>t</title><updated>2024-01-01T00:00:00Z</updated></entry>'
    assert rss.parse(BASE_URL, _atom(entry, 'xml:lang="ko"')).items[0].language == "en"


def test_author_goes_to_extra():
    assert _item("<dc:creator>홍길동</dc:creator>").extra["author"] == "홍길동"


def test_korean_text_declared_euc_kr():
    item = _item("<title>전동 드릴 대여</title><description>하루 삼천원</description>", encoding="euc-kr")
    assert item.title == "전동 드릴 대여"
    assert item.summary == "하루 삼천원"


def test_korean_utf8_under_a_latin1_prolog():
    result = rss.parse(BASE_URL, _rss("<item><title>테스트 피드</title></item>", encoding="iso-8859-1"))
    assert result.items[0].title == "테스트 피드"
    assert result.warnings == ["rss: prolog declares iso-8859-1 but the bytes are UTF-8; read as UTF-8"]


def test_empty_valid_feed_is_not_an_error():
    result = rss.parse(BASE_URL, _rss(""))
    assert result.items == []
    assert result.warnings == []
    assert result.title == "마포 공유센터"


def test_broken_xml_with_items_gives_items_and_a_warning():
    body = _rss("<item><title>one</title><link>https://a.example/1?x=1&y=2</link></item>"
                "<item><title>two</title></item>")
    result = rss.parse(BASE_URL, body)
    assert [item.title for item in result.items] == ["one", "two"]
    assert result.items[0].link == "https://a.example/1?x=1&y=2"
    assert result.warnings == ["rss: feed is not well-formed XML (line 2): not well-formed (invalid token); "
                               "2 items read"]
    assert result.incomplete  # the crawl will not count what it lacks as gone


def test_a_well_formed_feed_is_complete():
    result = rss.parse(BASE_URL, _rss("<item><title>one</title><link>https://a.example/1</link></item>"))
    assert not result.incomplete


def test_broken_xml_without_items_is_an_error():
    with pytest.raises(ParseError, match=r"^rss: unable to parse feed: not well-formed XML \(line 2\): "
                                         r"no element found$"):
        rss.parse(BASE_URL, b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title>')


def test_html_is_not_a_feed():
    with pytest.raises(ParseError, match=r"^rss: unable to parse feed: no RSS or Atom root element"):
        rss.parse(BASE_URL, b"<!DOCTYPE html><html><body><p>hello</p></body></html>")


def test_misplaced_xml_declaration_is_repaired_not_a_warning():
    body = b'\n\n<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><item><title>x</title>' \
           b"</item></channel></rss>"
    result = rss.parse(BASE_URL, body)
    assert [item.title for item in result.items] == ["x"]
    assert result.warnings == []


def test_rss_091_with_netscape_doctype():
    body = (b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
            b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
            b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
            b'<rss version="0.91"><channel><title>Old</title><link>http://old.example/</link>'
            b"<language>en</language><item><title>Caf\xe9</title><link>http://old.example/1</link></item>"
            b"</channel></rss>")
    result = rss.parse(BASE_URL, body)
    assert result.format == "rss091n"
    assert result.items[0].title == "Café"
    assert result.items[0].link == "http://old.example/1"


def test_rss_10_rdf():
    body = (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            b'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            b'<channel rdf:about="https://a.example/"><title>R</title><link>https://a.example/</link></channel>'
            b'<item rdf:about="https://a.example/1"><title>one</title><link>https://a.example/1</link>'
            b"<dc:subject>tools</dc:subject><dc:date>2024-05-01T12:00:00+09:00</dc:date></item></rdf:RDF>")
    result = rss.parse(BASE_URL, body)
    assert result.format == "rss10"
    item = result.items[0]
    assert (item.key, item.link, item.categories) == ("https://a.example/1", "https://a.example/1", ["tools"])
    assert item.published == datetime(2024, 5, 1, 3, 0, tzinfo=timezone.utc)


def test_gzip_body():
    import gzip
    result = rss.parse(BASE_URL, gzip.compress(_rss("<item><title>압축</title></item>")))
    assert result.items[0].title == "압축"
