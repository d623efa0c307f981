"""The citizen's pages: search, a listing, the platforms, privacy; and the OpenSearch description.

Every page works as plain links and forms; static/app.js only makes them quicker (results update
in place, suggestions as one types, "near me"). It asks for the results region alone with the
header X-Sharehub-Partial, and the same URL without it gives the whole page.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote_plus, urlencode

import nh3
from flask import Blueprint, abort, current_app, render_template, request, url_for
from markupsafe import Markup, escape

from config import reference
from indexer.catalog import store
from indexer.search import SearchError
from indexer.search.query import PRICE_BANDS, SearchQuery
from search_ui import districtmap, services
from search_ui.i18n import ago, gettext_now as _, local_datetime, page_language, won
from search_ui.queryargs import BadQuery, bounded, search_request

bp = Blueprint("public", __name__)

PARTIAL_HEADER = "X-Sharehub-Partial"
# The search form's filters, carried as hidden fields so that new words keep them.
FILTER_KEYS = ("category", "district", "dong", "platform", "free", "price_min", "price_max",
               "available_from", "available_to", "near", "radius_km", "places", "include_ended",
               "include_stale", "per_page")
# Tags a partner's description may keep; everything else (scripts, styles, handlers, frames) goes.
DESCRIPTION_TAGS = {"p", "br", "b", "strong", "i", "em", "u", "ul", "ol", "li", "a", "h3", "h4", "h5",
                    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd", "span", "small"}


# -- labels in the page language -------------------------------------------------------------------
def category_label(key: str | None, lang: str | None = None) -> str:
    if not key:
        return _("Other")
    categories = reference.categories()
    return categories[key].label(lang or page_language()) if key in categories else key


def district_label(code: str | None, lang: str | None = None) -> str:
    districts = reference.districts()
    return districts[code].label(lang or page_language()) if code in districts else (code or "")


@lru_cache(maxsize=1)
def _dong_names_en() -> dict[tuple[str, str], str]:
    return {(d.district, d.name_ko): d.name_en for d in reference.dongs() if d.name_en}


def place_label(district: str | None, dong: str | None, lang: str | None = None) -> str:
    """District and dong as the page's language names them: 마포구 망원1동 / Mapo-gu Mangwon 1(il)-dong."""
    lang = lang or page_language()
    dong_name = dong or ""
    if dong and lang == "en":
        dong_name = _dong_names_en().get((district or "", dong), dong)
    return " ".join(part for part in (district_label(district, lang), dong_name) if part)


def band_range(key: str) -> tuple[str | None, str | None]:
    for band, low, high in PRICE_BANDS:
        if band == key:
            return str(low), None if high is None else str(high)
    return None, None


def band_label(key: str) -> str:
    if key == "free":
        return _("Free")
    low, high = band_range(key)
    return _("%(low)s or more", low=won(int(low))) if high is None else f"{won(int(low))} – {won(int(high))}"


UNIT_LABELS = {"once": lambda: _("time"), "minute": lambda: _("min"), "hour": lambda: _("hour"),
               "day": lambda: _("day"), "night": lambda: _("night"), "week": lambda: _("week"),
               "month": lambda: _("month")}


def price_label(price: dict | None, lang: str | None = None) -> str:
    price = price or {}
    if price.get("is_free"):
        return _("Free")
    if price.get("amount") is None:
        return ""
    currency = price.get("currency") or "KRW"
    label = won(price["amount"], lang) if currency == "KRW" else f"{price['amount']:,} {currency}"
    unit = price.get("unit")
    if unit:
        count = price.get("unit_count") or 1
        name = UNIT_LABELS[unit]() if unit in UNIT_LABELS else unit
        label += f" / {count} {name}" if count != 1 else f" / {name}"
    return label


def sanitized(html: str | None) -> Markup:
    """A partner's description as HTML we are willing to show: known tags, safe links only."""
    if not html:
        return Markup("")
    clean = nh3.clean(html, tags=DESCRIPTION_TAGS, attributes={"a": {"href", "title"}},
                      url_schemes={"http", "https", "mailto", "tel"}, link_rel="noopener noreferrer nofollow ugc")
    return Markup(clean)


_SITE_PATHS = {"css": ("static", {"filename": "site.css"}), "js": ("static", {"filename": "app.js"}),
               "favicon": ("static", {"filename": "favicon.svg"}), "opensearch": ("public.opensearch", {}),
               "search": ("public.search_page", {}), "platforms": ("public.platforms_page", {}),
               "privacy": ("public.privacy_page", {}), "openapi": ("api.openapi", {}),
               "atom": ("feeds.search_atom", {}), "json_feed": ("feeds.search_json", {})}


def site_paths() -> dict[str, str]:
    """The fixed URLs every page links (assets, pages, feeds), built once per app and mount point."""
    cache = current_app.extensions.setdefault("sharehub.paths", {})
    found = cache.get(request.script_root)
    if found is None:
        found = cache[request.script_root] = {name: url_for(endpoint, **values)
                                              for name, (endpoint, values) in _SITE_PATHS.items()}
    return found


@bp.app_context_processor
def _labels():
    lang = page_language()
    return dict(lang=lang, paths=site_paths(), facet_html=facet_html, card_html=card_html,
                category_label=lambda key: category_label(key, lang),
                district_label=lambda code: district_label(code, lang), band_label=band_label,
                place_label=lambda district, dong: place_label(district, dong, lang),
                band_range=band_range, price_label=price_label, sanitized=sanitized)


# -- search ----------------------------------------------------------------------------------------
class SearchLinks:
    """URLs of this search with one thing changed, for facets, pages, sorts and the way out.

    A page draws some fifty of these; each (key, value) pair is encoded once per request."""

    def __init__(self, args, endpoint: str = "public.search_page"):
        self.args = args.to_dict(flat=False)
        self.base = url_for(endpoint)
        self._pairs = [(key, _pair(key, value)) for key, values in self.args.items() if key not in ("lang", "page")
                       for value in values]

    def url(self, **changes) -> str:
        parts = [encoded for key, encoded in self._pairs if key not in changes]
        for key, value in changes.items():
            if value is None or value == []:
                continue
            parts.extend(_pair(key, v) for v in (value if isinstance(value, list) else [value]))
        return f"{self.base}?{'&'.join(parts)}" if parts else self.base

    def toggle(self, key: str, value: str) -> str:
        current = self.args.get(key, [])
        chosen = [v for v in current if v != value] if value in current else [*current, value]
        return self.url(**{key: chosen or None})

    def has(self, key: str, value: str | None = None) -> bool:
        values = self.args.get(key, [])
        return bool(values) if value is None else value in values


def _pair(key: str, value) -> str:
    return f"{quote_plus(key)}={quote_plus(str(value))}"


def _way_out(query: SearchQuery, links: SearchLinks, did_you_mean: str | None) -> list[dict]:
    """On zero results: what to try instead, each a link."""
    out = []
    if did_you_mean:
        out.append({"label": _("Search for “%(words)s” instead", words=did_you_mean),
                    "url": links.url(q=did_you_mean)})
    if query.categories:
        out.append({"label": _("The same search in all categories"), "url": links.url(category=None)})
    if query.districts or query.dongs:
        out.append({"label": _("The same search in all of Seoul"), "url": links.url(district=None, dong=None)})
    if query.near is not None and (query.radius_km or 0) < 50:
        wider = min(50, max(1.0, (query.radius_km or 3) * 3))
        out.append({"label": _("Widen the area to %(km)s km", km=f"{wider:g}"), "url": links.url(radius_km=f"{wider:g}")})
    if query.platforms:
        out.append({"label": _("All platforms"), "url": links.url(platform=None)})
    if query.free is not None or query.price_min is not None or query.price_max is not None:
        out.append({"label": _("Any price"), "url": links.url(free=None, price_min=None, price_max=None)})
    if query.available_from or query.available_to:
        out.append({"label": _("Any dates"), "url": links.url(available_from=None, available_to=None)})
    if query.text and not out:
        out.append({"label": _("Browse everything"), "url": links.url(q=None)})
    return out


@dataclass(slots=True)
class Card:
    id: str
    url: str
    page: str
    title: str
    summary: str
    platform: str
    initial: str
    category: str
    place: str
    price: str
    distance: str
    dates: list
    go: str
    new_tab: str
    fresh: str
    also_on: list


@dataclass(slots=True)
class FacetItem:
    label: str
    count: str
    href: str
    on: bool


@dataclass(slots=True)
class FacetSection:
    heading: str
    entries: list


# The two fragments a results page repeats most (a card per hit, an entry per facet value) are
# written here rather than in Jinja: the same markup, every value escaped, at a fraction of the cost
# of a template loop (the page draws some eighty of them per search).
def facet_html(section: FacetSection) -> Markup:
    items = []
    for item in section.entries:
        state = ' class="check on" aria-current="true"' if item.on else ' class="check"'
        items.append(f'<li><a{state} href="{escape(item.href)}">{escape(item.label)} '
                     f'<span class="count">{escape(item.count)}</span></a></li>')
    return Markup(f'<section class="facet"><h3>{escape(section.heading)}</h3><ul>{"".join(items)}</ul></section>')


def card_html(card: Card, also_on_label: str) -> Markup:
    meta = "".join(f'<span class="{name}">{escape(value)}</span>' for name, value in (
        ("platform", card.platform), ("category", card.category), ("district", card.place),
        ("price", card.price), ("distance", card.distance)) if value or name == "platform")
    parts = [f'<li class="hit"><article aria-labelledby="hit-{escape(card.id)}">'
             f'<div class="platform-mark" aria-hidden="true">{escape(card.initial)}</div><div class="hit-body">'
             f'<h3 id="hit-{escape(card.id)}"><a href="{escape(card.page)}">{escape(card.title)}</a></h3>'
             f'<p class="meta">{meta}</p>']
    if card.dates:
        times = " – ".join(f'<time datetime="{escape(moment)}">{escape(text)}</time>' for moment, text in card.dates)
        parts.append(f'<p class="dates">{times}</p>')
    if card.summary:
        parts.append(f'<p class="summary">{escape(card.summary)}</p>')
    fresh = f' <span class="fresh">{escape(card.fresh)}</span>' if card.fresh else ""
    parts.append(f'<p class="actions"><a class="go" href="{escape(card.url)}" rel="noopener" target="_blank">'
                 f'{escape(card.go)}<span class="visually-hidden"> ({escape(card.new_tab)})</span></a>{fresh}</p>')
    if card.also_on:
        others = ", ".join(f'<a href="{escape(o.get("url") or "")}" rel="noopener" target="_blank">'
                           f'{escape(o.get("platform") or "")}</a>' for o in card.also_on)
        parts.append(f'<p class="also-on">{escape(also_on_label)} {others}</p>')
    parts.append("</div></article></li>")
    return Markup("".join(parts))


def _cards(hits: list[dict], lang: str, platform_names: dict[str, str]) -> list[Card]:
    """What each result card shows, worked out here once rather than in template calls."""
    view_on, new_tab, updated = _("View on %(platform)s"), _("opens a new tab"), _("updated %(ago)s")
    km_away = _("%(km)s km away")
    listing_path = url_for("public.listing_page", listing_id="_")[:-1]   # + id: one URL build, not twenty
    cards = []
    for hit in hits:
        marked = hit.get("highlights") or {}
        fresh = hit.get("updated_at") or hit.get("published_at")
        distance = hit.get("distance_km")
        dates = [(moment, local_datetime(moment, lang)) for moment in (hit.get("starts_at"), hit.get("ends_at")) if moment]
        platform = hit.get("platform") or ""
        platform = platform_names.get(platform, platform)
        cards.append(Card(
            id=hit["id"], url=hit["url"], page=listing_path + quote_plus(hit["id"]),
            title=Markup(marked["title"]) if marked.get("title") else hit["title"],
            summary=Markup(marked["summary"]) if marked.get("summary") else _shorten(hit.get("summary")),
            platform=platform, initial=(platform or "?")[:1],
            category=category_label(hit["category"], lang) if hit.get("category") else "",
            place=place_label(hit.get("district"), hit.get("dong"), lang),
            price=price_label(hit.get("price"), lang),
            distance=km_away % {"km": f"{distance:.1f}"} if distance is not None else "",
            dates=dates, go=view_on % {"platform": platform}, new_tab=new_tab,
            fresh=updated % {"ago": ago(fresh, lang)} if fresh else "", also_on=hit.get("also_on") or []))
    return cards


def _shorten(text: str | None, limit: int = 200) -> str:
    if not text or len(text) <= limit:
        return text or ""
    return text[:limit].rsplit(" ", 1)[0] + " …"


def _facet_sections(facets: dict, links: SearchLinks, args, lang: str,
                    platform_names: dict[str, str]) -> list[FacetSection]:
    """The filter lists beside the results: heading, and per value its label, count, link, state."""
    sections = []
    for key, heading, label_of in (("category", _("Category"), category_label),
                                   ("district", _("District"), district_label),
                                   ("platform", _("Platform"), lambda name, _lang: platform_names.get(name, name))):
        values = facets.get(key) or {}
        if values:
            sections.append(FacetSection(heading, [
                FacetItem(label_of(value, lang) if label_of else value, f"{count:,}", links.toggle(key, value),
                          links.has(key, value))
                for value, count in values.items()]))
    free = facets.get("free") or {}
    if free:
        chosen = args.get("free")
        sections.append(FacetSection(_("Price"), [
            FacetItem(label, f"{free[value]:,}", links.url(free=None if chosen == value else value), chosen == value)
            for value, label in (("true", _("Free")), ("false", _("Paid"))) if free.get(value)]))
    bands = facets.get("price_band") or {}
    if bands:
        items = []
        for value, count in bands.items():
            low, high = band_range(value)
            on = args.get("price_min") == low and (args.get("price_max") or None) == high
            items.append(FacetItem(band_label(value), f"{count:,}",
                                   links.url(price_min=None, price_max=None) if on else
                                   links.url(price_min=low, price_max=high), on))
        sections.append(FacetSection(_("Price range"), items))
    return sections


def _map_counts(query: SearchQuery, options, result) -> dict[str, int]:
    """Listings per district for the map: with a district filter, the counts the other districts
    would have (a second, facets-only search), so the map still shows where else to look."""
    if not query.districts:
        return dict(result.facets.get("district", {}))
    try:
        wider = services.run(dataclasses.replace(query, districts=(), page=1, per_page=1), options)
    except SearchError:
        return dict(result.facets.get("district", {}))
    return dict(wider.facets.get("district", {}))


@bp.get("/")
def search_page():
    lang = page_language()
    settings = services.settings()
    args = bounded(request.args)
    links = SearchLinks(args)
    error, status, result, query, options = None, 200, None, None, None
    try:
        query, options = search_request(request.args, page_size=settings.page_size,
                                        max_page_size=settings.max_page_size,
                                        default_radius_km=settings.default_radius_km)
        result = services.run(query, options)
    except BadQuery as exc:
        error, status = _("This search could not be read: %(reason)s", reason=str(exc)), 400
    except SearchError as exc:
        error, status = _("Search is unavailable right now: %(reason)s", reason=services.public_reason(exc)), 503
    did_you_mean = way_out = None
    map_svg = ""
    if result is not None:
        if query.text.strip() and result.total == 0 or any(n.get("code") == "any_word" for n in result.notes):
            did_you_mean = services.suggester().did_you_mean(query.text)
        if result.total == 0:
            way_out = _way_out(query, links, did_you_mean)
        counts = _map_counts(query, options, result)
        listings_word = _("%(n)s listings")
        map_svg = Markup(districtmap.district_map_svg(
            counts, href_for=lambda code: links.toggle("district", code),
            label_for=lambda code: district_label(code, lang), selected=query.districts,
            title=_("Listings by district"), count_label=lambda n: listings_word % {"n": f"{n:,}"}))
    # Hits and facets carry platform names; a Korean page shows the Korean ones (looked up once).
    platform_names = services.korean_platform_names() if lang == "ko" and result is not None else {}
    cards = _cards(result.hits, lang, platform_names) if result is not None else []
    facet_sections = _facet_sections(result.facets, links, args, lang, platform_names) \
        if result is not None else []
    context = dict(lang=lang, query=query, result=result, error=error, links=links, args=args,
                   cards=cards, facet_sections=facet_sections,
                   filter_keys=FILTER_KEYS, did_you_mean=did_you_mean, way_out=way_out, map_svg=map_svg,
                   feed_args=_feed_args(args))
    template = "_results.html" if request.headers.get(PARTIAL_HEADER) else "search.html"
    response = render_template(template, **context), status
    return response[0], response[1], {"Vary": f"{PARTIAL_HEADER}, Accept-Language, Cookie"}


def _feed_args(args) -> str:
    # A feed reader sends no language cookie: the feed's URL carries the page's language.
    kept = {k: v for k, v in args.to_dict(flat=False).items() if k not in ("page", "per_page", "lang", "sort")}
    return urlencode({**kept, "lang": [page_language()]}, doseq=True)


# -- one listing -----------------------------------------------------------------------------------
@bp.get("/listings/<listing_id>")
def listing_page(listing_id: str):
    if not listing_id.isalnum() or len(listing_id) > 64:
        abort(404)
    with services.catalog().session() as session:
        detail = store.listing_detail(session, listing_id)
    if detail is None:
        abort(404)
    doc = detail.document
    lang = page_language()
    if lang == "ko":
        doc = dict(doc, platform=services.korean_platform_names().get(doc.get("platform"), doc.get("platform")))
    mini_map = Markup(districtmap.mini_map_svg(doc.get("district"), doc.get("lat"), doc.get("lon"),
                                               title=_("Where it is")))
    status = 200 if detail.status == "active" else 410
    return render_template("listing.html", doc=doc, detail=detail, mini_map=mini_map, lang=lang), status


# -- platforms, privacy, OpenSearch ----------------------------------------------------------------
@bp.get("/platforms")
def platforms_page():
    with services.catalog().session() as session:
        platforms = store.platform_summaries(session)
    return render_template("platforms.html", platforms=platforms, lang=page_language())


@bp.get("/privacy")
def privacy_page():
    return render_template("privacy.html", lang=page_language(), settings=services.settings())


@bp.get("/opensearch.xml")
def opensearch():
    lang = page_language()
    body = render_template("opensearch.xml", lang=lang, root=request.url_root.rstrip("/"))
    return body, 200, {"Content-Type": "application/opensearchdescription+xml; charset=utf-8",
                       "Cache-Control": "public, max-age=86400", "Vary": "Accept-Language, Cookie"}


@bp.get("/robots.txt")
def robots():
    # The portal's own search pages are endless combinations of filters; the listings are not.
    body = "User-agent: *\nDisallow: /?\nDisallow: /api/\nDisallow: /feeds/\nAllow: /listings/\n"
    return body, 200, {"Content-Type": "text/plain; charset=utf-8"}
