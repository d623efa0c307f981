"""What admins and operators do to sources, each written to the audit log in the same transaction.

The CLI, the admin pages and (later) the operator pages all go through these, so every change is
audited the same way and the worker sees it at its next tick, without a restart.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from indexer.catalog.models import AlertSilence, AuditEntry, Source, utcnow


class ActionError(ValueError):
    """An action that cannot be taken as asked (unknown source, interval out of range …)."""


def audit(session: Session, actor: str, action: str, target_type: str, target_id: Any = None, *,
          before: dict | None = None, after: dict | None = None, now: datetime | None = None) -> AuditEntry:
    entry = AuditEntry(at=now or utcnow(), actor=actor, action=action, target_type=target_type,
                       target_id=None if target_id is None else str(target_id), before=before, after=after)
    session.add(entry)
    return entry


def _source(session: Session, source_id: int) -> Source:
    source = session.get(Source, source_id)
    if source is None:
        raise ActionError(f"catalog: no source {source_id}")
    return source


def _schedule_view(source: Source) -> dict:
    return {"paused": source.paused, "state": source.state, "interval_minutes": source.interval_minutes,
            "next_run_at": source.next_run_at.isoformat() if source.next_run_at else None}


def pause_source(session: Session, source_id: int, actor: str, now: datetime | None = None) -> Source:
    now = now or utcnow()
    source = _source(session, source_id)
    before = _schedule_view(source)
    if not source.paused:
        source.paused, source.paused_at = True, now
        source.state, source.state_since = "paused", now
        source.run_requested_at = None
    audit(session, actor, "source.pause", "source", source_id, before=before, after=_schedule_view(source), now=now)
    return source


def resume_source(session: Session, source_id: int, actor: str, now: datetime | None = None) -> Source:
    """Back on schedule, due at once; the state says again what its crawls say."""
    now = now or utcnow()
    source = _source(session, source_id)
    before = _schedule_view(source)
    if source.paused:
        source.paused, source.paused_at = False, None
        source.state = "new" if source.last_crawled_at is None else ("healthy" if not source.failures else "degraded")
        source.state_since = now
        source.next_run_at = now
    audit(session, actor, "source.resume", "source", source_id, before=before, after=_schedule_view(source), now=now)
    return source


def request_crawl(session: Session, source_id: int, actor: str, now: datetime | None = None) -> Source:
    """Crawl at the worker's next tick, whatever the schedule, backoff or hint says (not if paused)."""
    now = now or utcnow()
    source = _source(session, source_id)
    if source.paused:
        raise ActionError(f"catalog: source {source_id} is paused; resume it first")
    source.run_requested_at = now
    audit(session, actor, "source.crawl_now", "source", source_id, after={"requested_at": now.isoformat()}, now=now)
    return source


def set_interval(session: Session, source_id: int, minutes: int, actor: str, *, lowest: int = 1,
                 highest: int = 7 * 24 * 60, now: datetime | None = None) -> Source:
    """The source's own interval: adaptation starts again from it, and the next run moves to it."""
    now = now or utcnow()
    if not lowest <= minutes <= highest:
        raise ActionError(f"catalog: the interval must be between {lowest} and {highest} minutes, not {minutes}")
    source = _source(session, source_id)
    before = _schedule_view(source)
    source.interval_minutes = minutes
    source.current_interval_minutes = minutes
    source.schedule_reason = "interval"
    if not source.failures and source.last_crawled_at is not None:
        # Not sooner than asked: the next run is one new interval after the last crawl.
        source.next_run_at = max(now, source.last_crawled_at + timedelta(minutes=minutes))
    audit(session, actor, "source.set_interval", "source", source_id, before=before, after=_schedule_view(source),
          now=now)
    return source


def add_silence(session: Session, actor: str, starts_at: datetime, ends_at: datetime, *,
                source_id: int | None = None, rule: str | None = None, reason: str | None = None) -> AlertSilence:
    if ends_at <= starts_at:
        raise ActionError("alerts: a silence must end after it starts")
    if source_id is not None:
        _source(session, source_id)
    silence = AlertSilence(source_id=source_id, rule=rule, starts_at=starts_at, ends_at=ends_at, reason=reason,
                           created_by=actor)
    session.add(silence)
    session.flush()
    audit(session, actor, "alert.silence", "alert_silence", silence.id,
          after={"source_id": source_id, "rule": rule, "starts_at": starts_at.isoformat(),
                 "ends_at": ends_at.isoformat(), "reason": reason})
    return silence


def audit_entries(session: Session, limit: int = 200, *, target_type: str | None = None,
                  target_id: Any = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if target_type:
        query = query.where(AuditEntry.target_type == target_type)
    if target_id is not None:
        query = query.where(AuditEntry.target_id == str(target_id))
    return list(session.scalars(query))
