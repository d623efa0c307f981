"""The diagnostic codes: one table (docs/diagnostics.md) generated from MESSAGES and HELP."""

import re
import string
from pathlib import Path

import pytest

from crawler.normalize.diagnostics import (
    HELP, MESSAGES, diagnostic, diagnostics_document, diagnostics_table_markdown, help_text, is_listable)
from indexer.listing import SEVERITIES

DOCS = Path(__file__).resolve().parents[3] / "docs" / "diagnostics.md"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_docs_table_is_the_generated_one():
    text = DOCS.read_text(encoding="utf-8")
    assert text == diagnostics_document(), \
        "docs/diagnostics.md is stale: run `python -m crawler.normalize.diagnostics > docs/diagnostics.md`"
    assert all(f"| `{code}` |" in text for code in MESSAGES)


def test_every_code_has_help_and_no_help_is_orphaned():
    assert sorted(set(MESSAGES) - set(HELP)) == [], "add a HELP entry (English, Korean) for these codes"
    assert sorted(set(HELP) - set(MESSAGES)) == [], "HELP has entries for codes MESSAGES does not define"


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_a_code_is_stable_and_complete(code):
    severity, field, en, ko = MESSAGES[code]
    assert re.fullmatch(r"[a-z][a-z0-9_]*", code)
    assert severity in SEVERITIES
    assert field is None or re.fullmatch(r"[a-z_]+", field)
    assert en.strip() and ko.strip() and re.search(r"[\uac00-\ud7a3]", ko)
    assert _placeholders(en) == _placeholders(ko) <= {"value"}, "English and Korean take the same {value}"
    fix_en, fix_ko = HELP[code]
    assert fix_en.strip() and re.search(r"[\uac00-\ud7a3]", fix_ko)
    assert _placeholders(fix_en) == _placeholders(fix_ko) == set(), "help is the same for every item"
    made = diagnostic(code, "X")
    assert (made.code, made.severity, made.field) == (code, severity, field)
    assert "{" not in made.message_en and "{" not in made.message_ko


def test_help_text_by_language():
    assert help_text("price_unknown", "ko").startswith("가격을")
    assert help_text("price_unknown", "ko-KR") == help_text("price_unknown", "ko")
    assert help_text("price_unknown").startswith("Put the price")
    assert help_text("price_unknown", "en") == help_text("price_unknown", "fr")


def test_errors_keep_an_item_out_of_search_and_warnings_keep_it_in():
    assert is_listable([])
    assert is_listable([diagnostic("price_unknown"), diagnostic("location_unknown"), diagnostic("category_unknown")])
    assert not is_listable([diagnostic("category_unknown"), diagnostic("missing_title")])
    assert not is_listable([diagnostic("invalid_link", "urn:x")])
    # What the issue names: no URL and no title are errors; no price, place or category are warnings.
    assert {c for c, m in MESSAGES.items() if m[0] == "error"} >= {"missing_title", "invalid_link"}
    assert all(MESSAGES[c][0] == "warning" for c in ("price_unknown", "location_unknown", "category_unknown"))


def test_the_table_escapes_what_markdown_would_misread():
    table = diagnostics_table_markdown()
    lines = table.splitlines()
    assert lines[0] == "| code | severity | field | English | Korean | how to fix |"
    assert len(lines) == len(MESSAGES) + 2
    # Every row has exactly six cells: a "|" inside a message would add one.
    assert all(len(re.findall(r"(?<!\\)\|", line)) == 7 for line in lines)
    # Errors first, then warnings, each by code.
    codes = [re.match(r"\| `([a-z0-9_]+)`", line).group(1) for line in lines[2:]]
    assert codes == sorted(MESSAGES, key=lambda c: (MESSAGES[c][0], c))
