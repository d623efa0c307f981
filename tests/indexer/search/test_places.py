"""Place words: district and dong names, Korean or romanized, and the alias table."""

from __future__ import annotations

import pytest

from indexer.search.places import extract_places


@pytest.mark.parametrize("text, rest, districts", [
    ("마포 공구", "공구", ("11440",)),
    ("마포구 공구", "공구", ("11440",)),
    ("Mapo-gu drill", "drill", ("11440",)),
    ("tools in Itaewon", "tools in", ("11170",)),
    ("망원동 드릴", "드릴", ("11440",)),
    ("망원1동 드릴", "드릴", ("11440",)),
    ("Gangnam Station meeting room", "meeting room", ("11650", "11680")),
    ("홍대 회의실", "회의실", ("11440",)),
    ("Kangnam-gu car", "car", ("11680",)),   # another romanization
])
def test_place_words_become_districts_and_leave_the_text(text, rest, districts):
    remaining, places = extract_places(text)
    assert remaining == rest
    assert [p.districts for p in places] == [districts]


@pytest.mark.parametrize("text", ["공구", "drill", "jung", "중", "", "   ", "<script>", "x" * 10_000])
def test_other_words_are_not_places(text):
    remaining, places = extract_places(text)
    assert places == [] and remaining == text
