"""Highlights: the query's words marked, everything else escaped, long text cut around the match."""

from __future__ import annotations

from indexer.search.highlight import SNIPPET_CHARS, highlights


def test_a_long_description_is_cut_around_its_first_match():
    doc = {"title": "Tents", "summary": None, "description_html": "<p>" + "filler " * 100 + "camping tent here</p>"}
    summary = highlights(doc, "tent")["summary"]
    assert summary.startswith("…") and "<mark>tent</mark> here" in summary
    assert len(summary.replace("<mark>", "").replace("</mark>", "")) <= SNIPPET_CHARS + 1


def test_a_summary_without_the_words_gives_way_to_a_description_that_has_them():
    doc = {"title": "x", "summary": "nothing here", "description_html": "<p>a <b>drill</b> to lend</p>"}
    assert highlights(doc, "drill")["summary"] == "a <mark>drill</mark> to lend"
    assert highlights({"title": "x", "summary": "nothing here"}, "drill")["summary"] == "nothing here"


def test_empty_and_hostile_input():
    assert highlights({}, "") == {"title": "", "summary": ""}
    marked = highlights({"title": "<script>alert(1)</script>", "summary": "\"'&"}, "script")
    assert marked["title"] == "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;"
    assert marked["summary"] == "&quot;&#x27;&amp;"
