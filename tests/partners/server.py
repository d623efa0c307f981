"""The partner simulator: each sample partner served over real HTTP on its own port.

Standard library only (http.server, threading). Starting binds every socket before ``start()``
returns, so a client can connect at once; stopping wakes any request held by a ``delay`` fault.

Per partner it serves:

- its main documents: the feed (``Partner.feed_url``), or the API pages, sitemaps or listing
  pages of the partners that have no feed (see each partner module);
- ``/private/...``: the main document again (a members-only mirror), which ``/robots.txt``
  disallows, so a crawler that ignores robots.txt is caught by ``requests()``;
- ``/robots.txt``, ``/`` (homepage, with a feed autodiscovery ``<link rel="alternate">`` where the
  partner has a feed), each item's page (404 once the item is removed), and a small PNG for every
  ``/images/`` and ``/upload/`` path; anything else is 404.

Every document answered with 200 has validators and honours conditional GET: a strong ETag (hash
of the body) and a Last-Modified (the data version's time, or the item's ``updated`` for its page);
a matching ``If-None-Match`` (or, without one, an ``If-Modified-Since`` not older than
Last-Modified) gets 304 with no body.

Faults (``set_fault``) apply to the main documents by default, to every path with ``scope="all"``,
or to one path (``path="/rooms/3"``).
"""

from __future__ import annotations

import copy
import fnmatch
import gzip
import hashlib
import json
import logging
import math
import threading
import zlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator
from urllib.parse import parse_qsl, urlsplit

from tests.partners import cars, events, goods, homes, kids, spaces, tools
from tests.partners.base import (
    PLACEHOLDER_PNG, ROBOTS_TXT, Document, Item, PartnerSpec, SiteView, render_home, render_item_page,
    render_status_page)

log = logging.getLogger("tests.partners")

SPECS: dict[str, PartnerSpec] = {spec.key: spec for spec in (
    goods.SPEC, cars.SPEC, spaces.SPEC, events.SPEC, homes.SPEC, tools.SPEC, kids.SPEC)}

FAULT_KINDS = ("delay", "drop", "redirect", "retry_after", "status", "body", "content_type",
               "malformed", "huge", "broken_jsonld", "headers")
SCOPES = ("feed", "all")
# Faults that change how item pages are rendered: they apply to every page (or the given path),
# whatever the scope.
PAGE_FAULTS = ("broken_jsonld",)
MIB = 1024 * 1024
_CHUNK = 64 * 1024
_CACHE_LIMIT = 2048


@dataclass(frozen=True)
class Partner:
    """A running sample partner, as a test or the demo registers it."""
    key: str
    name: str
    name_ko: str
    base_url: str        # http://127.0.0.1:PORT (no trailing slash)
    homepage_url: str    # base_url + "/"
    feed_url: str        # what to register on the hub (a feed, an API's first page, a listing, a site)
    kind: str = "feed"   # the hub's source kind for feed_url: feed, json_api, sitemap, html
    config: dict[str, Any] | None = field(default=None, hash=False)  # the hub's source config
    sitemap_url: str | None = None   # the sitemap (index) of a sitemap partner
    api_key: str | None = None       # the key an API partner accepts (besides "sample")


@dataclass
class _Fault:
    value: Any
    scope: str
    remaining: int | None  # None: until cleared
    path: str | None = None


class _PartnerState:
    """Everything that changes while a partner runs. All access goes through ``lock``."""

    def __init__(self, spec: PartnerSpec, scale: float = 1.0):
        self.spec = spec
        self.scale = scale
        self.lock = threading.Lock()
        self.original: tuple[Item, ...] = spec.items_at(scale)
        # Items are replaced, never changed in place, so the list may share them with `original`.
        self.items: list[Item] = list(self.original)
        self.version = 0
        self.faults: dict[tuple[str, str | None], _Fault] = {}
        self.log: list[tuple[str, str, dict[str, str]]] = []
        self.base_url = ""
        self._docs: dict[tuple, Document | None] = {}
        self._docs_for: tuple[int, str] | None = None
        self._index: dict[tuple, Item] | None = None

    # data -----------------------------------------------------------------------------------
    def changed(self) -> None:
        self.version += 1
        self._docs_for = None

    def last_modified(self) -> datetime:
        return self.spec.last_modified + timedelta(minutes=self.version)

    def document(self, target: str, flags: frozenset[str] = frozenset()) -> Document | None:
        """What ``target`` (path and query) serves now, without faults; rendered once per version."""
        if self._docs_for != (self.version, self.base_url):
            self._docs, self._index, self._docs_for = {}, None, (self.version, self.base_url)
        key = (_normal_target(target), flags)
        if key not in self._docs:
            if len(self._docs) >= _CACHE_LIMIT:
                self._docs.clear()
            self._docs[key] = self._resolve(target, flags)
        return self._docs[key]

    def feed(self) -> tuple[bytes, datetime]:
        """The main document's body and its Last-Modified."""
        doc = self.document(self.spec.main_document)
        assert doc is not None, f"{self.spec.key}: no main document at {self.spec.main_document}"
        return doc.body, doc.last_modified or self.last_modified()

    def _resolve(self, target: str, flags: frozenset[str]) -> Document | None:
        spec = self.spec
        parts = urlsplit(target)
        path = parts.path
        view = SiteView(self.items, self.base_url, self.last_modified(), flags)
        if path == "/robots.txt":
            return Document(spec.robots(self.base_url) if spec.robots else ROBOTS_TXT, "text/plain")
        if spec.render_feed is not None and path == urlsplit(spec.feed_path).path:
            return Document(spec.render_feed(self.items, self.base_url, self.last_modified()),
                            spec.feed_content_type, main=True, repeat=spec.feed_repeat)
        if spec.route is not None:
            doc = spec.route(view, path, parts.query)
            if doc is not None:
                return doc
        if path.startswith("/private/"):
            main = self.document(spec.main_document)
            return replace(main, main=True) if main is not None else None
        if path in ("/", "/index.html", "/index.do"):
            return Document(render_home(spec, self.items, self.base_url), spec.page_content_type)
        if path.startswith(("/images/", "/upload/")) and path.endswith(".png"):
            return Document(PLACEHOLDER_PNG, "image/png", last_modified=spec.last_modified)
        item = self._item_index().get(_normal_target(target))
        if item is None:
            return None
        body = (spec.render_page(view, item) if spec.render_page is not None
                else render_item_page(spec, item, self.base_url))
        return Document(body, spec.page_content_type, last_modified=item.get("updated"))

    def _item_index(self) -> dict[tuple, Item]:
        if self._index is None:
            self._index = {_normal_target(item["path"]): item for item in self.items if item.get("path")}
        return self._index

    def find_item_page(self, target: str) -> Item | None:
        self.document(target)  # brings the index up to date
        return self._item_index().get(_normal_target(target))

    # faults ---------------------------------------------------------------------------------
    def take_faults(self, target: str, on_feed: bool) -> dict[str, Any]:
        """The faults that apply to this request, counting down the ones limited to N requests.
        A fault set for this path wins over one of the same kind set for a scope."""
        chosen: dict[str, tuple[tuple[str, str | None], _Fault]] = {}
        for key, fault in self.faults.items():
            kind = key[0]
            if fault.path is not None:
                if not _path_matches(fault.path, target):
                    continue
            elif fault.scope == "feed" and not on_feed and kind not in PAGE_FAULTS:
                continue
            if kind in chosen and chosen[kind][1].path is not None:
                continue
            chosen[kind] = (key, fault)
        active = {}
        for kind, (key, fault) in chosen.items():
            active[kind] = fault.value
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    del self.faults[key]
        return active


def _normal_target(target: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    parts = urlsplit(target)
    return parts.path, tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))


def _path_matches(pattern: str, target: str) -> bool:
    """``/rooms/3`` matches that path with any query; ``/tools?page=2`` that path and query (in
    any order); ``*`` is a wildcard (``/rooms/*``)."""
    if "*" in pattern:
        wanted = pattern if "?" in pattern else pattern.split("?")[0]
        subject = target if "?" in pattern else urlsplit(target).path
        return fnmatch.fnmatchcase(subject, wanted)
    if "?" in pattern:
        return _normal_target(pattern) == _normal_target(target)
    return urlsplit(pattern).path == urlsplit(target).path


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 13.1.2)."""
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in header.split(","))


def _not_modified_since(header: str, last_modified: datetime) -> bool:
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False
    if since is None or since.tzinfo is None:
        return False
    return last_modified.replace(microsecond=0) <= since


# --- malformed and huge bodies ---------------------------------------------------------------------

def _inner(doc: Document) -> bytes:
    return gzip.decompress(doc.body) if doc.gzipped else doc.body


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def truncated(doc: Document, how: Any) -> bytes:
    """The document cut off mid-way (True: at half; a fraction; a number of bytes). A gzipped
    document stays a valid gzip file of a truncated document."""
    inner = _inner(doc)
    if how is True:
        keep = len(inner) // 2
    elif isinstance(how, float):
        keep = int(len(inner) * how)
    else:
        keep = min(int(how), max(len(inner) - 1, 0))
    cut = inner[:keep]
    return _gzip(cut) if doc.gzipped else cut


def _split_units(data: bytes, repeat: tuple[bytes, bytes] | None) -> tuple[bytes, bytes, bytes]:
    """(head, unit, tail) with head + unit * n + tail a well-formed document for any n >= 0."""
    if repeat is not None and repeat[0] == b"json":
        split = _split_json(data, repeat[1])
        if split:
            return split
    elif repeat is not None:
        start = data.find(repeat[0])
        end = data.find(repeat[1], start) if start >= 0 else -1
        if start >= 0 and end >= 0:
            end += len(repeat[1])
            while end < len(data) and data[end:end + 1] in b" \t\r\n":
                end += 1
            return data[:start], data[start:end], data[start:]
    stripped = data.rstrip()
    if stripped[:1] in (b"{", b"["):
        at = len(stripped) - 1       # before the closing bracket: whitespace is valid JSON
        return data[:at], b" " * 63 + b"\n", data[at:]
    at = data.rfind(b"</")
    at = at if at >= 0 else len(data)
    return data[:at], b"<!-- " + b"padding " * 14 + b"-->\n", data[at:]


def _split_json(data: bytes, marker: bytes) -> tuple[bytes, bytes, bytes] | None:
    text = data.decode("utf-8")
    at = text.find(marker.decode("utf-8"))
    if at < 0:
        return None
    position = at + len(marker)
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    if position >= len(text) or text[position] not in "{[\"0123456789-tfn":
        return None
    try:
        _, end = json.JSONDecoder().raw_decode(text, position)
    except ValueError:
        return None
    gap = end
    while gap < len(text) and text[gap] in " \t\r\n,":
        gap += 1
    separator = text[end:gap] if "," in text[end:gap] else ",\n"
    head, unit, tail = text[:position], text[position:end] + separator, text[position:]
    return head.encode("utf-8"), unit.encode("utf-8"), tail.encode("utf-8")


@dataclass
class _Huge:
    etag: str
    length: int | None     # None for a gzipped body (its size is known only once compressed)
    chunks: Iterator[bytes]


def huge(doc: Document, mib: float) -> _Huge:
    """The document grown to ``mib`` MiB by repeating one of its elements, generated as it is sent.
    For a gzipped document that is its size once decompressed (a decompression bomb)."""
    inner = _inner(doc)
    head, unit, tail = _split_units(inner, doc.repeat)
    target = int(mib * MIB)
    count = max(1, math.ceil((target - len(head) - len(tail)) / len(unit)))
    etag = '"' + hashlib.sha256(etag_of(inner).encode() + f":huge:{count}".encode()).hexdigest()[:32] + '"'

    def plain() -> Iterator[bytes]:
        yield head
        per = max(1, _CHUNK // len(unit))
        block = unit * per
        left = count
        while left > 0:
            n = min(per, left)
            yield block if n == per else unit * n
            left -= n
        yield tail

    if not doc.gzipped:
        return _Huge(etag, len(head) + count * len(unit) + len(tail), plain())

    def compressed() -> Iterator[bytes]:
        packer = zlib.compressobj(6, zlib.DEFLATED, 31)
        for chunk in plain():
            out = packer.compress(chunk)
            if out:
                yield out
        yield packer.flush()

    return _Huge(etag, None, compressed())


# --- HTTP ----------------------------------------------------------------------------------------

class _PartnerHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, state: _PartnerState, stopping: threading.Event):
        self.state = state
        self.stopping = stopping
        super().__init__(address, _Handler)

    def handle_error(self, request, client_address):
        import sys
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return  # the client gave up (e.g. its timeout during a delay fault): not our problem
        log.exception("partner %s: error while answering %s", self.state.spec.key, client_address)


class _Handler(BaseHTTPRequestHandler):
    # One request per connection: nothing lingers on keep-alive after the simulator stops.
    protocol_version = "HTTP/1.0"
    timeout = 15  # seconds to wait for a client's request line and headers
    server: _PartnerHTTPServer

    @property
    def state(self) -> _PartnerState:
        return self.server.state

    def version_string(self) -> str:
        return self.state.spec.server_header

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        log.info("%s %s", self.state.spec.key, format % args)

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _not_allowed(self) -> None:
        self._record()
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, render_status_page(405, "Method Not Allowed"),
                   "text/html", head=False, extra={"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

    # -----------------------------------------------------------------------------------------
    def _record(self) -> None:
        with self.state.lock:
            self.state.log.append((self.command, self.path, dict(self.headers.items())))

    def _answer(self, head: bool) -> None:
        self._record()
        state = self.state
        with state.lock:
            doc = state.document(self.path)
            faults = state.take_faults(self.path, on_feed=doc is not None and doc.main)
            flags = frozenset(k for k in PAGE_FAULTS if faults.get(k))
            if doc is not None and flags:
                doc = state.document(self.path, flags)
            fallback_modified = state.last_modified()

        if "delay" in faults and self.server.stopping.wait(float(faults["delay"])):
            return  # the simulator is stopping: close without an answer
        if faults.get("drop"):
            self.close_connection = True
            return  # connection closed with no response at all
        if "redirect" in faults:
            redirect = faults["redirect"]
            status, location = redirect if isinstance(redirect, tuple) else (302, redirect)
            self._send(status, render_status_page(status, _phrase(status)), "text/html", head, {"Location": location})
            return
        if "retry_after" in faults:
            self._send(429, render_status_page(429, "Too Many Requests"), "text/html", head,
                       {"Retry-After": str(faults["retry_after"])})
            return
        if "status" in faults:
            status = int(faults["status"])
            self._send(status, render_status_page(status, _phrase(status)), "text/html", head)
            return
        if doc is None:
            self._send(404, render_status_page(404, "Not Found"), "text/html", head)
            return
        self._document(doc, faults, head, doc.last_modified or fallback_modified)

    def _document(self, doc: Document, faults: dict[str, Any], head: bool, last_modified: datetime) -> None:
        body, stream = doc.body, None
        if "body" in faults:
            body = faults["body"]
        elif "malformed" in faults:
            body = truncated(doc, faults["malformed"])
        elif "huge" in faults:
            stream = huge(doc, float(faults["huge"]))
        content_type = faults.get("content_type") or doc.content_type
        etag = stream.etag if stream else etag_of(body)
        validators = {"ETag": etag, "Last-Modified": _http_date(last_modified), **faults.get("headers", {})}
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        # If-None-Match, when sent, decides alone (RFC 9110 13.2.2); else If-Modified-Since.
        if inm is not None:
            not_modified = _etag_matches(inm, etag)
        else:
            not_modified = ims is not None and _not_modified_since(ims, last_modified)
        if not_modified:
            self._send(304, b"", None, head=True, extra=validators)
            return
        if stream is None:
            self._send(200, body, content_type, head, validators)
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        for name, value in validators.items():
            self.send_header(name, value)
        if stream.length is not None:
            self.send_header("Content-Length", str(stream.length))
        self.send_header("Connection", "close")
        self.end_headers()
        if head:
            return
        for chunk in stream.chunks:
            if self.server.stopping.is_set():
                break
            self.wfile.write(chunk)

    def _send(self, status: int, body: bytes, content_type: str | None, head: bool,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(int(status))
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        if int(status) != 304:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if not head and body:
            self.wfile.write(body)


def _http_date(value: datetime) -> str:
    return format_datetime(value.astimezone(timezone.utc).replace(microsecond=0), usegmt=True)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class PartnerSimulator:
    """Sample partner platforms on ``host``, each on its own port (``port=0``: ephemeral ports;
    otherwise the first partner gets ``port``, the next ``port + 1``, ...).

    ``scale`` multiplies the generated partners' item counts (spaces, events, homes, tools, kids;
    goods and cars keep their hand-written items and add copies above 1). Items are built when the
    simulator is made, documents when first asked for.

    Use as a context manager, or ``start()`` / ``stop()``. State (items, faults, the request log)
    survives a stop and a new start; ports do not (unless fixed).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0,
                 partners: tuple[str, ...] | list[str] | None = None, scale: float = 1.0):
        keys = list(partners) if partners is not None else list(SPECS)
        unknown = [k for k in keys if k not in SPECS]
        if unknown:
            raise KeyError(f"unknown partner(s) {unknown}; known: {sorted(SPECS)}")
        if not (isinstance(scale, (int, float)) and scale > 0):
            raise ValueError(f"scale must be a number > 0, not {scale!r}")
        self.host = host
        self.port = port
        self.scale = float(scale)
        self._states = {key: _PartnerState(SPECS[key], self.scale) for key in keys}
        self._servers: dict[str, _PartnerHTTPServer] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._stopping = threading.Event()
        self._lifecycle = threading.Lock()

    # lifecycle ------------------------------------------------------------------------------
    def start(self) -> "PartnerSimulator":
        with self._lifecycle:
            if self._servers:
                raise RuntimeError("the partner simulator is already running")
            self._stopping.clear()
            try:
                for i, (key, state) in enumerate(self._states.items()):
                    server = _PartnerHTTPServer((self.host, self.port + i if self.port else 0), state, self._stopping)
                    self._servers[key] = server
                    host, port = server.server_address[:2]
                    host_in_url = f"[{host}]" if ":" in host else host
                    with state.lock:
                        state.base_url = f"http://{host_in_url}:{port}"
                for key, server in self._servers.items():
                    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                              name=f"partner-{key}", daemon=True)
                    thread.start()
                    self._threads[key] = thread
            except BaseException:
                self._stop_locked()
                raise
        return self

    def stop(self) -> None:
        with self._lifecycle:
            self._stop_locked()

    def _stop_locked(self) -> None:
        self._stopping.set()  # wakes requests held by a delay fault
        for key, server in self._servers.items():
            if key in self._threads:  # shutdown() waits for serve_forever, so only where it runs
                server.shutdown()
            server.server_close()
        for thread in self._threads.values():
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    @property
    def running(self) -> bool:
        return bool(self._servers)

    def __enter__(self) -> "PartnerSimulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # partners -------------------------------------------------------------------------------
    @property
    def partners(self) -> list[Partner]:
        return [self.partner(key) for key in self._states]

    def partner(self, key: str) -> Partner:
        state = self._state(key)
        if not state.base_url or not self.running:
            raise RuntimeError("the partner simulator is not running; call start() first")
        spec, base = state.spec, state.base_url
        return Partner(key=spec.key, name=spec.name, name_ko=spec.name_ko, base_url=base,
                       homepage_url=base + "/", feed_url=base + spec.feed_path, kind=spec.kind,
                       config=copy.deepcopy(dict(spec.config)) if spec.config is not None else None,
                       sitemap_url=base + spec.sitemap_path if spec.sitemap_path else None,
                       api_key=spec.api_key)

    def _state(self, key: str) -> _PartnerState:
        try:
            return self._states[key]
        except KeyError:
            raise KeyError(f"unknown partner {key!r}; known: {sorted(self._states)}") from None

    # faults ---------------------------------------------------------------------------------
    def set_fault(self, key: str, kind: str, value: Any = True, *, times: int | None = None,
                  scope: str = "feed", path: str | None = None) -> None:
        """Misbehave until ``clear_faults`` (or for the next ``times`` matching requests).

        kind       value
        status     an HTTP status code answered instead (with a small HTML body)
        delay      seconds to wait before answering (stop() cuts it short)
        retry_after  429 Too Many Requests with this Retry-After (seconds or an HTTP date)
        body       bytes served instead of the document (with ETag/conditional GET as usual)
        redirect   a Location answered with 302, or (status, location)
        content_type  the Content-Type to label the document with instead
        headers    a dict of extra response headers on the document (200 and 304), e.g. Cache-Control
        drop       True: close the connection without any answer
        malformed  the document cut off mid-way (True: at half; a fraction 0 < f < 1; a number
                   of bytes): XML or JSON that ends abruptly (a gzip sitemap stays valid gzip)
        huge       the document grown to this many MiB by repeating one of its items, generated
                   while it is sent (Content-Length given); for a gzip sitemap the size once
                   decompressed (a decompression bomb)
        broken_jsonld  True: room pages' JSON-LD gets a trailing comma (homes only); applies to
                   every room page whatever the scope, or to ``path`` only

        ``scope="feed"`` (default) affects the main documents (feed, API pages, sitemaps, listing
        pages, the /private/ mirror); ``"all"`` every path, robots.txt too. ``path`` instead
        limits the fault to one path (any query) or path?query, ``*`` a wildcard; a path fault
        wins over a scope fault of the same kind. Several kinds may be set at once: delay, then
        drop, redirect, retry_after, status, then body / malformed / huge, content_type.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; known: {', '.join(FAULT_KINDS)}")
        if scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r}; known: {', '.join(SCOPES)}")
        if path is not None and not (isinstance(path, str) and path.startswith("/")):
            raise ValueError(f"path must start with '/', not {path!r}")
        if kind == "status" and not (isinstance(value, int) and 100 <= value <= 599):
            raise ValueError(f"status must be an HTTP status code, not {value!r}")
        if kind == "headers" and not (isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str)
                                                                      for k, v in value.items())):
            raise ValueError(f"headers must be a dict of str to str, not {value!r}")
        if kind == "delay" and not (isinstance(value, (int, float)) and value >= 0):
            raise ValueError(f"delay must be seconds >= 0, not {value!r}")
        if kind == "body":
            if isinstance(value, str):
                value = value.encode("utf-8")
            if not isinstance(value, (bytes, bytearray)):
                raise ValueError("body must be bytes")
            value = bytes(value)
        if kind == "malformed" and not (value is True or (isinstance(value, float) and 0 < value < 1)
                                        or (type(value) is int and value >= 1)):
            raise ValueError(f"malformed must be True, a fraction 0 < f < 1 or a byte count >= 1, not {value!r}")
        if kind == "huge" and not (isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0):
            raise ValueError(f"huge must be a size in MiB > 0, not {value!r}")
        state = self._state(key)
        if kind == "broken_jsonld" and kind not in state.spec.page_flags:
            raise ValueError(f"partner {key!r} has no JSON-LD to break")
        if kind in PAGE_FAULTS and value is not True:
            raise ValueError(f"{kind} takes True, not {value!r}")
        if times is not None and times < 1:
            raise ValueError("times must be at least 1")
        with state.lock:
            state.faults[(kind, path)] = _Fault(value, scope, times, path)

    def clear_faults(self, key: str | None = None) -> None:
        for state in self._pick(key):
            with state.lock:
                state.faults.clear()

    def clear_fault(self, key: str, kind: str, *, path: str | None = None) -> None:
        """Clear one fault (the scope one, or the one set for ``path``); no error if none is set."""
        state = self._state(key)
        with state.lock:
            state.faults.pop((kind, path), None)

    def faults(self, key: str) -> dict[str, Any]:
        """The faults in force: ``{kind: value}``, and ``{"kind@path": value}`` for path faults."""
        state = self._state(key)
        with state.lock:
            return {(kind if path is None else f"{kind}@{path}"): fault.value
                    for (kind, path), fault in state.faults.items()}

    # items ----------------------------------------------------------------------------------
    def item_ids(self, key: str, *, valid: bool | None = None) -> list[str]:
        """Ids of the items now served, in document order (the first one is always a valid item
        in the original data); ``valid=True``/``False`` keeps only the listings/the broken ones."""
        state = self._state(key)
        with state.lock:
            return [i["id"] for i in state.items if valid is None or (i.get("invalid") is None) == valid]

    def items(self, key: str) -> list[Item]:
        """Copies of the items now served, with their expected ``district``, ``invalid``, ``is_free``."""
        state = self._state(key)
        with state.lock:
            return copy.deepcopy(state.items)

    def remove_item(self, key: str, item_id: str) -> None:
        """The item vanishes from the partner's documents (and its page answers 404); their ETag
        and Last-Modified change."""
        state = self._state(key)
        with state.lock:
            kept = [i for i in state.items if i["id"] != item_id]
            if len(kept) == len(state.items):
                raise KeyError(f"partner {key!r} has no item {item_id!r} (now)")
            state.items = kept
            state.changed()

    def update_item(self, key: str, item_id: str, **changes: Any) -> None:
        """Change fields of an item (e.g. ``title=...``); the validators change, and an item with
        an ``updated`` time gets the new data version's time (its sitemap lastmod moves)."""
        state = self._state(key)
        with state.lock:
            for position, item in enumerate(state.items):
                if item["id"] == item_id:
                    new = {**item, **copy.deepcopy(changes)}
                    state.changed()
                    if "updated" in item and "updated" not in changes:
                        new["updated"] = state.last_modified()
                    state.items = list(state.items)
                    state.items[position] = new
                    return
        raise KeyError(f"partner {key!r} has no item {item_id!r} (now)")

    def restore_items(self, key: str | None = None) -> None:
        """Back to the original items (removed ones return, updates are undone). A partner already
        in its original state is left alone, so its validators do not change."""
        for state in self._pick(key):
            with state.lock:
                if state.items != list(state.original):
                    state.items = list(state.original)
                    state.changed()

    def feed_bytes(self, key: str) -> bytes:
        """The main document (the feed, the API's first page, the sitemap (index), the first
        listing page) exactly as it is now served (without faults)."""
        state = self._state(key)
        with state.lock:
            return state.feed()[0]

    def document_bytes(self, key: str, target: str) -> bytes | None:
        """What ``target`` (path and query) now serves without faults, or None where it is 404."""
        state = self._state(key)
        with state.lock:
            doc = state.document(target)
        return doc.body if doc is not None else None

    # what partners saw ------------------------------------------------------------------------
    def requests(self, key: str) -> list[tuple[str, str, dict[str, str]]]:
        """(method, path with query, headers) of every request the partner got, oldest first.
        Header names keep the case the client sent."""
        state = self._state(key)
        with state.lock:
            return [(m, p, dict(h)) for m, p, h in state.log]

    def clear_requests(self, key: str | None = None) -> None:
        for state in self._pick(key):
            with state.lock:
                state.log.clear()

    def reset(self, key: str | None = None) -> None:
        """Faults cleared, items restored, request log emptied."""
        self.clear_faults(key)
        self.restore_items(key)
        self.clear_requests(key)

    def _pick(self, key: str | None) -> list[_PartnerState]:
        return list(self._states.values()) if key is None else [self._state(key)]
