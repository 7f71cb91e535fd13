"""Which feeds a club follows: the catalog feeds of its field, feeds its leaders add (read once first), and
removing one. Part of the store (`bot.digests.store`).

Adding a feed holds no database transaction open while the address is fetched: the club and known feeds are
read in one short session, and the feed written in another after the fetch.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.digests.feed_rows import (
    Fetcher,
    SessionFactory,
    club_feed_view,
    club_of,
    feed_view,
    mark_success,
    sessions_of,
    store_entries,
)
from bot.digests.feeds.catalog import CatalogFeed, load_catalog
from bot.digests.feeds.errors import FeedError, FeedErrorKind
from bot.digests.feeds.pipeline import Fetched
from bot.digests.feeds.types import FetchRequest
from bot.digests.types import AddFeedResult, FeedView
from bot.domain import FeedStatus, FieldKey
from storage.db import Database
from storage.models import ClubFeed, Feed


def _subscribe(session: Session, club_id: int, feed: Feed, *, keywords: str = "", added_by: str | None = None) -> bool:
    """Subscribe a club to a feed; False when it already was."""
    found = session.scalar(select(ClubFeed).where(ClubFeed.club_id == club_id, ClubFeed.feed_id == feed.id))
    if found is not None:
        return False
    session.add(ClubFeed(club_id=club_id, feed_id=feed.id, keywords=keywords, added_by=added_by))
    session.flush()
    return True


def subscribe_catalog(
    session: Session,
    club_id: int,
    field: FieldKey | None = None,
    *,
    catalog: dict[FieldKey, tuple[CatalogFeed, ...]] | None = None,
) -> list[FeedView]:
    """Subscribe a club to its field's catalog feeds (idempotent); the club's feeds afterwards."""
    club = club_of(session, club_id)
    chosen = FieldKey(field or club.field)
    for entry in (catalog or load_catalog())[chosen]:
        feed = session.scalar(select(Feed).where(Feed.url == entry.url))
        if feed is None:
            feed = Feed(url=entry.url, title=entry.title, field=chosen, is_catalog=True)
            session.add(feed)
            session.flush()
        _subscribe(session, club_id, feed, added_by="catalog")
    return list_feeds(session, club_id)


def list_feeds(session: Session, club_id: int) -> list[FeedView]:
    """A club's feeds with their health, by number (#1, #2, …: the number `/club feeds remove` takes)."""
    rows = session.execute(
        select(Feed, ClubFeed).join(ClubFeed, ClubFeed.feed_id == Feed.id).where(ClubFeed.club_id == club_id)
    ).all()
    views = [feed_view(feed, club_feed) for feed, club_feed in rows]
    return sorted(views, key=lambda v: v.feed_id)


def remove_feed(session: Session, club_id: int, feed_id: int) -> bool:
    """Unsubscribe a club from a feed; False when it was not subscribed. The feed row stays for others."""
    club_feed = session.scalar(select(ClubFeed).where(ClubFeed.club_id == club_id, ClubFeed.feed_id == feed_id))
    if club_feed is None:
        return False
    session.delete(club_feed)
    session.flush()
    return True


def _as_url(text: str) -> str:
    text = text.strip().strip("<>")
    if "|" in text:  # a Slack link: <https://x|label>
        text = text.split("|", 1)[0]
    return text if "://" in text else f"https://{text}"


def _fetch_feed(fetcher: Fetcher, url: str) -> tuple[str, Fetched]:
    """Fetch and read `url`; a web page that advertises a feed is followed to that feed."""
    (fetched,) = fetcher([FetchRequest(url)])
    if fetched.feed is None and fetched.error is not None and fetched.error.kind is FeedErrorKind.NOT_A_FEED:
        for link in fetched.alternates[:2]:
            (followed,) = fetcher([FetchRequest(link)])
            if followed.feed is not None:
                return link, followed
    return url, fetched


def add_feed(
    database: Database | SessionFactory,
    club_id: int,
    url: str,
    *,
    fetcher: Fetcher,
    now: datetime,
    added_by: str | None = None,
    keywords: str = "",
) -> AddFeedResult:
    """Add a feed to a club after one successful fetch and parse.

    Refused, with the reason, when the address does not answer, is blocked, answers an HTTP error, or is
    not a feed. A web page that advertises a feed (`<link rel="alternate">`) is followed to that feed.
    A feed the bot already reads successfully is subscribed to without fetching it again. No database
    transaction is open while the address is fetched: the club and known feeds are read in one short
    session, and the feed is written in another after the fetch.
    """
    sessions = sessions_of(database)
    url = _as_url(url)
    with sessions() as session:
        club_of(session, club_id)
        known = session.scalar(select(Feed).where(Feed.url == url))
        if known is not None and known.status == FeedStatus.OK and known.last_success_at is not None:
            added = _subscribe(session, club_id, known, keywords=keywords, added_by=added_by)
            return AddFeedResult(feed=club_feed_view(session, club_id, known), already=not added)

    url, fetched = _fetch_feed(fetcher, url)
    parsed = fetched.feed
    if parsed is None:
        return AddFeedResult(error=fetched.error or FeedError(FeedErrorKind.NOT_A_FEED))

    stored_url = fetched.result.permanent_url or url
    with sessions() as session:
        club = club_of(session, club_id)
        feed = session.scalar(select(Feed).where(Feed.url == stored_url))
        if feed is None:
            try:
                with session.begin_nested():
                    feed = Feed(url=stored_url, is_catalog=False)
                    session.add(feed)
                    session.flush()
            except IntegrityError:  # added by someone else meanwhile
                feed = session.scalar(select(Feed).where(Feed.url == stored_url))
                assert feed is not None
        feed.title = feed.title or parsed.title or urlsplit(stored_url).hostname
        feed.field = feed.field or club.field
        mark_success(feed, fetched.result, parsed, now)
        session.flush()
        store_entries(session, feed.id, parsed.entries, now)
        added = _subscribe(session, club_id, feed, keywords=keywords, added_by=added_by)
        return AddFeedResult(feed=club_feed_view(session, club_id, feed), already=not added)
