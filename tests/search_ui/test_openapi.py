"""GET /api/v1/openapi.json is a valid OpenAPI 3.1 document that cannot drift from the API: every
route is documented and every documented path is a route, every query parameter the code reads is
documented, and real responses (200, 304, 400, 404, 429, 503) validate against the documented
schemas and headers, whose objects admit no undocumented field."""

from __future__ import annotations

import ast
import inspect
import re
import socket
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import openapi_spec_validator
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from config import load_settings
from indexer.listing import Listing, Price, listing_id
from search_ui import create_app, queryargs
from tests.search_ui.conftest import KST, add_tool_library_drill, build_app, mark_gone

SPEC_URI = "urn:sharehub:openapi"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
HONGDAE = (37.5563, 126.9220)


# -- helpers ---------------------------------------------------------------------------------------

def fetch_spec(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _resolve(spec: dict, node: dict, pointer: str) -> tuple[dict, str]:
    """Follow local $refs: (the object, its JSON pointer in the document)."""
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        pointer = ref[1:]
        node = spec
        for part in pointer[1:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node, pointer


def _validator(spec: dict, pointer: str) -> Draft202012Validator:
    registry = Registry().with_resource(SPEC_URI, DRAFT202012.create_resource(spec))
    return Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(spec: dict, pointer: str, instance) -> None:
    errors = sorted(_validator(spec, pointer).iter_errors(instance), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(_explain(e) for e in errors[:20])


def _explain(error) -> str:
    """Where and why, down to the deepest reasons of a oneOf/anyOf that nothing matched."""
    where = "/".join(map(str, error.absolute_path)) or "(root)"
    if not error.context:
        return f"{where}: {error.message[:300]}"
    return f"{where}: no alternative of {error.validator} matched:\n" + "\n".join(
        "  " + _explain(reason) for reason in error.context if not reason.context)


def check(spec: dict, response, path: str, method: str = "get"):
    """The response is one the document describes for this operation: its status, its required
    headers (integers where documented so), and its body against the documented schema."""
    op_pointer = f"/paths/{_escape(path)}/{method}"
    operation = spec["paths"][path][method]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method.upper()} {path}: {status} is not documented"
    documented, pointer = _resolve(spec, operation["responses"][status], f"{op_pointer}/responses/{status}")
    for name, header in documented.get("headers", {}).items():
        header, _ = _resolve(spec, header, "")
        if header.get("required"):
            assert name in response.headers, f"{status} of {path} lacks the {name} header"
        if name in response.headers and header["schema"].get("type") == "integer":
            assert response.headers[name].isdigit(), (name, response.headers[name])
    content = documented.get("content")
    if content is None:
        assert response.data == b"", f"{status} of {path} documents no body"
        return None
    assert response.mimetype in content, (response.mimetype, list(content))
    body = response.get_json()
    assert_valid(spec, f"{pointer}/content/{_escape(response.mimetype)}/schema", body)
    return body


def _is_args(node: ast.AST) -> bool:
    """`args` (queryargs' MultiDict) or `request.args`."""
    return ((isinstance(node, ast.Name) and node.id == "args")
            or (isinstance(node, ast.Attribute) and node.attr == "args"
                and isinstance(node.value, ast.Name) and node.value.id == "request"))


def read_parameters(source: str) -> set[str]:
    """Query parameter names a piece of code reads: args.get("x"), args.getlist("x"),
    request.args.get("x"), and helpers given the args and a name: _values(args, "x")."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(textwrap.dedent(source))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("get", "getlist") and _is_args(func.value):
            name = node.args[0]
        elif len(node.args) >= 2 and _is_args(node.args[0]):
            name = node.args[1]
        else:
            continue
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            names.add(name.value)
    return names


def _calls(source: str, function: str) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == function
               for n in ast.walk(ast.parse(textwrap.dedent(source))))


def api_routes(app) -> dict[str, tuple[set[str], object]]:
    """OpenAPI path -> (methods, view function) of every route under /api/v1."""
    out: dict[str, tuple[set[str], object]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        methods = {m.lower() for m in rule.methods} - {"head", "options"}
        known, _ = out.get(path, (set(), None))
        out[path] = (known | methods, app.view_functions[rule.endpoint])
    return out


def located_listings(source_id: int) -> list[Listing]:
    """Listings with every field filled in, two with coordinates (Hongdae, and Gyeongbokgung ~5 km off)."""
    t0 = datetime(2026, 11, 20, 9, 0, tzinfo=KST)
    return [
        Listing(source_id, "room", "https://goods.example/items/room", "스터디룸 대여",
                summary="홍대입구역 근처 스터디룸", description_html="<p>6인용 <b>스터디룸</b></p>",
                category="space", address="서울 마포구 양화로 160", district="11440", dong="서교동",
                lat=HONGDAE[0], lon=HONGDAE[1], price=Price(5000, "KRW", "hour", 1, False, 10000, "학생 할인"),
                starts_at=t0, ends_at=t0 + timedelta(days=3650), published_at=t0, updated_at=t0 + timedelta(hours=1),
                images=["https://goods.example/img/room.jpg"], tags=["회의", "스터디"], language="ko",
                contact={"phones": ["02-123-4567"], "emails": ["room@goods.example"]},
                opening_hours="평일 09:00~18:00"),
        Listing(source_id, "hanbok", "https://goods.example/items/hanbok", "한복 대여",
                summary="Hanbok rental by the palace", category="clothing", district="11110",
                lat=37.5796, lon=126.9770, price=Price(None, "KRW"), published_at=t0 + timedelta(hours=2)),
        Listing(source_id, "umbrella", "https://goods.example/items/umbrella", "우산 공유",
                summary="무료 우산", category="public_items", price=Price(0, "KRW", None, None, True),
                published_at=t0 + timedelta(hours=3)),
    ]


@pytest.fixture
def spec(client) -> dict:
    return fetch_spec(client)


# -- the document ----------------------------------------------------------------------------------

def test_the_document_is_valid_openapi_3_1(spec):
    openapi_spec_validator.validate(spec)
    assert spec["openapi"].startswith("3.1.")
    info = spec["info"]
    assert info["version"] == "1" and info["license"]["identifier"] == "Apache-2.0"
    assert "never renamed or removed" in info["description"]
    assert spec["servers"] == [{"url": "http://localhost", "description": "This portal"}]
    assert spec["externalDocs"]["url"] == "http://localhost/"


def test_the_document_describes_itself(client, spec):
    check(spec, client.get("/api/v1/openapi.json"), "/api/v1/openapi.json")


def test_every_api_route_is_documented_and_every_documented_path_is_a_route(app, spec):
    routes = {path: methods for path, (methods, _) in api_routes(app).items()}
    documented = {path: set(item) & METHODS for path, item in spec["paths"].items()}
    assert routes == documented
    for path, item in spec["paths"].items():
        for operation in (item[m] for m in set(item) & METHODS):
            in_path = {p["name"] for p in (_resolve(spec, p, "")[0] for p in operation.get("parameters", []))
                       if p["in"] == "path"}
            assert in_path == set(re.findall(r"{(\w+)}", path)), path


def test_every_query_parameter_the_code_reads_is_documented(app, spec):
    from_queryargs = read_parameters(Path(inspect.getsourcefile(queryargs)).read_text())
    # The parser must find something real, or the comparison below proves nothing.
    assert {"q", "category", "district", "near", "radius_km", "per_page", "include_stale"} <= from_queryargs
    for path, (methods, view) in api_routes(app).items():
        source = inspect.getsource(view)
        read = read_parameters(source) | (from_queryargs if _calls(source, "search_request") else set())
        for method in methods:
            parameters = [_resolve(spec, p, "")[0] for p in spec["paths"][path][method].get("parameters", [])]
            documented = {p["name"] for p in parameters if p["in"] == "query"}
            assert documented == read, f"{method.upper()} {path}"
            assert all(p.get("description") for p in parameters), path
    assert read_parameters(inspect.getsource(api_routes(app)["/api/v1/suggest"][1])) == {"q", "lang", "format"}


def test_fixed_objects_admit_no_undocumented_field(spec):
    open_objects = set()
    for name, schema in spec["components"]["schemas"].items():
        if schema.get("type") == "object" and "properties" in schema:
            if schema.get("additionalProperties") is not False:
                open_objects.add(name)
            assert set(schema["required"]) <= set(schema["properties"]), name
    assert open_objects == {"OpenApiDocument"}  # an OpenAPI document is open by nature


def test_hit_and_listing_detail_document_every_field_of_the_search_document(spec):
    from indexer.listing import search_document

    fields = list(search_document(located_listings(1)[0]))
    schemas = spec["components"]["schemas"]
    assert list(schemas["Hit"]["properties"])[:len(fields)] == fields
    assert set(schemas["Hit"]["properties"]) - set(fields) == {"highlights", "distance_km"}
    assert list(schemas["ListingDetail"]["properties"])[:len(fields)] == fields
    assert set(schemas["ListingDetail"]["properties"]) - set(fields) == {
        "status", "first_seen_at", "last_seen_at", "source_checked_at"}


# -- real responses --------------------------------------------------------------------------------

def test_search_without_and_with_words(client, spec):
    body = check(spec, client.get("/api/v1/listings"), "/api/v1/listings")
    assert body["total"] == 3 and body["notes"] == []
    body = check(spec, client.get("/api/v1/listings", query_string={"q": "드릴"}), "/api/v1/listings")
    assert body["total"] == 1 and "<mark>" in body["hits"][0]["highlights"]["title"]
    body = check(spec, client.get("/api/v1/listings?category=tools,kids&district=11440&free=false&sort=price"
                                  "&price_min=1,000&price_max=50000&per_page=500&page=1&places=off"
                                  "&include_ended=yes&include_stale=1&available_from=2026-12-05"
                                  "&available_to=2027-01-01T18:00:00Z&dong=망원1동&platform=Neighbourhood+Goods"),
                 "/api/v1/listings")
    assert body["per_page"] == 100 and [h["title"] for h in body["hits"]] == ["전동드릴 대여"]


def test_search_near_a_point_gives_distances(settings):
    client = build_app(settings, located_listings).test_client()
    spec = fetch_spec(client)
    body = check(spec, client.get("/api/v1/listings?near=37.5563,126.9220"), "/api/v1/listings")
    assert [h["title"] for h in body["hits"]] == ["스터디룸 대여"] and body["hits"][0]["distance_km"] == 0
    body = check(spec, client.get("/api/v1/listings?near=37.5563,126.9220&radius_km=10&sort=distance"),
                 "/api/v1/listings")
    assert [h["title"] for h in body["hits"]] == ["스터디룸 대여", "한복 대여"]
    assert 4 < body["hits"][1]["distance_km"] < 7
    # Without near there is no distance, and the hit without coordinates validates too.
    body = check(spec, client.get("/api/v1/listings"), "/api/v1/listings")
    assert body["total"] == 3 and not any("distance_km" in h for h in body["hits"])
    # A listing with every field filled in.
    detail = check(spec, client.get(f"/api/v1/listings/{listing_id(1, 'room')}"), "/api/v1/listings/{listing_id}")
    assert detail["contact"] == {"phones": ["02-123-4567"], "emails": ["room@goods.example"]}
    assert detail["price"]["deposit"] == 10000 and detail["status"] == "active"


def test_place_word_note(client, spec):
    body = check(spec, client.get("/api/v1/listings", query_string={"q": "마포 공구"}), "/api/v1/listings")
    assert [n["code"] for n in body["notes"]] == ["place"]
    assert body["notes"][0]["districts"] == ["11440"]
    body = check(spec, client.get("/api/v1/listings", query_string={"q": "마포 드릴"}), "/api/v1/listings")
    assert [n["code"] for n in body["notes"]] == ["place"] and body["total"] == 1


def test_any_word_fallback_note(client, spec):
    body = check(spec, client.get("/api/v1/listings", query_string={"q": "드릴 stroller"}), "/api/v1/listings")
    assert [n["code"] for n in body["notes"]] == ["any_word"] and body["total"] == 2


def test_bad_parameters_answer_a_documented_400(client, spec):
    for query in ("page=0", "free=maybe", "district=mapo", "per_page=x", "near=north", "radius_km=3",
                  "sort=cheapest", "price_min=9&price_max=1", "available_from=tomorrow", "sort=distance"):
        response = client.get(f"/api/v1/listings?{query}")
        assert response.status_code == 400, query
        assert check(spec, response, "/api/v1/listings")["code"] == "bad_query"


def test_one_listing_and_its_404(client, spec):
    path = "/api/v1/listings/{listing_id}"
    body = check(spec, client.get(f"/api/v1/listings/{listing_id(1, 'drill')}"), path)
    assert body["title"] == "전동드릴 대여" and body["status"] == "active"
    for unknown in ("0" * 32, "not-an-id!", "x" * 65):
        response = client.get(f"/api/v1/listings/{unknown}")
        assert response.status_code == 404
        assert check(spec, response, path)["code"] == "not_found"


def test_a_gone_listing_still_validates(settings):
    app = build_app(settings)
    mark_gone(settings, listing_id(1, "drill"))
    client = app.test_client()
    body = check(fetch_spec(client), client.get(f"/api/v1/listings/{listing_id(1, 'drill')}"),
                 "/api/v1/listings/{listing_id}")
    assert body["status"] == "gone"


def test_the_same_thing_on_two_platforms_validates_with_also_on(settings, client, spec):
    add_tool_library_drill(settings)
    body = check(spec, client.get("/api/v1/listings", query_string={"q": "전동드릴"}), "/api/v1/listings")
    assert body["total"] == 1 and len(body["hits"][0]["also_on"]) == 1
    detail = check(spec, client.get(f"/api/v1/listings/{listing_id(1, 'drill')}"), "/api/v1/listings/{listing_id}")
    assert len(detail["also_on"]) == 1
    platforms = check(spec, client.get("/api/v1/platforms"), "/api/v1/platforms")
    assert len(platforms["platforms"]) == 2


def test_suggestions_in_both_shapes(client, spec):
    body = check(spec, client.get("/api/v1/suggest", query_string={"q": "공"}), "/api/v1/suggest")
    assert body["query"] == "공" and {"category", "title"} <= {s["kind"] for s in body["suggestions"]}
    body = check(spec, client.get("/api/v1/suggest", query_string={"q": "mapo", "lang": "en"}), "/api/v1/suggest")
    assert any(s["kind"] == "district" and s["value"] == "11440" for s in body["suggestions"])
    body = check(spec, client.get("/api/v1/suggest", query_string={"q": "공", "format": "opensearch",
                                                                 "lang": "ko"}),
                 "/api/v1/suggest")
    assert body[0] == "공" and "공구" in body[1]
    assert check(spec, client.get("/api/v1/suggest"), "/api/v1/suggest") == {"query": "", "suggestions": []}
    assert check(spec, client.get("/api/v1/suggest?format=opensearch"), "/api/v1/suggest") == ["", []]


def test_platforms(client, spec):
    body = check(spec, client.get("/api/v1/platforms"), "/api/v1/platforms")
    [platform] = body["platforms"]
    assert platform["name"] == "Neighbourhood Goods" and platform["categories"] == {"tools": 2, "kids": 1}


def test_conditional_requests_answer_a_documented_304(client, spec):
    for url, path in (("/api/v1/listings?q=공구", "/api/v1/listings"),
                      (f"/api/v1/listings/{listing_id(1, 'drill')}", "/api/v1/listings/{listing_id}"),
                      ("/api/v1/suggest?q=공", "/api/v1/suggest"),
                      ("/api/v1/platforms", "/api/v1/platforms"),
                      ("/api/v1/openapi.json", "/api/v1/openapi.json")):
        first = client.get(url)
        check(spec, first, path)
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, url
        check(spec, again, path)


def test_rate_limited_requests_answer_a_documented_429(settings):
    client = build_app(settings, test_config={"rate_limit": "1 per minute"}).test_client()
    spec = fetch_spec(client)
    for url, path in (("/api/v1/listings", "/api/v1/listings"), ("/api/v1/platforms", "/api/v1/platforms"),
                      ("/api/v1/suggest?q=공", "/api/v1/suggest")):
        response = client.get(url)
        assert response.status_code == 429
        assert check(spec, response, path)["code"] == "rate_limited"
        assert int(response.headers["Retry-After"]) > 0


def test_search_engine_down_answers_a_documented_503(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = load_settings(environ={}, overrides={"data_dir": str(tmp_path / "var"), "secret_key": "test",
                                                    "search_url": f"http://127.0.0.1:{port}"})
    client = create_app({"TESTING": True}, settings=settings).test_client()
    spec = fetch_spec(client)
    response = client.get("/api/v1/listings?q=공구")
    assert response.status_code == 503
    assert check(spec, response, "/api/v1/listings")["code"] == "search_unavailable"
