"""Item pages to raw items, from the schema.org data the page embeds for search engines.

A sitemap source lists item pages; what a page is about we learn from its structured data, not
from its layout, which differs per platform and changes with every redesign. Platforms that want
to be found mark their listings up for search engines anyway: a rental item as a Product with an
Offer, a space as a Place or LocalBusiness, a workshop as an Event. extruct reads JSON-LD,
microdata and RDFa (and OpenGraph, which describes the page rather than a listing); this module
picks the entities a sharing listing can be and maps them to RawItems.

Choices worth knowing:

* Which entities: those whose type is in LISTING_TYPES (explicit, so a schema.org release cannot
  silently turn Recipes or Organizations into listings). Entities are searched at the top level,
  in ``@graph`` and under the properties that name a page's subject (mainEntity, itemListElement,
  event, ...), never under properties that name context (publisher, author, contentLocation, an
  Event's location): a blog's publisher is not a listing, an event's venue is part of the event.
* The item's link is the page (or its same-site ``<link rel="canonical">``), never ``@id``: ids
  are often fragments, blank nodes or another site's URLs, and the listing must link to what we
  crawled.
* JSON-LD is read block by block, so one broken ``<script>`` costs that block at most, never the
  page. Raw control characters in strings and comment lines are forgiven (extruct's lenient
  reading), with a warning; JSON that is malformed for no such reason (a truncated template, a
  hand-edited trailing comma) is skipped with a warning, as search engines skip it.
* The page is parsed once, from UTF-8 bytes (extruct refuses an XHTML str that declares its
  encoding), and that tree serves every syntax and the canonical link.
* RDFa is the expensive syntax (pyRdfa builds a full graph): it runs only when the page has
  ``typeof`` attributes and mentions schema.org, and not at all on very large pages, so a
  440 KB page stays well under a second.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from typing import Any, Iterator, Mapping
from urllib.parse import urldefrag, urlsplit

import extruct
from extruct.jsonld import JsonLdExtractor
from extruct.utils import parse_xmldom_html
from lxml import etree

from crawler.parsers.base import ParseError, ParseResult, RawItem, absolute_url, html_looks_cut_off, is_http_url
from crawler.parsers.encoding import DEFAULT_MAX_DECOMPRESSED
from crawler.normalize.timeparse import parse_period, parse_time
from crawler.parsers.html_list import decode_page
from indexer.text import html_to_text

COMPONENT = "structured"
FORMAT = "schema.org"
NO_LISTING_WARNING = f"{COMPONENT}: no schema.org listing data (Product, Place, Event, …) on this page"

MAX_PAGE_BYTES = DEFAULT_MAX_DECOMPRESSED  # what a gzip page may expand to, as well
MAX_RDFA_CHARS = 1024 * 1024
MAX_RDFA_TYPED_ELEMENTS = 2000
MAX_ITEMS = 200
MAX_DEPTH = 12

# --- what a listing can be ------------------------------------------------------------------------

_PRODUCT_TYPES = {
    "Product", "IndividualProduct", "ProductCollection", "ProductGroup", "ProductModel", "SomeProducts",
    "Vehicle", "Car", "BusOrCoach", "Motorcycle", "MotorizedBicycle",
}
_OFFER_TYPES = {"Offer", "AggregateOffer", "OfferForLease", "OfferForPurchase"}
# Service subtypes a sharing platform offers; financial products and web APIs are not listings.
_SERVICE_TYPES = {
    "Service", "FoodService", "GovernmentService", "TaxiService", "Taxi", "BroadcastService",
    "CableOrSatelliteService",
}
# Event subtypes people attend; PublicationEvent, DeliveryEvent and the UserInteraction family
# record that something happened to a work or a parcel, not something to join.
_EVENT_TYPES = {
    "Event", "BusinessEvent", "ChildrensEvent", "ComedyEvent", "CourseInstance", "DanceEvent",
    "EducationEvent", "EventSeries", "ExhibitionEvent", "Festival", "FoodEvent", "Hackathon",
    "LiteraryEvent", "MusicEvent", "SaleEvent", "ScreeningEvent", "SocialEvent", "SportsEvent",
    "TheaterEvent", "VisualArtsEvent",
}
_ACCOMMODATION_TYPES = {
    "Accommodation", "Apartment", "CampingPitch", "House", "SingleFamilyResidence", "Room", "HotelRoom",
    "MeetingRoom", "Suite",
}
_CIVIC_STRUCTURE_TYPES = {
    "CivicStructure", "Airport", "Aquarium", "Beach", "BoatTerminal", "Bridge", "BusStation", "BusStop",
    "Campground", "Cemetery", "Crematorium", "EducationalOrganization", "CollegeOrUniversity",
    "ElementarySchool", "HighSchool", "MiddleSchool", "Preschool", "School", "EventVenue", "FireStation",
    "GovernmentBuilding", "CityHall", "Courthouse", "DefenceEstablishment", "Embassy",
    "LegislativeBuilding", "Hospital", "MovieTheater", "Museum", "MusicVenue", "Park", "ParkingFacility",
    "PerformingArtsTheater", "PlaceOfWorship", "BuddhistTemple", "Church", "CatholicChurch",
    "HinduTemple", "Mosque", "Synagogue", "Playground", "PoliceStation", "PublicToilet", "RVPark",
    "StadiumOrArena", "SubwayStation", "TaxiStand", "TrainStation", "Zoo",
}
_LOCAL_BUSINESS_TYPES = {
    "LocalBusiness", "AnimalShelter", "ArchiveOrganization", "ChildCare", "Dentist", "DryCleaningOrLaundry",
    "EmploymentAgency", "InternetCafe", "Library", "ProfessionalService", "RadioStation", "RealEstateAgent",
    "RecyclingCenter", "SelfStorage", "ShoppingCenter", "TelevisionStation", "TouristInformationCenter",
    "TravelAgency",
    "AutomotiveBusiness", "AutoBodyShop", "AutoDealer", "AutoPartsStore", "AutoRental", "AutoRepair",
    "AutoWash", "GasStation", "MotorcycleDealer", "MotorcycleRepair",
    "EmergencyService",
    "EntertainmentBusiness", "AdultEntertainment", "AmusementPark", "ArtGallery", "Casino", "ComedyClub",
    "NightClub",
    "FinancialService", "AccountingService", "AutomatedTeller", "BankOrCreditUnion", "InsuranceAgency",
    "FoodEstablishment", "Bakery", "BarOrPub", "Brewery", "CafeOrCoffeeShop", "Distillery",
    "FastFoodRestaurant", "IceCreamShop", "Restaurant", "Winery",
    "GovernmentOffice", "PostOffice",
    "HealthAndBeautyBusiness", "BeautySalon", "DaySpa", "HairSalon", "HealthClub", "NailSalon",
    "TattooParlor",
    "HomeAndConstructionBusiness", "Electrician", "GeneralContractor", "HVACBusiness", "HousePainter",
    "Locksmith", "MovingCompany", "Plumber", "RoofingContractor",
    "LegalService", "Attorney", "Notary",
    "LodgingBusiness", "BedAndBreakfast", "Hostel", "Hotel", "Motel", "Resort", "SkiResort", "VacationRental",
    "MedicalBusiness", "CommunityHealth", "Dermatology", "DietNutrition", "Emergency", "Geriatric",
    "Gynecologic", "MedicalClinic", "CovidTestingFacility", "Midwifery", "Nursing", "Obstetric", "Oncologic",
    "Optician", "Optometric", "Otolaryngologic", "Pediatric", "Pharmacy", "Physician", "IndividualPhysician",
    "PhysiciansOffice", "Physiotherapy", "PlasticSurgery", "Podiatric", "PrimaryCare", "Psychiatric",
    "PublicHealth",
    "SportsActivityLocation", "BowlingAlley", "ExerciseGym", "GolfCourse", "PublicSwimmingPool",
    "SportsClub", "TennisComplex",
    "Store", "BikeStore", "BookStore", "ClothingStore", "ComputerStore", "ConvenienceStore",
    "DepartmentStore", "ElectronicsStore", "Florist", "FurnitureStore", "GardenStore", "GroceryStore",
    "HardwareStore", "HobbyShop", "HomeGoodsStore", "JewelryStore", "LiquorStore", "MensClothingStore",
    "MobilePhoneStore", "MovieRentalStore", "MusicStore", "OfficeEquipmentStore", "OutletStore", "PawnShop",
    "PetStore", "ShoeStore", "SportingGoodsStore", "TireShop", "ToyStore", "WholesaleStore",
}
# Place subtypes that are geography (AdministrativeArea, Landform, TouristDestination) or
# monuments are left out: a City or a Mountain is where a listing is, not a listing.
_PLACE_TYPES = (
    {"Place", "Residence", "ApartmentComplex", "GatedResidenceCommunity", "TouristAttraction"}
    | _ACCOMMODATION_TYPES | _CIVIC_STRUCTURE_TYPES | _LOCAL_BUSINESS_TYPES
)
LISTING_TYPES: frozenset[str] = frozenset(
    _PRODUCT_TYPES | _OFFER_TYPES | _SERVICE_TYPES | _EVENT_TYPES | _PLACE_TYPES)

# Properties whose values are what the page is about; everything else (publisher, author,
# contentLocation, an event's location, a review's itemReviewed, ...) is context.
_SUBJECT_PROPERTIES = {
    "@graph", "mainEntity", "about", "itemListElement", "item", "hasPart", "itemOffered",
    "event", "events", "subEvent", "subEvents", "makesOffer", "hasOfferCatalog", "containsPlace",
}

_SCHEMA_IRI = re.compile(r"^(?:https?://(?:www\.)?schema\.org/|schema:)", re.IGNORECASE)
_MARKUP = re.compile(r"<[a-zA-Z!/][^<>]*>")
_JSON_STRING = re.compile(r'"(?:\\.|[^"\\])*"')
_COMMENT = re.compile(r"//|/\*|<!--")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_KOREAN = re.compile(r"[\uac00-\ud7a3]")
_NUMBER = re.compile(r"^\s*-?\d[\d,]*(?:\.\d+)?\s*$")
# UN/CEFACT codes schema.org prescribes for unitCode; unitText, when given, wins.
_UNIT_CODES = {"MIN": "MINUTE", "HUR": "HOUR", "DAY": "DAY", "WEE": "WEEK", "MON": "MONTH", "ANN": "YEAR"}


# --- entry point ----------------------------------------------------------------------------------

def parse(base_url: str, body: bytes, config: Mapping | None = None) -> ParseResult:
    """Listing items of one HTML page's schema.org data; zero items (with a warning) when it has none.

    `config` is accepted for the common parser signature; the page's markup is its own declaration.
    """
    text, warnings = _page_text(body)
    tree = _tree(text) if text.strip() else None
    if tree is None:
        return ParseResult(format=FORMAT, warnings=warnings + [f"{COMPONENT}: the page is empty",
                                                                NO_LISTING_WARNING])
    page_base = _document_base(tree, base_url)
    link, canonical_warning = _page_link(tree, base_url, page_base)
    warnings += canonical_warning

    data, data_warnings, unreadable = _extract(tree, text, page_base)
    warnings += data_warnings
    found = _listing_entities(data)
    if len(found) > MAX_ITEMS:
        warnings.append(f"{COMPONENT}: {len(found)} listing entities on the page; the first {MAX_ITEMS} kept")
        found = found[:MAX_ITEMS]

    index = _id_index(data)
    language = _page_language(tree)
    items = [_item(entity, syntax, index, page_base, language) for syntax, entity in found]
    _assign_keys(items, [entity for _, entity in found], link, page_base)
    _add_page_image(items, data.get("opengraph", []), page_base)
    if not items:
        warnings.append(NO_LISTING_WARNING)
        warnings += _found_instead(data)
    cut = html_looks_cut_off(text)
    if cut:
        warnings.append(f"{COMPONENT}: the page ends without </body> or </html>: it may be cut off")
    # A page whose data could not be read (cut off, JSON-LD that is not JSON) is no evidence that
    # its listing is gone, and what it gave may be short of what the partner says.
    return ParseResult(format=FORMAT, items=items, title=_page_title(tree), link=link, warnings=warnings,
                       incomplete=cut or unreadable)


# --- the page -------------------------------------------------------------------------------------

def _page_text(body: bytes) -> tuple[str, list[str]]:
    if len(body) > MAX_PAGE_BYTES:
        raise ParseError(f"{COMPONENT}: page is larger than {MAX_PAGE_BYTES} bytes; not read")
    try:
        text, warnings = decode_page(body)  # gzip bodies are inflated under the same cap
    except ParseError as exc:
        raise ParseError(_relabel(str(exc))) from None
    return text, [_relabel(w) for w in warnings]


def _relabel(message: str) -> str:
    """A shared helper's "html: ..." or "feed: ..." message, worded as this component's."""
    return re.sub(r"^(?:html|feed):\s*", f"{COMPONENT}: ", message)


def _tree(text: str) -> Any | None:
    """The page's element tree; None when it holds no element at all (only a comment, say)."""
    # extruct parses bytes with the encoding it is told; the text is already decoded, so it gets
    # UTF-8 bytes, and an XHTML prolog naming another encoding is dropped rather than believed.
    page = _XML_DECLARATION.sub("", text, count=1).encode("utf-8")
    try:
        return parse_xmldom_html(page, encoding="utf-8")
    except etree.ParserError:  # lxml's "Document is empty"
        return None
    except ValueError as exc:
        raise ParseError(f"{COMPONENT}: unable to parse page: {exc}") from None


def _document_base(tree: Any, base_url: str) -> str:
    for href in tree.xpath("//base/@href")[:1]:
        resolved = absolute_url(str(href), base_url)
        if is_http_url(resolved):
            return resolved
    return base_url


def _page_link(tree: Any, base_url: str, page_base: str) -> tuple[str, list[str]]:
    """The page's canonical URL when it is on the page's own host, else the page URL."""
    for element in tree.iter("link"):
        rel = (element.get("rel") or "").lower().split()
        if "canonical" not in rel or not element.get("href"):
            continue
        canonical = absolute_url(element.get("href"), page_base)
        if is_http_url(canonical) and _host(canonical) == _host(base_url):
            return canonical, []
        # The host, not the URL: the same CMS setting on every page is one warning for the source.
        return base_url, [f"{COMPONENT}: canonical links point to another site ({_host(canonical) or canonical}); "
                          "the page URL is the items' link"]
    return base_url, []


def _host(url: str | None) -> str | None:
    try:
        return (urlsplit(url or "").hostname or "").lower() or None
    except ValueError:
        return None


def _page_language(tree: Any) -> str | None:
    root = tree.getroottree().getroot()
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or root.get("xml:lang")
    return (lang or "").strip() or None


def _page_title(tree: Any) -> str | None:
    titles = tree.xpath("//title")
    return (html_to_text(titles[0].text_content()) or None) if titles else None


# --- extraction -----------------------------------------------------------------------------------

def _extract(tree: Any, text: str, page_base: str) -> tuple[dict[str, list[dict]], list[str], int]:
    """Top-level nodes per syntax ("json-ld", "microdata", "rdfa", "opengraph"), schema.org keys
    compacted; warnings; how many JSON-LD blocks could not be read at all."""
    warnings: list[str] = []
    jsonld, jsonld_warnings, unreadable = _jsonld_nodes(tree)
    warnings += jsonld_warnings
    data: dict[str, list[dict]] = {"json-ld": [_compact(node) for node in jsonld]}
    syntaxes = ["microdata", "opengraph"]
    if _wants_rdfa(tree, text, warnings):
        syntaxes.append("rdfa")
    for syntax in syntaxes:
        try:
            extracted = extruct.extract(tree, base_url=page_base, syntaxes=[syntax], uniform=True,
                                        errors="strict").get(syntax, [])
        except Exception as exc:  # noqa: BLE001 - one syntax's failure must not cost the others
            warnings.append(f"{COMPONENT}: {syntax} could not be read ({type(exc).__name__}: {str(exc)[:200]})")
            extracted = []
        data[syntax] = _syntax_nodes(syntax, extracted)
    return data, warnings, unreadable


def _jsonld_nodes(tree: Any) -> tuple[list[dict], list[str], int]:
    """The nodes of every JSON-LD block, warnings, and how many blocks could not be read at all."""
    nodes: list[dict] = []
    warnings: list[str] = []
    unreadable = 0
    scripts = [s for s in tree.iter("script") if (s.get("type") or "").strip().lower().startswith("application/ld+json")]
    for number, script in enumerate(scripts, 1):
        source = script.xpath("string()")
        if not source.strip():
            continue
        try:
            data: Any = json.loads(source)
        except (ValueError, RecursionError) as exc:
            data, warning = _lenient_jsonld(script, source, number, exc)
            warnings.append(warning)
            unreadable += not data
        nodes += _flatten_graph(data)
    return nodes, warnings, unreadable


def _lenient_jsonld(script: Any, source: str, number: int, error: Exception) -> tuple[Any, str]:
    """What extruct's forgiving reading makes of a block that is not JSON.

    Forgiven: raw control characters inside strings (a CMS pasting a multi-line description) and
    comment lines (a template's ``// category``), with the trailing comma a dropped comment line
    leaves behind. Not forgiven: malformed JSON that no comment explains, such as a hand-edited
    trailing comma; search engines refuse such a block too, and the partner should hear so.
    """
    problem = f"{COMPONENT}: JSON-LD block {number} is not valid JSON ({_json_problem(error)})"
    try:
        return json.loads(source, strict=False), f"{problem}; read leniently"
    except (ValueError, RecursionError):
        pass
    if not _has_comment(source):
        return [], f"{problem}; skipped"
    try:
        recovered = list(JsonLdExtractor().extract_items(script))
    except Exception as exc:  # noqa: BLE001 - jstyleson raises whatever the broken text provokes
        return [], f"{problem}; unreadable even without its comments ({_json_problem(exc)}), skipped"
    if not recovered:
        return [], f"{problem}; nothing recovered"
    return recovered, f"{problem}; read leniently without its comments"


def _json_problem(error: Exception) -> str:
    """The parser's complaint without its position, so the same mistake on many pages is one warning."""
    message = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
    message = re.sub(r"\s+at$", "", " ".join(message.split()))  # "Invalid control character at"
    return message[:200] or type(error).__name__


def _has_comment(source: str) -> bool:
    return bool(_COMMENT.search(_JSON_STRING.sub('""', source)))


def _flatten_graph(data: Any, depth: int = 0) -> list[dict]:
    """The nodes of a JSON-LD document: a node, a list of nodes, or nodes in (nested) @graph."""
    if depth > MAX_DEPTH:
        return []
    if isinstance(data, list):
        return [node for part in data for node in _flatten_graph(part, depth + 1)]
    if not isinstance(data, dict):
        return []
    graph = data.get("@graph")
    if graph is None:
        return [data]
    rest = {key: value for key, value in data.items() if key not in ("@graph", "@context")}
    own = [rest] if "@type" in rest else []
    return own + _flatten_graph(graph, depth + 1)


def _compact(value: Any, depth: int = 0) -> Any:
    """schema.org IRIs and "schema:" prefixes in keys turned into plain property names."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, list):
        return [_compact(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {_SCHEMA_IRI.sub("", key) if isinstance(key, str) else key: _compact(v, depth + 1)
                for key, v in value.items()}
    return value


def _wants_rdfa(tree: Any, text: str, warnings: list[str]) -> bool:
    """RDFa only where it can hold a typed schema.org entity, and only within our time budget."""
    typed = tree.xpath("count(//*[@typeof])")
    if not typed or "schema.org" not in text:
        return False
    if len(text) > MAX_RDFA_CHARS or typed > MAX_RDFA_TYPED_ELEMENTS:
        warnings.append(f"{COMPONENT}: RDFa not read on a page this large ({len(text)} characters, "
                        f"{int(typed)} typed elements)")
        return False
    return True


def _syntax_nodes(syntax: str, extracted: list) -> list[dict]:
    nodes = [node for node in extracted if isinstance(node, dict)]
    if syntax == "microdata":
        return [_microdata_ids(node) for node in nodes]
    if syntax == "rdfa":
        return [_from_rdfa(node) for node in nodes]
    return nodes


def _microdata_ids(value: Any, depth: int = 0) -> Any:
    """extruct's microdata "id" (the itemid) as JSON-LD's "@id", at every level."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, list):
        return [_microdata_ids(v, depth + 1) for v in value]
    if not isinstance(value, dict):
        return value
    node = {key: _microdata_ids(v, depth + 1) for key, v in value.items()}
    if "@type" in node and isinstance(node.get("id"), str):
        node["@id"] = node.pop("id")
    return node


def _from_rdfa(node: dict) -> dict:
    """An expanded RDFa node as a compact schema.org node; other vocabularies are dropped."""
    compact: dict[str, Any] = {}
    if node.get("@id"):
        compact["@id"] = node["@id"]
    if node.get("@type"):
        compact["@type"] = node["@type"]
    for key, values in node.items():
        if key.startswith("@") or not _SCHEMA_IRI.match(key):
            continue
        plain = [_rdfa_value(v) for v in values if isinstance(v, dict)] if isinstance(values, list) else [values]
        compact[_SCHEMA_IRI.sub("", key)] = plain[0] if len(plain) == 1 else plain
    return compact


def _rdfa_value(value: dict) -> Any:
    if "@value" in value:
        return value["@value"]
    if "@list" in value:
        return [_rdfa_value(v) for v in value["@list"] if isinstance(v, dict)]
    return {"@id": value["@id"]} if "@id" in value else value


# --- finding the listings -------------------------------------------------------------------------

def schema_types(entity: Any) -> list[str]:
    """The entity's types as plain schema.org names ("Product"), in the order written."""
    if not isinstance(entity, dict):
        return []
    raw = entity.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    names: list[str] = []
    for value in values:
        if isinstance(value, str) and value.strip():
            name = _SCHEMA_IRI.sub("", value.strip())
            if name not in names:
                names.append(name)
    return names


def is_listing(entity: Any) -> bool:
    return any(name in LISTING_TYPES for name in schema_types(entity))


def _listing_entities(data: dict[str, list[dict]]) -> list[tuple[str, dict]]:
    """(syntax, entity) for each listing entity, JSON-LD first, duplicates across syntaxes dropped."""
    found: list[tuple[str, dict]] = []
    for syntax in ("json-ld", "microdata", "rdfa"):
        nodes = data.get(syntax, [])
        excluded = _referenced_as_context(nodes)
        for entity in _walk(nodes, excluded):
            if not _duplicate(entity, syntax, found):
                found.append((syntax, entity))
    return found


def _walk(nodes: list[dict], excluded: set[str]) -> Iterator[dict]:
    seen: set[int] = set()
    seen_ids: set[str] = set()

    def visit(value: Any, depth: int) -> Iterator[dict]:
        if depth > MAX_DEPTH:
            return
        if isinstance(value, list):
            for part in value:
                yield from visit(part, depth + 1)
            return
        if not isinstance(value, dict) or id(value) in seen:
            return
        seen.add(id(value))
        if is_listing(value):
            ident = value.get("@id")
            if not (isinstance(ident, str) and (ident in excluded or ident in seen_ids)):
                if isinstance(ident, str):
                    seen_ids.add(ident)
                yield value
            return
        for key, child in value.items():
            # Untyped wrappers (a list item without @type, an extruct group) are looked through.
            if key in _SUBJECT_PROPERTIES or not value.get("@type"):
                yield from visit(child, depth + 1)

    for node in nodes:
        yield from visit(node, 0)


def _referenced_as_context(nodes: list[dict]) -> set[str]:
    """@ids that another node references as context or as a part (a venue, an offer, a publisher)."""
    referenced: set[str] = set()

    def visit(value: Any, owner: str | None, key: str | None, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        if isinstance(value, list):
            for part in value:
                visit(part, owner, key, depth + 1)
            return
        if not isinstance(value, dict):
            return
        ident = value.get("@id")
        if isinstance(ident, str) and key is not None and key not in _SUBJECT_PROPERTIES and ident != owner:
            referenced.add(ident)
        for child_key, child in value.items():
            if not child_key.startswith("@"):
                visit(child, ident if isinstance(ident, str) else owner, child_key, depth + 1)

    for node in nodes:
        visit(node, None, None, 0)
    return referenced


def _duplicate(entity: dict, syntax: str, found: list[tuple[str, dict]]) -> bool:
    """The same listing marked up twice (JSON-LD and microdata) is one listing."""
    ident = entity.get("@id")
    signature = (main_type(entity), _text(entity.get("name")).lower())
    for other_syntax, other in found:
        if other_syntax == syntax:
            continue  # a page lists several events of the same name; they are not duplicates
        if isinstance(ident, str) and ident == other.get("@id"):
            return True
        if signature[1] and signature == (main_type(other), _text(other.get("name")).lower()):
            return True
    return False


def main_type(entity: dict) -> str | None:
    """The first listing type the entity declares (its other types may be Organization, Thing...)."""
    for name in schema_types(entity):
        if name in LISTING_TYPES:
            return name
    return None


def _id_index(data: dict[str, list[dict]]) -> dict[str, dict]:
    """Every node with an @id and content, so {"@id": ...} references can be followed."""
    index: dict[str, dict] = {}

    def visit(value: Any, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        if isinstance(value, list):
            for part in value:
                visit(part, depth + 1)
        elif isinstance(value, dict):
            ident = value.get("@id")
            if isinstance(ident, str) and len(value) > 1:
                index.setdefault(ident, value)
            for child in value.values():
                visit(child, depth + 1)

    for syntax in ("json-ld", "microdata", "rdfa"):
        visit(data.get(syntax, []), 0)
    return index


def _found_instead(data: dict[str, list[dict]]) -> list[str]:
    """What the page does describe, so an operator sees why it yielded nothing."""
    parts = []
    for syntax in ("json-ld", "microdata", "rdfa"):
        names = sorted({name for node in data.get(syntax, []) for name in schema_types(node)})
        if names:
            parts.append(f"{', '.join(names[:8])} ({syntax})")
    og_types = sorted({str(node.get("@type")) for node in data.get("opengraph", []) if node.get("@type")})
    if data.get("opengraph"):
        parts.append(f"og:{', og:'.join(og_types) if og_types else '?'} (opengraph)")
    return [f"{COMPONENT}: the page describes {'; '.join(parts)}; none is a listing type"] if parts else []


# --- mapping one entity ---------------------------------------------------------------------------

def _item(entity: dict, syntax: str, index: dict[str, dict], base: str, language: str | None) -> RawItem:
    kind = main_type(entity)
    offers = _offers(entity, index)
    location = _first_node(entity, "location", index)
    description = _text(entity.get("description")) or None
    item = RawItem(
        title=_title(entity, index),
        summary=description,
        content_html=_as_html(description),
        categories=_categories(entity, index),
        published=_date(entity.get("datePublished")) or _date(entity.get("dateCreated")),
        updated=_date(entity.get("dateModified")),
        address=_address(entity, location, offers, index),
        price_text=_price_text(entity, offers, index),
        images=_images(entity, index, base),
        language=_text(entity.get("inLanguage")) or language,
        extra={"schema_type": kind, "syntax": syntax},
    )
    item.lat, item.lon = _coordinates(entity, location, offers, index)
    _event_extra(item, entity, location or next(iter(_offer_places(offers, index)), None))
    own_url = absolute_url(_text(entity.get("url")) or None, base)
    if is_http_url(own_url):
        item.extra["entity_url"] = own_url
    availability = _availability(offers)
    if availability:
        item.extra["availability"] = availability
    return item


def _assign_keys(items: list[RawItem], entities: list[dict], link: str, base: str) -> None:
    """key = the entity's @id; else the page URL, numbered when the page has several listings."""
    page = urldefrag(link)[0]
    for number, (item, entity) in enumerate(zip(items, entities), 1):
        item.link = link
        ident = entity.get("@id")
        if isinstance(ident, str) and ident.strip() and not ident.startswith("_:"):
            item.key = absolute_url(ident, base)
        else:
            item.key = f"{page}#{number}" if len(items) > 1 else page


def _add_page_image(items: list[RawItem], opengraph: list[dict], base: str) -> None:
    """og:image stands in for a missing image when the page is about a single listing."""
    if len(items) != 1 or items[0].images:
        return
    for node in opengraph:
        url = absolute_url(_text(node.get("og:image")) or None, base)
        if is_http_url(url):
            items[0].images.append(url)
            return


def _title(entity: dict, index: dict[str, dict]) -> str | None:
    title = html_to_text(_text(entity.get("name")))
    if not title:
        # An Offer names what it offers; a bare Offer without a name is named by its item.
        offered = _first_node(entity, "itemOffered", index)
        title = html_to_text(_text(offered.get("name"))) if offered else ""
    return title or html_to_text(_text(entity.get("headline"))) or None


def _as_html(description: str | None) -> str | None:
    if not description:
        return None
    if _MARKUP.search(description):
        return description
    # Plain text keeps its line breaks when it is shown as HTML.
    return html.escape(description).replace("\r\n", "\n").replace("\n", "<br>\n")


def _categories(entity: dict, index: dict[str, dict]) -> list[str]:
    names = list(schema_types(entity))
    for value in _values(entity, "category", index):
        text = html_to_text(_text(value.get("name") if isinstance(value, dict) else value))
        if text:
            names.append(text)
    return list(dict.fromkeys(names))


def _date(value: Any) -> datetime | None:
    # Korean sites write local time without an offset; parse_time reads that as Seoul time.
    return parse_time(_text(value) or None)


def _event_extra(item: RawItem, entity: dict, place: dict | None) -> None:
    # An endDate without a time (2026-12-03) ends with that day.
    starts, ends = parse_period(_text(entity.get("startDate")) or None, _text(entity.get("endDate")) or None)
    if starts:
        item.extra["starts_at"] = starts
    if ends:
        item.extra["ends_at"] = ends
    place_name = html_to_text(_text(place.get("name"))) if place else ""
    if place_name:
        item.extra["place_name"] = place_name


# --- address and coordinates ----------------------------------------------------------------------

def _address(entity: dict, location: dict | None, offers: list[dict], index: dict[str, dict]) -> str | None:
    candidates: list[Any] = [entity.get("address")]
    if location is not None:
        candidates.append(location.get("address"))
        if schema_types(location) == ["PostalAddress"]:
            candidates.append(location)
    elif isinstance(entity.get("location"), str):
        candidates.append(entity["location"])  # "서울 마포구 ..." written as the location itself
    candidates += [place.get("address") for place in _offer_places(offers, index)]
    for candidate in candidates:
        text = format_address(_deref(_single(candidate), index))
        if text:
            return text
    return None


def format_address(value: Any) -> str | None:
    """A PostalAddress (or a plain string) as one line: Korean order for Korean addresses."""
    if isinstance(value, str):
        return html_to_text(value) or None
    if not isinstance(value, dict):
        return None
    street, locality, region, postal = (html_to_text(_text(value.get(key))) for key in (
        "streetAddress", "addressLocality", "addressRegion", "postalCode"))
    korean = _KOREAN.search(street + locality + region) or _text(value.get("addressCountry")).upper() in (
        "KR", "KOR", "KOREA", "SOUTH KOREA", "대한민국", "한국")
    # Partners often repeat the district in streetAddress; say each part once.
    wider = [part for part in (region, locality) if part and part not in street]
    if len(wider) == 2 and wider[0] in wider[1]:
        wider = wider[1:]  # "Georgia" beside "Tacoma, Georgia"
    if korean:
        parts = [*wider, street, postal]
        return " ".join(part for part in parts if part) or None
    return ", ".join(part for part in (street, *reversed(wider), postal) if part) or None


def _coordinates(entity: dict, location: dict | None, offers: list[dict],
                 index: dict[str, dict]) -> tuple[float | None, float | None]:
    holders = [entity] + ([location] if location else []) + _offer_places(offers, index)
    for holder in holders:
        geo = _deref(_single(holder.get("geo")), index)
        for source in (geo, holder):
            if isinstance(source, dict):
                point = _lat_lon(source.get("latitude"), source.get("longitude"))
                if point != (None, None):
                    return point
    return None, None


def _lat_lon(lat: Any, lon: Any) -> tuple[float | None, float | None]:
    try:
        lat_f, lon_f = float(str(_single(lat)).strip()), float(str(_single(lon)).strip())
    except (TypeError, ValueError):
        return None, None
    if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180) or lat_f != lat_f or lon_f != lon_f:
        return None, None
    return lat_f, lon_f


# --- price ----------------------------------------------------------------------------------------

def _offers(entity: dict, index: dict[str, dict]) -> list[dict]:
    """The entity's offers; an Offer is its own offer."""
    if set(schema_types(entity)) & _OFFER_TYPES:
        return [entity]
    return [offer for offer in _values(entity, "offers", index) if isinstance(offer, dict)]


def _offer_places(offers: list[dict], index: dict[str, dict]) -> list[dict]:
    return [place for offer in offers for place in _values(offer, "availableAtOrFrom", index)
            if isinstance(place, dict)]


def _price_text(entity: dict, offers: list[dict], index: dict[str, dict]) -> str | None:
    for offer in offers:
        text = _offer_price(offer, index)
        if text:
            return text
    if entity.get("isAccessibleForFree") in (True, "true", "True", "TRUE"):
        return "무료"
    return None


def _offer_price(offer: dict, index: dict[str, dict]) -> str | None:
    """"3000 KRW / DAY" from an Offer, its priceSpecification, or an AggregateOffer's lowPrice."""
    specifications = [spec for spec in _values(offer, "priceSpecification", index) if isinstance(spec, dict)]
    price = _amount(offer.get("price"))
    currency = _text(offer.get("priceCurrency"))
    for spec in specifications:
        if price is None:
            price, currency = _amount(spec.get("price")), _text(spec.get("priceCurrency")) or currency
    if price is None:
        price = _amount(offer.get("lowPrice"))
    if price is None:
        return None
    if not _NUMBER.match(price):
        return price  # "무료", "$35", "문의": the words are the price
    text = f"{price} {currency}" if currency else price
    unit = _unit(offer, specifications, index)
    return f"{text} / {unit}" if unit else text


def _amount(value: Any) -> str | None:
    """The price as written; 3000.0 as "3000"; 0 kept (a free listing is still a price)."""
    value = _single(value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    text = html_to_text(_text(value))
    return text or None


def _unit(offer: dict, specifications: list[dict], index: dict[str, dict]) -> str | None:
    holders = [offer, *specifications]
    holders += [quantity for spec in specifications for quantity in _values(spec, "referenceQuantity", index)
                if isinstance(quantity, dict)]
    for holder in holders:
        text = _text(holder.get("unitText"))
        if text:
            return text
    for holder in holders:
        code = _UNIT_CODES.get(_text(holder.get("unitCode")).upper())
        if code:
            return code
    return None


def _availability(offers: list[dict]) -> str | None:
    for offer in offers:
        value = _text(offer.get("availability"))
        if value:
            return _SCHEMA_IRI.sub("", value)
    return None


# --- images ---------------------------------------------------------------------------------------

def _images(entity: dict, index: dict[str, dict], base: str) -> list[str]:
    urls: list[str] = []
    for key in ("image", "photo", "thumbnailUrl"):
        for value in _values(entity, key, index):
            for candidate in _image_urls(value):
                url = absolute_url(candidate, base)
                if is_http_url(url) and url not in urls:
                    urls.append(url)
        if urls:
            break
    return urls


def _image_urls(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        # ImageObject / Photograph.
        for key in ("url", "contentUrl", "thumbnailUrl"):
            text = _text(value.get(key))
            if text:
                return [text]
        # An unresolved reference: in RDFa (<img property="image" src>) the resource is the image.
        if set(value) <= {"@id", "@type"} and isinstance(value.get("@id"), str):
            return [value["@id"]]
    return []


# --- value helpers --------------------------------------------------------------------------------

def _values(entity: dict, key: str, index: dict[str, dict]) -> list[Any]:
    """A property's values as a list, {"@id": ...} references followed."""
    value = entity.get(key)
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [_deref(v, index) for v in values if v is not None]


def _first_node(entity: dict, key: str, index: dict[str, dict]) -> dict | None:
    for value in _values(entity, key, index):
        if isinstance(value, dict):
            return value
    return None


def _deref(value: Any, index: dict[str, dict]) -> Any:
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and isinstance(value.get("@id"), str):
        return index.get(value["@id"], value)
    return value


def _single(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(value: Any) -> str:
    """A literal as text: strings stripped, numbers written out, {"@value": ...} unwrapped, lists' first."""
    value = _single(value)
    if isinstance(value, dict):
        value = value.get("@value")
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    if not isinstance(value, str):
        return ""
    return value.strip()
