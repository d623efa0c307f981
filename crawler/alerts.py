"""Crawl-health alerts: rules over sources and their crawl runs, one alert per episode, delivered
by webhook (JSON POST) and e-mail (SMTP).

The rules (each turned off by a threshold of 0 in the settings):

- ``failing``: the last finished run failed, and the current streak of failed runs (those after the
  last successful one) began more than ``alert_failing_minutes`` ago. Ends at the next successful
  run (ok, partial or not_modified).
- ``item_drop``: the newest complete read (outcome ok; not_modified reads nothing, partial is
  incomplete) saw fewer items than (1 - ``alert_drop_percent``/100) × the median of the
  ``alert_drop_runs`` ok runs before it; at least 3 earlier runs are needed to judge, so an
  ``alert_drop_runs`` below 3 turns the rule off too. Ends when a later ok run is back at or
  above the threshold the episode opened with (not one recomputed from a baseline the drop has
  since pulled down, which would end a lasting drop after a few runs without anything recovering).
- ``stale``: no successful crawl for longer than ``alert_stale_factor`` × the source's interval
  (the adapted ``current_interval_minutes``, else the set ``interval_minutes``), counted from
  ``last_success_at``, or from ``created_at`` if it never succeeded. Ends at a success.
- ``recovered`` (if ``alert_recovered``): a source with an open ``failing`` alert had a successful
  run. The failing episode closes and a recovered alert is recorded, opened and closed at once.

An episode is one Alert row: while a row of (source, rule) is open (``closed_at`` IS NULL) the rule
opens no other, so evaluating again and again while the condition holds delivers nothing more.
Episodes are closed by their own end condition even when their rule has been turned off since.
Paused sources are not evaluated at all: they open nothing, and their open episodes stay open
until the source is crawled again (so resuming a still-failing source is not a new episode).

Silences (AlertSilence): an alert opened while a silence covers it (the window contains ``now``,
its source is the alert's or None = any, its rule is the alert's or None = any) is recorded with
``silenced=True`` and not delivered. Silencing is decided once, at the opening: an episode that
began inside a silence and still holds after the silence ends is the same episode, and is NOT
delivered later. A recovered alert is its own rule; a silence of ``failing`` does not cover it.

Delivery happens after the write transaction that recorded the alerts has committed (a slow
webhook holds no lock on the catalog), and its result is then recorded per channel in
``Alert.delivery``: ``{"webhook": "sent", "email": "error: …"}``; None while not attempted (or
silenced), ``{}`` when no channel is configured. A delivery failure is logged and recorded, never
raised: the crawl or the worker that evaluates goes on. (Errors of the catalog itself do raise.)

The English message is ``Alert.message``; the Korean one is ``details["message_ko"]``
(``alert_message`` gives either).
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import statistics
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, selectinload

from config import Settings
from indexer.catalog import Catalog
from indexer.catalog.models import Alert, AlertSilence, CrawlRun, Source, utcnow

log = logging.getLogger(__name__)

RULES = ("failing", "item_drop", "stale", "recovered")
SUCCESSFUL_OUTCOMES = ("ok", "partial", "not_modified")
MIN_BASELINE_RUNS = 3
DELIVERY_TIMEOUT_SECONDS = 10
ERROR_TEXT_LIMIT = 300  # a run's error may quote a whole answer; a message keeps its start
# Any fixed number: PostgreSQL evaluations take this transaction-scoped advisory lock, so that two
# workers evaluating at once cannot both find no open alert and both open one. SQLite needs none:
# the write session already holds its write lock (BEGIN IMMEDIATE).
ADVISORY_LOCK_KEY = 0x5348_414C


# ---------------------------------------------------------------------------------------- public


def evaluate(catalog: Catalog, settings: Settings, now: datetime | None = None,
             source_ids: list[int] | None = None) -> list[Alert]:
    """Apply the rules to the sources (all, or those of `source_ids`) as of `now`.

    Closes the episodes that ended, opens those that began, delivers the new ones that no silence
    covers, and returns the newly opened alerts (silenced ones included), with their delivery.
    """
    now = now or utcnow()
    with catalog.session(write=True) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        opened = _evaluate_sources(session, settings, now, source_ids)
        session.flush()
        notices = [_notice(session, alert) for alert in opened if not alert.silenced]
    if not notices:
        return opened
    deliveries = {notice.alert_id: deliver(notice, settings) for notice in notices}
    with catalog.session(write=True) as session:
        for alert in opened:
            if alert.id in deliveries:
                alert.delivery = deliveries[alert.id]
                row = session.get(Alert, alert.id)
                if row is not None:  # else its source was deleted meanwhile, and the alert with it
                    row.delivery = deliveries[alert.id]
    return opened


def open_alerts(session: Session) -> list[Alert]:
    """The episodes going on now, newest first."""
    return list(session.scalars(select(Alert).where(Alert.closed_at.is_(None))
                                .order_by(Alert.opened_at.desc(), Alert.id.desc())))


def recent_alerts(session: Session, limit: int = 50) -> list[Alert]:
    """The last alerts opened, open or closed, newest first."""
    return list(session.scalars(select(Alert).order_by(Alert.opened_at.desc(), Alert.id.desc()).limit(limit)))


def alert_message(alert: Alert, language: str = "en") -> str:
    """The alert's message in English or Korean (``ko``)."""
    if language == "ko":
        return (alert.details or {}).get("message_ko") or alert.message
    return alert.message


# ------------------------------------------------------------------------------------ evaluation


@dataclass(frozen=True)
class Finding:
    """A rule that holds for a source: the alert to open."""

    rule: str
    message_en: str
    message_ko: str
    details: dict


@dataclass(frozen=True)
class Names:
    """How messages name a source: `Source 3 (Goods)` / `소스 3(물품)`."""

    en: str
    ko: str

    @classmethod
    def of(cls, source: Source) -> "Names":
        platform = source.platform
        return cls(en=f"Source {source.id} ({platform.name})",
                   ko=f"소스 {source.id}({platform.name_ko or platform.name})")


def _evaluate_sources(session: Session, settings: Settings, now: datetime,
                      source_ids: list[int] | None) -> list[Alert]:
    query = select(Source).options(selectinload(Source.platform)).order_by(Source.id)
    if source_ids is not None:
        if not source_ids:
            return []
        query = query.where(Source.id.in_(source_ids))
    sources = list(session.scalars(query))
    open_by_key = _open_episodes(session, None if source_ids is None else [s.id for s in sources])
    silences = list(session.scalars(select(AlertSilence).where(AlertSilence.starts_at <= now,
                                                               AlertSilence.ends_at > now)))
    opened: list[Alert] = []
    for source in sources:
        if source.paused or source.state == "paused":
            continue
        names = Names.of(source)
        findings: list[Finding] = []

        failing = open_by_key.get((source.id, "failing"))
        if failing is not None:
            recovery = _failing_ended(session, source, failing, names, now)
            if recovery is not None:
                failing = None
                if settings.alert_recovered:
                    findings.append(recovery)
        if failing is None and settings.alert_failing_minutes > 0:
            findings.extend(_failing(session, source, settings, names, now))

        drop = open_by_key.get((source.id, "item_drop"))
        if drop is not None and _item_drop_ended(session, source, drop, now):
            drop = None
        if drop is None and settings.alert_drop_percent > 0 and settings.alert_drop_runs >= MIN_BASELINE_RUNS:
            findings.extend(_item_drop(session, source, settings, names))

        stale = open_by_key.get((source.id, "stale"))
        if stale is not None and _stale_ended(source, stale, now):
            stale = None
        if stale is None and settings.alert_stale_factor > 0:
            findings.extend(_stale(source, settings, names, now))

        for finding in findings:
            opened.append(_open(session, source, finding, silences, now))
    return opened


def _open_episodes(session: Session, source_ids: list[int] | None) -> dict[tuple[int, str], Alert]:
    """The open alerts of these sources (None: of all), by (source, rule)."""
    query = select(Alert).where(Alert.closed_at.is_(None)).order_by(Alert.id)
    if source_ids is not None:
        query = query.where(Alert.source_id.in_(source_ids))
    alerts = session.scalars(query)
    return {(a.source_id, a.rule): a for a in alerts}


def _open(session: Session, source: Source, finding: Finding, silences: list[AlertSilence],
          now: datetime) -> Alert:
    silence = _covering_silence(silences, source.id, finding.rule)
    details = dict(finding.details, message_ko=finding.message_ko)
    if silence is not None:
        details["silence_id"] = silence.id
    alert = Alert(rule=finding.rule, source_id=source.id, opened_at=now,
                  closed_at=now if finding.rule == "recovered" else None, message=finding.message_en,
                  details=details, silenced=silence is not None, delivery=None)
    session.add(alert)
    log.info("alerts: %s%s", finding.message_en, " (silenced)" if silence is not None else "")
    return alert


def _covering_silence(silences: list[AlertSilence], source_id: int, rule: str) -> AlertSilence | None:
    for silence in silences:
        if silence.source_id in (None, source_id) and silence.rule in (None, rule):
            return silence
    return None


def _close(alert: Alert, now: datetime, **details) -> None:
    alert.closed_at = now
    if details:
        alert.details = dict(alert.details or {}, **details)  # a new dict: JSON columns miss in-place changes


# "failing" and "recovered"

def _failing(session: Session, source: Source, settings: Settings, names: Names,
             now: datetime) -> list[Finding]:
    last = session.scalar(select(CrawlRun).where(CrawlRun.source_id == source.id, CrawlRun.outcome != "running")
                          .order_by(CrawlRun.id.desc()).limit(1))
    if last is None or last.outcome != "failed":
        return []
    last_success_id = session.scalar(select(func.max(CrawlRun.id)).where(
        CrawlRun.source_id == source.id, CrawlRun.outcome.in_(SUCCESSFUL_OUTCOMES))) or 0
    streak = select(CrawlRun).where(CrawlRun.source_id == source.id, CrawlRun.outcome == "failed",
                                    CrawlRun.id > last_success_id)
    first = session.scalar(streak.order_by(CrawlRun.id).limit(1))
    failing_for = now - first.started_at
    if failing_for <= timedelta(minutes=settings.alert_failing_minutes):
        return []
    failed_runs = session.scalar(select(func.count()).select_from(streak.subquery()))
    error = _error_text(last)
    return [Finding(
        rule="failing",
        message_en=f"{names.en} has been failing for {_duration_en(failing_for)}: {error}",
        message_ko=f"{names.ko}이(가) {_duration_ko(failing_for)}째 실패하고 있습니다: {error}",
        details={"since": first.started_at.isoformat(), "first_failed_run_id": first.id,
                 "last_failed_run_id": last.id, "failed_runs": failed_runs, "error": error,
                 "http_status": last.http_status, "threshold_minutes": settings.alert_failing_minutes})]


def _failing_ended(session: Session, source: Source, alert: Alert, names: Names,
                   now: datetime) -> Finding | None:
    """Closes the failing episode at the first success after its streak began; returns the recovery."""
    details = alert.details or {}
    first_failed = details.get("first_failed_run_id", 0)
    success = session.scalar(select(CrawlRun).where(CrawlRun.source_id == source.id, CrawlRun.id > first_failed,
                                                    CrawlRun.outcome.in_(SUCCESSFUL_OUTCOMES))
                             .order_by(CrawlRun.id).limit(1))
    if success is None:
        return None
    _close(alert, now, recovered_by_run_id=success.id)
    since = _parse_time(details.get("since")) or alert.opened_at
    recovered_at = success.finished_at or success.started_at
    failed_for = max(recovered_at - since, timedelta(0))
    return Finding(
        rule="recovered",
        message_en=f"{names.en} has recovered after failing for {_duration_en(failed_for)}",
        message_ko=f"{names.ko}이(가) {_duration_ko(failed_for)} 동안 실패한 뒤 복구되었습니다",
        details={"failing_alert_id": alert.id, "since": since.isoformat(), "recovered_at": recovered_at.isoformat(),
                 "run_id": success.id, "outcome": success.outcome})


# "item_drop"

def _item_drop(session: Session, source: Source, settings: Settings, names: Names) -> list[Finding]:
    runs = list(session.scalars(select(CrawlRun).where(CrawlRun.source_id == source.id, CrawlRun.outcome == "ok")
                                .order_by(CrawlRun.id.desc()).limit(settings.alert_drop_runs + 1)))
    if len(runs) < MIN_BASELINE_RUNS + 1:
        return []
    latest, baseline = runs[0], runs[1:]
    median = statistics.median(run.seen for run in baseline)
    threshold = (1 - settings.alert_drop_percent / 100) * median
    if latest.seen >= threshold:
        return []
    percent = round(100 * (1 - latest.seen / median)) if median else 0
    n = len(baseline)
    return [Finding(
        rule="item_drop",
        message_en=(f"{names.en} saw {latest.seen} items in its last complete crawl, {percent}% fewer than"
                    f" the median of {median:g} over its previous {n} crawls"),
        message_ko=(f"{names.ko}의 마지막 수집에서 항목이 {latest.seen}개로, 이전 {n}회 수집의 중앙값"
                    f" {median:g}개보다 {percent}% 적습니다"),
        details={"run_id": latest.id, "seen": latest.seen, "median": median, "threshold": threshold,
                 "drop_percent": percent, "baseline_run_ids": [run.id for run in baseline],
                 "threshold_percent": settings.alert_drop_percent})]


def _item_drop_ended(session: Session, source: Source, alert: Alert, now: datetime) -> bool:
    details = alert.details or {}
    back = session.scalar(select(CrawlRun).where(CrawlRun.source_id == source.id, CrawlRun.outcome == "ok",
                                                 CrawlRun.id > details.get("run_id", 0),
                                                 CrawlRun.seen >= details.get("threshold", 0))
                          .order_by(CrawlRun.id).limit(1))
    if back is None:
        return False
    _close(alert, now, ended_by_run_id=back.id)
    return True


# "stale"

def _stale(source: Source, settings: Settings, names: Names, now: datetime) -> list[Finding]:
    interval = source.current_interval_minutes or source.interval_minutes
    window = timedelta(minutes=settings.alert_stale_factor * interval)
    since = source.last_success_at or source.created_at
    if since is None or now - since <= window:
        return []
    quiet_for = now - since
    factor = f"{settings.alert_stale_factor:g}"
    if source.last_success_at is not None:
        message_en = f"{names.en} has had no successful crawl for {_duration_en(quiet_for)}"
        message_ko = f"{names.ko}이(가) {_duration_ko(quiet_for)}째 성공한 수집이 없습니다"
    else:
        message_en = f"{names.en} has not crawled successfully once in the {_duration_en(quiet_for)} since it was added"
        message_ko = f"{names.ko}이(가) 등록된 뒤 {_duration_ko(quiet_for)}째 한 번도 수집에 성공하지 못했습니다"
    message_en += f" (more than {factor} × its {interval}-minute interval)"
    message_ko += f"(수집 간격 {interval}분의 {factor}배 초과)"
    return [Finding(rule="stale", message_en=message_en, message_ko=message_ko,
                    details={"since": since.isoformat(), "never_succeeded": source.last_success_at is None,
                             "interval_minutes": interval, "factor": settings.alert_stale_factor})]


def _stale_ended(source: Source, alert: Alert, now: datetime) -> bool:
    since = _parse_time((alert.details or {}).get("since")) or alert.opened_at
    if source.last_success_at is None or source.last_success_at <= since:
        return False
    _close(alert, now, succeeded_at=source.last_success_at.isoformat())
    return True


# Wording

def _error_text(run: CrawlRun) -> str:
    if run.error:
        error = " ".join(run.error.split())
    elif run.http_status:
        error = f"HTTP {run.http_status}"
    else:
        error = "no error recorded"
    return error if len(error) <= ERROR_TEXT_LIMIT else error[:ERROR_TEXT_LIMIT - 1] + "…"


def _duration_parts(delta: timedelta) -> tuple[int, str]:
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 120:
        return minutes, "minute"
    if minutes < 48 * 60:
        return minutes // 60, "hour"
    return minutes // (24 * 60), "day"


def _duration_en(delta: timedelta) -> str:
    n, unit = _duration_parts(delta)
    return f"{n} {unit}{'' if n == 1 else 's'}"


KOREAN_UNITS = {"minute": "분", "hour": "시간", "day": "일"}


def _duration_ko(delta: timedelta) -> str:
    n, unit = _duration_parts(delta)
    return f"{n}{KOREAN_UNITS[unit]}"


def _parse_time(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


# -------------------------------------------------------------------------------------- delivery


@dataclass(frozen=True)
class AlertNotice:
    """What is delivered of one alert: plain values, read while the transaction was open."""

    alert_id: int
    rule: str
    source_id: int
    platform: str
    source_url: str
    message_en: str
    message_ko: str
    opened_at: datetime
    details: dict

    @property
    def link(self) -> str:
        return f"/admin/sources/{self.source_id}"

    @property
    def subject(self) -> str:
        return f"[Sharing Hub] {self.rule}: {self.platform} source {self.source_id}"

    def payload(self) -> dict:
        return {"alert_id": self.alert_id, "rule": self.rule, "source_id": self.source_id,
                "platform": self.platform, "source_url": self.source_url, "message_en": self.message_en,
                "message_ko": self.message_ko, "opened_at": self.opened_at.isoformat(),
                "details": self.details, "link": self.link}

    def text(self) -> str:
        lines = [self.message_en, self.message_ko, "",
                 f"Rule: {self.rule}", f"Platform: {self.platform}",
                 f"Source: {self.source_id} {self.source_url}", f"Opened at: {self.opened_at.isoformat()}",
                 f"Admin page: {self.link}"]
        if self.details:
            lines += ["", "Details:"] + [f"  {key}: {value}" for key, value in sorted(self.details.items())]
        return "\n".join(lines) + "\n"


def _notice(session: Session, alert: Alert) -> AlertNotice:
    source = session.get(Source, alert.source_id)
    details = {k: v for k, v in (alert.details or {}).items() if k != "message_ko"}
    return AlertNotice(alert_id=alert.id, rule=alert.rule, source_id=source.id, platform=source.platform.name,
                       source_url=source.url, message_en=alert.message,
                       message_ko=(alert.details or {}).get("message_ko", alert.message),
                       opened_at=alert.opened_at, details=details)


def deliver(notice: AlertNotice, settings: Settings) -> dict[str, str]:
    """Send the notice by every configured channel; returns channel -> "sent" or "error: …". Never raises."""
    delivery: dict[str, str] = {}
    if settings.alert_webhook_url:
        delivery["webhook"] = _attempt("webhook", notice, lambda: post_webhook(notice, settings.alert_webhook_url))
    recipients = email_recipients(settings)
    if recipients:
        delivery["email"] = _attempt("email", notice, lambda: send_email(notice, settings, recipients))
    return delivery


def _attempt(channel: str, notice: AlertNotice, send) -> str:
    try:
        send()
    except Exception as exc:  # whatever the channel does wrong, the evaluation and the worker go on
        reason = _describe(exc)
        log.warning("alerts: unable to deliver alert %s (%s, source %s) by %s: %s",
                    notice.alert_id, notice.rule, notice.source_id, channel, reason)
        return f"error: {reason}"
    return "sent"


def _describe(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"{type(exc.reason).__name__}: {exc.reason}"
    return f"{type(exc).__name__}: {exc}"


def post_webhook(notice: AlertNotice, url: str) -> None:
    body = json.dumps(notice.payload(), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "SharingHub-alerts"})
    with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT_SECONDS) as response:
        response.read()  # urlopen raises HTTPError for 4xx/5xx; a 2xx or 3xx end is a delivery


def email_recipients(settings: Settings) -> list[str]:
    return [address.strip() for address in settings.alert_email_to.split(",") if address.strip()]


def send_email(notice: AlertNotice, settings: Settings, recipients: list[str]) -> None:
    message = EmailMessage()
    message["Subject"] = notice.subject
    message["From"] = settings.mail_from
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(notice.opened_at)
    # A domain of our own: make_msgid would otherwise ask DNS for this host's name.
    message["Message-ID"] = make_msgid(f"alert{notice.alert_id}", domain=settings.mail_from.rpartition("@")[2]
                                       or "sharehub")
    message.set_content(notice.text())
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=DELIVERY_TIMEOUT_SECONDS) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        refused = smtp.send_message(message, to_addrs=recipients)
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)
