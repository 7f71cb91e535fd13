"""Outputs found, not only filed: the joint works discovery put to a club's leaders."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain import SuggestionStatus
from storage.models.base import Base, TimestampMixin, enum_column


class OutputSuggestion(TimestampMixin, Base):
    """A joint work of two or more members OpenAlex lists, suggested once to the club's leaders.

    Unique per (club, DOI): a DOI pending, confirmed or rejected is never suggested to the club again. Confirmed,
    `output_id` is the club's output (new, or the one already filed with that DOI)."""

    __tablename__ = "output_suggestions"
    __table_args__ = (UniqueConstraint("club_id", "doi"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    doi: Mapped[str] = mapped_column(String(255))
    openalex_id: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    venue: Mapped[str | None] = mapped_column(String(500))
    published_on: Mapped[date | None] = mapped_column(Date)
    international: Mapped[bool] = mapped_column(Boolean, default=False)
    #: ISO 3166-1 alpha-2 codes the authors span, sorted.
    countries: Mapped[list[Any]] = mapped_column(default=list)
    #: The participant ids of the members on the work, in roster order.
    member_ids: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[SuggestionStatus] = mapped_column(
        enum_column(SuggestionStatus, "suggestion_status"), default=SuggestionStatus.PENDING
    )
    output_id: Mapped[int | None] = mapped_column(ForeignKey("outputs.id", ondelete="SET NULL"))
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None]


class DoiMetadata(Base):
    """A DOI looked up in Crossref (a cache, shared by every club): its `message` as Crossref gave it (None when
    Crossref does not know the DOI) and what the cards show of it, read once."""

    __tablename__ = "doi_metadata"

    doi: Mapped[str] = mapped_column(String(255), primary_key=True)
    message: Mapped[dict[str, Any] | None]
    title: Mapped[str | None] = mapped_column(Text)
    venue: Mapped[str | None] = mapped_column(String(500))
    published_on: Mapped[date | None] = mapped_column(Date)
    #: Crossref's own type (`journal-article`, `dataset`...).
    crossref_type: Mapped[str | None] = mapped_column(String(64))
    #: The bot's output type for `crossref_type` (`bot.domain.OutputType` value), None where it does not map.
    output_type: Mapped[str | None] = mapped_column(String(32))
    #: The authors' display names, in Crossref's order.
    authors: Mapped[list[Any]] = mapped_column(default=list)
    fetched_at: Mapped[datetime]
