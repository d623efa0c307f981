"""Source kind -> parser. Adding a kind means one parser module and one entry here."""

from __future__ import annotations

from typing import Callable

from crawler.parsers import feed
from crawler.parsers.base import ParseError, ParseResult

Parser = Callable[[str, bytes], ParseResult]


def _auto(base_url: str, body: bytes) -> ParseResult:
    # Until the other kinds arrive, auto reads anything that is a feed, and says clearly what it
    # found otherwise.
    try:
        return feed.parse(base_url, body)
    except ParseError as exc:
        raise ParseError(f"auto: nothing usable found at this URL ({exc})") from None


PARSERS: dict[str, Parser] = {
    "feed": feed.parse,
    "auto": _auto,
}


def parser_for(kind: str) -> Parser:
    try:
        return PARSERS[kind]
    except KeyError:
        raise ParseError(f"crawler: source kind {kind!r} is not supported yet "
                         f"(supported: {', '.join(sorted(PARSERS))})") from None
