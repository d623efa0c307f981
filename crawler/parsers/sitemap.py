"""The "sitemap" source kind: sitemap.xml files and sitemap indexes become links, never items.

Platforms without a feed or an API often still publish a sitemap for search engines; it is the
cheapest complete list of their item pages. A ``<urlset>`` yields one "page" link per ``<url>``
(the item pages, which crawler.parsers.structured reads), a ``<sitemapindex>`` one "sitemap" link
per child sitemap. ``<lastmod>`` travels with each link so a recrawl can skip pages that have not
changed.

What partners actually serve, and what we do about it:

* gzip bodies under any name (and ``.gz`` names on plain XML): the magic bytes decide, and the
  decompressed size is capped so a small body cannot expand into gigabytes;
* mislabelled encodings: ``encoding.decode_body`` decides from the bytes, as for feeds;
* entity declarations (billion laughs, XXE): refused before lxml sees the document, and lxml
  itself runs with entity resolution, DTD loading and network access off;
* whitespace around ``<loc>``, relative locs, ``javascript:`` or ``mailto:`` locs, every W3C
  datetime precision in ``<lastmod>`` (and a few non-W3C habits), or a lastmod that is garbage.

``sitemaps_from_robots`` reads the ``Sitemap:`` lines of a robots.txt, which is where a site
announces its sitemaps when the operator only knows the site.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Iterable, Mapping

from lxml import etree
from protego import Protego

from crawler.parsers.base import Link, ParseError, ParseResult, absolute_url, is_http_url
from crawler.parsers.detect import detect_format
from crawler.parsers.encoding import DEFAULT_MAX_DECOMPRESSED, GZIP_MAGIC, decode_body, gunzip_capped, xml_as_utf8
from crawler.parsers.rss import refuse_entity_declarations

COMPONENT = "sitemap"
FORMAT_URLSET = "sitemap"
FORMAT_INDEX = "sitemapindex"

# The sitemap protocol's own limit per file; more is a broken or hostile sitemap.
MAX_LINKS = 50_000
# robots.txt: RFC 9309 asks crawlers to read at least 500 KiB; more than that is not a robots.txt.
MAX_ROBOTS_BYTES = 512 * 1024

_ROLES = {"urlset": ("url", "page", FORMAT_URLSET), "sitemapindex": ("sitemap", "sitemap", FORMAT_INDEX)}

# W3C Date and Time Formats (what the sitemap protocol prescribes): YYYY, YYYY-MM, YYYY-MM-DD,
# then hh:mm, hh:mm:ss or hh:mm:ss.s, each with a TZD. Sitemap generators also write a space for
# the "T", "+0900" for "+09:00" and times without any TZD; those are read too (as UTC when bare).
_W3C_DATETIME = re.compile(
    r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?"
    r"\s*(?P<tz>Z|z|[+-]\d{2}(?::?\d{2})?)?)?)?)?")


def parse(base_url: str, body: bytes, config: Mapping | None = None) -> ParseResult:
    """Links of a sitemap (role "page") or a sitemap index (role "sitemap"); ParseError when unreadable.

    `config` is accepted for the common parser signature; a sitemap needs none.
    """
    text, warnings = _text(body)
    if detect_format(text.encode("utf-8", "replace")[:65536]) == "html":
        raise ParseError(f"{COMPONENT}: unable to parse sitemap: looks like HTML (a web page, not a sitemap)")
    root = _xml_root(text)
    name = etree.QName(root).localname
    if name not in _ROLES:
        raise ParseError(f"{COMPONENT}: unable to parse sitemap: root element is <{name}>, "
                         "not <urlset> or <sitemapindex>")
    entry_name, role, format_name = _ROLES[name]
    links, entry_warnings = _links(root, entry_name, role, base_url)
    return ParseResult(format=format_name, links=links, warnings=warnings + entry_warnings)


def sitemaps_from_robots(base_url: str, body: bytes) -> list[str]:
    """Absolute http(s) URLs of the ``Sitemap:`` lines of a robots.txt, in order, without repeats.

    Anything can come back from /robots.txt: an HTML error page, a login page, binary junk. None of
    it is an error here; it simply names no sitemaps.
    """
    text = _robots_text(body)
    try:
        declared = list(Protego.parse(text).sitemaps)
    except Exception:  # noqa: BLE001 - a robots.txt protego cannot read names no sitemaps
        return []
    found: list[str] = []
    for url in declared:
        absolute = absolute_url(url, base_url)
        if is_http_url(absolute) and absolute not in found:
            found.append(absolute)
    return found


def parse_lastmod(value: str | None) -> datetime | None:
    """A W3C datetime (any precision) as an aware UTC datetime; None when absent or unreadable."""
    if not value:
        return None
    match = _W3C_DATETIME.fullmatch(value.strip())
    if not match:
        return None
    part = match.groupdict()
    fraction = (part["f"] or "")[:6].ljust(6, "0")
    try:
        moment = datetime(int(part["y"]), int(part["m"] or 1), int(part["d"] or 1),
                          int(part["H"] or 0), int(part["M"] or 0), int(part["S"] or 0), int(fraction),
                          tzinfo=_zone(part["tz"]))
    except ValueError:  # month 13, hour 25, an offset beyond a day
        return None
    return moment.astimezone(timezone.utc)


# --- reading the document -----------------------------------------------------------------------

def _text(body: bytes) -> tuple[str, list[str]]:
    """The document as text, decompressed under the cap; entity declarations refused."""
    if not body or not body.strip():
        raise ParseError(f"{COMPONENT}: unable to parse sitemap: the body is empty")
    try:
        if body[:2] == GZIP_MAGIC:
            # The size cap is the one feeds get; the gzip errors name our component, not "feed".
            body = gunzip_capped(body, DEFAULT_MAX_DECOMPRESSED)
        decoded = decode_body(body, component=COMPONENT)
        refuse_entity_declarations(decoded.text)
    except ParseError as exc:
        raise ParseError(_relabel(str(exc))) from None
    return decoded.text, decoded.warnings


def _relabel(message: str) -> str:
    """A shared helper's "feed: ..." message, worded as this component's."""
    return re.sub(r"^feed:\s*", f"{COMPONENT}: ", message)


def _xml_root(text: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(xml_as_utf8(text), parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"{COMPONENT}: unable to parse sitemap: {exc}") from None
    if root is None:
        raise ParseError(f"{COMPONENT}: unable to parse sitemap: no root element")
    return root


def _links(root: etree._Element, entry_name: str, role: str, base_url: str) -> tuple[list[Link], list[str]]:
    links: list[Link] = []
    seen: set[str] = set()
    without_loc = not_http = 0
    # Direct children only: <image:loc> and <video:...> inside a <url> are not pages to crawl.
    # Namespaces are ignored, since sitemaps without (or with a misspelt) namespace are common.
    for entry in _children(root, entry_name):
        loc = _child_text(entry, "loc")
        url = absolute_url(loc, base_url)
        if not url:
            without_loc += 1
            continue
        if not is_http_url(url):
            not_http += 1
            continue
        if url in seen:
            continue
        if len(links) >= MAX_LINKS:
            return links, _entry_warnings(without_loc, not_http, entry_name) + [
                f"{COMPONENT}: more than {MAX_LINKS} <{entry_name}> entries; the rest are ignored"]
        seen.add(url)
        links.append(Link(url, role, parse_lastmod(_child_text(entry, "lastmod"))))
    return links, _entry_warnings(without_loc, not_http, entry_name)


def _children(element: etree._Element, name: str) -> Iterable[etree._Element]:
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            yield child


def _child_text(element: etree._Element, name: str) -> str | None:
    for child in _children(element, name):
        return "".join(child.itertext()).strip() or None
    return None


def _entry_warnings(without_loc: int, not_http: int, entry_name: str) -> list[str]:
    warnings = []
    if without_loc:
        warnings.append(f"{COMPONENT}: {without_loc} <{entry_name}> entries without a <loc> skipped")
    if not_http:
        warnings.append(f"{COMPONENT}: {not_http} <loc> values that are not http(s) URLs skipped")
    return warnings


def _zone(designator: str | None) -> timezone:
    if not designator or designator in ("Z", "z"):
        return timezone.utc
    sign = -1 if designator[0] == "-" else 1
    digits = designator[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    # timezone() refuses offsets of a day or more, and parse_lastmod reads that as unreadable.
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _robots_text(body: bytes) -> str:
    try:
        if body[:2] == GZIP_MAGIC:
            body = gunzip_capped(body, MAX_ROBOTS_BYTES)
    except ParseError:
        return ""
    # RFC 9309: robots.txt is UTF-8; a stray byte must not hide the lines around it.
    return body[:MAX_ROBOTS_BYTES].decode("utf-8", "replace").lstrip("\ufeff")
