"""Every real-world feed in the corpus gives what MANIFEST.tsv says it must.

The generic part reads the MEASURED numbers of the expectation column (entries/items, dated,
with categories, tags, image); the specific part checks what the free text names for a file
(decoded Korean, a repaired link, stripped markup, ...). Each manifest row is its own test id.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.parsers import feed
from crawler.parsers.base import ParseError, ParseResult
from crawler.parsers.detect import detect_format

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
FEED_SETS = ("rss2", "rss1", "atom", "jsonfeed", "edge")
BASE_URL = "https://partner.example/feeds/feed.xml"


def _manifest_rows() -> list[dict[str, str]]:
    with open(CORPUS / "MANIFEST.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [row for row in rows if row["path"].split("/", 1)[0] in FEED_SETS]


ROWS = _manifest_rows()


def _measured(row: dict[str, str]) -> str:
    return row["expectation"].split("MEASURED:", 1)[-1]


def _number(pattern: str, text: str) -> int | None:
    match = re.search(pattern, text)
    return int(match.group(1)) if match else None


def must_be_refused(row: dict[str, str]) -> bool:
    """What the manifest says cannot yield items: rejected, not a feed, or broken with 0 entries."""
    text, measured = row["expectation"], _measured(row)
    if re.search(r"must be rejected|must not be detected as JSON Feed|not a feed|json\.loads fails", text):
        return True
    # 0 entries because the XML is broken (a SAX error), as opposed to a valid empty feed or a
    # feed whose only problem was its declared encoding.
    return _number(r"(\d+) (?:entries|items)", measured) == 0 and "SAXParseException" in measured


def _parse(path: str) -> ParseResult:
    return feed.parse(BASE_URL, (CORPUS / path).read_bytes())


def test_manifest_lists_the_feed_sets():
    assert len(ROWS) >= 70
    assert {row["path"].split("/")[0] for row in ROWS} == set(FEED_SETS)


@pytest.mark.parametrize("row", ROWS, ids=[row["path"] for row in ROWS])
def test_corpus_file_meets_manifest(row):
    measured = _measured(row)
    if must_be_refused(row):
        with pytest.raises(ParseError) as refused:
            _parse(row["path"])
        assert re.match(r"(feed|rss|jsonfeed): ", str(refused.value))
        return

    result = _parse(row["path"])
    expected_items = _number(r"(\d+) (?:entries|items)", measured)
    assert expected_items is not None, "manifest row states no entry count"
    assert len(result.items) == expected_items

    dated = _number(r"(\d+) dated", measured)
    if dated is not None:
        assert sum(1 for item in result.items if item.published) == dated
    with_categories = _number(r"(\d+) with categories", measured) or _number(r"(\d+) tags", measured)
    if with_categories is not None:
        assert sum(1 for item in result.items if item.categories) == with_categories
    with_image = _number(r"(\d+) image\b", measured)
    if with_image is not None:
        assert sum(1 for item in result.items if item.images) == with_image
    for item in result.items:
        assert item.published is None or item.published.utcoffset() is not None
        assert item.title is None or "<" not in item.title or not re.search(r"<[a-zA-Z/!]", item.title)


# What the free text of the expectation column names, per file.
def _euc_kr_item(result: ParseResult) -> None:
    assert result.items[0].summary == "\ub144"


def _euc_kr_undeclared(result: ParseResult) -> None:
    assert result.items[0].title == "EUC-KR 에서 TypeKey 한글닉네임 표시하기"
    assert "TypeKey 시스템이 UTF-8로" in (result.items[0].summary or "")


def _korean_prolog(result: ParseResult) -> None:
    assert result.title == "테스트 피드"
    assert result.items[0].title == "Café"


def _corrupted_ampersands(result: ParseResult) -> None:
    assert result.items[0].link == "http://link/get?a=1&b=2"
    assert any("not well-formed XML" in warning for warning in result.warnings)


def _relative_rss_links(result: ParseResult) -> None:
    assert [item.link for item in result.items] == [
        "https://partner.example/en/games/neverwinter/news/detail/10743874-neverwinter-%26-jingle-jam-humble-bundle%21",
        "https://partner.example/en/games/neverwinter/news/detail/10738994-2x-underdark-currency-%26-15%25-off-bags%21",
    ]
    assert result.link == "https://partner.example/en/games/neverwinter/news"
    assert result.ttl_minutes == 60


def _relative_atom_link(result: ParseResult) -> None:
    assert result.items[0].link == "https://partner.example/blog/2003/12/13/atom03"


def _xml_base(result: ParseResult) -> None:
    assert result.items[0].link == "https://numi.st/post/2022/travel-uke"


def _item_xml_base(result: ParseResult) -> None:
    assert [item.link for item in result.items] == [
        "https://insanity.industries/post/pareto-optimal-compression/",
        "https://insanity.industries/post/pacman-tracking-leftover-packages/",
    ]


def _crazy_title(result: ParseResult) -> None:
    title = result.items[0].title
    assert title == ("Crazy HTML -- Can Your Regex Parse This? Did The Javascript Execute? "
                     "I will execute here, too, if you mouse over me")
    assert "executeMe" not in title and "alert" not in title


def _onclick_title(result: ParseResult) -> None:
    # The title is nothing but an <img>: no text remains, and certainly no handler.
    assert result.items[0].title is None


def _gzip(result: ParseResult) -> None:
    assert result.format == "rss20"
    assert result.items[0].title == "В Бузулуке главные стройплощадки – детсад и Ледовый дворец"
    assert result.items[0].images == ["http://www.oren.ru/upload/iblock/be8/stroitelstvo_krany.jpg"]


def _utf16(result: ParseResult) -> None:
    assert result.format == "rss"
    assert result.warnings == []


def _latin1_undeclared(result: ParseResult) -> None:
    assert "nombre d'études montrent" in (result.items[0].summary or "")
    assert any("detected" in warning for warning in result.warnings)


def _saxerror(result: ParseResult) -> None:
    assert [item.title for item in result.items] == ["Good Item", "Bad Item", "Item After Error"]
    assert "rss: feed is not well-formed XML (line 15): not well-formed (invalid token); 3 items read" \
        in result.warnings


def _undefined_entity(result: ParseResult) -> None:
    assert result.items[0].link == "https://db-engines.com/en/blog_post/103"
    assert any("undefined entity" in warning for warning in result.warnings)


def _bogus_encoding(result: ParseResult) -> None:
    assert result.items == []
    assert any("'bogus'" in warning for warning in result.warnings)


def _gb18030(result: ParseResult) -> None:
    assert result.items[0].title == "建国35周年纪念，华表，和平鸽"


def _windows_1251(result: ParseResult) -> None:
    assert result.items[0].title == "Цитата #17703"


def _latin1_declared(result: ParseResult) -> None:
    assert result.items[0].title == "Mãe de utente é a nova presidente da Raríssimas"


def _georss(result: ParseResult) -> None:
    assert (result.items[0].lat, result.items[0].lon) == (36.9382, 31.1732)


def _youtube(result: ParseResult) -> None:
    assert result.items[0].images == ["https://i1.ytimg.com/vi/0A1ouV7iD8o/hqdefault.jpg"]


def _guardian(result: ParseResult) -> None:
    assert all(item.images and item.images[0].startswith("https://i.guim.co.uk/") for item in result.items)
    assert all("<" in (item.summary or "") for item in result.items[:5])


def _content_encoded(result: ParseResult) -> None:
    # content:encoded carries the article; Medium writes no <description> beside it.
    assert all(item.content_html and "<p>" in item.content_html for item in result.items)
    assert "THE CREATIVE FORAGER" in result.items[0].content_html


def _daring_fireball_atom(result: ParseResult) -> None:
    assert result.items[0].link == "https://daringfireball.net/thetalkshow/2017/06/26/ep-195"


def _jsonfeed_entity_title(result: ParseResult) -> None:
    assert result.title == "Blog – InfluxData"
    assert result.items[0].title == "InfluxDB vs. Graphite for Time Series Data & Metrics Benchmark"


def _jsonfeed_extension(result: ParseResult) -> None:
    assert result.items[0].extra["_contoso"]["someKey"] == "SomeValue2"
    assert sum(1 for item in result.items if item.extra.get("attachments")) == 2


def _jsonfeed_podcast(result: ParseResult) -> None:
    assert result.items[0].extra["attachments"][0]["mime_type"] == "audio/x-m4a"


def _itunes_prolog(result: ParseResult) -> None:
    # The misplaced prolog is repaired, so the strict parser reads it without complaint.
    assert result.warnings == []


SPECIFIC: dict[str, Callable[[ParseResult], None]] = {
    "edge/feedparser__euc-kr-item.xml": _euc_kr_item,
    "edge/feedparser__chardet_euckr.xml": _euc_kr_undeclared,
    "edge/miniflux__utf8-incorrect-prolog.xml": _korean_prolog,
    "edge/miniflux__invalid-prolog.xml": _korean_prolog,
    "edge/feedparser__rss_item_link_corrupted_ampersands.xml": _corrupted_ampersands,
    "edge/nodefeedparser__rss-with-relative-urls.xml": _relative_rss_links,
    "edge/feedrs__rss_2.0_relurl_1.xml": _item_xml_base,
    "atom/feedrs__atom_relative.xml": _relative_atom_link,
    "atom/feedrs__atom_xml_base.xml": _xml_base,
    "edge/feedparser__entry_title_crazy.xml": _crazy_title,
    "edge/feedparser__entry_title_onclick.xml": _onclick_title,
    "edge/nodefeedparser__compressed.xml.gz": _gzip,
    "edge/feedparser__utf-16le-bom.xml": _utf16,
    "edge/miniflux__no_encoding_ISO-8859-1.xml": _latin1_undeclared,
    "edge/nodefeedparser__saxerror.xml": _saxerror,
    "edge/feedrs__rss_2.0_dbengines.xml": _undefined_entity,
    "edge/feedparser__bozo_bogus_encoding.xml": _bogus_encoding,
    "edge/rssparser__itunes-keywords-astext.rss": _itunes_prolog,
    "rss2/rsparser__kc0011.rss": _gb18030,
    "rss2/miniflux__encoding_WINDOWS-1251.xml": _windows_1251,
    "rss2/rssparser__encoding.rss": _latin1_declared,
    "rss2/rssparser__guardian.rss": _guardian,
    "rss2/rssparser__content-encoded.rss": _content_encoded,
    "atom/feedparser__georss_point.xml": _georss,
    "atom/feedrs__atom_mediarss_youtube_1.xml": _youtube,
    "atom/rsparser__DaringFireball.atom": _daring_fireball_atom,
    "jsonfeed/feedrs__jsonfeed_elastic_1.1.json": _jsonfeed_entity_title,
    "jsonfeed/rsparser__jsonfeed-extension.json": _jsonfeed_extension,
    "jsonfeed/jsonfeed-spec-1.1__example2_podcast.json": _jsonfeed_podcast,
}


@pytest.mark.parametrize("path", sorted(SPECIFIC))
def test_corpus_specific_expectation(path):
    assert path in {row["path"] for row in ROWS}, "the manifest no longer lists this file"
    SPECIFIC[path](_parse(path))


REFUSALS = {
    "jsonfeed/rsparser__allthis-partial.json": r"^jsonfeed: unable to parse feed: Invalid control character",
    "jsonfeed/gofeed__invalid.json": r"^jsonfeed: unable to parse feed: Expecting ','",
    "jsonfeed/rsparser__ScriptingNews.json": r"^jsonfeed: not a JSON Feed \(.*top-level keys: rss\)",
    "edge/nodefeedparser__notafeed.html": r"^feed: not a feed: looks like HTML",
    "edge/rssparser__unrecognized.rss": r"^feed: not a feed: looks like HTML",
    "edge/feedparser__aaa_illformed.xml":
        r"^rss: unable to parse feed: not well-formed XML \(line \d+\): unclosed token",
    "edge/feedparser__undeclared_namespace.xml": r"^rss: unable to parse feed: .*unbound prefix",
    "edge/feedrs__rss_2.0_invalid_1.xml": r"^rss: unable to parse feed: .*no element found",
}


@pytest.mark.parametrize("path", sorted(REFUSALS))
def test_corpus_refusal_says_why(path):
    with pytest.raises(ParseError, match=REFUSALS[path]):
        _parse(path)


def test_scripting_news_is_json_but_not_a_json_feed():
    assert detect_format((CORPUS / "jsonfeed/rsparser__ScriptingNews.json").read_bytes()) == "json"


def test_truncated_json_feed_is_still_recognised_as_one():
    assert detect_format((CORPUS / "jsonfeed/rsparser__allthis-partial.json").read_bytes()) == "jsonfeed"
