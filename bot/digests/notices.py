"""Telling leaders, once, that a feed broke: the feeds that became unhealthy or disabled and whose leaders were
not told yet (`pending_notices`), and recording that they are being told (`acknowledge_notices`). Part of the
store (`bot.digests.store`); the messages themselves are the digest service's (`bot.digests.upkeep`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.digests.feeds.errors import FeedError
from bot.digests.types import FeedNotice
from bot.domain import ClubStatus, FeedStatus
from storage.models import Club, ClubFeed, Feed


def pending_notices(session: Session, feed_ids: Sequence[int]) -> tuple[FeedNotice, ...]:
    """The notices still to give for these feeds (unhealthy or disabled, leaders not told), with the active
    clubs that follow each."""
    if not feed_ids:
        return ()
    feeds = session.scalars(
        select(Feed)
        .where(
            Feed.id.in_(list(feed_ids)),
            Feed.status.in_([FeedStatus.UNHEALTHY, FeedStatus.DISABLED]),
            Feed.unhealthy_notified_at.is_(None),
        )
        .order_by(Feed.id)
    ).all()
    notices = []
    for feed in feeds:
        clubs = session.scalars(
            select(ClubFeed.club_id)
            .join(Club, Club.id == ClubFeed.club_id)
            .where(ClubFeed.feed_id == feed.id, Club.status == ClubStatus.ACTIVE)
            .order_by(ClubFeed.club_id)
        ).all()
        notices.append(
            FeedNotice(
                feed.id,
                feed.url,
                feed.title,
                FeedStatus(feed.status),
                FeedError.from_text(feed.last_error),
                feed.consecutive_failures,
                tuple(clubs),
            )
        )
    return tuple(notices)


def acknowledge_notices(session: Session, feed_ids: Iterable[int], now: datetime) -> list[int]:
    """Record that the leaders are being told about these feeds (call it with the outbox write); the ids
    this call acknowledged. A feed another process acknowledged first is left out, so when two refreshes
    report the same notice, only the one that gets it here tells the leaders."""
    acknowledged: list[int] = []
    for feed_id in sorted(set(feed_ids)):
        result = session.execute(
            update(Feed)
            .where(Feed.id == feed_id, Feed.unhealthy_notified_at.is_(None))
            .values(unhealthy_notified_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            acknowledged.append(feed_id)
    return acknowledged
