"""Surveys and their invitations and responses; quarterly reports, their narratives, deadline reminders."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, TimestampMixin, utcnow


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


class ReportFile(Base):
    """One generated file of a report (DOCX, XLSX, PNG, PDF), kept in the database so that every process (web,
    clock, outbox) on any host reads the same bytes: its bytes are in `ReportFileChunk` rows of at most ~1 MB.
    `report_id` is empty for a draft's files (a report of a period not over yet, built on request)."""

    __tablename__ = "report_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(40))
    scope: Mapped[str] = mapped_column(String(40))
    club_id: Mapped[int | None] = mapped_column(ForeignKey("clubs.id", ondelete="SET NULL"))
    lang: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(8))  # docx, xlsx, png, pdf
    name: Mapped[str] = mapped_column(String(200))  # the file name, e.g. report-2026Q4-program-ko.docx
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportFileChunk(Base):
    """A piece of a report file's bytes, in order (`seq` from 0)."""

    __tablename__ = "report_file_chunks"

    file_id: Mapped[int] = mapped_column(ForeignKey("report_files.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
