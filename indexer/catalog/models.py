"""Catalog tables: the source of truth. Changes go through an Alembic migration, never create_all."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, MetaData, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes on every database; SQLite forgets the offset, so store UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the catalog")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Platform(Base):
    __tablename__ = "platforms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_ko: Mapped[str | None] = mapped_column(String(200))
    homepage: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sources: Mapped[list["Source"]] = relationship(back_populates="platform")


SOURCE_STATES = ("new", "healthy", "degraded", "failing", "recovered", "paused")
# Why the next run is when it is: the set interval, adapted to changes, a failure's backoff, or a hint
# of the source's own (RSS ttl, Cache-Control/Expires, Retry-After), or someone asked for it now.
SCHEDULE_REASONS = ("interval", "adaptive", "backoff", "hint", "retry_after", "requested")


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    kind: Mapped[str] = mapped_column(String(20))              # as asked: auto, feed, ...
    resolved_kind: Mapped[str | None] = mapped_column(String(20))  # what auto found
    resolved_url: Mapped[str | None] = mapped_column(String(2000))  # e.g. the feed an HTML page advertises
    config: Mapped[dict | None] = mapped_column(JSON)  # html selectors, json_api mapping or preset
    interval_minutes: Mapped[int] = mapped_column(Integer)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_crawled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Crawl health and schedule, kept by the worker (crawler.schedule decides, crawler.worker writes).
    state: Mapped[str] = mapped_column(String(12), default="new", server_default="new")  # see SOURCE_STATES
    state_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # failed crawls in a row
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: due now
    # The interval in use now: the set one (interval_minutes) adapted to how often the source changes.
    current_interval_minutes: Mapped[int | None] = mapped_column(Integer)
    schedule_reason: Mapped[str | None] = mapped_column(String(20))  # see SCHEDULE_REASONS
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    run_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # "crawl now", until it starts
    # Which worker crawls it now, until when: two workers never crawl one source at the same time.
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    platform: Mapped[Platform] = relationship(back_populates="sources")
    runs: Mapped[list["CrawlRun"]] = relationship(back_populates="source", cascade="all, delete-orphan",
                                                  passive_deletes=True, order_by="CrawlRun.id")


class SourceDocument(Base):
    """What the crawler last knew of one document of a source (a sitemap page, a listing page):
    its validators for a conditional GET, and the sitemap lastmod it had when fetched."""

    __tablename__ = "source_documents"
    __table_args__ = (UniqueConstraint("source_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    lastmod: Mapped[datetime | None] = mapped_column(UTCDateTime)
    http_status: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(20), default="running")  # ok, partial, not_modified, failed
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str | None] = mapped_column(String(40))
    seen: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    invalid: Mapped[int] = mapped_column(Integer, default=0)
    gone: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # documents fetched
    error_url: Mapped[str | None] = mapped_column(String(2000))  # the document the error is about
    retry_after: Mapped[float | None] = mapped_column(Float)  # seconds the source asked us to wait (429/503)
    fresh_for: Mapped[float | None] = mapped_column(Float)  # seconds the feed says it stays fresh (ttl, max-age)

    source: Mapped[Source] = relationship(back_populates="runs")

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("seen", "new", "updated", "unchanged", "invalid", "gone")}


class ListingRow(Base):
    __tablename__ = "listings"
    # (source_id, status), not source_id alone: without statistics SQLite would otherwise answer
    # "this source's active listings" from the status index, reading every active listing.
    __table_args__ = (UniqueConstraint("source_id", "item_key"),
                      Index("ix_listings_status", "status"),
                      Index("ix_listings_source_status", "source_id", "status"))

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    item_key: Mapped[str] = mapped_column(String(2000))
    url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    description_html: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(40))
    price_amount: Mapped[int | None] = mapped_column(Integer)
    price_currency: Mapped[str | None] = mapped_column(String(3))
    price_unit: Mapped[str | None] = mapped_column(String(10))
    price_unit_count: Mapped[int | None] = mapped_column(Integer)
    price_is_free: Mapped[bool | None] = mapped_column(Boolean)
    price_deposit: Mapped[int | None] = mapped_column(Integer)
    price_conditions: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    district: Mapped[str | None] = mapped_column(String(5))
    dong: Mapped[str | None] = mapped_column(String(100))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    images: Mapped[list] = mapped_column(JSON, default=list)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    language: Mapped[str | None] = mapped_column(String(20))
    contact: Mapped[dict | None] = mapped_column(JSON)
    opening_hours: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="active")  # active, gone, removed
    # Successful crawls in a row that did not contain the item; at the setting's limit it is gone.
    missed_crawls: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    gone_reason: Mapped[str | None] = mapped_column(String(40))  # missing, dead_link
    # The same thing on other platforms (indexer.duplicates): the smallest member id; None alone.
    cluster_id: Mapped[str | None] = mapped_column(String(64), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))


class ItemDiagnostic(Base):
    """What was wrong with one item of one crawl, shown to operators (ko and en)."""

    __tablename__ = "item_diagnostics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"), index=True)
    listing_id: Mapped[str | None] = mapped_column(String(64))
    item_key: Mapped[str | None] = mapped_column(String(2000))
    item_title: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(10))
    field: Mapped[str | None] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(60))
    message_en: Mapped[str] = mapped_column(Text)
    message_ko: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SearchPending(Base):
    """A listing whose search document the engine has not taken yet (it was down or refused).

    Written when an index update fails after the catalog committed, so the update is pending, not
    lost: the catch-up (indexer.indexing.catch_up) indexes the listing if it is active and deletes
    it from the index otherwise. No foreign key: the listing may be gone or deleted by then, and
    its deletion from the index is exactly what is pending.
    """

    __tablename__ = "search_pending"

    listing_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The last time it was marked: a catch-up clears only markers older than what it read.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(Base):
    """Every admin and operator action: who, what, when, and the values before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))          # "admin", "cli:<user>", an operator's e-mail
    action: Mapped[str] = mapped_column(String(60))          # source.pause, source.set_interval, alert.silence …
    target_type: Mapped[str] = mapped_column(String(40))     # source, platform, alert_silence …
    target_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


class Alert(Base):
    """One episode of one alert rule for one source: opened once when the rule starts to hold,
    closed when it stops; delivered once, at the opening, unless a silence covered it."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_open", "source_id", "rule", "closed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule: Mapped[str] = mapped_column(String(40))   # failing, item_drop, stale, recovered
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[dict | None] = mapped_column(JSON)
    silenced: Mapped[bool] = mapped_column(Boolean, default=False)
    delivery: Mapped[dict | None] = mapped_column(JSON)  # channel -> "sent" or the error


class AlertSilence(Base):
    """A maintenance window: alerts of the rule (None: any) for the source (None: any) opened between
    starts_at and ends_at are recorded but not delivered."""

    __tablename__ = "alert_silences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    rule: Mapped[str | None] = mapped_column(String(40))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
