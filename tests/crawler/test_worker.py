"""The worker over the partner simulator, with a clock the tests move (no sleeping through intervals).

Crawls are real (Scrapy over loopback HTTP, in crawl processes); only the worker's idea of "now"
is the test's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.worker import Worker, build_scheduler, jobs_table
from indexer.catalog import Catalog, actions, store
from indexer.catalog.models import CrawlRun, ItemDiagnostic, Source

SHAREHUB = Path(sys.executable).with_name("sharehub")


class Clock:
    def __init__(self):
        self.now = datetime.now(timezone.utc).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)

    def to(self, when: datetime) -> None:
        self.now = max(self.now, when)


@pytest.fixture
def worker_settings(settings):
    return settings.replace(schedule_jitter=0, worker_concurrent_crawls=2, worker_name="test-worker",
                            alert_webhook_url="", alert_email_to="")


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def worker(worker_settings, clock):
    w = Worker(worker_settings, clock=clock)
    yield w
    w.close()


def add(catalog, key, url, interval=60, kind="feed") -> int:
    with catalog.session() as s:
        return store.add_source(s, store.get_or_create_platform(s, key), url, kind, interval).id


def source(catalog, source_id) -> Source:
    with catalog.session() as s:
        return s.get(Source, source_id)


def runs(catalog, source_id) -> list[CrawlRun]:
    with catalog.session() as s:
        return list(s.scalars(select(CrawlRun).where(CrawlRun.source_id == source_id).order_by(CrawlRun.id)))


def minutes_until(clock, when) -> float:
    return round((when - clock.now) / timedelta(minutes=1), 3)


def test_a_new_source_is_crawled_at_once_then_when_due_and_the_interval_follows_its_changes(
        simulator, reset_partners, catalog, worker, clock):
    cars = add(catalog, "cars", simulator.partner("cars").feed_url)
    first = worker.run_due()
    assert [(d.source_id, d.outcome) for d in first] == [(cars, "ok")]
    s = source(catalog, cars)
    assert (s.state, s.failures, s.current_interval_minutes, s.schedule_reason) == ("healthy", 0, 30, "adaptive")
    assert minutes_until(clock, s.next_run_at) == 30    # new items: checked sooner
    assert s.lease_owner is None and s.lease_until is None
    assert worker.run_due() == []                       # not due again at the same time
    clock.advance(minutes=29)
    assert worker.run_due() == []
    clock.advance(minutes=1)
    assert [d.outcome for d in worker.run_due()] == ["not_modified"]
    s = source(catalog, cars)
    assert (s.current_interval_minutes, minutes_until(clock, s.next_run_at)) == (45, 45)  # idle: later
    clock.to(s.next_run_at)
    assert [d.outcome for d in worker.run_due()] == ["not_modified"]
    assert source(catalog, cars).current_interval_minutes == 68
    simulator.update_item("cars", simulator.item_ids("cars", valid=True)[0], title="새 제목 New title")
    clock.to(source(catalog, cars).next_run_at)
    done = worker.run_due()
    assert [d.outcome for d in done] == ["ok"] and runs(catalog, cars)[-1].updated == 1
    assert source(catalog, cars).current_interval_minutes == 34  # changed again: halved
    assert [r.outcome for r in runs(catalog, cars)] == ["ok", "not_modified", "not_modified", "ok"]


def test_failures_back_off_read_degraded_then_failing_and_recover_by_themselves(
        simulator, reset_partners, catalog, worker_settings, clock):
    worker = Worker(worker_settings.replace(backoff_cap_minutes=300), clock=clock)
    try:
        cars = add(catalog, "cars", simulator.partner("cars").feed_url)
        worker.run_due()
        interval = source(catalog, cars).current_interval_minutes  # 30 after the first crawl
        simulator.set_fault("cars", "status", 500)
        waits, states = [], []
        for _ in range(5):
            clock.to(source(catalog, cars).next_run_at)
            since = clock.now
            assert [d.outcome for d in worker.run_due()] == ["failed"]
            s = source(catalog, cars)
            waits.append(minutes_until(clock, s.next_run_at))
            states.append((s.state, s.failures, s.schedule_reason))
        assert waits == [interval, 2 * interval, 4 * interval, 8 * interval, 300]  # doubling, capped
        assert states[0] == ("degraded", 1, "backoff") and states[1][0] == "degraded"
        assert [st for st, _, _ in states[2:]] == ["failing"] * 3
        failing = source(catalog, cars)
        assert failing.state_since < since                  # failing since the third failure, not reset
        last = runs(catalog, cars)[-1]
        assert last.http_status == 500 and "500" in last.error and last.error_url == simulator.partner("cars").feed_url
        simulator.clear_faults("cars")
        clock.to(failing.next_run_at)
        assert [d.outcome for d in worker.run_due()] == ["not_modified"]
        s = source(catalog, cars)
        assert (s.state, s.failures, s.state_since) == ("recovered", 0, clock.now)
        assert minutes_until(clock, s.next_run_at) == round(interval * 1.5)  # the interval it had, adapted
        clock.to(s.next_run_at)
        worker.run_due()
        assert source(catalog, cars).state == "healthy"
    finally:
        worker.close()


def test_a_429_with_retry_after_is_waited_out_as_the_partner_asked(
        simulator, reset_partners, catalog, worker, clock):
    events = add(catalog, "events", simulator.partner("events").feed_url)
    simulator.set_fault("events", "retry_after", 1800)   # beyond retry_after_max: not waited in the crawl
    assert [d.outcome for d in worker.run_due()] == ["failed"]
    s = source(catalog, events)
    assert (s.schedule_reason, minutes_until(clock, s.next_run_at), s.state) == ("retry_after", 30, "degraded")
    run = runs(catalog, events)[-1]
    assert run.http_status == 429 and run.retry_after == 1800


def test_cache_control_max_age_longer_than_the_interval_is_honoured(
        simulator, reset_partners, catalog, worker, clock):
    cars = add(catalog, "cars", simulator.partner("cars").feed_url)
    simulator.set_fault("cars", "headers", {"Cache-Control": "public, max-age=14400"})
    worker.run_due()
    s = source(catalog, cars)
    assert (s.schedule_reason, minutes_until(clock, s.next_run_at)) == ("hint", 240)
    assert runs(catalog, cars)[-1].fresh_for == 14400


def test_pause_resume_crawl_now_and_interval_take_effect_at_the_next_tick_and_are_audited(
        simulator, reset_partners, catalog, worker, clock):
    cars = add(catalog, "cars", simulator.partner("cars").feed_url)
    events = add(catalog, "events", simulator.partner("events").feed_url)
    worker.run_due()
    with catalog.session(write=True) as s:
        actions.pause_source(s, cars, "admin", now=clock.now)
    clock.advance(days=2)
    assert [d.source_id for d in worker.run_due()] == [events]   # the paused one is skipped
    assert source(catalog, cars).state == "paused"
    with catalog.session(write=True) as s:
        actions.resume_source(s, cars, "admin", now=clock.now)
    assert [d.source_id for d in worker.run_due()] == [cars]     # due at once after resuming
    assert source(catalog, cars).state == "healthy"
    # crawl now: due although its next run is far ahead
    assert source(catalog, events).next_run_at > clock.now
    with catalog.session(write=True) as s:
        actions.request_crawl(s, events, "cli:test", now=clock.now)
    assert [d.source_id for d in worker.run_due()] == [events]
    assert source(catalog, events).run_requested_at is None
    # a new interval: adaptation starts from it, the next run moves to it
    with catalog.session(write=True) as s:
        actions.set_interval(s, events, 600, "admin", now=clock.now)
    s = source(catalog, events)
    assert (s.interval_minutes, s.current_interval_minutes) == (600, 600)
    assert s.next_run_at == s.last_crawled_at + timedelta(minutes=600)
    with catalog.session() as session:
        logged = [(e.actor, e.action, e.target_id) for e in reversed(actions.audit_entries(session))]
        change = actions.audit_entries(session, target_type="source", target_id=events)[0]
    assert logged == [("admin", "source.pause", str(cars)), ("admin", "source.resume", str(cars)),
                      ("cli:test", "source.crawl_now", str(events)), ("admin", "source.set_interval", str(events))]
    assert change.before["interval_minutes"] == 60 and change.after["interval_minutes"] == 600


def test_a_restarted_worker_keeps_the_schedules_of_sources_and_of_its_jobs(
        simulator, reset_partners, catalog, worker_settings, clock):
    cars = add(catalog, "cars", simulator.partner("cars").feed_url)
    first = Worker(worker_settings, clock=clock)
    first.run_due()
    scheduler = build_scheduler(first)
    prune_at = scheduler.get_job("prune-runs").next_run_time
    dispatch_every = scheduler.get_job("dispatch").trigger.interval
    scheduler.shutdown(wait=False)
    first.close()
    next_run = source(catalog, cars).next_run_at
    clock.advance(minutes=5)
    again = Worker(worker_settings.replace(worker_tick_seconds=45), clock=clock)
    try:
        assert again.run_due() == []                       # not due: its schedule was kept
        assert source(catalog, cars).next_run_at == next_run
        scheduler = build_scheduler(again)
        assert scheduler.get_job("prune-runs").next_run_time == prune_at   # not postponed by the restart
        assert scheduler.get_job("dispatch").trigger.interval == timedelta(seconds=45) != dispatch_every
        scheduler.shutdown(wait=False)
    finally:
        again.close()
    assert jobs_table("Worker One.example") == "apscheduler_jobs_worker_one_example"


def test_a_run_left_running_by_a_dead_worker_is_failed_and_its_source_crawled_again(
        simulator, reset_partners, catalog, worker, clock):
    cars = add(catalog, "cars", simulator.partner("cars").feed_url)
    with catalog.session(write=True) as s:
        stale = store.start_run(s, cars, started_at=clock.now - timedelta(hours=3))
        src = s.get(Source, cars)
        src.lease_owner, src.lease_until = "dead-worker", clock.now - timedelta(minutes=1)
    done = worker.run_due()
    assert [d.source_id for d in done] == [cars]
    with catalog.session() as s:
        old = s.get(CrawlRun, stale.id)
        assert old.outcome == "failed" and "interrupted" in old.error and old.finished_at == clock.now


def test_a_source_leased_by_another_worker_is_left_to_it(simulator, reset_partners, catalog, worker, clock):
    cars = add(catalog, "cars", simulator.partner("cars").feed_url)
    with catalog.session(write=True) as s:
        src = s.get(Source, cars)
        src.lease_owner, src.lease_until = "other-worker", clock.now + timedelta(minutes=5)
    assert worker.run_due() == []
    assert worker.crawl_now([cars]) == ([], [cars])
    clock.advance(minutes=6)                                  # its lease ran out
    assert [d.source_id for d in worker.run_due()] == [cars]


def test_old_runs_are_pruned_with_their_diagnostics_but_each_source_keeps_its_last_ones(
        catalog, worker_settings, clock):
    cars = add(catalog, "cars", "https://cars.example/feed.json")
    with catalog.session(write=True) as s:
        ids = []
        for days in range(10, 0, -1):
            run = store.start_run(s, cars, started_at=clock.now - timedelta(days=days * 30))
            store.finish_run(s, run, "ok", now=run.started_at + timedelta(minutes=1))
            s.add(ItemDiagnostic(source_id=cars, run_id=run.id, severity="warning", code="no_price",
                                 message_en="x", message_ko="x"))
            ids.append(run.id)
    worker = Worker(worker_settings.replace(run_retention_days=90, run_retention_keep=4), clock=clock)
    try:
        assert worker.prune_runs() == 6     # 10 runs, 30..300 days old: 3 within 90 days, the last 4 kept
    finally:
        worker.close()
    remaining = [r.id for r in runs(catalog, cars)]
    assert remaining == ids[-4:]
    with catalog.session() as s:
        assert sorted(s.scalars(select(ItemDiagnostic.run_id))) == ids[-4:]


def test_two_workers_on_one_postgresql_catalog_never_crawl_the_same_source_at_once(simulator, reset_partners,
                                                                                    tmp_path):
    from tests.postgres import postgres_database

    with postgres_database() as url:
        catalog = Catalog(url)
        catalog.upgrade()
        try:
            keys = ("goods", "cars", "events", "spaces")
            ids = [add(catalog, key, simulator.partner(key).feed_url, kind="auto") for key in keys]
            for key in keys:
                simulator.set_fault(key, "delay", 1.5)  # both workers are at work at the same time
            env = dict(os.environ, SHAREHUB_DATABASE_URL=url, SHAREHUB_DATA_DIR=str(tmp_path / "var"),
                       SHAREHUB_ALLOW_PRIVATE_NETWORKS="127.0.0.0/8", SHAREHUB_PER_HOST_DELAY="0",
                       SHAREHUB_SECRET_KEY="test", SHAREHUB_WORKER_CONCURRENT_CRAWLS="2",
                       SHAREHUB_LOG_LEVEL="WARNING")
            workers = [subprocess.Popen([str(SHAREHUB), "worker", "--once"], text=True, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, env=dict(env, SHAREHUB_WORKER_NAME=f"worker-{n}"))
                       for n in (1, 2)]
            outputs = [w.communicate(timeout=240) for w in workers]
            assert [w.returncode for w in workers] == [0, 0], [err[-2000:] for _, err in outputs]
            crawled = [line.split(":")[0] for out, _ in outputs for line in out.splitlines()]
            assert sorted(crawled) == sorted(f"source {i}" for i in ids)   # each once, by one of them
            with catalog.session() as s:
                all_runs = list(s.scalars(select(CrawlRun)))
                owners = set(s.scalars(select(Source.lease_owner)))
            assert sorted(r.source_id for r in all_runs) == sorted(ids)
            assert all(r.outcome == "ok" for r in all_runs), [(r.source_id, r.outcome, r.error) for r in all_runs]
            assert owners == {None}                                          # every lease released
            assert all(out.strip() for out, _ in outputs), "one worker did everything: no race was tried"
        finally:
            catalog.dispose()


def test_an_rss_ttl_longer_than_the_interval_is_honoured(simulator, reset_partners, catalog, worker, clock):
    goods = add(catalog, "goods", simulator.partner("goods").feed_url)   # its feed says <ttl>60</ttl>
    worker.run_due()
    s = source(catalog, goods)
    # New items halve the interval to 30 minutes, but the feed says it stays fresh for 60.
    assert (s.current_interval_minutes, s.schedule_reason, minutes_until(clock, s.next_run_at)) == (30, "hint", 60)
    assert runs(catalog, goods)[-1].fresh_for == 3600


def test_the_worker_alerts_once_when_a_source_has_failed_too_long_and_once_when_it_recovers(
        simulator, reset_partners, catalog, worker_settings, clock):
    from tests.crawler.alert_receivers import MailReceiver, WebhookReceiver

    with WebhookReceiver() as hook, MailReceiver() as mail:
        settings = worker_settings.replace(alert_webhook_url=hook.url, alert_email_to="ops@seoul.example",
                                           smtp_host="127.0.0.1", smtp_port=mail.port, alert_failing_minutes=120,
                                           alert_stale_factor=0)
        worker = Worker(settings, clock=clock)
        try:
            cars = add(catalog, "cars", simulator.partner("cars").feed_url)
            worker.run_due()
            simulator.set_fault("cars", "status", 503)
            for _ in range(4):                    # failing for hours, crawl after crawl
                clock.to(source(catalog, cars).next_run_at)
                worker.run_due()
                worker.evaluate_alerts()          # the periodic job too: still one episode
            assert [b["rule"] for b in hook.bodies] == ["failing"]
            assert len(mail.messages) == 1 and "failing" in mail.messages[0].message["Subject"]
            assert hook.bodies[0]["source_id"] == cars
            s = source(catalog, cars)
            # A 503 without Retry-After backs off like any failure: no hint to honour.
            assert (s.state, s.schedule_reason, runs(catalog, cars)[-1].retry_after) == ("failing", "backoff", None)
            simulator.clear_faults("cars")
            clock.to(source(catalog, cars).next_run_at)
            worker.run_due()
            assert [b["rule"] for b in hook.bodies] == ["failing", "recovered"]
            assert len(mail.messages) == 2
        finally:
            worker.close()
