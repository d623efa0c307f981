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
