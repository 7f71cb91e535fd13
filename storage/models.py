"""The program's records as typed SQLAlchemy 2.0 models.

Rules that must hold whatever code writes the rows live here as database constraints: unique
emails, one membership per participant and club, one job run per (job, period, scope), foreign keys.
Times are stored as UTC and come back timezone-aware on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.domain import (
    CareerStage,
    ClubRole,
    ClubStatus,
    FeedStatus,
    FieldKey,
    JobRunStatus,
    MeetingFormat,
    MeetingRole,
    MembershipStatus,
    OutboxStatus,
    OutputType,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC; aware datetimes in, aware UTC datetimes out (SQLite included)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_column(enum: type[StrEnum], name: str) -> SAEnum:
    """A portable enum: VARCHAR with a named CHECK constraint holding the allowed values."""
    return SAEnum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [member.value for member in e],
        validate_strings=True,
    )


NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- people and meetings ----------------------------------------------------------------------


class Meeting(TimestampMixin, Base):
    """One BrainLink X-Lab Day meeting."""

    __tablename__ = "meetings"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title_ko: Mapped[str | None] = mapped_column(String(300))
    title_en: Mapped[str | None] = mapped_column(String(300))
    field: Mapped[FieldKey] = mapped_column(enum_column(FieldKey, "field_key"))
    venue: Mapped[str | None] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    organizers: Mapped[str | None] = mapped_column(String(500))

    attendances: Mapped[list[MeetingAttendance]] = relationship(back_populates="meeting")


class Participant(TimestampMixin, Base):
    """A person in the secretariat's participant database."""

    __tablename__ = "participants"
    __table_args__ = (
        CheckConstraint("forgotten_at IS NOT NULL OR name_ko IS NOT NULL OR name_en IS NOT NULL", name="has_name"),
        CheckConstraint("email IS NULL OR email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name_ko: Mapped[str | None] = mapped_column(String(120))
    name_en: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    affiliation: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    career_stage: Mapped[CareerStage | None] = mapped_column(enum_column(CareerStage, "career_stage"))
    overseas_korean: Mapped[bool] = mapped_column(Boolean, default=False)
    overseas_association: Mapped[str | None] = mapped_column(String(200))
    slack_user_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    orcid: Mapped[str | None] = mapped_column(String(19), unique=True)
    language: Mapped[str | None] = mapped_column(String(2))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    forgotten_at: Mapped[datetime | None]

    attendances: Mapped[list[MeetingAttendance]] = relationship(back_populates="participant")
    memberships: Mapped[list[Membership]] = relationship(back_populates="participant")


class MeetingAttendance(Base):
    __tablename__ = "meeting_attendances"
    __table_args__ = (UniqueConstraint("meeting_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    role: Mapped[MeetingRole] = mapped_column(enum_column(MeetingRole, "meeting_role"))

    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    participant: Mapped[Participant] = relationship(back_populates="attendances")


class SlackUser(Base):
    """What the bot last learned about a Slack user (locale, email), to avoid repeated lookups."""

    __tablename__ = "slack_users"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    real_name: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str | None] = mapped_column(String(16))
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- clubs --------------------------------------------------------------------------------------


class Club(TimestampMixin, Base):
    """The community formed by a meeting's attendees, with its Slack channel."""

    __tablename__ = "clubs"
    __table_args__ = (
        CheckConstraint("language IN ('ko', 'en')", name="language"),
        CheckConstraint("digest_weekday BETWEEN 0 AND 6", name="digest_weekday"),
        CheckConstraint("digest_hour BETWEEN 0 AND 23 AND digest_minute BETWEEN 0 AND 59", name="digest_time"),
        CheckConstraint("digest_max_items BETWEEN 1 AND 20", name="digest_max_items"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    field: Mapped[FieldKey] = mapped_column(enum_column(FieldKey, "field_key"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    channel_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    channel_name: Mapped[str | None] = mapped_column(String(80))
    is_private: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(2), default="ko")
    timezone: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[ClubStatus] = mapped_column(enum_column(ClubStatus, "club_status"), default=ClubStatus.ACTIVE)
    keywords: Mapped[str] = mapped_column(Text, default="")
    digest_weekday: Mapped[int] = mapped_column(SmallInteger, default=0)  # Monday
    digest_hour: Mapped[int] = mapped_column(SmallInteger, default=9)
    digest_minute: Mapped[int] = mapped_column(SmallInteger, default=0)
    digest_max_items: Mapped[int] = mapped_column(SmallInteger, default=8)
    created_by: Mapped[str | None] = mapped_column(String(32))
    closed_at: Mapped[datetime | None]

    meeting: Mapped[Meeting | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="club")


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("club_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    role: Mapped[ClubRole] = mapped_column(enum_column(ClubRole, "club_role"), default=ClubRole.MEMBER)
    status: Mapped[MembershipStatus] = mapped_column(
        enum_column(MembershipStatus, "membership_status"), default=MembershipStatus.PENDING
    )
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    joined_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]

    club: Mapped[Club] = relationship(back_populates="memberships")
    participant: Mapped[Participant] = relationship(back_populates="memberships")


# --- follow-up tracking -------------------------------------------------------------------------


class SoftDeleteMixin:
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None]
    deleted_by: Mapped[str | None] = mapped_column(String(32))


class Update(TimestampMixin, SoftDeleteMixin, Base):
    """A progress note (trend shared, joint work advanced, contact made)."""

    __tablename__ = "updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    text: Mapped[str] = mapped_column(Text)


class Output(TimestampMixin, SoftDeleteMixin, Base):
    """An outcome: joint paper, proposal, project, exchange, workshop, patent, policy input..."""

    __tablename__ = "outputs"
    __table_args__ = (UniqueConstraint("club_id", "doi"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    type: Mapped[OutputType] = mapped_column(enum_column(OutputType, "output_type"))
    title: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    occurred_on: Mapped[date | None] = mapped_column(Date)
    doi: Mapped[str | None] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(String(2000))
    note: Mapped[str | None] = mapped_column(Text)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    confirmed_at: Mapped[datetime | None]

    people: Mapped[list[OutputPerson]] = relationship(cascade="all, delete-orphan")
    status_changes: Mapped[list[OutputStatusChange]] = relationship(
        cascade="all, delete-orphan", order_by="OutputStatusChange.changed_at"
    )


class OutputPerson(Base):
    """Someone the output was done with (`with:@a,EMAIL`): a participant, or just a name/email."""

    __tablename__ = "output_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    output_id: Mapped[int] = mapped_column(ForeignKey("outputs.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))


class OutputStatusChange(Base):
    __tablename__ = "output_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    output_id: Mapped[int] = mapped_column(ForeignKey("outputs.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))


class ClubMeeting(TimestampMixin, SoftDeleteMixin, Base):
    """A club operation or project review meeting the club held."""

    __tablename__ = "club_meetings"
    __table_args__ = (CheckConstraint("attendees IS NULL OR attendees >= 0", name="attendees"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    format: Mapped[MeetingFormat] = mapped_column(enum_column(MeetingFormat, "meeting_format"))
    attendees: Mapped[int | None]
    summary: Mapped[str] = mapped_column(Text)


class Plan(TimestampMixin, SoftDeleteMixin, Base):
    """Next-quarter plans, for the report."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    text: Mapped[str] = mapped_column(Text)


# --- engagement ----------------------------------------------------------------------------------


class ActivityDay(Base):
    """Counts of a person's activity in a club channel on one day. No message text is stored."""

    __tablename__ = "activity_days"
    __table_args__ = (UniqueConstraint("club_id", "slack_user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    slack_user_id: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)
    messages: Mapped[int] = mapped_column(default=0)
    replies: Mapped[int] = mapped_column(default=0)
    files: Mapped[int] = mapped_column(default=0)
    reactions: Mapped[int] = mapped_column(default=0)


class SlackEvent(Base):
    """Events API deliveries already processed, so a redelivered event is counted once."""

    __tablename__ = "slack_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


# --- surveys ------------------------------------------------------------------------------------


class Survey(TimestampMixin, Base):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(String(32))


class SurveyInvitation(Base):
    __tablename__ = "survey_invitations"
    __table_args__ = (UniqueConstraint("survey_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    reminders_sent: Mapped[int] = mapped_column(default=0)
    last_reminded_at: Mapped[datetime | None]


class SurveyResponse(Base):
    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("survey_id", "participant_id"),
        CheckConstraint(
            "overall BETWEEN 1 AND 5 AND program BETWEEN 1 AND 5 AND speakers BETWEEN 1 AND 5 "
            "AND networking BETWEEN 1 AND 5",
            name="scores_1_to_5",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    overall: Mapped[int] = mapped_column(SmallInteger)
    program: Mapped[int] = mapped_column(SmallInteger)
    speakers: Mapped[int] = mapped_column(SmallInteger)
    networking: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# --- feeds and digests ---------------------------------------------------------------------------


class Feed(TimestampMixin, Base):
    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    title: Mapped[str | None] = mapped_column(String(500))
    field: Mapped[FieldKey | None] = mapped_column(enum_column(FieldKey, "field_key"))
    is_catalog: Mapped[bool] = mapped_column(Boolean, default=False)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_fetched_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    status: Mapped[FeedStatus] = mapped_column(enum_column(FeedStatus, "feed_status"), default=FeedStatus.OK)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_problem: Mapped[str | None] = mapped_column(Text)
    unhealthy_notified_at: Mapped[datetime | None]
    #: The first failed fetch since the last success (None while the feed works).
    failing_since: Mapped[datetime | None]
    #: The server asked (429/503 with `Retry-After`) not to be fetched again before this instant.
    retry_not_before: Mapped[datetime | None]


class ClubFeed(TimestampMixin, Base):
    __tablename__ = "club_feeds"
    __table_args__ = (UniqueConstraint("club_id", "feed_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    keywords: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str | None] = mapped_column(String(32))


class FeedItem(Base):
    __tablename__ = "feed_items"
    __table_args__ = (UniqueConstraint("feed_id", "entry_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    entry_key: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2000))
    url_key: Mapped[str | None] = mapped_column(String(64), index=True)  # hash of the normalised URL
    title: Mapped[str] = mapped_column(Text)
    title_key: Mapped[str] = mapped_column(String(64), index=True)  # hash of the normalised title
    summary: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SharedItem(TimestampMixin, Base):
    """An item a member shared with `/club share`, for the next digest."""

    __tablename__ = "shared_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    shared_by_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("digests.id", ondelete="SET NULL"))


class Digest(TimestampMixin, Base):
    """One club's digest for one period; at most one per (club, period)."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("club_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(20))
    item_count: Mapped[int] = mapped_column(default=0)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))


class DigestEntry(Base):
    """An item posted in a club's digest, remembered so it is never posted to that club again."""

    __tablename__ = "digest_entries"
    __table_args__ = (
        Index("ix_digest_entries_club_url", "club_id", "url_key"),
        Index("ix_digest_entries_club_title", "club_id", "title_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"), index=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    feed_item_id: Mapped[int | None] = mapped_column(ForeignKey("feed_items.id", ondelete="SET NULL"))
    shared_item_id: Mapped[int | None] = mapped_column(ForeignKey("shared_items.id", ondelete="SET NULL"))
    entry_key: Mapped[str | None] = mapped_column(String(500))
    url_key: Mapped[str | None] = mapped_column(String(64))
    title_key: Mapped[str] = mapped_column(String(64))


# --- reports ---------------------------------------------------------------------------------------


class Report(Base):
    """A built report: the program's, or one club's, for a period; its files live under the reports folder."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("period", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(40))  # "2026Q4" or "2026-01-01..2026-02-15"
    scope: Mapped[str] = mapped_column(String(40))  # "program" or "club:<id>"
    club_id: Mapped[int | None] = mapped_column(ForeignKey("clubs.id", ondelete="SET NULL"))
    built_at: Mapped[datetime] = mapped_column(default=utcnow)
    files: Mapped[list[Any]] = mapped_column(default=list)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ReportNarrative(Base):
    """The leaders' part of a club's quarterly report."""

    __tablename__ = "report_narratives"
    __table_args__ = (UniqueConstraint("club_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(40))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    highlights: Mapped[str] = mapped_column(Text, default="")
    difficulties: Mapped[str] = mapped_column(Text, default="")
    plans: Mapped[str] = mapped_column(Text, default="")
    support: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Reminder(TimestampMixin, Base):
    """A deadline reminder to one leader; `subject` names what is due (e.g. `outcome-report:meeting:3`)."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("subject", "participant_id", "remind_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(80))
    due_on: Mapped[date] = mapped_column(Date)
    remind_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime | None]
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None]


# --- operations: audit, clock, outbox ---------------------------------------------------------------


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
