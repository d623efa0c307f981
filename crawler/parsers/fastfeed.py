"""The fast path for RSS / Atom feeds: lxml reads the XML, feedparser's own rules read the feed.

feedparser (crawler.parsers.rss) is the reference: it is what every item of every feed must come
out as. Its cost is not its feed logic but the machinery around it: a Python callback per SAX
event, a URL join per element for xml:base tracking, and a pure-Python SGML re-serialisation of
every HTML fragment (summaries, bodies) to resolve relative links. This module keeps the logic and
replaces the machinery:

* lxml (libxml2, C) parses the document with a safe parser (no entities, no network, no huge
  trees) and the tree is walked in document order, replaying exactly the events feedparser's strict
  (expat) parser would have received: namespace declarations, element starts with the attribute
  dictionary feedparser builds, character data, element ends;
* the events go into a subclass of feedparser's own parser mixin, so every element handler
  (titles, links, guids, dates, categories, authors, media:, georss:, itunes:, Google Base...) is
  feedparser's code, not a re-implementation. Only three of its methods are overridden, each with
  a line-by-line equivalent: element start (xml:base joins memoised), element end (handler lookup
  memoised) and ``pop`` (the text pipeline), whose HTML link resolution goes through
  ``resolve_relative_uris`` below;
* ``resolve_relative_uris`` produces feedparser's output without its SGML parser for the HTML
  that partners actually write (plain tags with quoted or simple attributes, entity and character
  references); anything else - comments, declarations, stray "<" or "&", odd attribute syntax -
  is handed to feedparser's own function;
* the entries become RawItems through ``rss.entry_to_item``, the same function the feedparser
  path uses.

``parse`` returns None ("use feedparser") whenever this equivalence is not certain: anything
libxml2 does not accept as well-formed (feedparser would then fall back to its forgiving parser and
report the document as broken), a DOCTYPE or entity declaration, element or attribute names
outside ASCII (the two XML parsers' name rules differ there), a document feedparser would not
recognise as a feed, and any exception along the way.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

from lxml import etree

from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.util import FeedParserDict
from feedparser.urls import RelativeURIResolver, _urljoin, make_safe_absolute_uri
from feedparser.urls import resolve_relative_uris as _feedparser_resolve_relative_uris
from feedparser_sgmllib import attrfind as _ATTRFIND

from crawler.parsers import rss
from crawler.parsers.base import ParseError, ParseResult, absolute_url
from crawler.parsers.encoding import decode_body, xml_as_utf8
from indexer.text import html_to_text

__all__ = ["parse", "resolve_relative_uris"]

_XML_PARSER_OPTIONS = dict(
    resolve_entities=False,   # no entity expansion at all (there is no DTD to define any anyway)
    no_network=True,          # never fetch a DTD or anything else
    huge_tree=False,          # libxml2's size and depth limits stay on
    recover=False,            # not well-formed -> error -> feedparser's forgiving parser decides
    remove_comments=True,     # expat reports neither; text around them is joined either way
    remove_pis=True,
    strip_cdata=True,         # CDATA is character data, as for expat
)
_parser_local = threading.local()

_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)
_XMLNS = b"xmlns"


class _Unsure(Exception):
    """The fast path cannot promise the feedparser path's result for this document."""


def parse(base_url: str, body: bytes) -> ParseResult | None:
    """The same ParseResult as ``rss.parse(base_url, body)``, or None when the caller must use it."""
    try:
        return _parse(base_url, body)
    except (_Unsure, ParseError):
        return None
    except Exception:  # noqa: BLE001 - whatever went wrong, the reference parser decides
        return None


def _parse(base_url: str, body: bytes) -> ParseResult | None:
    decoded = decode_body(body, component=rss.COMPONENT)
    text = decoded.text
    if _ENTITY_DECLARATION.search(text):
        return None  # rss.parse refuses these (it skips comments and CDATA; we need not)
    data = xml_as_utf8(text)
    try:
        root = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError:
        return None
    if root.getroottree().docinfo.doctype:
        # feedparser reads a DOCTYPE (Netscape RSS 0.91 is a version of its own) and rewrites it.
        return None

    replay = _Replay(base_url)
    replay.run(root, nested_declarations=data.count(_XMLNS) > len(root.nsmap))

    version = replay.version
    if not version:
        return None  # rss.parse raises "no RSS or Atom root element"
    channel = replay.feeddata
    base = rss._relative_base(base_url, channel)
    namespaces = replay.namespaces_in_use
    google_prefixes = [prefix for prefix, uri in namespaces.items() if uri in rss._GOOGLE_BASE and prefix]
    language = channel.get("language")
    items = [rss.entry_to_item(entry, base, language, google_prefixes) for entry in replay.entries]
    return ParseResult(format=version, items=items, title=html_to_text(channel.get("title")) or None,
                       link=absolute_url(channel.get("link"), base), warnings=list(decoded.warnings),
                       ttl_minutes=rss._ttl(channel.get("ttl")))


def _xml_parser() -> etree.XMLParser:
    parser = getattr(_parser_local, "parser", None)
    if parser is None:
        parser = _parser_local.parser = etree.XMLParser(**_XML_PARSER_OPTIONS)
    return parser


# --- URL joins feedparser repeats for every element --------------------------------------------

@lru_cache(maxsize=1024)
def _safe_absolute(base: str, rel: str) -> str:
    return make_safe_absolute_uri(base, rel)


@lru_cache(maxsize=1024)
def _join(base: str, rel: str) -> str:
    return _urljoin(base, rel)


# --- feedparser's dictionary, minus the cost of its aliases on every lookup ----------------------

_KEYMAP = FeedParserDict.keymap
_SPECIAL_KEYS = frozenset(_KEYMAP) | {"category", "enclosures", "license", "updated", "updated_parsed"}


class _FastDict(FeedParserDict):
    """A FeedParserDict that answers plain keys as a dict does, which is what FeedParserDict does.

    FeedParserDict maps a few keys to others (keymap) and derives a few (enclosures, license,
    category, the updated -> published fallback); for every other key its lookups end up as the
    plain dict's, after several method calls. Those keys still take FeedParserDict's way here.
    """

    __slots__ = ()

    def __getitem__(self, key: Any) -> Any:
        if key in _SPECIAL_KEYS:
            return FeedParserDict.__getitem__(self, key)
        return dict.__getitem__(self, key)

    def get(self, key: Any, default: Any = None) -> Any:
        if key in _SPECIAL_KEYS:
            return FeedParserDict.get(self, key, default)
        return dict.get(self, key, default)

    def __contains__(self, key: Any) -> bool:
        if key in _SPECIAL_KEYS:
            return FeedParserDict.__contains__(self, key)
        return dict.__contains__(self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        if key in _KEYMAP:
            FeedParserDict.__setitem__(self, key, value)
        else:
            dict.__setitem__(self, key, value)

    def setdefault(self, k: Any, default: Any) -> Any:
        if k not in self:
            self[k] = default
            return default
        return self[k]


# --- the replay: feedparser's parser fed from an lxml tree --------------------------------------

_MATHML = "http://www.w3.org/1998/Math/MathML"
_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_XML_NS = "http://www.w3.org/XML/1998/namespace"


class _Replay(_FeedParserMixin):
    """feedparser's StrictFeedParser, with lxml's tree standing in for expat's SAX events."""

    def __init__(self, base_url: str) -> None:
        # What feedparser.api.parse hands its strict parser for a stream with a Content-Location.
        self.bozo = 0
        self.exc = None
        self.decls: dict[str, str] = {}
        self.baseuri = make_safe_absolute_uri("", base_url or "") or make_safe_absolute_uri(base_url or "") or ""
        self.lang = None
        self.encoding = "utf-8"
        self.resolve_relative_uris = True
        self.sanitize_html = False
        self._start_names: dict[str, tuple[str, str | None, str]] = {}
        self._end_names: dict[str, str] = {}
        super().__init__()
        self.contentparams = _FastDict()

    # -- driving --------------------------------------------------------------------------------

    def run(self, root: Any, nested_declarations: bool) -> None:
        if nested_declarations:
            # Declarations below the root change how later names map: replay each where it is.
            for event, node in etree.iterwalk(root, events=("start-ns", "start", "end")):
                if event == "start-ns":
                    self._replay_prefix_mapping(*node)
                elif event == "start":
                    self._replay_start(node)
                    if node.text:
                        self.handle_data(node.text)
                else:
                    self._replay_end(node)
                    if node.tail and node is not root:
                        self.handle_data(node.tail)
            return
        for prefix, uri in root.nsmap.items():
            self._replay_prefix_mapping(prefix or "", uri)
        self._walk(root)

    def _walk(self, element: Any) -> None:
        self._replay_start(element)
        text = element.text
        if text:
            self.handle_data(text)
        for child in element:
            self._walk(child)
            tail = child.tail
            if tail:
                self.handle_data(tail)
        self._replay_end(element)

    def _replay_prefix_mapping(self, prefix: str, uri: str) -> None:
        """_StrictFeedParser.startPrefixMapping."""
        if not uri:
            return
        prefix = prefix or None
        self.track_namespace(prefix, uri)
        if prefix and uri == _XLINK:
            self.decls["xmlns:" + prefix] = uri

    def track_namespace(self, prefix: str | None, uri: str) -> None:  # type: ignore[override]
        self._start_names.clear()  # element names depend on the namespaces seen so far
        self._end_names.clear()
        super().track_namespace(prefix, uri)

    def _name_at_start(self, tag: str) -> tuple[str, str | None, str]:
        """The name _StrictFeedParser.startElementNS gives unknown_starttag, the namespace, the bare name."""
        cached = self._start_names.get(tag)
        if cached is not None:
            return cached
        if not tag.isascii():
            raise _Unsure("non-ASCII element name")
        if tag[0] == "{":
            namespace, localname = tag[1:].split("}", 1)
        else:
            namespace, localname = None, tag
        lowernamespace = str(namespace or "").lower()
        if lowernamespace.find("backend.userland.com/rss") != -1:
            namespace = "http://backend.userland.com/rss"
            lowernamespace = namespace
        prefix = self._matchnamespaces.get(lowernamespace, None)  # expat reports no qname
        localname = str(localname).lower()
        bare = localname
        if prefix:
            localname = prefix.lower() + ":" + localname
        elif namespace:
            for name, value in self.namespaces_in_use.items():
                if name and value == namespace:
                    localname = name + ":" + localname
                    break
        result = (str(localname).lower(), namespace, bare)
        self._start_names[tag] = result
        return result

    def _name_at_end(self, tag: str) -> str:
        """The name _StrictFeedParser.endElementNS gives unknown_endtag."""
        cached = self._end_names.get(tag)
        if cached is not None:
            return cached
        if tag[0] == "{":
            namespace, localname = tag[1:].split("}", 1)
        else:
            namespace, localname = None, tag
        lowernamespace = str(namespace or "").lower()
        prefix = self._matchnamespaces.get(lowernamespace, "")
        if prefix:
            localname = prefix + ":" + localname
        elif namespace:
            for name, value in self.namespaces_in_use.items():
                if name and value == namespace:
                    localname = name + ":" + localname
                    break
        result = str(localname).lower()
        self._end_names[tag] = result
        return result

    def _replay_start(self, element: Any) -> None:
        """_StrictFeedParser.startElementNS for an lxml element."""
        name, namespace, bare = self._name_at_start(element.tag)
        attrs_d, self.decls = self.decls, {}
        if bare == "math" and namespace == _MATHML:
            attrs_d["xmlns"] = namespace
        if bare == "svg" and namespace == _SVG:
            attrs_d["xmlns"] = namespace
        attrib = element.attrib
        if attrib:
            qnames = []
            for key, value in attrib.items():
                if not key.isascii():
                    raise _Unsure("non-ASCII attribute name")
                if key[0] == "{":
                    attr_ns, attr_local = key[1:].split("}", 1)
                    prefix = self._matchnamespaces.get(attr_ns.lower(), "")
                    attrs_d[(prefix + ":" + attr_local if prefix else attr_local).lower()] = value
                    qnames.append((self._attribute_prefix(element, attr_ns) + ":" + attr_local, value))
                else:
                    attrs_d[key.lower()] = value
                    qnames.append((key, value))
            for qname, value in qnames:
                attrs_d[qname.lower()] = value
            # _StrictFeedParser._normalize_attributes, which unknown_starttag applies
            for key in ("rel", "type"):
                value = attrs_d.get(key)
                if value:
                    attrs_d[key] = value.lower()
        self.unknown_starttag(name, attrs_d)

    @staticmethod
    def _attribute_prefix(element: Any, namespace: str) -> str:
        if namespace == _XML_NS:
            return "xml"
        prefixes = [prefix for prefix, uri in element.nsmap.items() if uri == namespace and prefix]
        if len(prefixes) != 1:
            raise _Unsure("ambiguous attribute prefix")
        return prefixes[0]

    def _replay_end(self, element: Any) -> None:
        """_StrictFeedParser.endElementNS for an lxml element."""
        self.unknown_endtag(self._name_at_end(element.tag))

    # -- feedparser's methods, line by line, minus their cost ---------------------------------------

    def unknown_starttag(self, tag: str, attrs_d: dict[str, str]) -> Any:  # type: ignore[override]
        """_FeedParserMixin.unknown_starttag; attrs_d arrives normalised, URL joins are memoised."""
        self.depth += 1

        baseuri = attrs_d.get("xml:base", attrs_d.get("base")) or self.baseuri
        if self.baseuri:
            self.baseuri = _safe_absolute(self.baseuri, baseuri) or self.baseuri
        else:
            self.baseuri = _join(self.baseuri, baseuri)
        lang = attrs_d.get("xml:lang", attrs_d.get("lang"))
        if lang == "":
            lang = None
        elif lang is None:
            lang = self.lang
        if lang:
            if tag in ("feed", "rss", "rdf:RDF"):
                self.feeddata["language"] = lang.replace("_", "-")
        self.lang = lang
        self.basestack.append(self.baseuri)
        self.langstack.append(lang)

        if attrs_d:
            for prefix, uri in list(attrs_d.items()):
                if prefix.startswith("xmlns:"):
                    self.track_namespace(prefix[6:], uri)
                elif prefix == "xmlns":
                    self.track_namespace(None, uri)

        attrs = list(attrs_d.items())
        if self.incontent and not self.contentparams.get("type", "xml").endswith("xml"):
            if tag in ("xhtml:div", "div"):
                return None
            self.contentparams["type"] = "application/xhtml+xml"
        if self.incontent and self.contentparams.get("type") == "application/xhtml+xml":
            if tag.find(":") != -1:
                prefix, tag = tag.split(":", 1)
                namespace = self.namespaces_in_use.get(prefix, "")
                if tag == "math" and namespace == _MATHML:
                    attrs.append(("xmlns", namespace))
                if tag == "svg" and namespace == _SVG:
                    attrs.append(("xmlns", namespace))
            if tag == "svg":
                self.svgOK += 1
            return self.handle_data("<%s%s>" % (tag, self.strattrs(attrs)), escape=0)

        if tag.find(":") != -1:
            prefix, suffix = tag.split(":", 1)
        else:
            prefix, suffix = "", tag
        prefix = self.namespacemap.get(prefix, prefix)
        if prefix:
            prefix = prefix + "_"

        if (not prefix) and tag not in ("title", "link", "description", "name"):
            self.intextinput = 0
        if (not prefix) and tag not in ("title", "link", "description", "url", "href", "width", "height"):
            self.inimage = 0

        method = _handler("_start_" + prefix + suffix)
        if method is not None:
            try:
                return method(self, attrs_d)
            except AttributeError:
                pass  # feedparser's try block covers the handler too: fall through to the default
        unknown_tag = prefix + suffix
        if len(attrs_d) == 0:
            return self.push(unknown_tag, 1)
        context = self._get_context()
        context[unknown_tag] = attrs_d
        return None

    def unknown_endtag(self, tag: str) -> None:  # type: ignore[override]
        """_FeedParserMixin.unknown_endtag with the handler lookup memoised."""
        if tag.find(":") != -1:
            prefix, suffix = tag.split(":", 1)
        else:
            prefix, suffix = "", tag
        prefix = self.namespacemap.get(prefix, prefix)
        if prefix:
            prefix = prefix + "_"
        if suffix == "svg" and self.svgOK:
            self.svgOK -= 1

        method = None if self.svgOK else _handler("_end_" + prefix + suffix)
        if method is None:
            self.pop(prefix + suffix)
        else:
            try:
                method(self)
            except AttributeError:
                self.pop(prefix + suffix)

        if self.incontent and not self.contentparams.get("type", "xml").endswith("xml"):
            if tag in ("xhtml:div", "div"):
                return
            self.contentparams["type"] = "application/xhtml+xml"
        if self.incontent and self.contentparams.get("type") == "application/xhtml+xml":
            tag = tag.split(":")[-1]
            self.handle_data("</%s>" % tag, escape=0)

        if self.basestack:
            self.basestack.pop()
            if self.basestack and self.basestack[-1]:
                self.baseuri = self.basestack[-1]
        if self.langstack:
            self.langstack.pop()
            if self.langstack:
                self.lang = self.langstack[-1]

        self.depth -= 1

    def push_content(self, tag: str, attrs_d: Any, default_content_type: str, expecting_text: Any) -> None:
        """_FeedParserMixin.push_content, with a _FastDict for the content parameters."""
        self.incontent += 1
        if self.lang:
            self.lang = self.lang.replace("_", "-")
        self.contentparams = _FastDict({
            "type": self.map_content_type(attrs_d.get("type", default_content_type)),
            "language": self.lang,
            "base": self.baseuri})
        self.contentparams["base64"] = self._is_base64(attrs_d, self.contentparams)
        self.push(tag, expecting_text)

    def _start_item(self, attrs_d: Any) -> None:
        """feedparser.namespaces._base.Namespace._start_item, with a _FastDict per entry."""
        self.entries.append(_FastDict())
        self.push("item", 0)
        self.inentry = 1
        self.guidislink = 0
        self.title_depth = -1
        id_ = self._get_attribute(attrs_d, "rdf:about")
        if id_:
            context = self._get_context()
            context["id"] = id_
        self._cdf_common(attrs_d)

    _start_entry = _start_item

    def _add_tag(self, term: Any, scheme: Any, label: Any) -> None:
        """_FeedParserMixin._add_tag, with a _FastDict per tag."""
        context = self._get_context()
        tags = context.setdefault("tags", [])
        if (not term) and (not scheme) and (not label):
            return
        value = _FastDict(term=term, scheme=scheme, label=label)
        if value not in tags:
            tags.append(value)

    def pop(self, element: str, strip_whitespace: int = 1) -> Any:  # type: ignore[override]
        """_FeedParserMixin.pop, with the fast (equivalent) relative-URI resolution for HTML."""
        if not self.elementstack:
            return None
        if self.elementstack[-1][0] != element:
            return None

        element, expecting_text, pieces = self.elementstack.pop()

        for i, v in enumerate(pieces):
            if isinstance(v, bytes):
                pieces[i] = v.decode("utf-8")

        if self.version == "atom10" and self.contentparams.get("type", "text") == "application/xhtml+xml":
            while pieces and len(pieces) > 1 and not pieces[-1].strip():
                del pieces[-1]
            while pieces and len(pieces) > 1 and not pieces[0].strip():
                del pieces[0]
            if pieces and (pieces[0] == "<div>" or pieces[0].startswith("<div ")) and pieces[-1] == "</div>":
                depth = 0
                for piece in pieces[:-1]:
                    if piece.startswith("</"):
                        depth -= 1
                        if depth == 0:
                            break
                    elif piece.startswith("<") and not piece.endswith("/>"):
                        depth += 1
                else:
                    pieces = pieces[1:-1]

        output = "".join(pieces)
        if strip_whitespace:
            output = output.strip()
        if not expecting_text:
            return output

        contentparams = self.contentparams
        if contentparams.get("base64", 0):
            import base64
            import binascii
            try:
                output = base64.decodebytes(output.encode("utf8")).decode("utf8")
            except (binascii.Error, binascii.Incomplete, UnicodeDecodeError):
                pass

        if (element in self.can_be_relative_uri) and output:
            if not element == "id" or self.guidislink:
                output = self.resolve_uri(output)

        # decode_entities is the identity for the strict parser

        if not self.version.startswith("atom") and contentparams.get("type") == "text/plain":
            if self.looks_like_html(output):
                contentparams["type"] = "text/html"

        contentparams.pop("mode", None)
        contentparams.pop("base64", None)

        is_htmlish = self.map_content_type(contentparams.get("type", "text/html")) in self.html_types
        if is_htmlish and self.resolve_relative_uris:
            if element in self.can_contain_relative_uris:
                output = resolve_relative_uris(output, self.baseuri, contentparams.get("type", "text/html"))

        # (sanitize_html is off; self.encoding is 'utf-8' and output is text)
        if not output.isascii():
            try:
                output = output.encode("iso-8859-1").decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                pass
            output = output.translate(_cp1252)

        if element in ("category", "tags", "itunes_keywords"):
            return output

        if element == "title" and -1 < self.title_depth <= self.depth:
            return output

        if self.inentry and not self.insource:
            entry = self.entries[-1]
            if element == "content":
                entry.setdefault(element, [])
                params = _copy_params(contentparams)
                params["value"] = output
                entry[element].append(params)
            elif element == "link":
                if not self.inimage:
                    output = output.replace("&amp;", "&")
                    output = _QUERY_ENTITY.sub(r"&\g<1>", output)
                    entry[element] = output
                    if output:
                        entry["links"][-1]["href"] = output
            else:
                if element == "description":
                    element = "summary"
                depths = self.property_depth_map.setdefault(entry, {})
                old_value_depth = depths.get(element)
                if old_value_depth is None or self.depth <= old_value_depth:
                    depths[element] = self.depth
                    entry[element] = output
                if self.incontent:
                    params = _copy_params(contentparams)
                    params["value"] = output
                    entry[element + "_detail"] = params
        elif self.infeed or self.insource:
            context = self._get_context()
            if element == "description":
                element = "subtitle"
            context[element] = output
            if element == "link":
                output = _QUERY_ENTITY.sub(r"&\g<1>", output)
                context[element] = output
                context["links"][-1]["href"] = output
            elif self.incontent:
                params = _copy_params(contentparams)
                params["value"] = output
                context[element + "_detail"] = params
        return output


_QUERY_ENTITY = re.compile("&([A-Za-z0-9_]+);")
_HANDLERS: dict[str, Any] = {}


def _handler(name: str) -> Any:
    """The unbound feedparser handler method called `name`, or None (memoised getattr)."""
    try:
        return _HANDLERS[name]
    except KeyError:
        method = getattr(_Replay, name, None)
        _HANDLERS[name] = method
        return method


def _copy_params(params: Any) -> Any:
    """copy.deepcopy of a contentparams FeedParserDict (its values are strings or None)."""
    copied = _FastDict()
    for key, value in params.items():
        dict.__setitem__(copied, key, value)
    return copied


# --- relative URIs in HTML fragments, feedparser's output without its SGML parser ---------------

_TOKEN = re.compile(r"""
    (?P<text>[^<&]+)
  | (?P<charref>&\#(?P<ref>[0-9]+|[xX][0-9a-fA-F]+);)
  | (?P<entity>&(?P<ename>[a-zA-Z][a-zA-Z0-9]*);)
  | (?P<start><(?P<tag>[a-zA-Z][-_.:a-zA-Z0-9]*)
        (?:\s+[a-zA-Z_][-:.a-zA-Z_0-9]*
           (?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[-a-zA-Z0-9./,:;+*%?!$()_\#=~@\[\]]+))?
        )*\s*/?>)
  | (?P<end></(?P<etag>[a-zA-Z][-_.:a-zA-Z0-9]*)\s*>)
  | (?P<other>[<&])
""", re.VERBOSE)
_SHORTTAG = re.compile(r"<([^<>\s]+?)\s*/>")
_resolver_local = threading.local()


class _Fallback(Exception):
    pass


def resolve_relative_uris(source: str, base_uri: str, type_: str) -> str:
    """feedparser.urls.resolve_relative_uris(source, base_uri, "utf-8", type_), only faster.

    feedparser runs every HTML fragment through an SGML parser that re-serialises it: tags are
    lower-cased, attributes sorted, de-duplicated and re-quoted, URL attributes resolved, void
    elements closed, character references normalised. Fragments made of text, entity and
    character references, and plain start and end tags are re-serialised here with feedparser's
    own per-token methods; anything else goes to feedparser's function.
    """
    if "<" not in source and "&" not in source:
        return source
    if "<!" not in source:
        try:
            return _resolve(source, base_uri, type_)
        except _Fallback:
            pass
    return _feedparser_resolve_relative_uris(source, base_uri, "utf-8", type_)


def _resolve(source: str, base_uri: str, type_: str) -> str:
    resolver = getattr(_resolver_local, "resolver", None)
    if resolver is None:
        resolver = _resolver_local.resolver = RelativeURIResolver("", "utf-8", "text/html")
    resolver.baseuri = base_uri
    resolver._type = type_
    pieces: list[str] = []
    resolver.pieces = pieces
    # _BaseHTMLProcessor.feed's rewrites ("<!" is not here, see the caller)
    data = source
    if "/>" in data:
        data = _SHORTTAG.sub(resolver._shorttag_replace, data)
    if "&#" in data:
        data = data.replace("&#39;", "'").replace("&#34;", '"')
    xhtml = type_ == "application/xhtml+xml"
    convert_ref = resolver._convert_ref
    for match in _TOKEN.finditer(data):
        kind = match.lastgroup
        if kind == "text":
            pieces.append(match.group())
        elif kind == "start":
            tag = match.group("tag").lower()
            end = match.end()
            attrs = []
            k = match.end("tag")
            j = end - 1  # the ">"
            while k < j:
                attr = _ATTRFIND.match(data, k)
                if not attr:
                    break
                attrname, rest, attrvalue = attr.group(1, 2, 3)
                if not rest:
                    attrvalue = attrname
                else:
                    if (attrvalue[:1] == "'" == attrvalue[-1:]
                            or attrvalue[:1] == '"' == attrvalue[-1:]):
                        attrvalue = attrvalue[1:-1]
                    attrvalue = resolver.entity_or_charref.sub(convert_ref, attrvalue)
                attrs.append((attrname.lower(), attrvalue))
                k = attr.end(0)
            resolver.lasttag = tag
            resolver.unknown_starttag(tag, attrs)
            if xhtml and data[end - 2:end] == "/>":
                resolver.unknown_endtag(tag)
        elif kind == "end":
            resolver.unknown_endtag(match.group("etag").lower())
        elif kind == "entity":
            resolver.handle_entityref(match.group("ename"))
        elif kind == "charref":
            resolver.handle_charref(match.group("ref"))
        else:
            raise _Fallback()
    return "".join(pieces)
