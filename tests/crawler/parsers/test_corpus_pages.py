"""Every sitemap, HTML page, robots.txt, listing feed and hostile file of the corpus meets MANIFEST.tsv.

One test id per manifest row. The MEASURED part of the expectation column is checked literally
where it is a number (sitemap entries, extruct's findings per syntax, robots directives, feed
entries); what it means for a listing portal (how many listings a page yields and of which
schema.org type, whether g:price reaches the price) is checked through our parsers, per file.
The feed sets (rss2, rss1, atom, jsonfeed, edge) are test_corpus_feeds.py's.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import extruct
import pytest
from protego import Protego

from crawler.parsers import feed, rss, sitemap, structured
from crawler.parsers.base import ParseError, ParseResult
from crawler.parsers.encoding import GZIP_MAGIC

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
PAGE_SETS = ("sitemap", "html", "robots", "listing", "security")


def _manifest_rows() -> list[dict[str, str]]:
    with open(CORPUS / "MANIFEST.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [row for row in rows if row["path"].split("/", 1)[0] in PAGE_SETS]


ROWS = _manifest_rows()


def _rows(set_name: str) -> list[dict[str, str]]:
    return [row for row in ROWS if row["path"].startswith(set_name + "/")]


def _measured(row: dict[str, str]) -> str:
    return row["expectation"].split("MEASURED:", 1)[1].strip()


def _number(pattern: str, text: str) -> int | None:
    match = re.search(pattern, text)
    return int(match.group(1)) if match else None


def _body(row: dict[str, str]) -> bytes:
    return (CORPUS / row["path"]).read_bytes()


def test_manifest_lists_every_page_set():
    assert {row["path"].split("/")[0] for row in ROWS} == set(PAGE_SETS)
    assert len(ROWS) == 46
    for row in ROWS:
        assert (CORPUS / row["path"]).is_file(), row["path"]


@pytest.mark.parametrize("row", ROWS, ids=[row["path"] for row in ROWS])
def test_corpus_file_meets_manifest(row):
    CHECKERS[row["path"].split("/", 1)[0]](row)


# --- sitemap/ -----------------------------------------------------------------------------------

SITEMAP_BASE = "https://partner.example/sitemap.xml"


def _check_sitemap(row: dict[str, str]) -> None:
    measured, body = _measured(row), _body(row)
    if measured.startswith("XML parse error"):
        line = _number(r"line (\d+)", measured)
        with pytest.raises(ParseError, match=rf"^sitemap: unable to parse sitemap: .*line {line}\b"):
            sitemap.parse(SITEMAP_BASE, body)
        return

    if "NOT gzip" in measured:
        assert body[:2] != GZIP_MAGIC
    gzip_sizes = re.search(r"gzip (\d+) B -> (\d+) B", measured)
    if gzip_sizes:
        assert body[:2] == GZIP_MAGIC
        assert (len(body), len(gzip.decompress(body))) == (int(gzip_sizes[1]), int(gzip_sizes[2]))

    result = sitemap.parse(SITEMAP_BASE, body)
    root = re.search(r"root=(\w+)", measured)[1]
    urls, sitemaps = _number(r"(\d+) <url>", measured), _number(r"(\d+) <sitemap>", measured)
    assert result.format == {"urlset": "sitemap", "sitemapindex": "sitemapindex"}[root]
    assert len(result.links) == urls + sitemaps
    assert {link.role for link in result.links} <= ({"page"} if root == "urlset" else {"sitemap"})
    assert result.warnings == []
    for link in result.links:
        assert link.url == link.url.strip() and link.url.startswith(("http://", "https://"))
        assert link.lastmod is None or link.lastmod.utcoffset().total_seconds() == 0
    SITEMAP_SPECIFIC.get(row["path"], lambda result, body: None)(result, body)


def _regular_sitemap(result: ParseResult, body: bytes) -> None:
    assert [link.lastmod for link in result.links] == [
        datetime(2005, 1, 1, tzinfo=timezone.utc), None, datetime(2004, 12, 23, tzinfo=timezone.utc),
        datetime(2004, 12, 23, 18, 0, 15, tzinfo=timezone.utc), datetime(2004, 11, 23, tzinfo=timezone.utc)]
    assert result.links[1].url == "http://www.example.com/catalog?item=12&desc=vacation_hawaii"


def _news_sitemap(result: ParseResult, body: bytes) -> None:
    assert b"<loc>https://www.nytimes.com/interactive/2020/05/11/magazine/quarantine-insanity.html </loc>" in body
    assert result.links[0].url == "https://www.nytimes.com/interactive/2020/05/11/magazine/quarantine-insanity.html"
    # <image:loc> values are images of a page, not pages.
    assert not any("static01.nyt.com" in link.url for link in result.links)
    assert all(link.lastmod is not None for link in result.links)


def _sitemap_index(result: ParseResult, body: bytes) -> None:
    assert [link.lastmod for link in result.links] == [
        datetime(2020, 5, 20, 18, 23, 17, tzinfo=timezone.utc), datetime(2020, 5, 20, tzinfo=timezone.utc),
        None, datetime(2020, 5, 20, tzinfo=timezone.utc)]


def _gopher(result: ParseResult, body: bytes) -> None:
    assert [link.url for link in result.links][:2] == ["http://HOST/", "http://HOST/tools/"]
    assert [link.lastmod for link in result.links] == [
        None, datetime(2015, 5, 7, 10, 13, 9, tzinfo=timezone.utc), datetime(2015, 5, 7, tzinfo=timezone.utc),
        datetime(2015, 5, 7, 10, 13, 9, tzinfo=timezone.utc)]


def _zipped(result: ParseResult, body: bytes) -> None:
    assert result.links[0].url == "http://www.gzipped.com/"


SITEMAP_SPECIFIC: dict[str, Callable[[ParseResult, bytes], None]] = {
    "sitemap/advertools__regular_sitemap.xml": _regular_sitemap,
    "sitemap/advertools__regular_sitemap.xml.gz": _regular_sitemap,
    "sitemap/advertools__news_sitemap.xml": _news_sitemap,
    "sitemap/advertools__sitemap_index.xml": _sitemap_index,
    "sitemap/gopher__sitemap.xml": _gopher,
    "sitemap/advertools__zipped_sitemap.xml.gz": _zipped,
}


# --- html/ --------------------------------------------------------------------------------------

# The MEASURED type lists name at most six types; maangchi's @graph also holds a VideoObject.
MEASURED_TYPE_LIST_OMITS = {"html/recipescrapers__maangchi.html": {"json-ld": {"VideoObject"}}}


def _extruct_measure(body: bytes) -> dict[str, tuple[int, set[str]]]:
    """What extruct finds per syntax, counted the way the manifest counts it."""
    data = extruct.extract(body, syntaxes=["json-ld", "microdata", "rdfa", "opengraph"])

    def types(value: Any) -> list[str]:
        return value if isinstance(value, list) else [value] if value else []

    json_ld = {t for node in data["json-ld"] for part in [node, *(node.get("@graph") or [])]
               for t in types(part.get("@type"))}
    microdata = {t for node in data["microdata"] for t in types(node.get("type"))}
    rdfa = {re.split(r"[/#]", t.rstrip("/"))[-1] for node in data["rdfa"] for t in types(node.get("@type"))}
    opengraph = {"og:" + next((v for k, v in node["properties"] if k == "og:type"), "?") for node in data["opengraph"]}
    return {"json-ld": (len(data["json-ld"]), json_ld), "microdata": (len(data["microdata"]), microdata),
            "rdfa": (len(data["rdfa"]), rdfa), "opengraph": (len(data["opengraph"]), opengraph)}


def _manifest_measure(row: dict[str, str]) -> dict[str, tuple[int, set[str]]]:
    measured = _measured(row)
    assert measured.startswith("extruct:")
    counts: dict[str, tuple[int, set[str]]] = {}
    for part in measured[len("extruct:"):].split(";"):
        match = re.fullmatch(r"\s*([\w-]+)=(\d+)(?:\s*\[(.*)\])?\s*", part)
        assert match, part
        counts[match[1]] = (int(match[2]), {t.strip() for t in match[3].split(",")} if match[3] else set())
    return counts


# path -> (page URL, listings, their schema type, further checks)
PageCheck = Callable[[ParseResult], None]


def _songkick_events(result: ParseResult) -> None:
    for item in result.items:
        assert item.title and item.extra["starts_at"].utcoffset() is not None
        assert item.lat is not None and item.lon is not None
        assert item.address and item.extra["place_name"]
        assert item.link == result.link and item.key.startswith(result.link + "#")


def _elysian_fields(result: ParseResult) -> None:
    _songkick_events(result)
    assert result.link == "http://www.songkick.com/artists/236156-elysian-fields"  # same-site canonical
    first = result.items[0]
    assert first.extra["starts_at"] == datetime(2017, 6, 10, 23, 30, tzinfo=timezone.utc)
    assert first.address == "497 Rogers Ave, Brooklyn, NY, 11225"
    assert (first.lat, first.lon) == (40.660109, -73.953193)
    assert first.extra["place_name"] == "The Owl Music Parlor"


def _tove_styrke(result: ParseResult) -> None:
    [item] = result.items
    assert item.key == item.link == "https://www.songkick.com/concerts/30166884-tove-styrke-at-hoxton-square-bar-and-kitchen"
    assert item.extra["starts_at"] == datetime(2017, 6, 12, 19, 0, tzinfo=timezone.utc)
    assert item.address == "2-4 Hoxton Square, London, N1 6NU"
    assert (item.lat, item.lon) == (51.527476, -0.081657)
    assert item.images and item.images[0].startswith("http://images.sk-static.com/")  # og:image


def _years_and_years(result: ParseResult) -> None:
    _songkick_events(result)
    # The festival is written with dates only: midnight, Seoul time.
    festival = [item for item in result.items if "ends_at" in item.extra]
    assert len(festival) == 1
    assert festival[0].extra["starts_at"].isoformat() == "2015-10-31T00:00:00+09:00"


def _executive_anvil(result: ParseResult) -> None:
    [item] = result.items
    assert (item.title, item.price_text) == ("Executive Anvil", "119.99 USD")
    assert item.images == ["https://partner.example/items/anvil_executive.jpg"]
    assert item.summary.startswith("Sleeker than ACME's Classic Anvil")


def _event_001(result: ParseResult) -> None:
    [item] = result.items
    assert item.title == "Miami Heat at Philadelphia 76ers - Game 3 (Home Game 1)"
    assert item.extra["starts_at"].isoformat() == "2016-04-21T20:00:00+09:00"
    assert (item.address, item.price_text) == ("Philadelphia, PA", "$35")


def _restaurant(result: ParseResult) -> None:
    [item] = result.items
    assert (item.title, item.address) == ("GreatFood", "1901 Lemur Ave, Sunnyvale, CA, 94086")


def _flea_tablets(result: ParseResult) -> None:
    [item] = result.items
    assert item.link == "https://www.monsterpetsupplies.co.uk/cat/cat-flea-tick/johnsons-4-fleas-cats-kittens"
    assert item.title == "Johnsons 4 Fleas Cats & Kittens Tablets"
    assert item.price_text == "5.29 GBP"  # the AggregateOffer's lowPrice
    assert item.images[0].startswith("https://res.cloudinary.com/")


def _null_ld(result: ParseResult) -> None:
    [item] = result.items
    assert item.title == "Some Name Goes Here"
    assert item.address == "123 Munroe Hwy, Tacoma, Georgia, 52342"


def _recovered_leniently(result: ParseResult) -> None:
    assert any(w.startswith("structured: JSON-LD block 1 is not valid JSON") and "read leniently" in w
               for w in result.warnings)


def _says_recipe(result: ParseResult) -> None:
    assert any(re.search(r"\bRecipe\b[^;]*\(json-ld\)", w) for w in result.warnings)


PAGES: dict[str, tuple[str, int, str | None, PageCheck | None]] = {
    "html/extruct__songkick_elysianfields.html":
        ("https://www.songkick.com/artists/236156-elysian-fields", 4, "MusicEvent", _elysian_fields),
    "html/extruct__songkick_tovestyrke.html":
        ("https://www.songkick.com/concerts/30166884-tove-styrke-at-hoxton-square-bar-and-kitchen?utm_source=x",
         1, "MusicEvent", _tove_styrke),
    "html/extruct__songkick_years_and_years.html":
        ("https://www.songkick.com/artists/3976856-years-and-years", 13, "MusicEvent", _years_and_years),
    "html/extruct__schemaorg_product.html": ("https://partner.example/items/anvil", 1, "Product", _executive_anvil),
    "html/extruct__product_microdata.html": ("https://partner.example/items/anvil", 1, "Product", _executive_anvil),
    "html/extruct__schemaorg_Event.001.html": ("https://partner.example/events/3", 1, "Event", _event_001),
    "html/extruct__schemaorg_LocalBusiness.002.html": ("https://partner.example/places/1", 1, "Restaurant", _restaurant),
    "html/extruct__microdata-with-description.html":
        ("https://www.monsterpetsupplies.co.uk/p/123", 1, "Product", _flea_tablets),
    "html/extruct__null_ld_mock.html": ("https://partner.example/places/2", 1, "LocalBusiness", _null_ld),
    "html/extruct__opengraph_test.html": ("https://partner.example/a", 0, None, None),
    "html/extruct__w3c.rdf11primer.example014.html": ("https://partner.example/a", 0, None, None),
    "html/extruct__wikipedia_xhtml+rdfa.html": ("https://partner.example/a", 0, None, None),
    "html/extruct__JSONLD_with_JS_comment.html": ("https://partner.example/a", 0, None, _recovered_leniently),
    "html/extruct__JSONLD_with_control_characters.html": ("https://partner.example/a", 0, None, _recovered_leniently),
    "html/recipescrapers__maangchi.html": ("https://www.maangchi.com/recipe/yuringi", 0, None, _says_recipe),
    "html/recipescrapers__seriouseats.html":
        ("https://www.seriouseats.com/old-fashioned-flaky-pie-dough-recipe", 0, None, _says_recipe),
    "html/rsparser__coco.html": ("https://www.theatlantic.com/entertainment/", 0, None, None),
}


def test_every_html_page_has_a_listing_expectation():
    assert set(PAGES) == {row["path"] for row in _rows("html")}


def _check_html(row: dict[str, str]) -> None:
    body = _body(row)
    found, stated = _extruct_measure(body), _manifest_measure(row)
    for syntax, (count, types) in found.items():
        stated_count, stated_types = stated.get(syntax, (0, set()))
        assert count == stated_count, syntax
        assert types - MEASURED_TYPE_LIST_OMITS.get(row["path"], {}).get(syntax, set()) == stated_types, syntax

    page_url, listings, schema_type, check = PAGES[row["path"]]
    result = structured.parse(page_url, body)
    assert len(result.items) == listings
    assert {item.extra["schema_type"] for item in result.items} == ({schema_type} if schema_type else set())
    if listings == 0:
        assert structured.NO_LISTING_WARNING in result.warnings
    else:
        assert structured.NO_LISTING_WARNING not in result.warnings
        assert all(item.title and item.link for item in result.items)
        assert all(w.startswith("structured: ") for w in result.warnings)
    if check:
        check(result)


# --- robots/ ------------------------------------------------------------------------------------

DIRECTIVES = {"User-agent": "user-agent", "Disallow": "disallow", "Allow": "allow", "Sitemap": "sitemap",
              "Crawl-delay": "crawl-delay"}

# path -> (site, a path our crawler ("*" rules) may not fetch or None, one it may fetch)
ROBOTS: dict[str, tuple[str, str | None, str]] = {
    "robots/protego__www.zillow.com.robots.txt": ("https://www.zillow.com", "/?url=abc", "/homes/for_sale/"),
    "robots/protego__www.realtor.com.robots.txt":
        ("https://www.realtor.com", "/map/", "/realestateandhomes-search/Seoul"),
    "robots/protego__atlanta.craigslist.org.robots.txt":
        ("https://atlanta.craigslist.org", "/apa/1.html?lang=ko", "/search/apa"),
    "robots/protego__www.koreatimes.co.kr.robots.txt": ("https://www.koreatimes.co.kr", "/Archives", "/www/opinion/1.html"),
    "robots/protego__www.mofa.go.kr.robots.txt": ("https://www.mofa.go.kr", "/secret", "/jp-yokohama-ja/index.do"),
    "robots/protego__www.knou.ac.kr.robots.txt": ("https://www.knou.ac.kr", None, "/anything"),
    "robots/advertools__robots.txt": ("https://advertools.readthedocs.io", None, "/dont_crawl"),
}


def test_every_robots_file_has_an_expectation():
    assert set(ROBOTS) == {row["path"] for row in _rows("robots")}


def _check_robots(row: dict[str, str]) -> None:
    body, measured = _body(row), _measured(row)
    text = body.decode("utf-8", "replace")
    site, disallowed, allowed = ROBOTS[row["path"]]
    robots = Protego.parse(text)
    if "0 rules" in measured:  # the HTML error page
        assert text.lstrip().startswith("<!DOCTYPE html")
        assert list(robots.sitemaps) == []
        assert robots.can_fetch(site + "/", "*") and robots.can_fetch(site + allowed, "sharehub")
        assert sitemap.sitemaps_from_robots(site + "/robots.txt", body) == []
        return
    for name, directive in DIRECTIVES.items():
        stated = _number(rf"(\d+) {name}\b", measured)
        written = len(re.findall(rf"(?im)^\s*{directive}\s*:", text))
        assert written == stated, name
    sitemaps = _number(r"(\d+) Sitemap", measured)
    assert len(list(robots.sitemaps)) == sitemaps
    assert len(sitemap.sitemaps_from_robots(site + "/robots.txt", body)) == sitemaps
    assert robots.crawl_delay("*") is None
    if disallowed:
        assert not robots.can_fetch(site + disallowed, "sharehub")
    assert robots.can_fetch(site + allowed, "sharehub")


def test_advertools_robots_rules_are_per_agent():
    robots = Protego.parse((CORPUS / "robots/advertools__robots.txt").read_text())
    assert robots.can_fetch("https://advertools.readthedocs.io/dont_crawl", "*")
    assert not robots.can_fetch("https://advertools.readthedocs.io/dont_crawl", "Googlebot")
    assert not robots.can_fetch("https://advertools.readthedocs.io/index.php", "Googlebot")


# --- listing/ -----------------------------------------------------------------------------------

def _check_listing(row: dict[str, str]) -> None:
    measured = _measured(row)
    result = feed.parse("https://partner.example/listings.xml", _body(row))
    assert result.format == re.search(r"version=(\w+)", measured)[1]
    assert result.warnings == []
    assert len(result.items) == _number(r"(\d+) entries", measured)
    assert sum(1 for item in result.items if item.published) == _number(r"(\d+) dated", measured)
    with_price = _number(r"(\d+) with price", measured) or 0
    assert sum(1 for item in result.items if item.price_text) == with_price

    fields = re.search(r"g: fields ([\w,]+)", measured)
    stated = set(fields[1].split(",")) if fields else set()
    # Elements that only group others (<g:shipping>, <g:event_date_range>) carry no value of their
    # own; their children (g:start, g:end, ...) are the fields.
    containers = set(re.findall(rb"<g:(\w+)>\s*<g:", _body(row)))
    assert {name.decode() for name in containers} <= stated
    assert {key[2:] for item in result.items for key in item.extra if key.startswith("g:")} == \
        stated - {name.decode() for name in containers}
    for item in result.items:
        price, location = item.extra.get("g:price"), item.extra.get("g:location")
        if price:
            assert item.price_text.startswith(price)
        if location:
            assert item.address == location
        assert ("location" in stated) == bool(item.address)
    LISTING_SPECIFIC.get(row["path"], lambda result: None)(result)


def _housing(result: ParseResult) -> None:
    assert [item.price_text for item in result.items] == ["350000 USD", "1400 USD"]
    assert result.items[0].address == "123 Main St, Anytown, CA, 12345, USA"
    assert result.items[0].images == ["http://www.providers-website.com/image1.jpg"]
    assert result.items[0].extra["g:bedrooms"]


def _unacceptable_price(result: ParseResult) -> None:
    # Kept as the partner wrote it; the normalizer decides what "5,95" is worth.
    assert result.items[0].price_text == "5,95"


def _jobs(result: ParseResult) -> None:
    assert all(item.price_text is None and item.extra["g:salary"] for item in result.items)


def _craigslist(result: ParseResult) -> None:
    titles = [item.title for item in result.items]
    assert titles[0] == "Bright, Spacious Beautiful Victorian (oakland north / temescal) $4300 3bd 1930ft2"
    assert not any("<sup>" in t or "&#x0024;" in t for t in titles)
    assert sum(1 for t in titles if "$" in t) >= 20
    assert all(re.match(r"http://sfbay\.craigslist\.org/\w+/apa/\d+\.html$", item.link) for item in result.items)


LISTING_SPECIFIC: dict[str, Callable[[ParseResult], None]] = {
    "listing/feedvalidator__gbase_housing2.xml": _housing,
    "listing/feedvalidator__gbase_housing1.rdf": _housing,
    "listing/feedvalidator__gbase_unacceptable_price_1.xml": _unacceptable_price,
    "listing/feedvalidator__gbase_jobs2.xml": _jobs,
    "listing/rssparser__craigslist.rdf": _craigslist,
}


# --- security/ ----------------------------------------------------------------------------------

def _check_security(row: dict[str, str]) -> None:
    body, kind = _body(row), row["format"]
    measured = _measured(row)
    if kind == "gzip-bomb":
        sizes = re.search(r"(\d+) B -> (\d+) B", measured)
        assert len(body) == int(sizes[1]) and body[:2] == GZIP_MAGIC
        for parser in (sitemap.parse, structured.parse):
            with pytest.raises(ParseError, match=r"^(sitemap|structured): decompressed body exceeds \d+ bytes"):
                parser("https://partner.example/x", body)
        # The feed entry point sniffs the head of the body and refuses it before inflating it.
        with pytest.raises(ParseError, match=r"^feed: "):
            feed.parse("https://partner.example/x", body)
        return

    declarations = _number(r"(\d+) ENTITY declarations", measured)
    assert declarations is None or body.count(b"<!ENTITY") == declarations
    # The feed entry point may already refuse it as "not a feed" (defusedxml's roots are not RSS);
    # the XML feed parser itself refuses the declarations before any XML parser runs.
    with pytest.raises(ParseError, match=r"^feed: (refusing XML with entity declarations|not a feed)"):
        feed.parse("https://partner.example/feed.xml", body)
    with pytest.raises(ParseError, match=r"^feed: refusing XML with entity declarations$"):
        rss.parse("https://partner.example/feed.xml", body)
    with pytest.raises(ParseError, match=r"^sitemap: refusing XML with entity declarations$"):
        sitemap.parse("https://partner.example/sitemap.xml", body)


CHECKERS: dict[str, Callable[[dict[str, str]], None]] = {
    "sitemap": _check_sitemap,
    "html": _check_html,
    "robots": _check_robots,
    "listing": _check_listing,
    "security": _check_security,
}
