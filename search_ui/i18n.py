"""Korean and English: which language a page speaks, and locale-aware dates, prices and counts.

The language comes from the switch (`?lang=`, then remembered in a cookie), else the browser's
Accept-Language, else Korean. Messages are Flask-Babel catalogs in search_ui/translations (msgids
in English; `make translations` extracts and compiles them).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_decimal
from flask import Flask, g, request
from flask_babel import Babel, get_translations, gettext

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
TIMEZONE = "Asia/Seoul"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def page_language() -> str:
    """The language of this request's page."""
    cached = g.get("sharehub_lang")
    if cached:
        return cached
    chosen = request.args.get("lang")
    if chosen not in LANGUAGES:
        chosen = request.cookies.get(COOKIE)
    if chosen not in LANGUAGES:
        chosen = request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)
    g.sharehub_lang = chosen
    return chosen


def _remember_choice(response):
    chosen = request.args.get("lang")
    # Only a page's language switch is a choice to remember; an API or feed URL's lang is not.
    if request.path.startswith(("/api/", "/feeds/", "/static/")):
        return response
    if chosen in LANGUAGES and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(COOKIE, chosen, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
                            secure=request.is_secure)
    return response


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=page_language, timezone_selector=lambda: TIMEZONE,
          default_locale=DEFAULT_LANGUAGE, default_translation_directories=str(TRANSLATIONS))
    app.after_request(_remember_choice)
    # Templates call gettext some eighty times a page; Flask-Babel's own looks the catalog up on
    # each call, these once per request.
    app.jinja_env.install_gettext_callables(_template_gettext, _template_ngettext, newstyle=True)
    app.jinja_env.globals.update(page_language=page_language)
    app.jinja_env.filters.update(won=won, local_date=local_date, local_datetime=local_datetime,
                                 ago=ago, number=number, language_query=language_query)


def _translations():
    found = g.get("sharehub_translations")
    if found is None:
        found = g.sharehub_translations = get_translations()
    return found


def gettext_now(string: str, **variables) -> str:
    """gettext for view code: this request's catalog, looked up once per request."""
    text = _translations().ugettext(string)
    return text % variables if variables else text


def _template_gettext(string: str) -> str:
    return _translations().ugettext(string)


def _template_ngettext(singular: str, plural: str, n: int) -> str:
    return _translations().ungettext(singular, plural, n)


def language_query(args: dict[str, list[str]], lang: str) -> str:
    """This page's query string in another language (the language switch's links)."""
    kept = {k: v for k, v in args.items() if k not in ("lang", "page")}
    return urlencode({**kept, "lang": [lang]}, doseq=True)


def number(value: int | float, lang: str | None = None) -> str:
    if isinstance(value, int):
        return f"{value:,}"      # Korean and English group whole numbers alike: 12,345
    return format_decimal(value, locale=lang or page_language())


def won(amount: int, lang: str | None = None) -> str:
    """An amount of Korean won as each language writes it: 3,000원 / ₩3,000."""
    lang = lang or page_language()
    return f"{amount:,}원" if lang == "ko" else f"₩{amount:,}"


def _parse(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return None


def local_date(value: Any, lang: str | None = None) -> str:
    parsed = _parse(value)
    return format_date(parsed.astimezone(_seoul()), "medium", locale=lang or page_language()) if parsed else ""


def local_datetime(value: Any, lang: str | None = None) -> str:
    lang = lang or page_language()
    if isinstance(value, str):
        return _local_datetime_of_text(value, lang)
    parsed = _parse(value)
    return format_datetime(parsed, "medium", tzinfo=_seoul(), locale=lang) if parsed else ""


@lru_cache(maxsize=8192)
def _local_datetime_of_text(value: str, lang: str) -> str:
    # Listings come back in many searches; Babel's formatting is the slow part of a card.
    parsed = _parse(value)
    return format_datetime(parsed, "medium", tzinfo=_seoul(), locale=lang) if parsed else ""


def ago(value: Any, lang: str | None = None, now: datetime | None = None) -> str:
    """How long ago, in words: "2 hours ago" / "2시간 전"."""
    parsed = _parse(value)
    if not parsed:
        return ""
    delta = parsed - (now or datetime.now(timezone.utc))
    # Under a minute, or a partner's clock ahead of ours: "just now", not "in 3 minutes".
    if delta.total_seconds() > -60:
        return gettext("just now")
    return _ago_in_minutes(int(delta.total_seconds()) // 60, lang or page_language())


@lru_cache(maxsize=4096)
def _ago_in_minutes(minutes: int, lang: str) -> str:
    # Words at a minute's resolution: a page's dozen of these are mostly the same few values.
    return format_timedelta(timedelta(minutes=minutes), add_direction=True, threshold=1.0, locale=lang)


@lru_cache(maxsize=1)
def _seoul():
    from zoneinfo import ZoneInfo
    return ZoneInfo(TIMEZONE)
