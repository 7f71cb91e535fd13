"""Feeds, the clubs that follow them, fetched items, items shared by people, digests and their entries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain import (
    FeedStatus,
    FieldKey,
)
from storage.models.base import Base, TimestampMixin, enum_column, utcnow


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
    doi: Mapped[str | None] = mapped_column(String(300))  # normal form (bot.digests.feeds.doi)


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
