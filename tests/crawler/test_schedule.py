"""The schedule's rules (crawler.schedule) and the freshness hints a response gives (pure)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from crawler.schedule import CrawlFacts, SchedulePolicy, SourceSchedule, plan_after_crawl
from crawler.spiders.source import fresh_for

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=timezone.utc)
POLICY = SchedulePolicy(floor_minutes=15, ceiling_minutes=1440, backoff_cap_minutes=1440, failing_after=3, jitter=0)


def plan(facts, *, set_interval=60, current=None, failures=0, state="healthy", policy=POLICY):
    return plan_after_crawl(SourceSchedule(set_interval, current, failures, state), facts, NOW, policy)


def minutes(p) -> float:
    return (p.next_run_at - NOW) / timedelta(minutes=1)


def test_a_crawl_that_found_changes_halves_the_interval_down_to_the_floor():
    p = plan(CrawlFacts("ok", changed=True))
    assert (p.interval, minutes(p), p.reason, p.state) == (30, 30, "adaptive", "healthy")
    assert plan(CrawlFacts("ok", changed=True), current=20).interval == 15
    assert plan(CrawlFacts("ok", changed=True), current=15).interval == 15


def test_a_crawl_without_changes_or_a_304_lengthens_it_up_to_the_ceiling():
    assert plan(CrawlFacts("not_modified")).interval == 90
    assert plan(CrawlFacts("ok", changed=False), current=90).interval == 135
    assert plan(CrawlFacts("not_modified"), current=1200).interval == 1440
    back = plan(CrawlFacts("not_modified"), current=40)
    assert (back.interval, back.reason) == (60, "interval")  # back at the set interval


def test_the_bounds_widen_to_take_in_the_sources_own_interval():
    # Set to every 5 minutes: the floor of 15 does not hold it back; set to 3 days: nor the ceiling.
    assert plan(CrawlFacts("ok", changed=True), set_interval=5, current=6).interval == 5
    assert plan(CrawlFacts("ok", changed=True), set_interval=5, current=5).interval == 5
    assert plan(CrawlFacts("not_modified"), set_interval=4320, current=4320).interval == 4320


def test_failures_back_off_doubling_from_the_interval_and_capped_then_read_failing():
    waits, states = [], []
    failures, state = 0, "healthy"
    for _ in range(8):
        p = plan(CrawlFacts("failed"), current=90, failures=failures, state=state)
        waits.append(minutes(p))
        states.append(p.state)
        failures, state = p.failures, p.state
        assert p.reason == "backoff" and p.interval == 90  # the adapted interval waits for the return
    assert waits == [90, 180, 360, 720, 1440, 1440, 1440, 1440]
    assert states == ["degraded", "degraded"] + ["failing"] * 6
    capped = plan(CrawlFacts("failed"), failures=9, policy=SchedulePolicy(backoff_cap_minutes=120, jitter=0))
    assert minutes(capped) == 120


def test_retry_after_is_waited_as_asked_and_capped():
    p = plan(CrawlFacts("failed", retry_after=900))
    assert (minutes(p), p.reason, p.state, p.failures) == (15, "retry_after", "degraded", 1)
    assert minutes(plan(CrawlFacts("failed", retry_after=10 * 86400))) == 1440


def test_a_freshness_hint_longer_than_the_interval_pushes_the_next_run_later():
    p = plan(CrawlFacts("ok", changed=False, fresh_for=4 * 3600))
    assert (minutes(p), p.reason, p.interval) == (240, "hint", 90)
    assert plan(CrawlFacts("ok", changed=True, fresh_for=600), current=120).reason == "interval"  # shorter
    assert minutes(plan(CrawlFacts("ok", fresh_for=30 * 86400))) == 1440  # never past the ceiling


def test_the_first_success_after_failures_reads_recovered_then_healthy():
    p = plan(CrawlFacts("ok", changed=True), failures=4, state="failing")
    assert (p.state, p.failures) == ("recovered", 0)
    assert plan(CrawlFacts("ok"), failures=0, state="recovered").state == "healthy"
    assert plan(CrawlFacts("partial"), failures=0, state="healthy").state == "degraded"
    assert plan(CrawlFacts("ok"), failures=0, state="new").state == "healthy"


def test_jitter_moves_the_next_run_within_its_fraction():
    policy = SchedulePolicy(jitter=0.1)
    rng = random.Random(7)
    waits = [(plan_after_crawl(SourceSchedule(60, 100, 0, "healthy"), CrawlFacts("not_modified"), NOW, policy, rng)
              .next_run_at - NOW) / timedelta(minutes=1) for _ in range(200)]
    assert all(135 <= w <= 165 for w in waits)
    assert len({round(w, 3) for w in waits}) > 100  # spread, not one value


@pytest.mark.parametrize("cache_control, expires, date, expected", [
    ("max-age=3600", None, None, 3600),
    ("public, s-maxage=600, max-age=60", None, None, 600),
    ('max-age="120"', None, None, 120),
    ("no-cache, max-age=3600", None, None, None),
    ("no-store", "Thu, 01 Jan 2099 00:00:00 GMT", None, None),
    (None, "Fri, 04 Dec 2026 10:00:00 GMT", "Fri, 04 Dec 2026 09:00:00 GMT", 3600),
    (None, "Fri, 04 Dec 2026 08:00:00 GMT", "Fri, 04 Dec 2026 09:00:00 GMT", 0),
    (None, "0", "Fri, 04 Dec 2026 09:00:00 GMT", None),
    ("max-age=soon", None, None, None),
    (None, None, None, None),
])
def test_fresh_for_reads_cache_control_then_expires(cache_control, expires, date, expected):
    assert fresh_for(cache_control, expires, date) == expected
