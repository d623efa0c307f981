"""The citizen's search page: one box, results that link to the partner, facets with counts."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template, request

from config import reference
from indexer.search import SearchError
from indexer.search.query import PRICE_BANDS
from search_ui import services
from search_ui.queryargs import BadQuery, search_request

bp = Blueprint("public", __name__)

TEXT = {
    "ko": {"title": "서울 공유 허브", "tagline": "서울의 공유 플랫폼을 한 번에 찾아보세요",
           "search": "검색", "placeholder": "무엇을 빌리거나 나누고 싶으세요? (예: 공구, 유모차, 카셰어링)",
           "results": "{n}건", "result": "1건", "no_results": "검색 결과가 없습니다.", "free": "무료", "paid": "유료",
           "category": "분류", "district": "자치구", "platform": "플랫폼", "price": "가격",
           "go": "{platform}에서 보기", "also_on": "같은 항목이 다른 곳에도 있어요:", "prev": "이전", "next": "다음", "clear": "필터 지우기",
           "price_band": "가격대", "places_off": "지명으로 거르지 않기",
           "unit": {"once": "회", "minute": "분", "hour": "시간", "day": "일", "night": "박", "week": "주",
                    "month": "개월"}, "error": "검색을 할 수 없습니다"},
    "en": {"title": "Seoul Sharing Hub", "tagline": "Everything Seoul's sharing platforms offer, in one search",
           "search": "Search", "placeholder": "What would you like to borrow or share? (e.g. tools, stroller, car)",
           "results": "{n} results", "result": "1 result", "no_results": "No results.", "free": "Free", "paid": "Paid",
           "category": "Category", "district": "District", "platform": "Platform", "price": "Price",
           "go": "View on {platform}", "also_on": "Also on:", "prev": "Previous", "next": "Next", "clear": "Clear filters",
           "price_band": "Price range", "places_off": "Don't filter by place",
           "unit": {"once": "time", "minute": "min", "hour": "hour", "day": "day", "night": "night",
                    "week": "week", "month": "month"}, "error": "Search is unavailable"},
}


def band_range(key: str) -> tuple[str | None, str | None]:
    for band, low, high in PRICE_BANDS:
        if band == key:
            return str(low), None if high is None else str(high)
    return None, None


def band_label(key: str, text: dict) -> str:
    if key == "free":
        return text["free"]
    low, high = band_range(key)
    return f"{int(low):,}원+" if high is None else f"{int(low):,}–{int(high):,}원"


def page_language() -> str:
    chosen = request.args.get("lang")
    if chosen in TEXT:
        return chosen
    return request.accept_languages.best_match(["ko", "en"], default="ko")


def price_label(price: dict, text: dict) -> str:
    if price.get("is_free"):
        return text["free"]
    if price.get("amount") is None:
        return ""
    label = f"{price['amount']:,}원" if price.get("currency", "KRW") == "KRW" else \
        f"{price['amount']:,} {price['currency']}"
    if price.get("unit"):
        count = price.get("unit_count") or 1
        unit = text["unit"].get(price["unit"], price["unit"])
        label += f" / {count if count != 1 else ''}{unit}" if text is TEXT["ko"] else \
            f" / {str(count) + ' ' if count != 1 else ''}{unit}"
    return label


@bp.get("/")
def search_page():
    lang = page_language()
    text = TEXT[lang]
    settings = services.settings()
    error = None
    result = None
    query = None
    try:
        query, options = search_request(request.args, page_size=settings.page_size,
                                        max_page_size=settings.max_page_size,
                                        default_radius_km=settings.default_radius_km)
        result = services.run(query, options)
    except BadQuery as exc:
        error = str(exc)
    except SearchError as exc:
        error = f"{text['error']}: {exc}"

    def url_with(**changes) -> str:
        args = request.args.to_dict(flat=False)
        for key, value in changes.items():
            if value is None:
                args.pop(key, None)
            else:
                args[key] = value if isinstance(value, list) else [value]
        if "page" not in changes:
            args.pop("page", None)
        return "/?" + urlencode(args, doseq=True)

    def toggle(key: str, value: str) -> str:
        current = request.args.getlist(key)
        chosen = [v for v in current if v != value] if value in current else [*current, value]
        return url_with(**{key: chosen or None})

    categories = reference.categories()
    districts = reference.districts()
    status = 200 if error is None else (400 if query is None else 503)
    return render_template(
        "search.html", lang=lang, t=text, query=query, result=result, error=error,
        args=request.args, url_with=url_with, band_range=band_range, band_label=lambda k: band_label(k, text), toggle=toggle, price_label=lambda p: price_label(p, text),
        category_label=lambda k: categories[k].label(lang) if k in categories else k,
        district_label=lambda c: districts[c].label(lang) if c in districts else c,
    ), status
