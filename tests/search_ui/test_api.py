def test_listings_shape_and_facets(client):
    response = client.get("/api/v1/listings")
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 3
    assert list(body)[:3] == ["total", "hits", "facets"]
    hit = body["hits"][0]
    for field in ("id", "url", "title", "summary", "description_html", "platform", "source_id", "category",
                  "district", "dong", "lat", "lon", "price", "starts_at", "ends_at", "published_at", "updated_at"):
        assert field in hit
    assert set(hit["price"]) == {"amount", "currency", "unit", "unit_count", "is_free", "deposit", "conditions"}
    assert "language" in hit
    assert hit["title"] == "Baby stroller"  # newest first without a query
    assert body["facets"] == {"category": {"tools": 2, "kids": 1}, "district": {"11440": 2, "11350": 1},
                              "platform": {"Neighbourhood Goods": 3}, "free": {"true": 1, "false": 2},
                              "price_band": {"1-9999": 1, "10000-29999": 1, "free": 1}}


def test_korean_bigram_query_and_filters(client):
    body = client.get("/api/v1/listings", query_string={"q": "드릴"}).get_json()
    assert [h["title"] for h in body["hits"]] == ["전동드릴 대여"]
    assert body["hits"][0]["price"] == {"amount": 3000, "currency": "KRW", "unit": "day", "unit_count": 1,
                                        "is_free": False, "deposit": None, "conditions": None}
    body = client.get("/api/v1/listings?district=11440&district=11350&free=true").get_json()
    assert [h["title"] for h in body["hits"]] == ["공구세트 (가정용)"]
    body = client.get("/api/v1/listings?category=kids&platform=Neighbourhood+Goods").get_json()
    assert body["total"] == 1


def test_pagination_parameters(client):
    body = client.get("/api/v1/listings?per_page=2&page=2").get_json()
    assert (body["total"], len(body["hits"]), body["page"], body["per_page"]) == (3, 1, 2, 2)
    assert client.get("/api/v1/listings?per_page=5000").get_json()["per_page"] == 100


def test_query_syntax_is_data(client):
    response = client.get("/api/v1/listings", query_string={"q": '"unbalanced AND ('})
    assert response.status_code == 200
    assert response.get_json()["total"] == 0


def test_bad_parameters_get_a_clear_400(client):
    for query, word in (("page=0", "page"), ("free=maybe", "free"), ("district=mapo", "district"),
                        ("per_page=x", "per_page")):
        response = client.get(f"/api/v1/listings?{query}")
        assert response.status_code == 400
        assert word in response.get_json()["error"]


def test_every_query_parameter_reaches_the_engine(client):
    def keys(**params):
        body = client.get("/api/v1/listings", query_string=params).get_json()
        return sorted(h["url"].rsplit("/", 1)[1] for h in body["hits"])

    assert keys(dong="망원1동") == ["drill"]
    assert keys(price_max="5000") == ["drill", "toolset"]
    assert keys(price_min="5000") == ["stroller"]
    assert keys(sort="price") == ["drill", "stroller", "toolset"]
    body = client.get("/api/v1/listings?sort=price").get_json()
    assert [h["title"] for h in body["hits"]] == ["공구세트 (가정용)", "전동드릴 대여", "Baby stroller"]
    assert keys(available_from="2026-12-05", available_to="2026-12-06") == ["drill", "stroller", "toolset"]
    assert client.get("/api/v1/listings?near=37.55,126.91").get_json()["total"] == 0  # no coordinates


def test_hits_carry_highlights_and_the_response_notes(client):
    body = client.get("/api/v1/listings", query_string={"q": "마포 전동드릴"}).get_json()
    assert body["total"] == 1
    assert body["hits"][0]["highlights"]["title"] == "<mark>전동드릴</mark> 대여"
    assert body["notes"][0]["code"] == "place" and body["notes"][0]["districts"] == ["11440"]
    assert body["facets_approximate"] is False
    off = client.get("/api/v1/listings", query_string={"q": "마포 전동드릴", "places": "off"}).get_json()
    assert [n["code"] for n in off["notes"]] == ["any_word"]  # 마포 is in no listing's text
