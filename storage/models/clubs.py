"""People, X-Lab Day meetings and their attendance, Slack users, clubs and memberships."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.domain import (
    CareerStage,
    ClubRole,
    ClubStatus,
    FieldKey,
    MeetingRole,
    MembershipStatus,
)
from storage.models.base import Base, TimestampMixin, enum_column, utcnow


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
    #: No reminders or nudges reach the person until the end of this day (set from the App Home).
    away_until: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    forgotten_at: Mapped[datetime | None]
    #: When the App Home asked this member for their ORCID iD (asked once).
    orcid_nudged_at: Mapped[datetime | None]

    attendances: Mapped[list[MeetingAttendance]] = relationship(back_populates="participant")
    memberships: Mapped[list[Membership]] = relationship(back_populates="participant")


class AwaySpan(Base):
    """A time a person said they were away (the App Home's "away until"), kept as history: reminders wait
    while it lasts, and the reports count the person away rather than silent for it (`bot.domain`)."""

    __tablename__ = "away_spans"
    __table_args__ = (CheckConstraint("last_day >= first_day", name="days_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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
    #: The person's time zone as Slack gives it (`users.info` `tz`), e.g. Europe/Vienna.
    tz: Mapped[str | None] = mapped_column(String(64))
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
