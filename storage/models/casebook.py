"""The casebook of a year: the clubs the secretariat picked, each person's consent to be printed, the interviews
the secretariat conducted, and the foreword it wrote (per language)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class CasebookPick(Base):
    """A club chosen for the year's casebook (one chapter each)."""

    __tablename__ = "casebook_picks"
    __table_args__ = (UniqueConstraint("year", "club_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    picked_by: Mapped[str | None] = mapped_column(String(32))
    picked_at: Mapped[datetime] = mapped_column(default=utcnow)


class CasebookConsent(Base):
    """One person's answer for one casebook year: `pending` (asked, no answer yet), `agree`, `anonymise` or
    `decline`; changeable until the casebook is built."""

    __tablename__ = "casebook_consents"
    __table_args__ = (
        UniqueConstraint("year", "participant_id"),
        CheckConstraint("answer IN ('pending', 'agree', 'anonymise', 'decline')", name="answer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    #: The club whose pick first asked this person (named in the DM).
    club_id: Mapped[int | None] = mapped_column(ForeignKey("clubs.id", ondelete="SET NULL"))
    answer: Mapped[str] = mapped_column(String(16), default="pending")
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    #: The outbox row of the DM (updated to show the answer).
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))


class CasebookInterview(Base):
    """The interview the secretariat conducted with a picked club: question and answer pairs, and whom it was with."""

    __tablename__ = "casebook_interviews"
    __table_args__ = (UniqueConstraint("year", "club_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    interviewee_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    #: [{"q": "...", "a": "..."}, ...] in order.
    pairs: Mapped[list[Any]] = mapped_column(default=list)
    updated_by: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CasebookForeword(Base):
    """The foreword page the secretariat wrote, per year and language."""

    __tablename__ = "casebook_forewords"
    __table_args__ = (UniqueConstraint("year", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    lang: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
