"""The partner simulator: each sample partner served over real HTTP on its own port.

Standard library only (http.server, threading). Starting binds every socket before ``start()``
returns, so a client can connect at once; stopping wakes any request held by a ``delay`` fault.

Per partner it serves:

- the feed (``Partner.feed_url``) with conditional GET: a strong ETag (hash of the body) and a
  Last-Modified that is fixed per data version; a matching ``If-None-Match`` (or, without one, an
  ``If-Modified-Since`` not older than Last-Modified) gets 304 with no body;
- ``/private/...``: the same feed again (a members-only mirror), which ``/robots.txt`` disallows,
  so a crawler that ignores robots.txt is caught by ``requests()``;
- ``/robots.txt`` (allow all but ``/private/``), ``/`` (homepage with a feed autodiscovery
  ``<link rel="alternate">``), each item's page, and a small PNG for every ``/images/`` and
  ``/upload/`` path; anything else is 404.

Faults (``set_fault``) apply to the feed paths by default, or to every path with ``scope="all"``.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.partners import cars, goods
from tests.partners.base import (
    PLACEHOLDER_PNG, ROBOTS_TXT, Item, PartnerSpec, render_home, render_item_page, render_status_page)

log = logging.getLogger("tests.partners")

SPECS: dict[str, PartnerSpec] = {spec.key: spec for spec in (goods.SPEC, cars.SPEC)}

FAULT_KINDS = ("delay", "drop", "redirect", "retry_after", "status", "body", "content_type")
SCOPES = ("feed", "all")


@dataclass(frozen=True)
class Partner:
    """A running sample partner, as a test or the demo registers it."""
    key: str
    name: str
    name_ko: str
    base_url: str        # http://127.0.0.1:PORT (no trailing slash)
    homepage_url: str    # base_url + "/"
    feed_url: str
    kind: str = "feed"


@dataclass
class _Fault:
    value: Any
    scope: str
    remaining: int | None  # None: until cleared


class _PartnerState:
    """Everything that changes while a partner runs. All access goes through ``lock``."""

    def __init__(self, spec: PartnerSpec):
        self.spec = spec
        self.lock = threading.Lock()
        self.items: list[Item] = copy.deepcopy(list(spec.items))
        self.version = 0
        self.faults: dict[str, _Fault] = {}
        self.log: list[tuple[str, str, dict[str, str]]] = []
        self.base_url = ""
        self._cache: tuple[int, str, bytes] | None = None  # (version, base_url, body)

    # data -----------------------------------------------------------------------------------
    def changed(self) -> None:
        self.version += 1
        self._cache = None

    def last_modified(self) -> datetime:
        return self.spec.last_modified + timedelta(minutes=self.version)

    def feed(self) -> tuple[bytes, datetime]:
        """The current feed body and its Last-Modified; rendered once per data version."""
        if self._cache is None or self._cache[:2] != (self.version, self.base_url):
            body = self.spec.render_feed(copy.deepcopy(self.items), self.base_url, self.last_modified())
            self._cache = (self.version, self.base_url, body)
        return self._cache[2], self.last_modified()

    def find_item_page(self, target: str) -> Item | None:
        wanted = _normal_target(target)
        for item in self.items:
            if item.get("path") and _normal_target(item["path"]) == wanted:
                return item
        return None

    # faults ---------------------------------------------------------------------------------
    def take_faults(self, on_feed: bool) -> dict[str, Any]:
        """The faults that apply to this request, counting down the ones limited to N requests."""
        active = {}
        for kind, fault in list(self.faults.items()):
            if fault.scope == "feed" and not on_feed:
                continue
            active[kind] = fault.value
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    del self.faults[kind]
        return active


def _normal_target(target: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    parts = urlsplit(target)
    return parts.path, tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))


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
        spec = self.state.spec
        path = urlsplit(self.path).path
        on_feed = path == spec.feed_path or path.startswith("/private/")
        with self.state.lock:
            faults = self.state.take_faults(on_feed)

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

        if on_feed:
            self._feed(head, faults)
        elif path == "/robots.txt":
            self._send(200, ROBOTS_TXT, "text/plain", head)
        elif path in ("/", "/index.html", "/index.do"):
            with self.state.lock:
                items = copy.deepcopy(self.state.items)
            self._send(200, render_home(spec, items, self.state.base_url), spec.page_content_type, head)
        elif path.startswith(("/images/", "/upload/")) and path.endswith(".png"):
            self._send(200, PLACEHOLDER_PNG, "image/png", head)
        else:
            with self.state.lock:
                item = self.state.find_item_page(self.path)
                item = copy.deepcopy(item) if item else None
            if item is None:
                self._send(404, render_status_page(404, "Not Found"), "text/html", head)
            else:
                self._send(200, render_item_page(spec, item, self.state.base_url), spec.page_content_type, head)

    def _feed(self, head: bool, faults: dict[str, Any]) -> None:
        with self.state.lock:
            body, last_modified = self.state.feed()
        if "body" in faults:
            body = faults["body"]
        content_type = faults.get("content_type") or self.state.spec.feed_content_type
        etag = etag_of(body)
        validators = {"ETag": etag, "Last-Modified": _http_date(last_modified)}
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
        self._send(200, body, content_type, head, validators)

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

    Use as a context manager, or ``start()`` / ``stop()``. State (items, faults, the request log)
    survives a stop and a new start; ports do not (unless fixed).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, partners: tuple[str, ...] | list[str] | None = None):
        keys = list(partners) if partners is not None else list(SPECS)
        unknown = [k for k in keys if k not in SPECS]
        if unknown:
            raise KeyError(f"unknown partner(s) {unknown}; known: {sorted(SPECS)}")
        self.host = host
        self.port = port
        self._states = {key: _PartnerState(SPECS[key]) for key in keys}
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
                       homepage_url=base + "/", feed_url=base + spec.feed_path)

    def _state(self, key: str) -> _PartnerState:
        try:
            return self._states[key]
        except KeyError:
            raise KeyError(f"unknown partner {key!r}; known: {sorted(self._states)}") from None

    # faults ---------------------------------------------------------------------------------
    def set_fault(self, key: str, kind: str, value: Any = True, *, times: int | None = None,
                  scope: str = "feed") -> None:
        """Misbehave until ``clear_faults`` (or for the next ``times`` matching requests).

        kind       value
        status     an HTTP status code answered instead (with a small HTML body)
        delay      seconds to wait before answering (stop() cuts it short)
        retry_after  429 Too Many Requests with this Retry-After (seconds or an HTTP date)
        body       bytes served instead of the feed (with ETag/conditional GET as usual)
        redirect   a Location answered with 302, or (status, location)
        content_type  the Content-Type to label the feed with instead
        drop       True: close the connection without any answer

        ``scope="feed"`` (default) affects the feed paths only; ``"all"`` every path, robots.txt too.
        Several kinds may be set at once: delay, then drop, redirect, retry_after, status, body.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; known: {', '.join(FAULT_KINDS)}")
        if scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r}; known: {', '.join(SCOPES)}")
        if kind == "status" and not (isinstance(value, int) and 100 <= value <= 599):
            raise ValueError(f"status must be an HTTP status code, not {value!r}")
        if kind == "delay" and not (isinstance(value, (int, float)) and value >= 0):
            raise ValueError(f"delay must be seconds >= 0, not {value!r}")
        if kind == "body":
            if isinstance(value, str):
                value = value.encode("utf-8")
            if not isinstance(value, (bytes, bytearray)):
                raise ValueError("body must be bytes")
            value = bytes(value)
        if times is not None and times < 1:
            raise ValueError("times must be at least 1")
        state = self._state(key)
        with state.lock:
            state.faults[kind] = _Fault(value, scope, times)

    def clear_faults(self, key: str | None = None) -> None:
        for state in self._pick(key):
            with state.lock:
                state.faults.clear()

    def faults(self, key: str) -> dict[str, Any]:
        state = self._state(key)
        with state.lock:
            return {kind: fault.value for kind, fault in state.faults.items()}

    # items ----------------------------------------------------------------------------------
    def item_ids(self, key: str, *, valid: bool | None = None) -> list[str]:
        """Ids of the items now in the feed, in feed order (the first one is always a valid item
        in the original data); ``valid=True``/``False`` keeps only the listings/the broken ones."""
        state = self._state(key)
        with state.lock:
            return [i["id"] for i in state.items if valid is None or (i.get("invalid") is None) == valid]

    def items(self, key: str) -> list[Item]:
        """Copies of the items now in the feed, with their expected ``district``, ``invalid``, ``is_free``."""
        state = self._state(key)
        with state.lock:
            return copy.deepcopy(state.items)

    def remove_item(self, key: str, item_id: str) -> None:
        """The item vanishes from the feed (and its page answers 404); the feed's ETag and
        Last-Modified change."""
        state = self._state(key)
        with state.lock:
            kept = [i for i in state.items if i["id"] != item_id]
            if len(kept) == len(state.items):
                raise KeyError(f"partner {key!r} has no item {item_id!r} (now)")
            state.items = kept
            state.changed()

    def update_item(self, key: str, item_id: str, **changes: Any) -> None:
        """Change fields of an item in the feed (e.g. ``title=...``); the feed's validators change."""
        state = self._state(key)
        with state.lock:
            for item in state.items:
                if item["id"] == item_id:
                    item.update(copy.deepcopy(changes))
                    state.changed()
                    return
        raise KeyError(f"partner {key!r} has no item {item_id!r} (now)")

    def restore_items(self, key: str | None = None) -> None:
        """Back to the original items (removed ones return, updates are undone). A partner already
        in its original state is left alone, so its validators do not change."""
        for state in self._pick(key):
            with state.lock:
                original = copy.deepcopy(list(state.spec.items))
                if state.items != original:
                    state.items = original
                    state.changed()

    def feed_bytes(self, key: str) -> bytes:
        """The feed exactly as it is now served (without faults)."""
        state = self._state(key)
        with state.lock:
            return state.feed()[0]

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
