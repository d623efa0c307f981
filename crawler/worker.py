"""`sharehub worker`: keeps every source fresh.

One dispatcher over due sources, not one APScheduler job per source: the schedule of each source
lives in the catalog (`sources.next_run_at`, written by crawler.schedule's rules), so the CLI, the
admin pages and other workers change it with an UPDATE, and this worker sees the change at its next
tick without a restart. APScheduler (its job store a table of the catalog database) runs the
dispatcher every `worker_tick_seconds` and the housekeeping jobs, and keeps their times across a
restart.

A source is crawled by one worker at a time: a worker claims a due source with a conditional
UPDATE (a lease, until the crawl's time limit), which only one of several workers on one catalog
can win; a worker that dies leaves a lease that expires, and a "running" run that housekeeping
calls failed, so the source is due again rather than abandoned.

The clock is a parameter: tests drive `run_due()` with a clock they move, instead of sleeping
through real intervals.
"""

from __future__ import annotations

import logging
import random
import re
import socket
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import and_, delete, or_, select, update

from config import Settings
from crawler.schedule import SUCCESS, CrawlFacts, Plan, SchedulePolicy, SourceSchedule, plan_after_crawl
from indexer.catalog import Catalog
from indexer.catalog.models import CrawlRun, ItemDiagnostic, Source, utcnow

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# Beyond the crawl's own limit, before a lease (and a "running" run) counts as abandoned.
LEASE_MARGIN = timedelta(minutes=5)


@dataclass(frozen=True)
class CrawlDone:
    source_id: int
    outcome: str
    plan: Plan | None      # None when the source was deleted meanwhile
    error: str | None


class Worker:
    def __init__(self, settings: Settings, *, clock: Clock = utcnow, rng: random.Random | None = None,
                 crawl: Callable | None = None):
        from crawler.runner import crawl_in_subprocess

        self.settings = settings
        self.clock = clock
        self.rng = rng or random.Random()
        self.crawl = crawl or crawl_in_subprocess
        self.name = worker_name(settings)
        self.policy = SchedulePolicy.from_settings(settings)
        self.catalog = Catalog.from_settings(settings)
        self.slots = max(1, settings.worker_concurrent_crawls)
        self.pool = ThreadPoolExecutor(self.slots, thread_name_prefix="sharehub-crawl")
        self.running: dict[int, Future] = {}
        self.lock = threading.Lock()

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.catalog.dispose()

    # -- dispatching -----------------------------------------------------------------------------
    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.settings.crawl_timeout) + LEASE_MARGIN

    def due_source_ids(self, now: datetime) -> list[int]:
        with self.catalog.session() as session:
            return list(session.scalars(
                select(Source.id).where(_due(now)).order_by(Source.run_requested_at.is_(None),
                                                            Source.next_run_at.is_not(None), Source.next_run_at,
                                                            Source.id)))

    def claim(self, source_id: int, now: datetime, *, force: bool = False) -> bool:
        """Take the source's lease if it is still due (or `force`) and nobody holds it; True if this
        worker won it."""
        condition = _lease_free(now) if force else _due(now)
        with self.catalog.session(write=True) as session:
            result = session.execute(
                update(Source).where(Source.id == source_id, condition)
                .values(lease_owner=self.name, lease_until=now + self.lease, run_requested_at=None)
                .execution_options(synchronize_session=False))
            return result.rowcount == 1

    def dispatch(self) -> list[Future]:
        """Start crawls of due sources in the free slots; returns their futures."""
        now = self.clock()
        self.fail_abandoned_runs(now)
        started = []
        with self.lock:
            self.running = {i: f for i, f in self.running.items() if not f.done()}
            free = self.slots - len(self.running)
            for source_id in self.due_source_ids(now):
                if free <= 0:
                    break
                if source_id in self.running or not self.claim(source_id, now):
                    continue
                future = self.pool.submit(self._crawl_one, source_id)
                self.running[source_id] = future
                started.append(future)
                free -= 1
        return started

    def crawl_now(self, source_ids: list[int] | None) -> tuple[list[CrawlDone], list[int]]:
        """Crawl these sources at once, due or not (paused ones too when named; None = every source
        not paused), in this call; returns what was done and the ids another worker is crawling."""
        now = self.clock()
        with self.catalog.session() as session:
            query = select(Source.id).order_by(Source.id)
            ids = list(session.scalars(query if source_ids is not None else query.where(Source.paused.is_(False))))
        if source_ids is not None:
            missing = sorted(set(source_ids) - set(ids))
            if missing:
                raise LookupError(f"catalog: no source {', '.join(map(str, missing))}")
            ids = list(dict.fromkeys(source_ids))
        claimed, busy = [], []
        for source_id in ids:
            (claimed if self.claim(source_id, now, force=True) else busy).append(source_id)
        if not claimed:
            return [], busy
        with self.catalog.session() as session:
            before = {i: session.scalar(select(CrawlRun.id).where(CrawlRun.source_id == i)
                                        .order_by(CrawlRun.id.desc()).limit(1)) or 0 for i in claimed}
        try:
            summaries = {r.source_id: r for r in self.crawl(self.settings, claimed)}
            error = None
        except Exception as exc:
            log.exception("worker: the crawl failed")
            summaries, error = {}, f"worker: the crawl failed: {type(exc).__name__}: {exc}"
        return [self.record(i, before[i], summaries.get(i), error) for i in claimed], busy

    def run_due(self) -> list[CrawlDone]:
        """Crawl every source due now (slot by slot) and wait: `sharehub worker --once` and tests."""
        done: list[CrawlDone] = []
        while futures := self.dispatch():
            done.extend(f.result() for f in futures)
        return done

    # -- one crawl -----------------------------------------------------------------------------
    def _crawl_one(self, source_id: int) -> CrawlDone:
        with self.catalog.session() as session:
            before = session.scalar(select(CrawlRun.id).where(CrawlRun.source_id == source_id)
                                    .order_by(CrawlRun.id.desc()).limit(1)) or 0
        error = None
        try:
            summaries = self.crawl(self.settings, [source_id])
            summary = summaries[0] if summaries else None
        except Exception as exc:  # the worker goes on; the source backs off and says why
            log.exception("worker: the crawl of source %s failed", source_id)
            summary, error = None, f"worker: the crawl failed: {type(exc).__name__}: {exc}"
        return self.record(source_id, before, summary, error)

    def record(self, source_id: int, run_id_before: int, summary, error: str | None = None) -> CrawlDone:
        """Write the crawl's consequences on the schedule and the state, and release the lease."""
        now = self.clock()
        with self.catalog.session(write=True) as session:
            source = session.get(Source, source_id)
            if source is None:
                return CrawlDone(source_id, "deleted", None, None)
            run = session.scalar(select(CrawlRun).where(CrawlRun.source_id == source_id, CrawlRun.id > run_id_before)
                                 .order_by(CrawlRun.id.desc()).limit(1))
            if run is not None and run.outcome != "running":
                facts = CrawlFacts(run.outcome, bool(run.new or run.updated or run.gone), run.retry_after,
                                   run.fresh_for)
                error = run.error
            else:
                facts = CrawlFacts("failed")
                error = error or getattr(summary, "error", None) or "worker: the crawl left no result"
            plan = plan_after_crawl(SourceSchedule(source.interval_minutes, source.current_interval_minutes,
                                                   source.failures, source.state), facts, now, self.policy, self.rng)
            # The worker's clock times the schedule (a test's clock is not the crawl's).
            source.last_crawled_at = now
            if facts.outcome in SUCCESS:
                source.last_success_at = now
            source.next_run_at = plan.next_run_at
            source.current_interval_minutes = plan.interval
            source.schedule_reason = plan.reason
            source.failures = plan.failures
            if not source.paused and plan.state != source.state:
                source.state, source.state_since = plan.state, now
            if source.lease_owner == self.name:
                source.lease_owner = source.lease_until = None
        log.info("worker: source %s crawled: %s; next run %s (%s)", source_id, facts.outcome,
                 plan.next_run_at.isoformat(timespec="seconds"), plan.reason,
                 extra={"source_id": source_id, "run_id": getattr(run, "id", None)})
        self.evaluate_alerts(now, [source_id])
        return CrawlDone(source_id, facts.outcome, plan, error)

    # -- alerts and housekeeping -------------------------------------------------------------------
    def evaluate_alerts(self, now: datetime | None = None, source_ids: list[int] | None = None) -> None:
        try:
            from crawler import alerts
        except ImportError:  # pragma: no cover - while alerts are not part of the build
            return
        try:
            alerts.evaluate(self.catalog, self.settings, now or self.clock(), source_ids)
        except Exception:
            log.exception("worker: evaluating alerts failed; crawls go on")

    def fail_abandoned_runs(self, now: datetime) -> int:
        """Runs still "running" long after any crawl could last: their process died with its worker."""
        cutoff = now - self.lease
        with self.catalog.session(write=True) as session:
            runs = list(session.scalars(select(CrawlRun).where(CrawlRun.outcome == "running",
                                                               CrawlRun.started_at < cutoff)))
            for run in runs:
                run.outcome, run.finished_at = "failed", now
                run.error = "worker: the crawl was interrupted (its process stopped) and did not finish"
            return len(runs)

    def prune_runs(self, now: datetime | None = None) -> int:
        """Crawl runs older than the retention go, with their item diagnostics; each source keeps
        its last `run_retention_keep` runs however old, so its history never reads empty."""
        now = now or self.clock()
        cutoff = now - timedelta(days=self.settings.run_retention_days)
        keep = max(1, self.settings.run_retention_keep)
        pruned = 0
        with self.catalog.session(write=True) as session:
            for source_id in session.scalars(select(Source.id)):
                kept = select(CrawlRun.id).where(CrawlRun.source_id == source_id).order_by(CrawlRun.id.desc()).limit(keep)
                old = list(session.scalars(select(CrawlRun.id).where(
                    CrawlRun.source_id == source_id, CrawlRun.started_at < cutoff,
                    CrawlRun.id.not_in(kept.scalar_subquery()))))
                for chunk in (old[i:i + 500] for i in range(0, len(old), 500)):
                    session.execute(delete(ItemDiagnostic).where(ItemDiagnostic.run_id.in_(chunk)))
                    session.execute(delete(CrawlRun).where(CrawlRun.id.in_(chunk)))
                pruned += len(old)
        if pruned:
            log.info("worker: pruned %d crawl run(s) older than %d days", pruned, self.settings.run_retention_days)
        return pruned

    def optimize_index(self) -> None:
        from indexer.search import SearchError, open_search

        engine = open_search(self.settings)
        try:
            if hasattr(engine, "optimize"):
                engine.optimize()
        except SearchError as exc:
            log.error("worker: optimizing the search index failed: %s", exc)
        finally:
            engine.close()

    def retry_pending_index_updates(self) -> int:
        from indexer.indexing import catch_up

        return catch_up(self.catalog, self.settings)


def _lease_free(now: datetime):
    return or_(Source.lease_until.is_(None), Source.lease_until < now)


def _due(now: datetime):
    due = or_(Source.next_run_at.is_(None), Source.next_run_at <= now, Source.run_requested_at.is_not(None))
    return and_(Source.paused.is_(False), _lease_free(now), due)


def worker_name(settings: Settings) -> str:
    return settings.worker_name or socket.gethostname()


def jobs_table(name: str) -> str:
    """APScheduler's job table of one worker: its job store cannot be shared between schedulers."""
    return "apscheduler_jobs_" + (re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "worker")[:40]


# -- APScheduler ---------------------------------------------------------------------------------
# Jobs in a persistent store are kept as a reference to a function and its arguments; the running
# worker of this process is found by name.
_WORKERS: dict[str, Worker] = {}


def _job(name: str, action: str) -> None:
    worker = _WORKERS.get(name)
    if worker is None:
        log.warning("worker: job %s ran without its worker %s in this process", action, name)
        return
    try:
        if action == "dispatch":
            worker.dispatch()
        elif action == "alerts":
            worker.evaluate_alerts()
        elif action == "index-pending":
            worker.retry_pending_index_updates()
        elif action == "prune-runs":
            worker.prune_runs()
        elif action == "optimize-index":
            worker.optimize_index()
    except Exception:
        log.exception("worker: job %s failed; it runs again at its next time", action)


def job_plan(settings: Settings) -> dict[str, dict]:
    """Job id -> interval trigger arguments."""
    return {
        "dispatch": {"seconds": max(1, settings.worker_tick_seconds)},
        "alerts": {"seconds": 60},
        "index-pending": {"minutes": 5},
        "prune-runs": {"hours": 24},
        "optimize-index": {"hours": 24},
    }


def build_scheduler(worker: Worker):
    """A started (paused) BackgroundScheduler with the worker's jobs; jobs already in the store keep
    their next run times (a restart does not postpone the daily ones), a changed interval applies."""
    from apscheduler.executors.pool import ThreadPoolExecutor as JobExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    _WORKERS[worker.name] = worker
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=worker.catalog.engine, tablename=jobs_table(worker.name))},
        executors={"default": JobExecutor(4)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        timezone="UTC")
    scheduler.start(paused=True)
    for job_id, interval in job_plan(worker.settings).items():
        trigger = IntervalTrigger(**interval, timezone="UTC")
        existing = scheduler.get_job(job_id)
        if existing is None:
            scheduler.add_job(_job, trigger, args=[worker.name, job_id], id=job_id, name=job_id,
                              jitter=2 if job_id == "dispatch" else 60)
        elif existing.trigger.interval != trigger.interval:
            scheduler.reschedule_job(job_id, trigger=trigger)
    return scheduler


def run_worker(settings: Settings, stop: threading.Event | None = None) -> None:
    """Until `stop` is set (SIGTERM/SIGINT in the CLI): the scheduler runs the jobs."""
    from crawler.runner import start_crawl_processes

    start_crawl_processes()
    worker = Worker(settings)
    stop = stop or threading.Event()
    scheduler = build_scheduler(worker)
    log.info("worker: %s started; looks for due sources every %d s", worker.name, settings.worker_tick_seconds)
    scheduler.resume()
    scheduler.modify_job("dispatch", next_run_time=utcnow())  # at once, then every tick
    try:
        stop.wait()
    finally:
        scheduler.shutdown(wait=False)
        _WORKERS.pop(worker.name, None)
        worker.close()
        log.info("worker: %s stopped", worker.name)
