"""Crawl-health alerts: every rule opens once per episode, ends, opens again in a new episode;
silences record without delivering; deliveries go to a real webhook and a real SMTP server on
127.0.0.1, and their failures are recorded, not raised. Catalog states are built from crawl runs
with chosen timestamps, and the clock is `now`, advanced by the test: nothing sleeps."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crawler import alerts
from indexer.catalog import Catalog, actions, store
from indexer.catalog.models import Alert
from tests.crawler.alert_receivers import MailReceiver, WebhookReceiver, free_port
from tests.postgres import postgres_database

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
RECIPIENTS = ["ops@seoul.example", "city@seoul.example"]
RULE_SETTINGS = {"failing": "alert_failing_minutes", "item_drop": "alert_drop_percent",
                 "stale": "alert_stale_factor"}


@pytest.fixture(params=["sqlite", "postgresql"])
def catalog(request, tmp_path):
    if request.param == "sqlite":
        c = Catalog(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
        c.upgrade()
        yield c
        c.dispose()
        return
    with postgres_database() as url:
        c = Catalog(url)
        c.upgrade()
        yield c
        c.dispose()


@pytest.fixture
def webhook():
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture
def mail():
    with MailReceiver() as receiver:
        yield receiver


@pytest.fixture
def alert_settings(settings, webhook, mail):
    """Every rule on with the documented defaults, both channels pointed at the receivers."""
    return settings.replace(alert_webhook_url=webhook.url, alert_email_to=", ".join(RECIPIENTS),
                            smtp_host="127.0.0.1", smtp_port=mail.port, mail_from="alerts@sharehub.example",
                            alert_failing_minutes=360, alert_drop_percent=50.0, alert_drop_runs=5,
                            alert_stale_factor=3.0, alert_recovered=True)


def only(settings, *rules):
    """The settings with every rule but these turned off (threshold 0)."""
    return settings.replace(**{key: 0 for rule, key in RULE_SETTINGS.items() if rule not in rules},
                            alert_recovered="recovered" in rules)


def add_source(catalog, *, created_at=T0, interval=60, platform="Goods", name_ko="물품",
               current_interval=None) -> int:
    with catalog.session(write=True) as session:
        owner = store.get_or_create_platform(session, platform, name_ko=name_ko)
        source = store.add_source(session, owner, f"https://{platform.lower()}.example/feed.xml", "feed", interval)
        source.created_at = created_at
        source.current_interval_minutes = current_interval
        return source.id


def crawl(catalog, source_id, at, outcome, *, seen=0, error=None, http_status=None) -> int:
    """One crawl run started at `at`, finished two minutes later, recorded as the pipeline does."""
    with catalog.session(write=True) as session:
        run = store.start_run(session, source_id, started_at=at)
        run.seen = seen
        if outcome == "failed" and error is None:
            error = f"http: https://goods.example/feed.xml answered {http_status or 500}"
        store.finish_run(session, run, outcome, error=error, http_status=http_status, now=at + 2 * MINUTE)
        return run.id


def fail(catalog, source_id, at) -> int:
    return crawl(catalog, source_id, at, "failed", http_status=500)


def rules_of(opened: list[Alert]) -> list[str]:
    return sorted(alert.rule for alert in opened)


def stored(catalog, alert_id) -> Alert:
    with catalog.session() as session:
        return session.get(Alert, alert_id)


def open_rules(catalog) -> list[tuple[int, str]]:
    with catalog.session() as session:
        return sorted((a.source_id, a.rule) for a in alerts.open_alerts(session))


# --- failing and recovered ---------------------------------------------------------------------


def test_failing_fires_once_while_the_streak_lasts(catalog, alert_settings, webhook, mail):
    settings = only(alert_settings, "failing")
    source = add_source(catalog)
    crawl(catalog, source, T0, "ok", seen=10)
    fail(catalog, source, T0 + HOUR)
    assert alerts.evaluate(catalog, settings, T0 + 6 * HOUR) == []  # failing for 5 hours: not yet

    opened = []
    for hour in range(7, 12):  # the worker evaluates after every failed crawl: five times
        fail(catalog, source, T0 + hour * HOUR)
        opened += alerts.evaluate(catalog, settings, T0 + hour * HOUR + 5 * MINUTE)

    assert rules_of(opened) == ["failing"]
    alert = opened[0]
    now = T0 + 7 * HOUR + 5 * MINUTE
    assert alert.opened_at == now and alert.closed_at is None and not alert.silenced
    assert alert.message == (f"Source {source} (Goods) has been failing for 6 hours: "
                             "http: https://goods.example/feed.xml answered 500")
    assert alerts.alert_message(alert, "ko") == (f"소스 {source}(물품)이(가) 6시간째 실패하고 있습니다: "
                                                 "http: https://goods.example/feed.xml answered 500")
    assert alert.delivery == {"webhook": "sent", "email": "sent"}
    assert stored(catalog, alert.id).delivery == {"webhook": "sent", "email": "sent"}

    assert len(webhook.calls) == 1
    assert webhook.calls[0].content_type.startswith("application/json")
    body = webhook.bodies[0]
    assert body["rule"] == "failing" and body["source_id"] == source and body["alert_id"] == alert.id
    assert body["platform"] == "Goods" and body["source_url"] == "https://goods.example/feed.xml"
    assert body["message_en"] == alert.message and body["message_ko"].startswith(f"소스 {source}(물품)")
    assert datetime.fromisoformat(body["opened_at"]) == now
    assert body["link"] == f"/admin/sources/{source}"
    assert body["details"]["since"] == (T0 + HOUR).isoformat() and body["details"]["failed_runs"] == 2

    assert len(mail.messages) == 1
    received = mail.messages[0]
    assert sorted(received.recipients) == sorted(RECIPIENTS)
    assert received.mail_from == "alerts@sharehub.example"
    assert received.message["Subject"] == f"[Sharing Hub] failing: Goods source {source}"
    text = received.message.get_content()
    assert alert.message in text and "6시간째 실패하고 있습니다" in text and f"/admin/sources/{source}" in text


def test_failing_counts_from_the_current_streak_only(catalog, alert_settings, webhook):
    settings = only(alert_settings, "failing")
    source = add_source(catalog)
    fail(catalog, source, T0)                      # an old failure …
    crawl(catalog, source, T0 + 5 * HOUR, "not_modified")  # … ended by a success
    fail(catalog, source, T0 + 6 * HOUR)
    assert alerts.evaluate(catalog, settings, T0 + 10 * HOUR) == []  # this streak is 4 hours old

    with catalog.session(write=True) as session:  # a crawl under way says nothing yet: the last finished failed
        store.start_run(session, source, started_at=T0 + 12 * HOUR + 5 * MINUTE)
    opened = alerts.evaluate(catalog, settings, T0 + 12 * HOUR + 10 * MINUTE)
    assert rules_of(opened) == ["failing"]
    assert opened[0].details["since"] == (T0 + 6 * HOUR).isoformat()
    assert len(webhook.bodies) == 1


def test_success_ends_failing_with_one_recovered_alert_then_a_new_episode_fires(catalog, alert_settings,
                                                                                 webhook, mail):
    settings = only(alert_settings, "failing", "recovered")
    source = add_source(catalog)
    for hour in range(0, 8):
        fail(catalog, source, T0 + hour * HOUR)
    [failing] = alerts.evaluate(catalog, settings, T0 + 8 * HOUR)

    crawl(catalog, source, T0 + 9 * HOUR, "partial", seen=3)  # partial is a success too
    opened = []
    for minutes in (5, 10, 15):
        opened += alerts.evaluate(catalog, settings, T0 + 9 * HOUR + minutes * MINUTE)
    assert rules_of(opened) == ["recovered"]
    recovered = opened[0]
    assert recovered.opened_at == recovered.closed_at == T0 + 9 * HOUR + 5 * MINUTE
    assert recovered.message == f"Source {source} (Goods) has recovered after failing for 9 hours"
    assert alerts.alert_message(recovered, "ko") == f"소스 {source}(물품)이(가) 9시간 동안 실패한 뒤 복구되었습니다"
    assert stored(catalog, failing.id).closed_at == T0 + 9 * HOUR + 5 * MINUTE
    assert open_rules(catalog) == []
    assert [b["rule"] for b in webhook.bodies] == ["failing", "recovered"]
    assert [m.message["Subject"] for m in mail.messages] == [f"[Sharing Hub] failing: Goods source {source}",
                                                             f"[Sharing Hub] recovered: Goods source {source}"]

    # A new streak is a new episode.
    for hour in range(10, 17):
        fail(catalog, source, T0 + hour * HOUR)
        alerts.evaluate(catalog, settings, T0 + hour * HOUR + 5 * MINUTE)
    assert [b["rule"] for b in webhook.bodies] == ["failing", "recovered", "failing"]
    assert webhook.bodies[2]["alert_id"] != failing.id
    assert webhook.bodies[2]["details"]["since"] == (T0 + 10 * HOUR).isoformat()
    assert open_rules(catalog) == [(source, "failing")]


def test_recovered_off_still_ends_the_failing_episode(catalog, alert_settings, webhook):
    settings = only(alert_settings, "failing")
    source = add_source(catalog)
    for hour in range(0, 8):
        fail(catalog, source, T0 + hour * HOUR)
    alerts.evaluate(catalog, settings, T0 + 8 * HOUR)
    crawl(catalog, source, T0 + 9 * HOUR, "ok", seen=3)
    assert alerts.evaluate(catalog, settings, T0 + 9 * HOUR + 5 * MINUTE) == []
    assert open_rules(catalog) == []
    assert [b["rule"] for b in webhook.bodies] == ["failing"]


# --- item_drop -----------------------------------------------------------------------------------


def test_item_drop_fires_once_per_episode(catalog, alert_settings, webhook, mail):
    settings = only(alert_settings, "item_drop")
    source = add_source(catalog)
    for hour in range(5):
        crawl(catalog, source, T0 + hour * HOUR, "ok", seen=100)
    assert alerts.evaluate(catalog, settings, T0 + 5 * HOUR) == []

    crawl(catalog, source, T0 + 5 * HOUR, "ok", seen=40)
    opened = []
    for minutes in range(5, 30, 5):
        opened += alerts.evaluate(catalog, settings, T0 + 5 * HOUR + minutes * MINUTE)
    assert rules_of(opened) == ["item_drop"]
    drop = opened[0]
    assert drop.message == (f"Source {source} (Goods) saw 40 items in its last complete crawl, 60% fewer than"
                            " the median of 100 over its previous 5 crawls")
    assert alerts.alert_message(drop, "ko") == (f"소스 {source}(물품)의 마지막 수집에서 항목이 40개로, 이전 5회 수집의"
                                                " 중앙값 100개보다 60% 적습니다")
    assert drop.details["threshold"] == 50

    # Unchanged and incomplete reads say nothing about the count; a further drop is the same episode.
    crawl(catalog, source, T0 + 6 * HOUR, "not_modified")
    crawl(catalog, source, T0 + 7 * HOUR, "partial", seen=5)
    crawl(catalog, source, T0 + 8 * HOUR, "ok", seen=30)
    assert alerts.evaluate(catalog, settings, T0 + 8 * HOUR + 5 * MINUTE) == []
    assert open_rules(catalog) == [(source, "item_drop")]

    # Back at the episode's threshold (50 of a median of 100): it ends, quietly.
    crawl(catalog, source, T0 + 9 * HOUR, "ok", seen=60)
    assert alerts.evaluate(catalog, settings, T0 + 9 * HOUR + 5 * MINUTE) == []
    assert open_rules(catalog) == []
    assert stored(catalog, drop.id).closed_at == T0 + 9 * HOUR + 5 * MINUTE

    # The median of 60, 30, 40, 100, 100 is 60: 20 is a new drop, a new episode.
    crawl(catalog, source, T0 + 10 * HOUR, "ok", seen=20)
    [again] = alerts.evaluate(catalog, settings, T0 + 10 * HOUR + 5 * MINUTE)
    assert again.id != drop.id and again.details["median"] == 60
    assert [b["rule"] for b in webhook.bodies] == ["item_drop", "item_drop"]
    assert len(mail.messages) == 2


def test_item_drop_needs_three_earlier_runs_and_fewer_than_the_threshold(catalog, alert_settings, webhook):
    settings = only(alert_settings, "item_drop")
    young = add_source(catalog)
    crawl(catalog, young, T0, "ok", seen=100)
    crawl(catalog, young, T0 + HOUR, "ok", seen=100)
    crawl(catalog, young, T0 + 2 * HOUR, "ok", seen=10)
    assert alerts.evaluate(catalog, settings, T0 + 3 * HOUR) == []  # two runs to compare with: too few
    crawl(catalog, young, T0 + 3 * HOUR, "ok", seen=10)  # median of 10, 100, 100 is 100
    assert rules_of(alerts.evaluate(catalog, settings, T0 + 4 * HOUR)) == ["item_drop"]

    edge = add_source(catalog, platform="Tools", name_ko="공구")
    for hour in range(5):
        crawl(catalog, edge, T0 + hour * HOUR, "ok", seen=100)
    crawl(catalog, edge, T0 + 5 * HOUR, "ok", seen=50)  # exactly 50 % fewer: not more than
    assert alerts.evaluate(catalog, settings, T0 + 6 * HOUR) == []
    crawl(catalog, edge, T0 + 6 * HOUR, "ok", seen=49)
    [drop] = alerts.evaluate(catalog, settings, T0 + 7 * HOUR)
    assert drop.source_id == edge and drop.details["seen"] == 49
    assert len(webhook.bodies) == 2


# --- stale ---------------------------------------------------------------------------------------


def test_stale_fires_once_per_episode(catalog, alert_settings, webhook, mail):
    settings = only(alert_settings, "stale")
    source = add_source(catalog, interval=60)
    crawl(catalog, source, T0, "ok", seen=10)  # finished, so last succeeded, at T0 + 2 min
    last_success = T0 + 2 * MINUTE
    assert alerts.evaluate(catalog, settings, last_success + 3 * HOUR) == []  # not longer than 3 × 60 min

    opened = []
    for minutes in range(1, 6):
        opened += alerts.evaluate(catalog, settings, last_success + 3 * HOUR + minutes * MINUTE)
    assert rules_of(opened) == ["stale"]
    assert opened[0].message == (f"Source {source} (Goods) has had no successful crawl for 3 hours"
                                 " (more than 3 × its 60-minute interval)")
    assert alerts.alert_message(opened[0], "ko") == (f"소스 {source}(물품)이(가) 3시간째 성공한 수집이 없습니다"
                                                     "(수집 간격 60분의 3배 초과)")
    fail(catalog, source, T0 + 4 * HOUR)  # a failure is no success: still the same episode
    assert alerts.evaluate(catalog, settings, T0 + 4 * HOUR + 5 * MINUTE) == []

    crawl(catalog, source, T0 + 5 * HOUR, "not_modified")
    assert alerts.evaluate(catalog, settings, T0 + 5 * HOUR + 5 * MINUTE) == []
    assert open_rules(catalog) == []

    [again] = alerts.evaluate(catalog, settings, T0 + 8 * HOUR + 3 * MINUTE)
    assert again.id != opened[0].id
    assert [b["rule"] for b in webhook.bodies] == ["stale", "stale"]
    assert len(mail.messages) == 2


def test_stale_counts_from_creation_and_uses_the_adapted_interval(catalog, alert_settings, webhook):
    settings = only(alert_settings, "stale")
    source = add_source(catalog, interval=60, current_interval=240)
    assert alerts.evaluate(catalog, settings, T0 + 4 * HOUR) == []  # 3 × 60 min has passed, 3 × 240 not
    assert alerts.evaluate(catalog, settings, T0 + 12 * HOUR) == []
    [stale] = alerts.evaluate(catalog, settings, T0 + 12 * HOUR + MINUTE)
    assert stale.message == (f"Source {source} (Goods) has not crawled successfully once in the 12 hours since"
                             " it was added (more than 3 × its 240-minute interval)")
    assert stale.details["never_succeeded"] is True
    assert len(webhook.bodies) == 1


# --- every rule ----------------------------------------------------------------------------------


def all_rules_hold(catalog) -> tuple[int, datetime]:
    """A source for which failing, item_drop and stale all hold at the returned time."""
    source = add_source(catalog)
    for hour in range(5):
        crawl(catalog, source, T0 + hour * HOUR, "ok", seen=100)
    crawl(catalog, source, T0 + 5 * HOUR, "ok", seen=10)
    for hour in range(6, 14):
        fail(catalog, source, T0 + hour * HOUR)
    return source, T0 + 14 * HOUR


def test_every_rule_fires_for_one_source(catalog, alert_settings, webhook, mail):
    source, now = all_rules_hold(catalog)
    assert rules_of(alerts.evaluate(catalog, alert_settings, now)) == ["failing", "item_drop", "stale"]
    assert alerts.evaluate(catalog, alert_settings, now + HOUR) == []
    assert sorted(b["rule"] for b in webhook.bodies) == ["failing", "item_drop", "stale"]
    assert len(mail.messages) == 3


@pytest.mark.parametrize("rule, key", [("failing", "alert_failing_minutes"), ("item_drop", "alert_drop_percent"),
                                       ("item_drop", "alert_drop_runs"), ("stale", "alert_stale_factor")])
def test_a_threshold_of_zero_turns_its_rule_off(catalog, alert_settings, webhook, rule, key):
    source, now = all_rules_hold(catalog)
    opened = alerts.evaluate(catalog, alert_settings.replace(**{key: 0}), now)
    assert rules_of(opened) == sorted({"failing", "item_drop", "stale"} - {rule})
    assert rule not in [b["rule"] for b in webhook.bodies]


def test_all_thresholds_zero_alert_nothing(catalog, alert_settings, webhook, mail):
    source, now = all_rules_hold(catalog)
    assert alerts.evaluate(catalog, only(alert_settings), now) == []
    assert open_rules(catalog) == [] and webhook.bodies == [] and mail.messages == []


def test_paused_sources_never_alert(catalog, alert_settings, webhook, mail):
    source, now = all_rules_hold(catalog)
    with catalog.session(write=True) as session:
        actions.pause_source(session, source, "admin", now=now - HOUR)
    assert alerts.evaluate(catalog, alert_settings, now) == []
    assert alerts.evaluate(catalog, alert_settings, now + 48 * HOUR) == []
    assert webhook.bodies == [] and mail.messages == []

    with catalog.session(write=True) as session:
        actions.resume_source(session, source, "admin", now=now + 49 * HOUR)
    assert rules_of(alerts.evaluate(catalog, alert_settings, now + 49 * HOUR)) == ["failing", "item_drop", "stale"]


def test_only_the_sources_asked_for_are_evaluated(catalog, alert_settings, webhook):
    settings = only(alert_settings, "failing")
    first, second = add_source(catalog), add_source(catalog, platform="Tools")
    for source in (first, second):
        for hour in range(8):
            fail(catalog, source, T0 + hour * HOUR)
    assert [a.source_id for a in alerts.evaluate(catalog, settings, T0 + 8 * HOUR, source_ids=[second])] == [second]
    assert alerts.evaluate(catalog, settings, T0 + 8 * HOUR, source_ids=[]) == []
    assert [a.source_id for a in alerts.evaluate(catalog, settings, T0 + 9 * HOUR)] == [first]
    assert [b["source_id"] for b in webhook.bodies] == [second, first]


# --- silences ------------------------------------------------------------------------------------


def failing_source(catalog) -> tuple[int, datetime]:
    source = add_source(catalog)
    for hour in range(8):
        fail(catalog, source, T0 + hour * HOUR)
    return source, T0 + 8 * HOUR


@pytest.mark.parametrize("scope", ["source_and_rule", "source", "rule", "everything"])
def test_a_silence_records_without_delivering_for_the_whole_episode(catalog, alert_settings, webhook, mail, scope):
    settings = only(alert_settings, "failing")
    source, now = failing_source(catalog)
    with catalog.session(write=True) as session:
        silence = actions.add_silence(session, "admin", now - HOUR, now + 2 * HOUR, reason="partner maintenance",
                                      source_id=source if scope in ("source_and_rule", "source") else None,
                                      rule="failing" if scope in ("source_and_rule", "rule") else None)
        silence_id = silence.id

    [alert] = alerts.evaluate(catalog, settings, now)
    assert alert.silenced and alert.delivery is None and alert.details["silence_id"] == silence_id
    assert stored(catalog, alert.id).silenced
    assert open_rules(catalog) == [(source, "failing")]

    # The silence is over; the source still fails: the same episode, so still nothing is delivered.
    fail(catalog, source, now + 3 * HOUR)
    assert alerts.evaluate(catalog, settings, now + 3 * HOUR + 5 * MINUTE) == []
    assert webhook.bodies == [] and mail.messages == []


def test_a_silence_covers_only_its_source_rule_and_window(catalog, alert_settings, webhook):
    settings = only(alert_settings, "failing")
    source, now = failing_source(catalog)
    other = add_source(catalog, platform="Tools")
    with catalog.session(write=True) as session:
        actions.add_silence(session, "admin", now - HOUR, now + HOUR, source_id=other)
        actions.add_silence(session, "admin", now - HOUR, now + HOUR, rule="stale")
        actions.add_silence(session, "admin", now - 3 * HOUR, now, source_id=source)  # over just now
        actions.add_silence(session, "admin", now + MINUTE, now + HOUR, source_id=source)  # not begun
    [alert] = alerts.evaluate(catalog, settings, now)
    assert not alert.silenced and alert.delivery["webhook"] == "sent"
    assert [b["rule"] for b in webhook.bodies] == ["failing"]


# --- delivery failures ---------------------------------------------------------------------------


def test_a_webhook_answering_500_is_recorded_and_the_mail_still_goes(catalog, alert_settings, webhook, mail):
    webhook.status = 500
    settings = only(alert_settings, "failing")
    source, now = failing_source(catalog)
    [alert] = alerts.evaluate(catalog, settings, now)
    assert alert.delivery == {"webhook": "error: HTTP 500 Internal Server Error", "email": "sent"}
    assert stored(catalog, alert.id).delivery == alert.delivery
    assert len(webhook.calls) == 1 and len(mail.messages) == 1
    assert alerts.evaluate(catalog, settings, now + HOUR) == []  # recorded once; not retried every run
    assert len(webhook.calls) == 1


def test_unreachable_channels_are_recorded_and_evaluation_returns(catalog, alert_settings, webhook):
    settings = only(alert_settings, "failing").replace(smtp_port=free_port())
    source, now = failing_source(catalog)
    [alert] = alerts.evaluate(catalog, settings, now)
    assert alert.delivery["webhook"] == "sent"
    assert alert.delivery["email"].startswith("error: ConnectionRefusedError")
    assert stored(catalog, alert.id).delivery == alert.delivery

    dead_hook = settings.replace(alert_webhook_url=f"http://127.0.0.1:{free_port()}/hook", alert_email_to="")
    fail(catalog, source, now)
    crawl(catalog, source, now + HOUR, "ok", seen=1)
    for hour in range(2, 10):
        fail(catalog, source, now + hour * HOUR)
    [again] = alerts.evaluate(catalog, dead_hook, now + 10 * HOUR)
    assert list(again.delivery) == ["webhook"] and again.delivery["webhook"].startswith("error: ")
    assert "refused" in again.delivery["webhook"].lower()


def test_no_channel_configured_records_an_empty_delivery(catalog, settings):
    source, now = failing_source(catalog)
    [alert] = alerts.evaluate(catalog, only(settings, "failing"), now)
    assert alert.delivery == {} and not alert.silenced


# --- reading alerts for the admin pages ----------------------------------------------------------


def test_open_and_recent_alerts_newest_first(catalog, alert_settings):
    settings = only(alert_settings, "failing", "recovered", "stale")
    source, now = failing_source(catalog)
    stale_source = add_source(catalog, platform="Tools", created_at=now - HOUR)
    alerts.evaluate(catalog, settings, now)                        # failing and stale of the first source
    crawl(catalog, source, now, "ok", seen=5)
    alerts.evaluate(catalog, settings, now + HOUR)                 # it recovers: failing and stale end
    alerts.evaluate(catalog, settings, now + 3 * HOUR)             # the second goes stale

    with catalog.session() as session:
        assert [(a.source_id, a.rule) for a in alerts.open_alerts(session)] == [(stale_source, "stale")]
        recent = alerts.recent_alerts(session)
        assert [(a.source_id, a.rule) for a in recent] == [
            (stale_source, "stale"), (source, "recovered"), (source, "stale"), (source, "failing")]
        assert [a.closed_at is None for a in recent] == [True, False, False, False]
        assert len(alerts.recent_alerts(session, limit=2)) == 2
