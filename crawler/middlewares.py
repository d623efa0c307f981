"""Scrapy downloader middlewares: public addresses only, and Retry-After honoured."""

from __future__ import annotations

import asyncio
import email.utils
import logging
from datetime import datetime, timezone

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import deferred_to_future
from twisted.internet.threads import deferToThread

from crawler.safety import UnsafeURLError, check_url, parse_networks

log = logging.getLogger(__name__)


class UnsafeAddress(IgnoreRequest):
    """A request refused by the address check (not by robots.txt, which raises plain IgnoreRequest)."""


class PublicAddressMiddleware:
    """Refuses every request (the first, robots.txt, each redirect) whose host is not public.

    Setting SHAREHUB_ALLOW_PRIVATE_NETWORKS: list of CIDRs allowed although not public (default none).
    """

    def __init__(self, allowed_networks):
        self.allowed = parse_networks(allowed_networks)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("SHAREHUB_ADDRESS_CHECK", True):
            raise NotConfigured
        return cls(crawler.settings.getlist("SHAREHUB_ALLOW_PRIVATE_NETWORKS"))

    async def process_request(self, request):
        # getaddrinfo blocks: resolve in a thread so a slow DNS answer stalls no other partner.
        try:
            await deferred_to_future(deferToThread(check_url, request.url, self.allowed))
        except UnsafeURLError as exc:
            raise UnsafeAddress(str(exc)) from None
        return None


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class RetryAfterMiddleware:
    """429 and 503 are retried after the partner's Retry-After, if that fits the crawl.

    Settings: SHAREHUB_RETRY_AFTER_MAX (seconds; a longer wait ends this crawl as failed and the
    answer's Retry-After is kept for the scheduler), RETRY_TIMES (how often). Without Retry-After
    the wait grows: 1, 2, 4 … seconds. Only this request waits; other partners go on.
    """

    CODES = (429, 503)

    def __init__(self, max_wait: float, times: int):
        self.max_wait = max_wait
        self.times = times

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getfloat("SHAREHUB_RETRY_AFTER_MAX", 120),
                   crawler.settings.getint("RETRY_TIMES", 2))

    async def process_response(self, request, response):
        if response.status not in self.CODES or request.meta.get("dont_retry"):
            return response
        tries = request.meta.get("retry_after_tries", 0)
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            wait = float(2 ** tries)
        if tries >= self.times or wait > self.max_wait:
            request.meta["retry_after"] = wait  # for the errback, and the scheduler after it
            return response
        log.info("crawler: %s answered %s; retrying in %.0f s", request.url, response.status, wait)
        await asyncio.sleep(wait)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_tries"] = tries + 1
        return retry
