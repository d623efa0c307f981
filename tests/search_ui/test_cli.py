"""The `sharehub` command as operators and scripts run it: a real process, real exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.partners import PartnerSimulator


@pytest.fixture
def run(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAREHUB_")}
    env.update(SHAREHUB_DATA_DIR=str(tmp_path / "var"), SHAREHUB_PER_HOST_DELAY="0",
               SHAREHUB_DOWNLOAD_TIMEOUT="5")

    def _run(*args, allow_loopback=True, check=None):
        e = dict(env)
        if allow_loopback:
            e["SHAREHUB_ALLOW_PRIVATE_NETWORKS"] = "127.0.0.0/8"
        proc = subprocess.run([sys.executable, "-m", "search_ui.cli", *args], env=e, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
        if check is not None:
            assert proc.returncode == check, proc.stderr
        return proc
    return _run


@pytest.fixture(scope="module")
def simulator():
    with PartnerSimulator() as sim:
        yield sim


def test_add_refuses_addresses_that_are_not_public(run, simulator):
    url = simulator.partner("goods").feed_url
    proc = run("sources", "add", url, allow_loopback=False)
    assert proc.returncode == 2
    assert "not a public address" in proc.stderr and "SHAREHUB_ALLOW_PRIVATE_NETWORKS" in proc.stderr
    assert run("sources", "list", "--json", check=0).stdout.strip() == "[]"
    assert run("sources", "add", "ftp://example.org/feed", check=2).stderr


def test_add_crawl_show_search_delete(run, simulator):
    goods, cars = simulator.partner("goods"), simulator.partner("cars")
    goods_id = int(run("sources", "add", goods.feed_url, "--platform", goods.name, check=0).stdout)
    cars_id = int(run("sources", "add", cars.feed_url, "--platform", cars.name, "--kind", "feed",
                      "--interval", "30", check=0).stdout)

    crawl = run("crawl", "--all", check=0)
    lines = crawl.stdout.strip().splitlines()
    assert len(lines) == 2 and all(": ok (seen" in line for line in lines)

    shown = json.loads(run("sources", "show", str(goods_id), "--json", check=0).stdout)
    assert shown["last_run"]["outcome"] == "ok" and shown["resolved_kind"] == "feed"
    assert shown["last_run"]["invalid"] >= 1
    assert any(d["severity"] == "error" and d["message_ko"] for d in shown["diagnostics"])
    # An unchanged recrawl (304) reads no items: the diagnostics shown stay those of the last read.
    assert ": not_modified" in run("crawl", str(goods_id), check=0).stdout
    again = json.loads(run("sources", "show", str(goods_id), "--json", check=0).stdout)
    assert again["last_run"]["outcome"] == "not_modified"
    assert again["diagnostics"] == shown["diagnostics"] and again["diagnostics_run_id"] == shown["last_run"]["id"]
    listed = json.loads(run("sources", "list", "--json", check=0).stdout)
    assert {s["id"]: s["interval_minutes"] for s in listed}[cars_id] == 30

    result = json.loads(run("search", "드릴", "--json", check=0).stdout)
    assert result["total"] >= 1 and set(result) >= {"total", "hits", "facets"}
    everything = json.loads(run("search", "--json", "--limit", "100", check=0).stdout)
    districts = list(everything["facets"]["district"])[:2]
    args = [a for d in districts for a in ("--district", d)]
    either = json.loads(run("search", *args, "--json", "--limit", "100", check=0).stdout)
    assert either["total"] == sum(everything["facets"]["district"][d] for d in districts)
    assert {h["district"] for h in either["hits"]} == set(districts)
    free = json.loads(run("search", "--free", "--json", check=0).stdout)
    assert free["total"] > 0 and all(h["price"]["is_free"] for h in free["hits"])

    assert "deleted source" in run("sources", "delete", str(cars_id), check=0).stdout
    after = json.loads(run("search", "--json", "--platform", cars.name, check=0).stdout)
    assert after["total"] == 0
    assert run("sources", "show", str(cars_id), check=2).stderr


def test_crawl_exits_1_when_a_source_cannot_be_fetched(run, simulator):
    good = simulator.partner("cars").feed_url
    source_ok = run("sources", "add", good, check=0).stdout.strip()
    source_bad = run("sources", "add", simulator.partner("goods").base_url + "/no-such-feed.xml", "--no-check",
                     check=0).stdout.strip()
    proc = run("crawl", source_ok, source_bad)
    assert proc.returncode == 1
    assert f"source {source_ok}: ok" in proc.stdout
    assert f"source {source_bad}: failed" in proc.stdout and "404" in proc.stdout
    assert run("crawl", check=2).stderr  # neither --all nor ids


def test_json_output_is_one_document_and_logs_go_to_stderr(run):
    proc = run("config", "--json", check=0)
    data = json.loads(proc.stdout)
    assert data["allow_private_networks"] == ["127.0.0.0/8"]
    assert run("config", check=0).stdout.count("SHAREHUB_") >= 10


# -- sources add / preview: the URL is fetched (previewed) before anything is stored -----------
# In-process with click's CliRunner (each preview still spawns its own crawler process).

@pytest.fixture
def cli(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from search_ui.cli import main

    for key in [k for k in os.environ if k.startswith("SHAREHUB_")]:
        monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    base = {"SHAREHUB_DATA_DIR": str(tmp_path / "var"), "SHAREHUB_PER_HOST_DELAY": "0",
            "SHAREHUB_DOWNLOAD_TIMEOUT": "5", "SHAREHUB_LOG_LEVEL": "WARNING"}

    def _invoke(*args, allow_loopback=True, check=None):
        env = {**base, "SHAREHUB_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8" if allow_loopback else ""}
        result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
        if check is not None:
            assert result.exit_code == check, result.output
        return result
    return _invoke


def stored_sources(cli) -> list[dict]:
    return json.loads(cli("sources", "list", "--json", check=0).stdout)


def catalog_rows(tmp_path) -> dict[str, int]:
    from sqlalchemy import func, select

    from config import load_settings
    from indexer.catalog import Catalog
    from indexer.catalog.models import Base

    catalog = Catalog.from_settings(load_settings(environ={}, overrides={"data_dir": str(tmp_path / "var")}))
    try:
        with catalog.session() as s:
            return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}
    finally:
        catalog.dispose()


SPACES_PRESET = {"preset": "seoul_reservation", "service": "ListPublicReservationInstitution"}


@pytest.mark.parametrize("case", ["goods", "cars", "spaces", "events", "homes", "tools", "kids",
                                  "goods homepage", "cars homepage"])
def test_add_resolves_each_partner_kind_at_once(cli, simulator, case):
    key = case.split()[0]
    partner = simulator.partner(key)
    simulator.clear_requests(key)
    url = partner.homepage_url if "homepage" in case else partner.feed_url
    options = ["--config", json.dumps(partner.config)] if partner.kind == "html" else []
    added = cli("sources", "add", url, "--platform", partner.name, *options, check=0)
    source_id = int(added.stdout)
    kind = "feed" if "homepage" in case else partner.kind
    assert added.stderr.startswith(f"found {kind}"), added.stderr
    assert " items, " in added.stderr and " with problems" in added.stderr

    [source] = stored_sources(cli)
    assert source["id"] == source_id and source["kind"] == "auto" and source["platform"] == partner.name
    assert source["resolved_kind"] == kind
    assert source["resolved_url"] == (partner.feed_url if "homepage" in case else None)  # None: the URL itself
    assert source["config"] == {"spaces": SPACES_PRESET, "tools": partner.config}.get(key)
    assert "last_run" not in source or source["last_run"] is None  # previewed, not crawled
    assert [p for _, p, _ in simulator.requests(key) if p != "/robots.txt"]  # it was fetched at add time


def test_sources_added_resolved_crawl_as_resolved(cli, simulator, tmp_path):
    from config import load_settings
    from crawler.runner import crawl_in_subprocess

    spaces, goods = simulator.partner("spaces"), simulator.partner("goods")
    ids = [int(cli("sources", "add", url, check=0).stdout) for url in (spaces.feed_url, goods.homepage_url)]
    settings = load_settings(environ={}, overrides={"data_dir": str(tmp_path / "var"),
                                                    "allow_private_networks": "127.0.0.0/8", "per_host_delay": 0})
    results = crawl_in_subprocess(settings, ids)
    assert [r.outcome for r in results] == ["ok", "ok"], [r.error for r in results]
    assert results[0].counts["new"] == len([i for i in simulator.items("spaces") if not i.get("invalid")])
    assert results[1].counts["new"] == len([i for i in simulator.items("goods") if not i.get("invalid")])
    assert [(s["resolved_kind"], s["config"]) for s in stored_sources(cli)] == [("json_api", SPACES_PRESET),
                                                                                ("feed", None)]


def test_add_refuses_a_url_where_nothing_usable_is_found(cli, simulator, tmp_path):
    tools, goods = simulator.partner("tools"), simulator.partner("goods")
    refused = cli("sources", "add", tools.feed_url, check=1)  # a listing page, but no selectors given
    assert refused.stdout == ""
    assert refused.stderr.startswith(f"crawler: nothing usable found at {tools.feed_url}: the page links no feed")
    assert "robots.txt names no sitemap" in refused.stderr and "--kind html" in refused.stderr
    missing = goods.base_url + "/no-such-feed.xml"
    assert "answered 404" in cli("sources", "add", missing, check=1).stderr
    assert not (tmp_path / "var").exists()  # nothing stored, not even an empty catalog

    unchecked = int(cli("sources", "add", missing, "--no-check", check=0).stdout)
    [source] = stored_sources(cli)
    assert (source["id"], source["kind"], source["resolved_kind"]) == (unchecked, "auto", None)


def test_an_explicit_kind_is_previewed_and_kept(cli, simulator):
    tools, goods, kids, spaces = (simulator.partner(k) for k in ("tools", "goods", "kids", "spaces"))
    assert "needs --config" in cli("sources", "add", tools.feed_url, "--kind", "html", check=2).stderr
    typo = cli("sources", "add", tools.feed_url, "--kind", "html", "--config",
               json.dumps({**tools.config, "item": "li.tool-typo"}), check=1)
    assert "the item selector 'li.tool-typo' matched nothing" in typo.stderr
    assert "not a feed" in cli("sources", "add", goods.homepage_url, "--kind", "feed", check=1).stderr
    assert stored_sources(cli) == []

    cli("sources", "add", kids.feed_url, "--kind", "sitemap", check=0)
    cli("sources", "add", spaces.feed_url, "--kind", "json_api", "--config", json.dumps(spaces.config), check=0)
    assert [(s["kind"], s["resolved_kind"], s["config"]) for s in stored_sources(cli)] == [
        ("sitemap", None, None), ("json_api", None, spaces.config)]


def test_add_and_preview_refuse_private_addresses_before_fetching(cli, simulator):
    goods = simulator.partner("goods")
    simulator.clear_requests("goods")
    for command in ("add", "preview"):
        refused = cli("sources", command, goods.feed_url, allow_loopback=False, check=2)
        assert "not a public address" in refused.stderr and "SHAREHUB_ALLOW_PRIVATE_NETWORKS" in refused.stderr
    assert simulator.requests("goods") == []
    assert stored_sources(cli) == []


def test_preview_prints_items_with_diagnostics_and_stores_nothing(cli, simulator, tmp_path):
    goods, tools = simulator.partner("goods"), simulator.partner("tools")
    cli("sources", "add", goods.base_url + "/later.xml", "--no-check", check=0)  # a catalog with a source in it
    before = catalog_rows(tmp_path)
    files = sorted(p.name for p in (tmp_path / "var").iterdir())

    shown = cli("sources", "preview", goods.feed_url, check=0).stdout
    assert shown.startswith(f"feed (rss20) at {goods.feed_url}, 13 items, 1 with problems (1 cannot be listed)")
    assert "first 13 of 13 items:" in shown and "[tools; 11440 망원1동; 3,000 KRW/day]" in shown
    assert "error   missing_title" in shown
    assert "The item has no title, so it cannot be listed. / 항목에 제목이 없어 목록에 올릴 수 없습니다." \
        in shown

    data = json.loads(cli("sources", "preview", tools.feed_url, "--kind", "html", "--config",
                          json.dumps(tools.config), "--max-items", "5", "--json", check=0).stdout)
    assert data["ok"] and data["resolved_kind"] == "html" and len(data["items"]) == 5 and not data["complete"]
    assert all(item["listing"]["url"].startswith(tools.base_url) for item in data["items"] if item["listing"])
    # Each item carries its diagnostics (the first five tools are clean; the goods preview above
    # shows one with its messages).
    assert all(isinstance(item["diagnostics"], list) for item in data["items"])
    assert all(d["message_ko"] and d["message_en"] for item in data["items"] for d in item["diagnostics"])

    nothing = cli("sources", "preview", tools.feed_url, "--json", check=1)
    assert json.loads(nothing.stdout)["error"] == nothing.stderr.splitlines()[0]

    assert catalog_rows(tmp_path) == before and before["sources"] == 1
    assert sorted(p.name for p in (tmp_path / "var").iterdir()) == files


def test_category_overrides_are_checked_on_add_and_outrank_the_partners_own_categories(run, simulator):
    events = simulator.partner("events")
    bad = run("sources", "add", events.feed_url, "--no-check", "--config",
              '{"category_overrides": {"*": "classes"}}', check=2)
    assert "category_overrides" in bad.stderr and "classes" in bad.stderr
    source_id = run("sources", "add", events.feed_url, "--config",
                    '{"category_overrides": {"*": "talent"}}', check=0).stdout.strip()
    assert ": ok" in run("crawl", source_id, check=0).stdout
    hits = json.loads(run("search", "--json", "--limit", "100", "--platform", "127.0.0.1",
                          check=0).stdout)["hits"]
    assert hits and {h["category"] for h in hits} == {"talent"}


def test_pause_resume_crawl_now_and_set_interval_change_what_the_worker_does(run, simulator):
    cars = simulator.partner("cars")
    source_id = run("sources", "add", cars.feed_url, "--platform", cars.name, "--kind", "feed", check=0).stdout.strip()
    assert "source 1: ok" in run("worker", "--once", check=0).stdout    # new: due at once
    shown = json.loads(run("sources", "show", source_id, "--json", check=0).stdout)
    assert (shown["state"], shown["failures"], shown["schedule_reason"]) == ("healthy", 0, "adaptive")
    assert shown["next_run_at"] > shown["last_crawled_at"]
    assert run("worker", "--once", check=0).stdout == ""                 # not due yet
    run("sources", "crawl-now", source_id, check=0)
    assert "source 1: not_modified" in run("worker", "--once", check=0).stdout
    assert "paused" in run("sources", "pause", source_id, check=0).stdout
    assert json.loads(run("sources", "show", source_id, "--json", check=0).stdout)["state"] == "paused"
    assert "is paused" in run("sources", "crawl-now", source_id, check=2).stderr
    run("sources", "resume", source_id, check=0)
    assert "source 1: not_modified" in run("worker", "--once", check=0).stdout  # resumed: due at once
    assert "every 720 minutes" in run("sources", "set", source_id, "--interval", "720", check=0).stdout
    shown = json.loads(run("sources", "show", source_id, "--json", check=0).stdout)
    assert (shown["interval_minutes"], shown["current_interval_minutes"]) == (720, 720)
    assert "between 1 and 10080" in run("sources", "set", source_id, "--interval", "0", check=2).stderr
    assert "no source 99" in run("sources", "pause", "99", check=2).stderr
    listed = run("sources", "list", check=0).stdout
    assert "healthy" in listed
