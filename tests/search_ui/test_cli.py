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
    source_bad = run("sources", "add", simulator.partner("goods").base_url + "/no-such-feed.xml", check=0).stdout.strip()
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
