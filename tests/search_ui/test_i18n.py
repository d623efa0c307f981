"""The Korean catalog: complete, compiled, and the helpers that format per locale."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from search_ui.i18n import TRANSLATIONS, ago, won

ROOT = Path(__file__).resolve().parents[2]
PO = TRANSLATIONS / "ko" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "ko" / "LC_MESSAGES" / "messages.mo"


def test_every_message_of_the_pages_has_a_korean_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
                    "-k", "_", "-k", "gettext", "-k", "ngettext", "--no-location", "-o", str(pot), str(ROOT)],
                   check=True, capture_output=True, cwd=ROOT)
    wanted = {m.id for m in read_po(pot.open("rb")) if m.id}
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id for m in catalog if m.id and m.string and "fuzzy" not in m.flags}
    assert not wanted - translated, f"untranslated (run `make translations`): {sorted(wanted - translated)}"


def test_compiled_catalog_matches_the_po_file():
    with PO.open("rb") as fh:
        po = {m.id: m.string for m in read_po(fh) if m.id}
    with MO.open("rb") as fh:
        mo = {m.id: m.string for m in read_mo(fh) if m.id}
    assert mo == po, "messages.mo is out of date: run `make translations`"


def test_won_and_ago_per_locale():
    assert won(3000, "ko") == "3,000원" and won(3000, "en") == "₩3,000"
    now = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)
    two_hours = now - timedelta(hours=2)
    assert ago(two_hours, "en", now=now) == "2 hours ago"
    assert ago(two_hours, "ko", now=now) == "2시간 전"
    assert ago(two_hours.isoformat(), "en", now=now) == "2 hours ago"
    assert ago("not a date", "en", now=now) == ""
