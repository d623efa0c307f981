"""The crawler's DNS resolver: refuses answers that are not public addresses.

The request middleware has already checked each URL, with a clear message for the operator; this
check sits where the connection's address is actually chosen, so DNS rebinding (a name that
answers a public address to the check and a private one to the connection) gets nowhere.
"""

from __future__ import annotations

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from crawler.safety import address_allowed, parse_networks


class PublicOnlyResolver(CachingThreadedResolver):
    """Setting SHAREHUB_ALLOW_PRIVATE_NETWORKS: CIDRs allowed although not public (default none)."""

    allowed: tuple = ()

    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        resolver.allowed = parse_networks(crawler.settings.getlist("SHAREHUB_ALLOW_PRIVATE_NETWORKS"))
        return resolver

    def getHostByName(self, name, timeout=()):
        return super().getHostByName(name, timeout).addCallback(self._refuse_private, name)

    def _refuse_private(self, address: str, name: str) -> str:
        if not address_allowed(address, self.allowed):
            raise DNSLookupError(f"safety: {name} resolves to {address}, which is not a public address")
        return address
