"""Only public internet addresses are fetched, unless a network is explicitly allowed.

Checked when an operator adds a source, before every request the crawler makes (so a redirect to
a private address is refused too, with a clear message), and once more by the crawler's DNS
resolver on the very addresses it connects to (so a name that resolves differently the second
time gains nothing). Loopback, private, link-local, multicast, reserved and unspecified addresses
are not public; SHAREHUB_ALLOW_PRIVATE_NETWORKS lists exceptions (tests, the demo). Public
addresses are fetched on the web's ports (80, 443) only; allowed private networks on any port.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Iterable
from urllib.parse import urlsplit


class UnsafeURLError(ValueError):
    """The URL may not be fetched; the message says why, for the operator."""


def parse_networks(cidrs: Iterable[str]) -> tuple[ipaddress._BaseNetwork, ...]:
    return tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)


def is_public(address: ipaddress._BaseAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def address_allowed(address: str, allowed: Iterable[ipaddress._BaseNetwork] = ()) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return is_public(ip) or _in_networks(address, allowed)


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnsafeURLError(f"safety: cannot resolve host {host!r}: {exc.strerror}") from None
    return sorted({info[4][0] for info in infos})


def check_url(url: str, allowed: Iterable[ipaddress._BaseNetwork] = ()) -> list[str]:
    """Raise UnsafeURLError unless url is http(s) and every address its host resolves to may be
    fetched; returns those addresses."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise UnsafeURLError(f"safety: only http and https URLs can be crawled, not {parts.scheme or 'no scheme'!r}")
    if not parts.hostname:
        raise UnsafeURLError(f"safety: URL has no host: {url!r}")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise UnsafeURLError(f"safety: invalid port in {url!r}") from None
    allowed = tuple(allowed)
    addresses = resolve(parts.hostname, port)
    refused = [a for a in addresses if not address_allowed(a, allowed)]
    if refused:
        raise UnsafeURLError(
            f"safety: {parts.hostname} resolves to {', '.join(refused)}, which is not a public address; "
            "set SHAREHUB_ALLOW_PRIVATE_NETWORKS to allow it")
    if port not in WEB_PORTS and not all(_in_networks(a, allowed) for a in addresses):
        raise UnsafeURLError(f"safety: public addresses are fetched on ports 80 and 443 only, not {port}")
    return addresses


WEB_PORTS = (80, 443)


def _in_networks(address: str, networks) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in n for n in networks if ip.version == n.version)
