"""Scrapy downloader middleware that keeps the crawler on public addresses."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.safety import UnsafeURLError, check_url, parse_networks


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

    def process_request(self, request):
        try:
            check_url(request.url, self.allowed)
        except UnsafeURLError as exc:
            raise IgnoreRequest(str(exc)) from None
        return None
