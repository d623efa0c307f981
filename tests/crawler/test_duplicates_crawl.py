"""The same thing on two partners' feeds, crawled over HTTP: search shows it once, "also on" the other."""

from __future__ import annotations

from html import escape

import pytest
from sqlalchemy import select

from crawler.runner import crawl_in_subprocess
from indexer.catalog import store
from indexer.catalog.models import ListingRow
from indexer.indexing import delete_source
from tests.crawler.test_crawl import search

ADDRESS = "서울특별시 마포구 망원로 45 (망원1동)"


def rss(title: str, items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 feed with georss points: (guid, title, "lat lon")."""
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>http://127.0.0.1/{guid}</link><guid>{guid}</guid>"
        f"<category>공구</category><description>{escape(ADDRESS)}, 1일 3,000원</description>"
        f"<georss:point>{point}</georss:point></item>" for guid, t, point in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:georss="http://www.georss.org/georss">'
            f"<channel><title>{escape(title)}</title><link>http://127.0.0.1/</link><description>x</description>"
            f"{entries}</channel></rss>").encode("utf-8")


def register(catalog, partner) -> int:
    with catalog.session() as s:
        platform = store.get_or_create_platform(s, partner.name)
        return store.add_source(s, platform, partner.feed_url, "feed", 60).id


@pytest.fixture
def two_partners_one_drill(simulator):
    goods, cars = simulator.partner("goods"), simulator.partner("cars")
    simulator.set_fault("goods", "body", rss("Goods", [
        ("g-drill", "전동드릴 대여 (충전식 18V)", "37.5559 126.9010"),
        ("g-saw", "원형톱 대여", "37.5559 126.9010")]))
    simulator.set_fault("cars", "body", rss("Cars", [
        ("c-drill", "충전식 전동드릴 18V 빌려드려요", "37.5562 126.9012")]))
    yield goods, cars
    for key in ("goods", "cars"):
        simulator.clear_faults(key)


def test_the_same_drill_on_two_platforms_is_one_result(two_partners_one_drill, catalog, settings):
    goods, cars = two_partners_one_drill
    goods_id, cars_id = register(catalog, goods), register(catalog, cars)
    assert [r.outcome for r in crawl_in_subprocess(settings)] == ["ok", "ok"]

    result = search(settings, text="전동드릴")
    assert result.total == 1 and result.facets["platform"] == {goods.name: 1, cars.name: 1}
    [hit] = result.hits
    other = cars.name if hit["platform"] == goods.name else goods.name
    assert [o["platform"] for o in hit["also_on"]] == [other]
    assert hit["also_on"][0]["url"].startswith("http://127.0.0.1/")
    # The saw at the same centre is another thing.
    assert search(settings, text="원형톱").hits[0]["also_on"] == []
    assert search(settings).total == 2
    [cars_hit] = search(settings, platforms=(cars.name,)).hits
    assert cars_hit["title"] == "충전식 전동드릴 18V 빌려드려요"

    # An unchanged recrawl (304s) keeps the cluster; deleting one source leaves the other alone.
    assert [r.outcome for r in crawl_in_subprocess(settings)] == ["not_modified", "not_modified"]
    assert search(settings, text="전동드릴").total == 1
    delete_source(catalog, settings, goods_id)
    [alone] = search(settings, text="전동드릴").hits
    assert alone["source_id"] == cars_id and alone["also_on"] == []
    with catalog.session() as s:
        assert list(s.scalars(select(ListingRow.cluster_id))) == [None]
