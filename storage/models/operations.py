"""Operations: the audit log, the clock's job runs and job store, the outbox, processed Slack events and requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain import (
    JobRunStatus,
    OutboxStatus,
)
from storage.models.base import Base, TimestampMixin, enum_column, utcnow


class AuditEntry(Base):
    """Who changed what. `actor` is a Slack user ID or `cli:<command>`."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    club_id: Mapped[int | None] = mapped_column(ForeignKey("clubs.id", ondelete="SET NULL"), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class JobRun(Base):
    """One scheduled job's run for one period (and club): claimed before the work, marked done after."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "period", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(40))
    scope: Mapped[str] = mapped_column(String(40), default="")  # "" for program-wide, "club:<id>" per club
    status: Mapped[JobRunStatus] = mapped_column(enum_column(JobRunStatus, "job_run_status"))
    attempts: Mapped[int] = mapped_column(default=1)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class OutboxMessage(TimestampMixin, Base):
    """A post the bot decided to make; written with the record it announces, sent by the dispatcher."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str | None] = mapped_column(String(80), index=True)  # e.g. "output:12"
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    channel: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    ts: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None]


#: APScheduler's SQLAlchemy job store table (the clock's schedule), created by our migrations so the
#: schema has one owner; the column layout is APScheduler 3.x's.
apscheduler_jobs = Table(
    "apscheduler_jobs",
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)


class SlackEvent(Base):
    """Events API deliveries already processed, so a redelivered event is counted once."""

    __tablename__ = "slack_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SeenSignature(Base):
    """Signed requests already accepted within Slack's five-minute window, so a replayed one is processed once.

    Keyed by the request's signature (an HMAC of its timestamp and body); `request_ts` is the signed timestamp,
    by which old rows are pruned (a request older than the window is refused anyway)."""

    __tablename__ = "seen_signatures"

    signature: Mapped[str] = mapped_column(String(80), primary_key=True)
    request_ts: Mapped[int] = mapped_column(BigInteger, index=True)
