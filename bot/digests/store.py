"""Feeds and digests, bound to the database: subscriptions, refreshing, and what a club's next digest holds.

The store is one thing with one import for its callers (the digest service, `bot.digests.service` and its
siblings): this module. Refreshing lives here; its other parts are `bot.digests.subscriptions` (which feeds
a club follows), `bot.digests.notices` (telling leaders once that a feed broke), `bot.digests.drafting` (the
next digest, and remembering what was posted) and `bot.digests.feed_rows` (the rows they share, retention).
The pure engine below them all is `bot.digests.feeds`.

Plain functions taking a `Session` (or, for the network-bound refresh, something that opens sessions)
and returning plain frozen dataclasses (`bot.digests.types`); no ORM object leaves the store. Texts for
people are not made here: errors come back as `FeedError` (with `.describe(lang)` / `.message_key`), digest
items as Slack-safe plain text (`DraftItem.title` and `.summary` are already escaped for mrkdwn).

Neither refreshing nor adding a feed holds a database transaction open while the network is used:
feeds are read in one short session, fetched and parsed with none open (each body parsed as it
arrives, in worker processes: `bot.digests.feeds.pipeline`), and the results written in another.

Retention: a feed item nobody posted is deleted `RETENTION` (90 days) after it was first seen, once
its feed no longer lists it (an item still listed would otherwise come back as new; checked at a
feed's first successful refresh of each UTC day), or once no active club follows its feed
(`prune_feed_items`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.digests.drafting import LOOKBACK, MAX_AGE, MAX_CANDIDATES, SUMMARY_LINE, draft_digest, record_digest
from bot.digests.feed_rows import (
    RETENTION,
    Fetcher,
    SessionFactory,
    club_of,
    followed,
    mark_failure,
    mark_success,
    prune_feed_items,
    prune_unlisted,
    sessions_of,
    stored_keys,
)

# Refreshing calls the entry writer through this module's name for it, so it can be replaced here alone.
from bot.digests.feed_rows import store_entries as _store_entries
from bot.digests.feeds.errors import FeedError, FeedErrorKind
from bot.digests.feeds.pipeline import Fetched, fetch_and_parse
from bot.digests.feeds.types import FetchOptions, FetchRequest
from bot.digests.notices import acknowledge_notices, pending_notices
from bot.digests.subscriptions import add_feed, list_feeds, remove_feed, subscribe_catalog
from bot.digests.types import (
    AddFeedResult,
    Draft,
    DraftItem,
    FeedNotice,
    FeedOutcome,
    FeedView,
    RecordedDigest,
    RefreshReport,
)
from bot.domain import FeedStatus
from storage.db import Database
from storage.models import Feed

__all__ = [
    "LOOKBACK",
    "MAX_AGE",
    "MAX_CANDIDATES",
    "RETENTION",
    "STORE_ATTEMPTS",
    "SUMMARY_LINE",
    "UNHEALTHY_AFTER",
    "AddFeedResult",
    "Draft",
    "DraftItem",
    "FeedNotice",
    "FeedOutcome",
    "FeedView",
    "Fetcher",
    "RecordedDigest",
    "RefreshReport",
    "SessionFactory",
    "acknowledge_notices",
    "add_feed",
    "club_of",
    "draft_digest",
    "http_fetcher",
    "list_feeds",
    "prune_feed_items",
    "record_digest",
    "refresh_feeds",
    "remove_feed",
    "subscribe_catalog",
]

log = logging.getLogger(__name__)

UNHEALTHY_AFTER = 5
#: Storing a refresh is tried this many times, each in a fresh transaction, when the database refuses it for a
#: moment (SQLite: another process committed between the transaction's first read and its first write; a
#: deadlock; a lost connection); then the refresh fails, and whoever asked for it tries again later.
STORE_ATTEMPTS = 3


def http_fetcher(options: FetchOptions | None = None, *, parse_workers: int | None = None) -> Fetcher:
    """The real fetcher, with `options` (e.g. `FetchOptions(allow_private=settings.allow_private_feeds)`);
    bodies are parsed in `parse_workers` processes as they arrive (default: the CPUs left over)."""

    def fetch(requests: Sequence[FetchRequest], /) -> Sequence[Fetched]:
        return fetch_and_parse(requests, options, workers=parse_workers)

    return fetch


def _feeds_to_refresh(feed_ids: Sequence[int] | None, now: datetime) -> Select[Feed]:
    waiting = Feed.retry_not_before.is_not(None) & (Feed.retry_not_before > now)
    query = select(Feed).where(Feed.status != FeedStatus.DISABLED, followed(), ~waiting).order_by(Feed.id)
    if feed_ids is not None:
        query = query.where(Feed.id.in_(list(feed_ids)))
    return query


def refresh_feeds(
    database: Database | SessionFactory,
    fetcher: Fetcher,
    now: datetime,
    feed_ids: Sequence[int] | None = None,
    *,
    unhealthy_after: int = UNHEALTHY_AFTER,
    retention: timedelta = RETENTION,
) -> RefreshReport:
    """Fetch every feed some active club follows (or `feed_ids`), once each, and store what is new.

    Conditional requests use the stored ETag / Last-Modified; a 304 stores nothing. A permanent redirect
    moves the stored URL. After `unhealthy_after` failures in a row a feed becomes `unhealthy`; a 410 Gone
    disables it at once. A 429 or 503 with `Retry-After` keeps the feed out of refreshes until then.
    Feeds that became unhealthy or disabled and whose leaders have not been told are in
    `RefreshReport.notices` until `acknowledge_notices` is called for them. Unposted items older than
    `retention` that their feed no longer lists are deleted.
    """
    sessions = sessions_of(database)
    with sessions() as session:
        planned = [(f.id, f.url, f.etag, f.last_modified) for f in session.scalars(_feeds_to_refresh(feed_ids, now))]
    if not planned:
        return RefreshReport((), ())
    fetched = fetcher([FetchRequest(url, etag, modified) for _, url, etag, modified in planned])

    for attempt in range(1, STORE_ATTEMPTS + 1):
        try:
            return _store_refresh(sessions, planned, fetched, now, unhealthy_after, retention)
        except OperationalError:
            if attempt == STORE_ATTEMPTS:
                raise  # never a refresh reported done with its results lost
            log.warning("storing the refresh failed (attempt %d); trying again", attempt, exc_info=True)
            time.sleep(0.1 * attempt)
    raise AssertionError("unreachable")


def _store_refresh(
    sessions: SessionFactory,
    planned: Sequence[tuple[int, str, str | None, str | None]],
    fetched: Sequence[Fetched],
    now: datetime,
    unhealthy_after: int,
    retention: timedelta,
) -> RefreshReport:
    with sessions() as session:
        stored = stored_keys(session, [p[0] for p, item in zip(planned, fetched, strict=True) if item.feed])
        try:  # all feeds in one go (the feeds' updates flushed together) ...
            with session.begin_nested():
                outcomes = _apply_all(session, planned, fetched, stored, now, unhealthy_after, retention)
        except OperationalError:
            raise  # the database refused, not a feed's data: the whole store is tried again
        except Exception:  # ... and if one feed's data breaks that, feed by feed so it loses nobody else's
            log.warning("storing the refresh in one transaction failed; storing feed by feed", exc_info=True)
            outcomes = _apply_all(session, planned, fetched, stored, now, unhealthy_after, retention, one_by_one=True)
        notices = pending_notices(session, [o.feed_id for o in outcomes])
    return RefreshReport(tuple(outcomes), notices)


def _apply_all(
    session: Session,
    planned: Sequence[tuple[int, str, str | None, str | None]],
    fetched: Sequence[Fetched],
    stored: dict[int, set[str]],
    now: datetime,
    unhealthy_after: int,
    retention: timedelta,
    *,
    one_by_one: bool = False,
) -> list[FeedOutcome]:
    feeds = {f.id: f for f in session.scalars(select(Feed).where(Feed.id.in_([p[0] for p in planned])))}
    outcomes: list[FeedOutcome] = []
    for (feed_id, url, _, _), item in zip(planned, fetched, strict=True):
        args = (session, feeds.get(feed_id), feed_id, url, item, now, unhealthy_after, retention, stored.get(feed_id))
        if not one_by_one:
            outcomes.append(_apply(*args))
            continue
        try:
            with session.begin_nested():
                outcomes.append(_apply(*args))
        except OperationalError:
            raise  # the database, not this feed: recording the feed as failed would be wrong
        except Exception as exc:  # one feed's bad data must not lose the others' results
            log.exception("storing feed %s failed", url)
            error = FeedError(FeedErrorKind.CONNECTION_FAILED, str(exc)[:200])
            outcomes.append(FeedOutcome(feed_id, url, "failed", error=error))
    session.flush()
    return outcomes


def _apply(
    session: Session,
    feed: Feed | None,
    feed_id: int,
    url: str,
    fetched: Fetched,
    now: datetime,
    unhealthy_after: int,
    retention: timedelta,
    stored_keys: set[str] | None = None,
) -> FeedOutcome:
    if feed is None:  # removed meanwhile
        return FeedOutcome(feed_id, url, "failed", error=FeedError(FeedErrorKind.INVALID_URL, "feed removed"))
    result, parsed, error = fetched.result, fetched.feed, fetched.error
    if error is not None:
        mark_failure(feed, error, now, unhealthy_after, result.retry_after)
        outcome = "disabled" if feed.status == FeedStatus.DISABLED else "failed"
        return FeedOutcome(feed_id, url, outcome, error=error)
    moved_to = None
    if result.permanent_url and result.permanent_url != feed.url:
        taken = session.scalar(select(Feed.id).where(Feed.url == result.permanent_url, Feed.id != feed.id))
        if taken is None:
            feed.url = moved_to = result.permanent_url
        else:
            feed.last_problem = f"moved permanently to {result.permanent_url}, already followed as feed {taken}"
    first_today = feed.last_success_at is None or feed.last_success_at.date() < now.date()
    mark_success(feed, result, parsed, now)
    if parsed is None:
        return FeedOutcome(feed_id, url, "not_modified", moved_to=moved_to)
    new = _store_entries(session, feed.id, parsed.entries, now, stored_keys)
    if first_today:  # a retention of months needs checking once a day, not at every refresh
        prune_unlisted(session, feed.id, [e.key for e in parsed.entries], now - retention)
    return FeedOutcome(feed_id, url, "updated", new_items=new, problem=parsed.problem, moved_to=moved_to)
