"""Listing URLs: absolute, http(s) only, made safe exactly as w3lib would, tracking parameters dropped."""

from __future__ import annotations

import pytest
from w3lib.url import safe_url_string

from crawler.normalize.urls import absolute_http_url, canonical_url

URLS = [
    "http://127.0.0.1/p1/items/5", "https://a.example/x?q=1&b=2#frag", "https://a.example",
    "https://a.example/", "http://a.example/path;p?x=y&z=%20", "http://Ex.COM/a b", "HTTP://A.EXAMPLE/",
    "http://a.example/%7e", "https://a.example/path?x=[1]", "http://a.example:8080/x", "http://[::1]/x",
    "https://공구.example/대여?q=드릴", "https://a.example/대여", "http://a.example/a'b(c)*d!e", "http://a.example/x?y=\"z\"",
    "https://a.example/x#a b", "http://a-b.example.co.kr/~user/index.html", "http://a.example./x",
]


@pytest.mark.parametrize("url", URLS)
def test_an_absolute_url_comes_out_as_w3lib_makes_it_safe(url):
    assert absolute_http_url(url) == safe_url_string(url)


@pytest.mark.parametrize("url, base, expected", [
    ("/items/1", "https://p.example/feed.xml", "https://p.example/items/1"),
    ("items/1?x=1", "https://p.example/a/feed.xml", "https://p.example/a/items/1?x=1"),
    ("//cdn.example/i.png", "https://p.example/", "https://cdn.example/i.png"),
    ("javascript:alert(1)", "https://p.example/", None),
    ("mailto:a@p.example", None, None),
    ("ftp://p.example/x", None, None),
    ("http://p.example:99999/x", None, None),
    ("", "https://p.example/", None),  # an empty link is no link, not the feed itself
    (None, "https://p.example/", None),
])
def test_links_are_made_absolute_and_only_http_ones_kept(url, base, expected):
    assert absolute_http_url(url, base) == expected


def test_tracking_parameters_are_dropped_and_the_rest_kept_in_order():
    assert canonical_url("https://p.example/x?b=2&utm_source=nl&a=1&fbclid=z#f") == "https://p.example/x?b=2&a=1#f"
