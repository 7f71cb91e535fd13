"""The store's ground floor: feed and item rows, written from what a fetch found and read back as plain values.

Shared by the store's parts (`bot.digests.subscriptions`, `bot.digests.store`, `bot.digests.notices`,
`bot.digests.drafting`): how sessions are opened (`SessionFactory`), how feeds are fetched (`Fetcher`), a
feed row as a `FeedView`, new entries inserted once each (`store_entries`), a fetch's success or failure
recorded on the feed (`mark_success`, `mark_failure`), and retention (`prune_unlisted`, `prune_feed_items`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.digests.feeds.errors import FeedError, FeedErrorKind
from bot.digests.feeds.normalize import title_key
from bot.digests.feeds.parse import ParsedEntry, ParsedFeed
from bot.digests.feeds.pipeline import Fetched
from bot.digests.feeds.types import FetchRequest, FetchResult
from bot.digests.types import FeedView
from bot.domain import ClubStatus, FeedStatus
from storage.db import Database
from storage.models import Club, ClubFeed, DigestEntry, Feed, FeedItem

RETENTION = timedelta(days=90)


class Fetcher(Protocol):
    """Fetches and parses many feeds at once, one `Fetched` per request in order
    (`bot.digests.feeds.pipeline.fetch_and_parse`)."""

    def __call__(self, requests: Sequence[FetchRequest], /) -> Sequence[Fetched]: ...


SessionFactory = Callable[[], AbstractContextManager[Session]]


def sessions_of(source: Database | SessionFactory) -> SessionFactory:
    return source.session if isinstance(source, Database) else source


def club_of(session: Session, club_id: int) -> Club:
    club = session.get(Club, club_id)
    if club is None:
        raise LookupError(f"no club {club_id}")
    return club


def feed_view(feed: Feed, club_feed: ClubFeed | None = None) -> FeedView:
    return FeedView(
        feed_id=feed.id,
        url=feed.url,
        title=feed.title,
        status=FeedStatus(feed.status),
        is_catalog=feed.is_catalog,
        keywords=club_feed.keywords if club_feed else "",
        last_success_at=feed.last_success_at,
        consecutive_failures=feed.consecutive_failures,
        error=FeedError.from_text(feed.last_error),
        problem=feed.last_problem,
        last_fetched_at=feed.last_fetched_at,
        failing_since=feed.failing_since,
        retry_not_before=feed.retry_not_before,
    )


def club_feed_view(session: Session, club_id: int, feed: Feed) -> FeedView:
    """The feed as this club follows it (with the club's keywords for it)."""
    club_feed = session.scalar(select(ClubFeed).where(ClubFeed.club_id == club_id, ClubFeed.feed_id == feed.id))
    return feed_view(feed, club_feed)


def _insert(session: Session) -> Callable[..., object]:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def stored_keys(session: Session, feed_ids: Sequence[int]) -> dict[int, set[str]]:
    """The entry keys already stored for each of these feeds, in one query per 500 feeds."""
    stored: dict[int, set[str]] = {feed_id: set() for feed_id in feed_ids}
    ids = list(feed_ids)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(FeedItem.feed_id, FeedItem.entry_key).where(FeedItem.feed_id.in_(ids[start : start + 500]))
        )
        for feed_id, key in rows:
            stored[feed_id].add(key)
    return stored


def store_entries(
    session: Session,
    feed_id: int,
    entries: Iterable[ParsedEntry],
    now: datetime,
    existing: set[str] | None = None,
) -> int:
    """Insert entries not yet stored for this feed (by entry key); the number inserted. `existing`: the
    feed's stored keys when the caller already read them."""
    entries = list(entries)
    if not entries:
        return 0
    if existing is None:
        keys = [e.key for e in entries]
        existing = set(
            session.scalars(select(FeedItem.entry_key).where(FeedItem.feed_id == feed_id, FeedItem.entry_key.in_(keys)))
        )
    rows = [
        {
            "feed_id": feed_id,
            "entry_key": e.key,
            "url": e.url[:2000] if e.url else None,
            "url_key": e.url_key,
            "title": e.title,
            "title_key": e.title_key or title_key(e.title),
            "summary": e.summary or None,
            "published_at": min(e.published_at, now) if e.published_at else None,
            "first_seen_at": now,
            "doi": e.doi[:300] if e.doi else None,
        }
        for e in entries
        if e.key not in existing
    ]
    if not rows:
        return 0
    # one cached statement run for many rows (not a fresh multi-VALUES statement per feed, which
    # SQLAlchemy would compile each time); RETURNING counts what was really inserted
    statement = (
        _insert(session)(FeedItem.__table__)
        .on_conflict_do_nothing(index_elements=["feed_id", "entry_key"])  # type: ignore[attr-defined]
        .returning(FeedItem.__table__.c.id)
    )
    return len(session.execute(statement, rows).all())


def mark_success(feed: Feed, result: FetchResult, parsed: ParsedFeed | None, now: datetime) -> None:
    feed.last_fetched_at = now
    feed.last_success_at = now
    feed.consecutive_failures = 0
    feed.status = FeedStatus.OK
    feed.last_error = None
    feed.failing_since = None
    feed.retry_not_before = None
    feed.unhealthy_notified_at = None  # a later outage is told again
    if result.etag:
        feed.etag = result.etag[:500]
    if result.last_modified:
        feed.last_modified = result.last_modified[:100]
    if parsed is not None:
        feed.last_problem = parsed.problem
        if not feed.title and parsed.title:
            feed.title = parsed.title[:500]


def mark_failure(
    feed: Feed, error: FeedError, now: datetime, unhealthy_after: int, retry_after: float | None = None
) -> None:
    feed.last_fetched_at = now
    feed.consecutive_failures = (feed.consecutive_failures or 0) + 1
    feed.last_error = error.to_text()
    feed.failing_since = feed.failing_since or now
    feed.retry_not_before = now + timedelta(seconds=retry_after) if retry_after else None
    if error.kind is FeedErrorKind.HTTP_STATUS and error.status == 410:
        feed.status = FeedStatus.DISABLED
    elif feed.consecutive_failures >= unhealthy_after and feed.status == FeedStatus.OK:
        feed.status = FeedStatus.UNHEALTHY


def followed() -> Any:
    return exists().where(ClubFeed.feed_id == Feed.id, ClubFeed.club_id == Club.id, Club.status == ClubStatus.ACTIVE)


def never_posted() -> Any:
    return ~exists().where(DigestEntry.feed_item_id == FeedItem.id)


def prune_unlisted(session: Session, feed_id: int, listed: Sequence[str], cutoff: datetime) -> int:
    """Delete this feed's unposted items first seen before `cutoff` that the feed no longer lists."""
    statement = delete(FeedItem).where(FeedItem.feed_id == feed_id, FeedItem.first_seen_at < cutoff, never_posted())
    if listed:
        statement = statement.where(FeedItem.entry_key.not_in(list(listed)))
    result = session.execute(statement.execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def prune_feed_items(session: Session, now: datetime, *, retention: timedelta = RETENTION) -> int:
    """Delete unposted items first seen more than `retention` ago from feeds that are no longer read
    (disabled, or followed by no active club); the number deleted. Items of feeds still read are
    pruned by `refresh_feeds` once their feed stops listing them."""
    not_read = select(Feed.id).where((Feed.status == FeedStatus.DISABLED) | ~followed())
    result = session.execute(
        delete(FeedItem)
        .where(FeedItem.feed_id.in_(not_read), FeedItem.first_seen_at < now - retention, never_posted())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
