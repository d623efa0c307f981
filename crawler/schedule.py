"""When a source is crawled next, and what state its crawls put it in: pure functions, no I/O.

The worker (crawler.worker) gives each finished crawl to `plan_after_crawl` and writes what it
returns. The rules, in order:

- A failed crawl backs off: the wait doubles with each failure in a row, starting from the
  interval in use, capped at `backoff_cap_minutes` (a day by default), so a broken source is
  retried less and less often but never abandoned. A 429/503 with Retry-After waits that long
  instead (capped the same way), as the partner asked.
- A successful crawl adapts the interval to how often the source changes: a crawl that found new,
  changed or gone items halves it, one that found nothing new (or a 304) makes it 1.5 times longer,
  within a floor and a ceiling (`schedule_floor_minutes`, `schedule_ceiling_minutes`, widened to
  take in the source's own set interval).
- The source's own freshness hints (RSS `ttl`, Cache-Control max-age, Expires) push the next run
  later when they say the content stays fresh longer than the interval, up to the ceiling.
- Jitter moves every next run by up to ± `schedule_jitter` of its wait, so sources registered
  together drift apart.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

SUCCESS = ("ok", "partial", "not_modified")


@dataclass(frozen=True)
class SchedulePolicy:
    floor_minutes: int = 15
    ceiling_minutes: int = 1440
    backoff_cap_minutes: int = 1440
    failing_after: int = 3
    jitter: float = 0.1

    @classmethod
    def from_settings(cls, settings) -> "SchedulePolicy":
        return cls(floor_minutes=settings.schedule_floor_minutes, ceiling_minutes=settings.schedule_ceiling_minutes,
                   backoff_cap_minutes=settings.backoff_cap_minutes, failing_after=max(1, settings.failing_after),
                   jitter=max(0.0, min(0.5, settings.schedule_jitter)))

    def bounds(self, set_interval: int) -> tuple[int, int]:
        return min(self.floor_minutes, set_interval), max(self.ceiling_minutes, set_interval)


@dataclass(frozen=True)
class SourceSchedule:
    """What the schedule knows of a source before the crawl."""
    set_interval: int                 # the source's own interval (operator, admin or default)
    current_interval: int | None      # the adapted one in use, None = the set one
    failures: int                     # failed crawls in a row before this one
    state: str                        # new, healthy, degraded, failing, recovered, paused

    @property
    def interval(self) -> int:
        return self.current_interval or self.set_interval


@dataclass(frozen=True)
class CrawlFacts:
    """What the schedule needs of a finished crawl."""
    outcome: str                      # ok, partial, not_modified, failed
    changed: bool = False             # new, updated or gone items
    retry_after: float | None = None  # seconds, from a 429/503
    fresh_for: float | None = None    # seconds, from ttl / Cache-Control / Expires


@dataclass(frozen=True)
class Plan:
    next_run_at: datetime
    interval: int                     # minutes: the adapted interval to keep
    reason: str                       # interval, adaptive, backoff, hint (ttl, Cache-Control), retry_after
    state: str
    failures: int
    wait_minutes: float               # before jitter, for the admin page's "why"


def plan_after_crawl(before: SourceSchedule, crawl: CrawlFacts, now: datetime, policy: SchedulePolicy,
                     rng: random.Random | None = None) -> Plan:
    rng = rng or random
    floor, ceiling = policy.bounds(before.set_interval)
    if crawl.outcome not in SUCCESS:
        failures = before.failures + 1
        state = "failing" if failures >= policy.failing_after else "degraded"
        if crawl.retry_after:
            wait = min(policy.backoff_cap_minutes, max(1.0, crawl.retry_after / 60))
            reason = "retry_after"
        else:
            wait = min(policy.backoff_cap_minutes, before.interval * 2 ** (failures - 1))
            reason = "backoff"
        # The adapted interval is kept for when the source is back.
        return Plan(_jittered(now, wait, policy, rng), before.interval, reason, state, failures, wait)
    if crawl.changed:
        interval = max(floor, round(before.interval / 2))
    else:
        interval = min(ceiling, round(before.interval * 1.5))
    reason = "interval" if interval == before.set_interval else "adaptive"
    wait = float(interval)
    if crawl.fresh_for and crawl.fresh_for / 60 > wait:
        wait = min(float(ceiling), crawl.fresh_for / 60)
        reason = "hint"
    if before.state in ("failing", "degraded") and before.failures:
        state = "recovered"
    elif crawl.outcome == "partial":
        state = "degraded"
    else:
        state = "healthy"
    return Plan(_jittered(now, wait, policy, rng), interval, reason, state, 0, wait)


def _jittered(now: datetime, wait_minutes: float, policy: SchedulePolicy, rng) -> datetime:
    factor = 1 + rng.uniform(-policy.jitter, policy.jitter) if policy.jitter else 1.0
    return now + timedelta(minutes=wait_minutes * factor)
