import pytest

from crawler.normalize.category import categorize, category_from_labels, category_from_text


@pytest.mark.parametrize("labels, key", [
    (["공구"], "tools"), (["유아용품"], "kids"), (["의류"], "clothes"), (["카셰어링"], "car"), (["나눔카"], "car"),
    (["회의실"], "space"), (["대관"], "space"), (["Place"], "space"), (["생활용품 > 캠핑용품"], "goods"),
    (["Tools"], "tools"), (["unknown", "따릉이"], "bike"), (["nothing", "known"], None),
])
def test_partner_labels(labels, key):
    assert category_from_labels(labels) == key


@pytest.mark.parametrize("title, key", [
    ("전동드릴 대여 (충전식)", "tools"), ("Camping tents for 4", "goods"), ("유모차 나눔", "kids"),
    ("쏘나타 하이브리드 카셰어링", "car"), ("Baby strollers", "kids"), ("Something else", None),
])
def test_words_in_the_title(title, key):
    assert category_from_text(title) == key


def test_labels_win_over_words():
    assert categorize(["의류"], "전동드릴처럼 생긴 옷", None) == "clothes"
    assert categorize([], "전동드릴", None) == "tools"
