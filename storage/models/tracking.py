"""Follow-up tracking: updates, outputs and their people and status history, club meetings, plans; engagement counts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.domain import (
    MeetingFormat,
    OutputSource,
    OutputType,
)
from storage.models.base import Base, SoftDeleteMixin, TimestampMixin, enum_column, utcnow


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
    #: When Crossref answered for `doi` (found or unknown); None while a lookup is owed (`jobs.outputs` retries).
    doi_looked_up_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    confirmed_at: Mapped[datetime | None]
    #: Filed by a member, or discovered through OpenAlex and confirmed by a leader.
    source: Mapped[OutputSource] = mapped_column(
        enum_column(OutputSource, "output_source"), default=OutputSource.FILED, server_default=OutputSource.FILED.value
    )

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
