import pytest
from twisted.internet.error import DNSLookupError

from crawler.middlewares import retry_after_seconds
from crawler.resolver import PublicOnlyResolver
from crawler.safety import UnsafeURLError, check_url, parse_networks


@pytest.mark.parametrize("url, message", [
    ("http://127.0.0.1/feed", "not a public address"),
    ("http://localhost:8080/feed", "not a public address"),
    ("http://10.1.2.3/", "not a public address"),
    ("http://169.254.169.254/latest/meta-data/", "not a public address"),
    ("http://[::1]/", "not a public address"),
    ("http://[::ffff:127.0.0.1]/", "not a public address"),
    ("http://0.0.0.0/", "not a public address"),
    ("http://100.64.0.1/", "not a public address"),
    ("file:///etc/passwd", "only http and https"),
    ("gopher://example.org/", "only http and https"),
    ("http:///nohost", "no host"),
    ("http://93.184.216.34:8080/feed", "ports 80 and 443 only"),
    ("http://93.184.216.34:22/", "ports 80 and 443 only"),
])
def test_refused_urls_say_why(url, message):
    with pytest.raises(UnsafeURLError, match=message):
        check_url(url)


def test_public_addresses_on_web_ports_pass():
    assert check_url("http://93.184.216.34/feed") == ["93.184.216.34"]
    assert check_url("https://93.184.216.34:443/feed") == ["93.184.216.34"]


def test_allowed_networks_may_use_any_port():
    allowed = parse_networks(["127.0.0.0/8"])
    assert check_url("http://127.0.0.1:8931/feed", allowed) == ["127.0.0.1"]
    with pytest.raises(UnsafeURLError):
        check_url("http://10.0.0.1/", allowed)


def test_the_resolver_refuses_private_answers():
    resolver = PublicOnlyResolver.__new__(PublicOnlyResolver)
    resolver.allowed = ()
    assert resolver._refuse_private("93.184.216.34", "partner.example") == "93.184.216.34"
    with pytest.raises(DNSLookupError, match="rebind.example resolves to 127.0.0.1"):
        resolver._refuse_private("127.0.0.1", "rebind.example")
    resolver.allowed = parse_networks(["127.0.0.0/8"])
    assert resolver._refuse_private("127.0.0.1", "sim.local") == "127.0.0.1"


def test_retry_after_as_seconds_or_http_date():
    from datetime import datetime, timezone

    now = datetime(2026, 11, 25, 10, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds("Wed, 25 Nov 2026 10:01:30 GMT", now=now) == 90
    assert retry_after_seconds("Wed, 25 Nov 2026 09:00:00 GMT", now=now) == 0
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None
