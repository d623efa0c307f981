"""Search-as-you-type suggestions and "did you mean" (search_ui.suggest), on a real SQLite catalog."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, select, text

from indexer.catalog import Catalog, store
from indexer.catalog.models import ListingRow
from indexer.listing import Listing
from search_ui.suggest import Entry, Suggester, SuggesterCache, reference_entries, title_entries
from tests.search_ui.conftest import sample_listings

GONE_URL = "https://closed.example/items/typewriter"


def _reports(listings: list[Listing]) -> list[store.ItemReport]:
    return [store.ItemReport(l.item_key, l.title, l) for l in listings]


def _extra_listings(source_id: int) -> list[Listing]:
    """Titles beyond the shared three: repeats for weights, an exact word, a second spelling."""
    titles = {"cordless-1": "Cordless drill", "cordless-2": "Cordless drill", "press": "Drill press",
              "lantern-1": "Camping lantern", "lantern-2": "Camping lantern", "mat": "Camping mat",
              "hammer": "Hammer", "stroller-2": "baby  Stroller"}
    return [Listing(source_id, key, f"https://goods.example/items/{key}", title, category="goods")
            for key, title in titles.items()]


@pytest.fixture
def catalog(settings):
    """The shared three listings and a few more on one platform; a second platform whose only
    listing went away (its page answered 404)."""
    catalog = Catalog.from_settings(settings)
    with catalog.session(write=True) as session:
        platform = store.get_or_create_platform(session, "Neighbourhood Goods", name_ko="동네물품")
        source = store.add_source(session, platform, "https://goods.example/feed", "feed", 60)
        run = store.start_run(session, source.id)
        store.apply_items(session, run, _reports(sample_listings(source.id) + _extra_listings(source.id)))
        store.finish_run(session, run, "ok")

        closed = store.get_or_create_platform(session, "Closed Library", name_ko="폐관도서관")
        old_source = store.add_source(session, closed, "https://closed.example/feed", "feed", 60)
        typewriter = Listing(old_source.id, "typewriter", GONE_URL, "Vintage typewriter", category="goods")
        run = store.start_run(session, old_source.id)
        store.apply_items(session, run, _reports([typewriter]))
        store.finish_run(session, run, "ok")
        run = store.start_run(session, old_source.id)
        store.apply_items(session, run, [], dead_urls=[GONE_URL])
        store.finish_run(session, run, "ok")
    yield catalog
    catalog.dispose()


@pytest.fixture
def suggester(catalog) -> Suggester:
    return Suggester.from_catalog(catalog)


def labels(found: list[dict]) -> list[str]:
    return [s["label"] for s in found]


def kinds_and_values(found: list[dict]) -> list[tuple[str, str]]:
    return [(s["kind"], s["value"]) for s in found]


# -- prefixes ----------------------------------------------------------------------------------

def test_a_word_start_inside_a_title_matches(suggester):
    found = suggester.suggest("drill", "en")
    assert {"kind": "title", "value": "Cordless drill", "label": "Cordless drill"} in found
    assert "Drill press" in labels(found)
    assert "Cordless drill" in labels(suggester.suggest("DRI", "en"))


def test_a_label_starting_with_the_prefix_beats_a_later_word(suggester):
    found = labels(suggester.suggest("dri", "en"))
    assert found.index("Drill press") < found.index("Cordless drill")


def test_korean_prefix(suggester):
    found = suggester.suggest("전동", "ko")
    assert found[0] == {"kind": "title", "value": "전동드릴 대여", "label": "전동드릴 대여"}


def test_a_korean_syllable_still_being_typed(suggester):
    # 도 may become 동; 셑 is 세 with the ㅌ of 트 not yet moved on.
    assert "전동드릴 대여" in labels(suggester.suggest("전도", "ko"))
    assert labels(suggester.suggest("공구셑", "ko"))[0] == "공구세트 (가정용)"


def test_initial_consonants(suggester):
    found = kinds_and_values(suggester.suggest("ㄱㄱ", "ko"))
    assert ("category", "tools") in found
    assert ("title", "공구세트 (가정용)") in found
    assert found.index(("category", "tools")) < found.index(("title", "공구세트 (가정용)"))
    assert ("district", "11440") in kinds_and_values(suggester.suggest("ㅁㅍ", "ko"))
    assert ("title", "전동드릴 대여") in kinds_and_values(suggester.suggest("ㅈㄷㄷㄹ", "ko"))


def test_initial_consonants_of_a_later_word(suggester):
    # 가정용 is the second word of 공구세트 (가정용).
    assert "공구세트 (가정용)" in labels(suggester.suggest("ㄱㅈㅇ", "ko"))


def test_consonants_an_ime_joined_count_as_two(suggester):
    assert suggester.suggest("ㄳ", "ko") == suggester.suggest("ㄱㅅ", "ko") != []


def test_a_syllable_then_consonants(suggester):
    found = kinds_and_values(suggester.suggest("공ㄱ", "ko"))
    assert ("category", "tools") in found
    assert ("title", "공구세트 (가정용)") in found
    assert ("title", "공구세트 (가정용)") in kinds_and_values(suggester.suggest("공ㄱㅅ", "ko"))
    assert ("title", "공구세트 (가정용)") not in kinds_and_values(suggester.suggest("공ㄱㅈ", "ko"))


def test_district_by_its_english_name(suggester):
    assert suggester.suggest("mapo", "en")[0] == {"kind": "district", "value": "11440", "label": "Mapo-gu"}
    # The label follows the page's language, whichever language was typed.
    assert suggester.suggest("mapo", "ko")[0] == {"kind": "district", "value": "11440", "label": "마포구"}
    assert suggester.suggest("마포", "en")[0]["label"] == "Mapo-gu"
    # Another romanization matches, and "gu" alone does not list every gu.
    assert ("district", "11680") in kinds_and_values(suggester.suggest("kangnam", "en"))
    assert sum(s["kind"] == "district" for s in suggester.suggest("gu", "en", limit=50)) <= 2


def test_places(suggester):
    assert suggester.suggest("itae", "en")[0] == {"kind": "place", "value": "itaewon", "label": "Itaewon"}
    found = suggester.suggest("홍대", "ko")
    assert found[0] == {"kind": "place", "value": "홍대", "label": "홍대"}
    assert "홍대입구" in labels(found)


def test_platform_names(suggester):
    assert {"kind": "platform", "value": "Neighbourhood Goods", "label": "Neighbourhood Goods"} \
        in suggester.suggest("neigh", "en")
    assert {"kind": "platform", "value": "Neighbourhood Goods", "label": "동네물품"} in suggester.suggest("동네", "ko")


def test_category_labels_and_synonyms(suggester):
    assert suggester.suggest("공구", "ko")[0] == {"kind": "category", "value": "tools", "label": "공구"}
    assert suggester.suggest("tool", "en")[0] == {"kind": "category", "value": "tools", "label": "Tools"}
    # A synonym typed in full (전동공구 is one of tools') names the category.
    assert ("category", "tools") in kinds_and_values(suggester.suggest("전동공구", "ko"))


# -- ranking -----------------------------------------------------------------------------------

def test_a_category_comes_before_an_equally_good_title(suggester):
    found = kinds_and_values(suggester.suggest("공", "ko"))
    assert found.index(("category", "tools")) < found.index(("title", "공구세트 (가정용)"))


def test_an_exact_title_comes_before_a_synonym(suggester):
    # "hammer" is a synonym of tools, but the title says exactly what was typed.
    assert kinds_and_values(suggester.suggest("hammer", "en"))[:2] == [("title", "Hammer"), ("category", "tools")]


def test_more_listings_first_then_shorter(suggester):
    found = labels(suggester.suggest("camp", "en"))
    assert found.index("Camping lantern") < found.index("Camping mat")  # two listings against one


def test_shorter_label_first_among_equals():
    found = Suggester([Entry("title", "Drill bits", "Drill bits", "Drill bits", 1),
                       Entry("title", "Drill", "Drill", "Drill", 1)]).suggest("dr", "en")
    assert labels(found) == ["Drill", "Drill bits"]


def test_the_same_title_twice_is_one_suggestion(suggester):
    found = [s for s in suggester.suggest("baby", "en") if s["kind"] == "title"]
    assert len(found) == 1 and found[0]["label"].casefold() == "baby stroller"


def test_no_duplicate_labels_across_kinds():
    entries = title_entries([("공구", 3), ("Tools", 1)]) + reference_entries()
    found = Suggester(entries).suggest("공구", "ko")
    assert labels(found).count("공구") == 1 and found[0]["kind"] == "category"
    assert labels(Suggester(entries).suggest("tools", "en")).count("Tools") == 1


def test_limit(suggester):
    assert len(suggester.suggest("ㄱ", "ko", limit=3)) == 3
    assert len(suggester.suggest("ㄱ", "ko")) == 8
    assert suggester.suggest("ㄱ", "ko", limit=0) == []
    assert len(suggester.suggest("a", "en", limit=10_000)) <= 50


def test_limit_keeps_the_best(suggester):
    assert suggester.suggest("ㄱ", "ko", limit=3) == suggester.suggest("ㄱ", "ko", limit=20)[:3]


def test_gone_listings_and_their_platform_are_not_suggested(catalog, suggester):
    with catalog.session() as session:
        assert session.scalar(select(ListingRow.status).where(ListingRow.url == GONE_URL)) == "gone"
    assert suggester.suggest("vintage", "en") == []
    assert suggester.suggest("typewr", "en") == []
    assert "Closed Library" not in labels(suggester.suggest("closed", "en"))


def test_empty_input(suggester):
    for prefix in ("", " ", "\t\n", "\u3000"):
        assert suggester.suggest(prefix, "ko") == []


@pytest.mark.parametrize("prefix", ["x" * 100_000, "%", "%%", "_", "\x00", "\x00drill", "<script>",
                                    "'; DROP TABLE listings; --", "\ud800", "*", ".*", "\\", "ㄱ" * 500])
def test_hostile_input_neither_crashes_nor_matches_everything(suggester, prefix):
    found = suggester.suggest(prefix, "en")
    assert isinstance(found, list)
    if prefix != "\x00drill":
        assert found == []


def test_control_characters_are_ignored(suggester):
    assert suggester.suggest("\x00drill", "en") == suggester.suggest("drill", "en")


def test_a_long_prefix_is_still_checked_in_full():
    title = "Cordless drill with two batteries and a charger, lightly used"
    suggester = Suggester(title_entries([(title, 1)]))
    assert labels(suggester.suggest(title[:50], "en")) == [title]
    assert suggester.suggest(title[:40] + "X", "en") == []


# -- building ----------------------------------------------------------------------------------

def test_from_catalog_reads_in_a_few_queries(catalog):
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(catalog.engine, "before_cursor_execute", record)
    try:
        Suggester.from_catalog(catalog)
    finally:
        event.remove(catalog.engine, "before_cursor_execute", record)
    assert len(statements) <= 4


def test_limit_titles_keeps_the_most_listed(catalog):
    suggester = Suggester.from_catalog(catalog, limit_titles=2)
    titles = {e.label_en for e in suggester.entries if e.kind == "title"}
    assert titles == {"Cordless drill", "Camping lantern"}


# -- did you mean ------------------------------------------------------------------------------

def test_did_you_mean(suggester):
    assert suggester.did_you_mean("strolller") == "stroller"
    assert suggester.did_you_mean("stroller") is None
    assert suggester.did_you_mean("strollers") is None  # a plural of a known word is known
    assert suggester.did_you_mean("Baby Strolller") == "Baby Stroller"
    assert suggester.did_you_mean("cordles drl") == "cordless drl"  # drl has three letters: left alone
    assert suggester.did_you_mean("dril") == "drill"
    assert suggester.did_you_mean("drils") == "drill"


def test_did_you_mean_leaves_korean_and_known_words_alone(suggester):
    assert suggester.did_you_mean("전동드릴 대여") is None
    assert suggester.did_you_mean("전동드릴 strolller 마포") == "전동드릴 stroller 마포"
    assert suggester.did_you_mean("Mapo-gu itaewon free") is None
    assert suggester.did_you_mean("") is None


def test_did_you_mean_distance_depends_on_length(suggester):
    assert suggester.did_you_mean("hamer") == "hammer"       # five letters: one edit
    assert suggester.did_you_mean("hamr") is None              # two edits from hammer: too far
    assert suggester.did_you_mean("lantren") == "lantern"    # seven letters: two edits
    assert suggester.did_you_mean("xyzzyq") is None


def test_did_you_mean_prefers_the_commoner_word():
    suggester = Suggester(title_entries([("Baking tray", 5), ("Making kit", 1)]))
    assert suggester.did_you_mean("xaking") == "baking"


@pytest.mark.parametrize("text", ["a" * 100_000, "%", "\x00", "<script>", "strolller " * 1_000, "\ud800"])
def test_did_you_mean_hostile_input(suggester, text):
    fixed = suggester.did_you_mean(text)
    assert fixed is None or isinstance(fixed, str)
    if text in ("%", "\x00", "<script>", "\ud800"):
        assert fixed is None


# -- the cache ---------------------------------------------------------------------------------

class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _add_listing(catalog: Catalog, title: str) -> None:
    with catalog.session(write=True) as session:
        source = store.list_sources(session)[0]
        run = store.start_run(session, source.id)
        listing = Listing(source.id, "new-" + title, "https://goods.example/items/new", title)
        store.apply_items(session, run, _reports([listing]), complete=False)
        store.finish_run(session, run, "ok")


def test_cache_rebuilds_after_its_ttl(catalog):
    clock = Clock()
    cache = SuggesterCache(catalog, ttl_seconds=60, clock=clock)
    first = cache.get()
    _add_listing(catalog, "Sewing machine")
    clock.now += 30
    assert cache.get() is first
    assert "Sewing machine" not in labels(first.suggest("sewing", "en"))
    clock.now += 31
    second = cache.get()
    assert second is not first
    assert "Sewing machine" in labels(second.suggest("sewing", "en"))
    cache.invalidate()
    assert cache.get() is not second


def test_cache_builds_once_for_concurrent_callers(catalog):
    builds: list[str] = []

    def record(conn, cursor, statement, *args):
        if "GROUP BY listings.title" in statement:
            builds.append(statement)

    event.listen(catalog.engine, "before_cursor_execute", record)
    cache = SuggesterCache(catalog, ttl_seconds=60)
    barrier = threading.Barrier(8)
    got: list[Suggester] = []

    def call() -> None:
        barrier.wait()
        got.append(cache.get())

    threads = [threading.Thread(target=call) for _ in range(8)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        event.remove(catalog.engine, "before_cursor_execute", record)
    assert len(got) == 8 and len({id(s) for s in got}) == 1
    assert len(builds) == 1


def test_cache_keeps_the_old_suggester_when_a_rebuild_fails(catalog):
    clock = Clock()
    cache = SuggesterCache(catalog, ttl_seconds=60, retry_seconds=10, clock=clock)
    first = cache.get()
    with catalog.engine.begin() as conn:  # a broken catalog: the listings table is not there
        conn.execute(text("ALTER TABLE listings RENAME TO listings_away"))
    try:
        clock.now += 61
        assert cache.get() is first
        clock.now += 5
        assert cache.get() is first  # not retried at once
    finally:
        with catalog.engine.begin() as conn:
            conn.execute(text("ALTER TABLE listings_away RENAME TO listings"))
    clock.now += 6
    assert cache.get() is not first


def test_cache_without_a_suggester_raises_when_the_build_fails(catalog):
    with catalog.engine.begin() as conn:
        conn.execute(text("ALTER TABLE listings RENAME TO listings_away"))
    try:
        with pytest.raises(Exception):
            SuggesterCache(catalog).get()
    finally:
        with catalog.engine.begin() as conn:
            conn.execute(text("ALTER TABLE listings_away RENAME TO listings"))
