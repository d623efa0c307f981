from html.parser import HTMLParser

from tests.search_ui.conftest import add_tool_library_drill


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs))


def test_search_page_shows_results_linking_to_partners(client):
    response = client.get("/?q=공구&lang=ko")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<mark>공구</mark>세트 (가정용)" in page  # the query's word highlighted in the title
    assert "동네물품" in page   # the platform's Korean name on a Korean page
    assert "무료" in page and "노원구" in page
    parser = Links()
    parser.feed(page)
    partner = [a for a in parser.links if a.get("href") == "https://goods.example/items/toolset"]
    assert partner and all("noopener" in a.get("rel", "") for a in partner)


def test_facets_are_links_with_counts_in_the_page_language(client):
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "Tools" in page and "Mapo-gu" in page and "3 results" in page
    parser = Links()
    parser.feed(page)
    assert any(a.get("href", "").endswith("category=tools") for a in parser.links)
    filtered = client.get("/?lang=en&category=kids").get_data(as_text=True)
    assert "Baby stroller" in filtered and "전동드릴" not in filtered
    assert "₩10,000 / week" in filtered  # English writes won before the amount


def test_user_text_is_escaped(client):
    page = client.get("/?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_bad_parameter_is_shown_not_a_crash(client):
    response = client.get("/?page=-1")
    assert response.status_code == 400
    assert "page" in response.get_data(as_text=True)


def test_the_same_thing_on_two_platforms_is_one_card_with_also_on(settings, client):
    add_tool_library_drill(settings)
    page = client.get("/?q=전동드릴&lang=en").get_data(as_text=True)
    assert "1 result" in page and "Also on:" in page
    parser = Links()
    parser.feed(page)
    hrefs = {a.get("href") for a in parser.links}
    assert {"https://goods.example/items/drill", "https://tools.example/drill"} <= hrefs
    api = client.get("/api/v1/listings?q=전동드릴").get_json()
    assert api["total"] == 1 and len(api["hits"][0]["also_on"]) == 1
    [hit] = api["hits"]
    assert hit["cluster"] == min(hit["id"], hit["also_on"][0]["id"])
