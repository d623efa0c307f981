"""서울 홈셰어 (Seoul Home Share): spare rooms, whole flats and hanok guesthouses shared by their
hosts, with no feed: a crawler finds the rooms through robots.txt and sitemaps, and reads each
room page's JSON-LD.

- ``/robots.txt``: ``Disallow: /private/``, ``Disallow: /host-only/``, ``Disallow: /search``, a
  second group shutting out GPTBot, and ``Sitemap: {base}/sitemap_index.xml``;
- ``/sitemap_index.xml`` (a sitemap index, ``application/xml``) → ``/sitemap-rooms.xml.gz`` (a
  gzip file, ``application/x-gzip``: the private rooms, with image:image entries) and
  ``/sitemap-stays.xml`` (whole flats, guesthouses, and the host-only draft); every ``<url>`` has
  a ``<lastmod>`` (the item's ``updated``, which ``update_item`` moves) and each index entry the
  newest lastmod of its sitemap;
- ``/rooms/{no}``: a page with one ``<script type="application/ld+json">`` describing a
  ``Room``, ``Accommodation`` or ``LodgingBusiness`` (name, description, @id, url, image,
  address as a Korean PostalAddress, geo, offers with price + priceCurrency KRW and a
  UnitPriceSpecification with unitText NIGHT); every fourth page wraps it in an ``@graph`` with a
  BreadcrumbList; prices are numbers on even and strings on odd room numbers.

The homepage (``Partner.feed_url``, the site root) announces no feed, so the hub's auto kind must
go through robots.txt.

60 rooms at scale 1 over 16 districts; free stays (youth share-house trial nights) at
index % 13 == 5. Not listings, spread through the list (never first):
``missing_title`` (JSON-LD ``"name": ""``), ``no_structured_data`` twice — one page whose JSON-LD
has a trailing comma (``page_problem == "broken_jsonld"``, json.loads fails) and one page with no
structured data at all (``page_problem == "no_structured_data"``) — and ``robots_disallowed``: a
draft at ``/host-only/rooms/{no}`` listed in sitemap-stays.xml that a polite crawler never fetches.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timedelta
from html import escape
from typing import Sequence
from xml.sax.saxutils import escape as xml_escape

from tests.partners.base import (
    KST, Document, Item, PartnerSpec, SiteView, invalid_positions, page_shell, robots_txt, scaled_count, seeded,
    won)
from tests.partners.places import spot

KEY = "homes"
NAME = "Seoul Home Share"
NAME_KO = "서울 홈셰어"
BASE_COUNT = 60
SEED = "homes-2026"
SITEMAP_INDEX = "/sitemap_index.xml"
ROOMS_SITEMAP = "/sitemap-rooms.xml.gz"
STAYS_SITEMAP = "/sitemap-stays.xml"
LAST_MODIFIED = datetime(2026, 11, 24, 21, 0, tzinfo=KST)
DISTRICTS = ("11440", "11110", "11140", "11170", "11200", "11680", "11650", "11710", "11410", "11560",
             "11215", "11230", "11290", "11620", "11500", "11380")
SPECIAL = ("missing_title", "broken_jsonld", "no_structured_data", "robots_disallowed")

# type -> [(Korean title, English title)], price range per night
KINDS = {
    "Room": ([("{station}역 도보 5분, 햇살 드는 개인실", "Sunny private room, 5 min from {station_en} Station"),
              ("{dong} 조용한 주택가 게스트룸", "Quiet guest room in {dong_en}"),
              ("여성 전용 셰어하우스 1인실 ({dong})", "Women-only share house single room, {dong_en}")],
             (35, 75)),
    "Accommodation": ([("{station}역 앞 통째로 쓰는 투룸", "Whole two-room flat by {station_en} Station"),
                       ("{dong} 루프탑 있는 복층 오피스텔", "Duplex officetel with a rooftop in {dong_en}"),
                       ("가족 여행 4인 아파트 ({gu})", "Family apartment for four in {gu_en}")],
                      (70, 180)),
    "LodgingBusiness": ([("{dong} 한옥 게스트하우스 온돌방", "Hanok guesthouse ondol room in {dong_en}"),
                         ("{station} 게스트하우스 4인 도미토리", "{station_en} guesthouse, 4-bed dorm"),
                         ("{gu} 북카페 겸 게스트하우스", "Book café guesthouse in {gu_en}")],
                        (25, 220)),
}
TYPES = tuple(KINDS)
AMENITIES = (("와이파이", "Wi-Fi"), ("세탁기", "Washer"), ("에어컨", "Air conditioning"), ("주방", "Kitchen"),
             ("엘리베이터", "Elevator"), ("주차", "Parking"), ("난방", "Heating"))


def _item(index: int, code: str, special: str | None) -> Item:
    rng = seeded(SEED, index)
    place = spot(rng, code)
    kind = TYPES[index % 3]
    titles, (low, high) = KINDS[kind]
    ko, en = titles[rng.randrange(len(titles))]
    names = dict(station=place.station, station_en=place.station_en, dong=place.dong.name_ko,
                 dong_en=place.dong.name_en, gu=place.district.name_ko, gu_en=place.district.name_en)
    english = rng.random() < 0.4
    free = index % 13 == 5
    if free:
        ko, en = "청년 무료 체험 숙박 ({dong} 청년 셰어하우스)", "Free trial night, youth share house in {dong_en}"
    title = (en if english else ko).format(**names)
    price = 0 if free else rng.randint(low, high) * 1000
    guests = {"Room": rng.randint(1, 2), "Accommodation": rng.randint(2, 6), "LodgingBusiness": rng.randint(1, 4)}[kind]
    if english:
        description = (f"{title}. Up to {guests} guest(s). "
                       + ("Free for Seoul residents aged 19-39, one night." if free else f"{price:,} won per night.")
                       + f" {place.address_en}.")
    else:
        description = (f"{title}. 최대 {guests}명. "
                       + ("만 19~39세 서울 청년 1박 무료." if free else f"1박 {won(price)}.")
                       + f" {place.address_ko} ({place.dong.name_ko}).")
    no = 1001 + index
    path = f"/host-only/rooms/{no}" if special == "robots_disallowed" else f"/rooms/{no}"
    invalid = {"broken_jsonld": "no_structured_data"}.get(special, special)
    return {
        "id": f"room-{no}", "no": no, "type": kind,
        "title": None if special == "missing_title" else title,
        "path": path, "unlisted": special == "robots_disallowed",
        "page_problem": special if special in ("broken_jsonld", "no_structured_data") else None,
        "description": description, "english": english, "guests": guests,
        "price": price, "price_as_text": no % 2 == 1,
        "street": place.street_ko, "locality": place.district.name_ko, "dong": place.dong.name_ko,
        "postal_code": place.postal_code, "address_ko": place.address_ko,
        "point": (place.lat, place.lon),
        "amenities": sorted(rng.sample(range(len(AMENITIES)), 3)),
        "images": rng.randint(1, 3), "graph": index % 4 == 3,
        "sitemap": "stays" if special == "robots_disallowed" or kind != "Room" else "rooms",
        "updated": LAST_MODIFIED - timedelta(hours=3 * index + 1, minutes=index % 60),
        "district": None if invalid else code, "invalid": invalid, "is_free": None if invalid else free,
    }


def build(scale: float = 1.0) -> tuple[Item, ...]:
    count = scaled_count(BASE_COUNT, scale)
    specials = invalid_positions(count, SPECIAL)
    return tuple(_item(i, DISTRICTS[i % len(DISTRICTS)], specials.get(i)) for i in range(count))


def _iso(value: datetime) -> str:
    return value.astimezone(KST).isoformat(timespec="seconds")


# --- pages ------------------------------------------------------------------------------------------

def jsonld(item: Item, base_url: str) -> dict:
    url = base_url + item["path"]
    price: int | str = str(item["price"]) if item["price_as_text"] else item["price"]
    listing = {
        "@context": "https://schema.org",
        "@type": item["type"],
        "@id": url + "#listing",
        "url": url,
        "name": item["title"] or "",
        "description": item["description"],
        "image": [f"{base_url}/images/rooms/{item['no']}-{k}.png" for k in range(1, item["images"] + 1)],
        "address": {"@type": "PostalAddress", "streetAddress": item["street"], "addressLocality": item["locality"],
                    "addressRegion": "서울특별시", "postalCode": item["postal_code"], "addressCountry": "KR"},
        "geo": {"@type": "GeoCoordinates", "latitude": item["point"][0], "longitude": item["point"][1]},
        "amenityFeature": [{"@type": "LocationFeatureSpecification", "name": AMENITIES[a][0], "value": True}
                           for a in item["amenities"]],
        "offers": {
            "@type": "Offer", "price": price, "priceCurrency": "KRW",
            "priceSpecification": {"@type": "UnitPriceSpecification", "price": price, "priceCurrency": "KRW",
                                   "unitText": "NIGHT", "referenceQuantity": {"@type": "QuantitativeValue",
                                                                             "value": 1, "unitText": "NIGHT"}},
            "availability": "https://schema.org/InStock", "url": url,
        },
    }
    if item["type"] == "Room" or item["type"] == "Accommodation":
        listing["occupancy"] = {"@type": "QuantitativeValue", "maxValue": item["guests"]}
    else:
        listing["priceRange"] = "₩₩" if item["price"] < 100000 else "₩₩₩"
        listing["telephone"] = f"+82-2-{3000 + item['no'] % 997}-{1000 + item['no'] * 7 % 9000}"
    if not item["graph"]:
        return listing
    del listing["@context"]
    crumbs = {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": NAME_KO, "item": base_url + "/"},
        {"@type": "ListItem", "position": 2, "name": item["locality"], "item": f"{base_url}/search?gu={item['locality']}"},
        {"@type": "ListItem", "position": 3, "name": item["title"] or "", "item": url}]}
    return {"@context": "https://schema.org", "@graph": [crumbs, listing]}


def jsonld_text(item: Item, base_url: str, broken: bool = False) -> str:
    text = json.dumps(jsonld(item, base_url), ensure_ascii=False, indent=2)
    if broken:  # the classic hand-edited template mistake: a comma after the last member
        text = text[:-2] + ",\n}"
    return text.replace("</", "<\\/")


def render_page(view: SiteView, item: Item) -> bytes:
    title = item["title"] or "숙소"
    price = "무료" if item["price"] == 0 else f"1박 {won(item['price'])}"
    if item["page_problem"] == "no_structured_data":
        head = ""
    else:
        broken = item["page_problem"] == "broken_jsonld" or "broken_jsonld" in view.flags
        head = ('\n    <script type="application/ld+json">\n'
                + jsonld_text(item, view.base_url, broken) + "\n    </script>")
    body = f"""    <main class="room">
      <h1>{escape(title)}</h1>
      <p class="price">{escape(price)}</p>
      <p class="address">{escape(item['address_ko'])} ({escape(item['dong'])})</p>
      <img src="/images/rooms/{item['no']}-1.png" alt="{escape(title)}">
      <p>{escape(item['description'])}</p>
      <ul class="amenities">{''.join(f'<li>{escape(AMENITIES[a][0])}</li>' for a in item['amenities'])}</ul>
      <p><a href="/rooms/{item['no']}/book">예약 요청 (Request to book)</a></p>
    </main>"""
    return page_shell(title, body, site_name=NAME_KO, head_extra=head).encode("utf-8")


# --- sitemaps ---------------------------------------------------------------------------------------

def _urlset(items: Sequence[Item], base_url: str, images: bool) -> bytes:
    ns = ' xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"' if images else ""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>']
    for item in items:
        out.append("  <url>")
        out.append(f"    <loc>{xml_escape(base_url + item['path'])}</loc>")
        out.append(f"    <lastmod>{_iso(item['updated'])}</lastmod>")
        out.append("    <changefreq>daily</changefreq>")
        if images:
            out.append(f"    <image:image><image:loc>{xml_escape(base_url)}/images/rooms/{item['no']}-1.png"
                       "</image:loc></image:image>")
        out.append("  </url>")
    out.append("</urlset>\n")
    return "\n".join(out).encode("utf-8")


def _in(items: Sequence[Item], which: str) -> list[Item]:
    return [item for item in items if item["sitemap"] == which]


def _newest(items: Sequence[Item], fallback: datetime) -> datetime:
    return max((item["updated"] for item in items), default=fallback)


def route(view: SiteView, path: str, query: str) -> Document | None:
    if path == SITEMAP_INDEX:
        out = ['<?xml version="1.0" encoding="UTF-8"?>',
               '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        for loc, which in ((ROOMS_SITEMAP, "rooms"), (STAYS_SITEMAP, "stays")):
            newest = _newest(_in(view.items, which), view.built_at)
            out.append(f"  <sitemap>\n    <loc>{xml_escape(view.base_url + loc)}</loc>\n"
                       f"    <lastmod>{_iso(newest)}</lastmod>\n  </sitemap>")
        out.append("</sitemapindex>\n")
        return Document("\n".join(out).encode("utf-8"), "application/xml", main=True,
                        repeat=(b"<sitemap>", b"</sitemap>"))
    if path == ROOMS_SITEMAP:
        body = gzip.compress(_urlset(_in(view.items, "rooms"), view.base_url, images=True), mtime=0)
        return Document(body, "application/x-gzip", main=True, repeat=(b"<url>", b"</url>"), gzipped=True)
    if path == STAYS_SITEMAP:
        return Document(_urlset(_in(view.items, "stays"), view.base_url, images=False), "text/xml; charset=utf-8",
                        main=True, repeat=(b"<url>", b"</url>"))
    return None


def robots(base_url: str) -> bytes:
    return robots_txt(("/private/", "/host-only/", "/search"), (base_url + SITEMAP_INDEX,),
                      comment="Seoul Home Share: hosts' drafts (/host-only/) are not for robots.")


SPEC = PartnerSpec(
    key=KEY, name=NAME, name_ko=NAME_KO, feed_path="/",
    feed_content_type="application/xml",
    feed_link_type=None, feed_link_absolute=True,
    page_charset="utf-8", page_content_type="text/html; charset=utf-8",
    server_header="cloudflare",
    description_ko="호스트가 남는 방을 나눠요. 개인실, 집 전체, 한옥 게스트하우스.",
    items=build(1.0), render_feed=None, last_modified=LAST_MODIFIED,
    kind="sitemap", main_path=SITEMAP_INDEX, sitemap_path=SITEMAP_INDEX, robots=robots, route=route,
    render_page=render_page, page_flags=("broken_jsonld",), home_limit=30, build=build,
)
