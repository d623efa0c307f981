"""A raw item, as a parser read it, becomes a Listing plus the diagnostics an operator sees."""

from __future__ import annotations

import re
from typing import Mapping

from crawler.normalize import category as categories
from crawler.normalize.diagnostics import diagnostic
from crawler.normalize.location import locate
from crawler.normalize.price import item_price
from crawler.normalize.text import (clean_text, detect_language, find_contact, find_opening_hours, looks_like_html,
                                    sanitize_html, truncate)
from crawler.normalize.timeparse import parse_period, parse_time
from crawler.normalize.urls import absolute_http_url, canonical_url
from crawler.parsers.base import RawItem
from indexer.listing import Diagnostic, Listing, Price

MAX_TITLE = 300
MAX_SUMMARY = 500


def normalize_item(raw: RawItem, *, source_id: int, platform: str, base_url: str | None = None,
                   category_overrides: Mapping[str, str | None] | None = None,
                   ) -> tuple[Listing | None, list[Diagnostic]]:
    """The listing (None when the item cannot be one) and what was wrong with the item.

    `category_overrides` is the source's own mapping of its categories to ours (a source config's
    "category_overrides"; "*" puts every item in one category): it outranks every other clue.
    """
    problems: list[Diagnostic] = []
    title = clean_text(raw.title)
    url = absolute_http_url(raw.link, base_url)
    if not title:
        problems.append(diagnostic("missing_title"))
    if not url:
        problems.append(diagnostic("invalid_link", raw.link or "-"))
    if problems:
        return None, problems
    url = canonical_url(url)
    if len(title) > MAX_TITLE:
        problems.append(diagnostic("title_truncated", MAX_TITLE))
        title = truncate(title, MAX_TITLE)

    # Each text is extracted once: this runs for every item of every crawl.
    summary_text = clean_text(raw.summary)
    content_text = summary_text if raw.content_html == raw.summary else clean_text(raw.content_html)
    summary = truncate(summary_text or content_text, MAX_SUMMARY)
    html_source = raw.content_html or (raw.summary if looks_like_html(raw.summary) else None)
    description_html = sanitize_html(html_source, base_url)
    full_text = " ".join(dict.fromkeys(filter(None, [title, summary_text, content_text])))

    price = item_price(raw.price_text, full_text)
    if price is None:
        problems.append(diagnostic("price_unknown"))
        price = Price()

    place, place_problems = locate(lat=raw.lat, lon=raw.lon, address=clean_text(raw.address), text=full_text)
    for code in place_problems:
        problems.append(diagnostic(code, f"{raw.lat}, {raw.lon}"))

    tags = [t for t in (clean_text(c) for c in raw.categories) if t]
    schema_types = raw.extra.get("schema_types") or \
        ([raw.extra["schema_type"]] if raw.extra.get("schema_type") else [])
    category = categories.categorize(tags, title, summary, schema_types=schema_types,
                                     overrides=category_overrides)
    if category is None:
        problems.append(diagnostic("category_unknown"))

    starts_at, ends_at = _window(raw, content_text or summary_text)
    listing = Listing(
        source_id=source_id, item_key=raw.key or url, url=url, title=title, platform=platform,
        summary=summary, description_html=description_html, category=category, price=price,
        address=place.address, district=place.district, dong=place.dong, lat=place.lat, lon=place.lon,
        starts_at=starts_at, ends_at=ends_at,
        published_at=raw.published, updated_at=raw.updated or raw.published,
        images=[u for u in (absolute_http_url(i, base_url) for i in raw.images) if u],
        tags=list(dict.fromkeys(tags)),
        # What the text is written in, not what a CMS declares by default; the declaration only
        # where the text is too short to tell.
        language=detect_language(f"{title} {summary or ''}") or _declared_language(raw.language),
        contact=find_contact(" ".join(filter(None, [raw.extra.get("phone"), content_text]))),
        opening_hours=find_opening_hours(content_text or summary_text))
    return listing, problems


# "일시: 2026년 12월 11일(금) 오후 2시 30분", "When: Saturday 26 December 2026, 14:00": the phrase after
# the label, up to the next label ("장소:", "Where:") or the end.
_WHEN_LABEL = re.compile(r"(?:일시|일자|날짜|일정|행사\s*기간|기간|when|dates?)\s*[:：]\s*(.{4,80}?)"
                         r"(?=\s+[^\s:：\d][^\s:：]{0,11}\s*[:：]|$)", re.IGNORECASE)


def _window(raw: RawItem, text: str | None):
    """(starts_at, ends_at): the partner's structured fields, else a labelled date in the text."""
    starts, ends = parse_time(raw.extra.get("starts_at")), parse_time(raw.extra.get("ends_at"))
    if starts is None and text:
        match = _WHEN_LABEL.search(text)
        if match:
            starts, text_ends = parse_period(match.group(1))
            ends = ends or text_ends
    return starts, ends


def _declared_language(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().lower()
    return "ko" if value.startswith("ko") else "en" if value.startswith("en") else "other"
