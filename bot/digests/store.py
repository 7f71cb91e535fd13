"""Feeds and digests, bound to the database: subscriptions, refreshing, and what a club's next digest holds.

Plain functions taking a `Session` (or, for the network-bound refresh, something that opens sessions)
and returning plain frozen dataclasses; no ORM object leaves this module. Texts for people are not
made here: errors come back as `FeedError` (with `.describe(lang)` / `.message_key`), digest items as
Slack-safe plain text (`DraftItem.title` and `.summary` are already escaped for mrkdwn).

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
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

from sqlalchemy import Select, delete, exists, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from bot.digests.feeds.catalog import CatalogFeed, load_catalog, load_vocabulary
from bot.digests.feeds.errors import FeedError, FeedErrorKind
from bot.digests.feeds.fetch import FetchOptions, FetchRequest, FetchResult
from bot.digests.feeds.normalize import is_distinctive_title, title_key, url_key
from bot.digests.feeds.parse import ParsedEntry, ParsedFeed
from bot.digests.feeds.pipeline import Fetched, fetch_and_parse
from bot.digests.feeds.rank import Candidate, RankConfig, SharedCandidate, build_profile, plan_digest
from bot.digests.feeds.text import collapse_whitespace, plain_text, slack_escape, slack_link_url, truncate
from bot.domain import ClubStatus, FeedStatus, FieldKey, Language
from storage.db import Database
from storage.models import (
    Club,
    ClubFeed,
    Digest,
    DigestEntry,
    Feed,
    FeedItem,
    Output,
    Participant,
    SharedItem,
)

log = logging.getLogger(__name__)

UNHEALTHY_AFTER = 5
LOOKBACK = timedelta(days=14)
MAX_AGE = timedelta(days=30)
MAX_CANDIDATES = 5000
SUMMARY_LINE = 240
RETENTION = timedelta(days=90)
#: Storing a refresh is tried this many times, each in a fresh transaction, when the database refuses it for a
#: moment (SQLite: another process committed between the transaction's first read and its first write; a
#: deadlock; a lost connection); then the refresh fails, and whoever asked for it tries again later.
STORE_ATTEMPTS = 3


class Fetcher(Protocol):
    """Fetches and parses many feeds at once, one `Fetched` per request in order
    (`bot.digests.feeds.pipeline.fetch_and_parse`)."""

    def __call__(self, requests: Sequence[FetchRequest], /) -> Sequence[Fetched]: ...


def http_fetcher(options: FetchOptions | None = None, *, parse_workers: int | None = None) -> Fetcher:
    """The real fetcher, with `options` (e.g. `FetchOptions(allow_private=settings.allow_private_feeds)`);
    bodies are parsed in `parse_workers` processes as they arrive (default: the CPUs left over)."""

    def fetch(requests: Sequence[FetchRequest], /) -> Sequence[Fetched]:
        return fetch_and_parse(requests, options, workers=parse_workers)

    return fetch


SessionFactory = Callable[[], AbstractContextManager[Session]]


# --- views ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedView:
    feed_id: int
    url: str
    title: str | None
    status: FeedStatus
    is_catalog: bool
    keywords: str
    last_success_at: datetime | None
    consecutive_failures: int
    error: FeedError | None
    problem: str | None
    last_fetched_at: datetime | None = None
    #: The first failed fetch since the last success (None while it works).
    failing_since: datetime | None = None
    #: Not fetched again before this instant, as the server asked (`Retry-After`).
    retry_not_before: datetime | None = None


def _view(feed: Feed, club_feed: ClubFeed | None = None) -> FeedView:
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


def _club_view(session: Session, club_id: int, feed: Feed) -> FeedView:
    """The feed as this club follows it (with the club's keywords for it)."""
    club_feed = session.scalar(select(ClubFeed).where(ClubFeed.club_id == club_id, ClubFeed.feed_id == feed.id))
    return _view(feed, club_feed)


def _club(session: Session, club_id: int) -> Club:
    club = session.get(Club, club_id)
    if club is None:
        raise LookupError(f"no club {club_id}")
    return club


# --- subscriptions -------------------------------------------------------------------------------------


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
    club = _club(session, club_id)
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
    """A club's feeds with their health, catalog feeds first, then by title."""
    rows = session.execute(
        select(Feed, ClubFeed).join(ClubFeed, ClubFeed.feed_id == Feed.id).where(ClubFeed.club_id == club_id)
    ).all()
    views = [_view(feed, club_feed) for feed, club_feed in rows]
    return sorted(views, key=lambda v: (not v.is_catalog, (v.title or v.url).casefold(), v.feed_id))


def remove_feed(session: Session, club_id: int, feed_id: int) -> bool:
    """Unsubscribe a club from a feed; False when it was not subscribed. The feed row stays for others."""
    club_feed = session.scalar(select(ClubFeed).where(ClubFeed.club_id == club_id, ClubFeed.feed_id == feed_id))
    if club_feed is None:
        return False
    session.delete(club_feed)
    session.flush()
    return True


@dataclass(frozen=True)
class AddFeedResult:
    """`feed` when the club now follows it (`already` if it did before), else `error` says why not."""

    feed: FeedView | None = None
    error: FeedError | None = None
    already: bool = False

    @property
    def ok(self) -> bool:
        return self.feed is not None


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
    sessions = _sessions(database)
    url = _as_url(url)
    with sessions() as session:
        _club(session, club_id)
        known = session.scalar(select(Feed).where(Feed.url == url))
        if known is not None and known.status == FeedStatus.OK and known.last_success_at is not None:
            added = _subscribe(session, club_id, known, keywords=keywords, added_by=added_by)
            return AddFeedResult(feed=_club_view(session, club_id, known), already=not added)

    url, fetched = _fetch_feed(fetcher, url)
    parsed = fetched.feed
    if parsed is None:
        return AddFeedResult(error=fetched.error or FeedError(FeedErrorKind.NOT_A_FEED))

    stored_url = fetched.result.permanent_url or url
    with sessions() as session:
        club = _club(session, club_id)
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
        _mark_success(feed, fetched.result, parsed, now)
        session.flush()
        _store_entries(session, feed.id, parsed.entries, now)
        added = _subscribe(session, club_id, feed, keywords=keywords, added_by=added_by)
        return AddFeedResult(feed=_club_view(session, club_id, feed), already=not added)


# --- refreshing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedOutcome:
    """What one refresh did to one feed: `updated`, `not_modified` or `failed` (`disabled` on 410)."""

    feed_id: int
    url: str
    outcome: str
    new_items: int = 0
    error: FeedError | None = None
    problem: str | None = None
    moved_to: str | None = None


@dataclass(frozen=True)
class FeedNotice:
    """A feed that has become unhealthy or disabled and whose clubs' leaders have not been told yet."""

    feed_id: int
    url: str
    title: str | None
    status: FeedStatus
    error: FeedError | None
    consecutive_failures: int
    club_ids: tuple[int, ...]


@dataclass(frozen=True)
class RefreshReport:
    outcomes: tuple[FeedOutcome, ...]
    notices: tuple[FeedNotice, ...]

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
        return counts

    @property
    def new_items(self) -> int:
        return sum(o.new_items for o in self.outcomes)


def _sessions(source: Database | SessionFactory) -> SessionFactory:
    return source.session if isinstance(source, Database) else source


def _insert(session: Session) -> Callable[..., object]:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _stored_keys(session: Session, feed_ids: Sequence[int]) -> dict[int, set[str]]:
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


def _store_entries(
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


def _mark_success(feed: Feed, result: FetchResult, parsed: ParsedFeed | None, now: datetime) -> None:
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


def _mark_failure(
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


def _followed() -> Any:
    return exists().where(ClubFeed.feed_id == Feed.id, ClubFeed.club_id == Club.id, Club.status == ClubStatus.ACTIVE)


def _feeds_to_refresh(feed_ids: Sequence[int] | None, now: datetime) -> Select[tuple[Feed]]:
    waiting = Feed.retry_not_before.is_not(None) & (Feed.retry_not_before > now)
    query = select(Feed).where(Feed.status != FeedStatus.DISABLED, _followed(), ~waiting).order_by(Feed.id)
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
    sessions = _sessions(database)
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
        stored = _stored_keys(session, [p[0] for p, item in zip(planned, fetched, strict=True) if item.feed])
        try:  # all feeds in one go (the feeds' updates flushed together) ...
            with session.begin_nested():
                outcomes = _apply_all(session, planned, fetched, stored, now, unhealthy_after, retention)
        except OperationalError:
            raise  # the database refused, not a feed's data: the whole store is tried again
        except Exception:  # ... and if one feed's data breaks that, feed by feed so it loses nobody else's
            log.warning("storing the refresh in one transaction failed; storing feed by feed", exc_info=True)
            outcomes = _apply_all(session, planned, fetched, stored, now, unhealthy_after, retention, one_by_one=True)
        notices = _pending_notices(session, [o.feed_id for o in outcomes])
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
        _mark_failure(feed, error, now, unhealthy_after, result.retry_after)
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
    _mark_success(feed, result, parsed, now)
    if parsed is None:
        return FeedOutcome(feed_id, url, "not_modified", moved_to=moved_to)
    new = _store_entries(session, feed.id, parsed.entries, now, stored_keys)
    if first_today:  # a retention of months needs checking once a day, not at every refresh
        _prune_unlisted(session, feed.id, [e.key for e in parsed.entries], now - retention)
    return FeedOutcome(feed_id, url, "updated", new_items=new, problem=parsed.problem, moved_to=moved_to)


def _never_posted() -> Any:
    return ~exists().where(DigestEntry.feed_item_id == FeedItem.id)


def _prune_unlisted(session: Session, feed_id: int, listed: Sequence[str], cutoff: datetime) -> int:
    """Delete this feed's unposted items first seen before `cutoff` that the feed no longer lists."""
    statement = delete(FeedItem).where(FeedItem.feed_id == feed_id, FeedItem.first_seen_at < cutoff, _never_posted())
    if listed:
        statement = statement.where(FeedItem.entry_key.not_in(list(listed)))
    result = session.execute(statement.execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def prune_feed_items(session: Session, now: datetime, *, retention: timedelta = RETENTION) -> int:
    """Delete unposted items first seen more than `retention` ago from feeds that are no longer read
    (disabled, or followed by no active club); the number deleted. Items of feeds still read are
    pruned by `refresh_feeds` once their feed stops listing them."""
    not_read = select(Feed.id).where((Feed.status == FeedStatus.DISABLED) | ~_followed())
    result = session.execute(
        delete(FeedItem)
        .where(FeedItem.feed_id.in_(not_read), FeedItem.first_seen_at < now - retention, _never_posted())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _pending_notices(session: Session, feed_ids: Sequence[int]) -> tuple[FeedNotice, ...]:
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


# --- digests ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftItem:
    """One digest line. `title`, `summary`, `source` and `sharer` are plain text escaped for Slack mrkdwn;
    `url` is safe inside `<url|label>`. The keys are what `record_digest` remembers."""

    title: str
    url: str | None
    source: str | None
    date: datetime | None
    summary: str
    sharer: str | None
    score: float
    reasons: tuple[str, ...]
    feed_item_id: int | None = None
    shared_item_id: int | None = None
    entry_key: str | None = None
    url_key: str | None = None
    title_key: str = ""


@dataclass(frozen=True)
class Draft:
    club_id: int
    generated_at: datetime
    items: tuple[DraftItem, ...]

    @property
    def is_empty(self) -> bool:
        return not self.items


def _is_global_key(key: str | None) -> bool:
    """Entry keys that name the item itself (URIs, tags, hashes), not a feed-local number like `123`."""
    return bool(key) and (":" in key or "/" in key) and len(key) >= 8  # type: ignore[operator]


def _sharer_name(participant: Participant | None, language: str) -> str:
    if participant is None:
        return ""
    names = (
        (participant.name_ko, participant.name_en)
        if language == Language.KO
        else (participant.name_en, participant.name_ko)
    )
    return next((n for n in names if n), "")


def draft_digest(
    session: Session,
    club_id: int,
    now: datetime,
    max_items: int | None = None,
    *,
    lookback: timedelta = LOOKBACK,
    max_age: timedelta = MAX_AGE,
    config: RankConfig | None = None,
) -> Draft:
    """What the club's next digest would contain: members' shared items first, then the best new items.

    Candidates are items of the club's feeds first seen within `lookback` (and not published more than
    `max_age` ago), never posted to this club before: not the same item, link (normalised), distinctive
    title (normalised) or global entry id as any earlier digest entry of the club. Off-topic items stay
    out (the relevance floor), so a quiet week gives an empty draft.
    """
    club = _club(session, club_id)
    limit = max_items or club.digest_max_items
    config = RankConfig(max_items=limit) if config is None else config

    subscriptions = session.execute(
        select(ClubFeed.feed_id, ClubFeed.keywords, Feed.title, Feed.url)
        .join(Feed, Feed.id == ClubFeed.feed_id)
        .where(ClubFeed.club_id == club_id)
    ).all()
    sources = {feed_id: title or urlsplit(url).hostname for feed_id, _, title, url in subscriptions}
    feed_keywords = {feed_id: keywords for feed_id, keywords, _, _ in subscriptions if keywords}

    posted = session.execute(
        select(DigestEntry.feed_item_id, DigestEntry.entry_key, DigestEntry.url_key, DigestEntry.title_key).where(
            DigestEntry.club_id == club_id
        )
    ).all()
    posted_items = {row.feed_item_id for row in posted if row.feed_item_id}
    posted_entries = {row.entry_key for row in posted if _is_global_key(row.entry_key)}
    posted_urls = {row.url_key for row in posted if row.url_key}
    posted_titles = {row.title_key for row in posted if row.title_key}

    items: list[FeedItem] = []
    if sources:
        items = list(
            session.scalars(
                select(FeedItem)
                .where(
                    FeedItem.feed_id.in_(list(sources)),
                    FeedItem.first_seen_at >= now - lookback,
                    FeedItem.first_seen_at <= now,
                    (FeedItem.published_at.is_(None)) | (FeedItem.published_at >= now - max_age),
                )
                .order_by(FeedItem.first_seen_at.desc(), FeedItem.id.desc())
                .limit(MAX_CANDIDATES)
            )
        )
    by_id = {item.id: item for item in items}
    candidates = [
        Candidate(
            id=item.id,
            title=item.title,
            summary=item.summary or "",
            when=item.published_at or item.first_seen_at,
            feed_id=item.feed_id,
            url_key=item.url_key,
            title_key=item.title_key,
        )
        for item in items
        if item.id not in posted_items
        and item.entry_key not in posted_entries
        and not (item.url_key and item.url_key in posted_urls)
        and not (item.title_key in posted_titles and is_distinctive_title(item.title))
    ]

    shared_rows = session.execute(
        select(SharedItem, Participant)
        .join(Participant, Participant.id == SharedItem.shared_by_id, isouter=True)
        .where(SharedItem.club_id == club_id, SharedItem.digest_id.is_(None))
        .order_by(SharedItem.created_at, SharedItem.id)
    ).all()
    shared_by_id = {row[0].id: row for row in shared_rows}
    shared = [
        SharedCandidate(
            id=item.id,
            title=_shared_title(item),
            sharer=_sharer_name(person, club.language),
            url_key=url_key(item.url),
            title_key=title_key(_shared_title(item)),
        )
        for item, person in shared_rows
    ]

    profile = build_profile(
        keywords=club.keywords,
        vocabulary=load_vocabulary()[FieldKey(club.field)],
        output_titles=session.scalars(
            select(Output.title).where(Output.club_id == club_id, Output.deleted_at.is_(None))
        ).all(),
        feed_keywords=feed_keywords,
    )
    draft_items: list[DraftItem] = []
    for pick in plan_digest(shared, candidates, profile, now, config):
        if pick.shared is not None:
            item, _person = shared_by_id[pick.shared.id]
            draft_items.append(
                DraftItem(
                    title=slack_escape(pick.shared.title),
                    url=slack_link_url(item.url),
                    source=None,
                    date=item.created_at,
                    summary=slack_escape(plain_text(item.note, limit=SUMMARY_LINE, is_html=False))
                    if item.title
                    else "",
                    sharer=slack_escape(pick.shared.sharer) if pick.shared.sharer else None,
                    score=0.0,
                    reasons=("shared",),
                    shared_item_id=item.id,
                    url_key=pick.shared.url_key,
                    title_key=pick.shared.title_key or "",
                )
            )
        elif pick.ranked is not None:
            feed_item = by_id[pick.ranked.candidate.id]
            draft_items.append(
                DraftItem(
                    title=slack_escape(feed_item.title),
                    url=slack_link_url(feed_item.url) if feed_item.url else None,
                    source=slack_escape(sources.get(feed_item.feed_id) or "") or None,
                    date=feed_item.published_at or feed_item.first_seen_at,
                    summary=slack_escape(truncate(feed_item.summary or "", SUMMARY_LINE)),
                    sharer=None,
                    score=round(pick.ranked.score, 4),
                    reasons=pick.ranked.reasons,
                    feed_item_id=feed_item.id,
                    entry_key=feed_item.entry_key,
                    url_key=feed_item.url_key,
                    title_key=feed_item.title_key,
                )
            )
    return Draft(club_id, now, tuple(draft_items))


def _shared_title(item: SharedItem) -> str:
    for text in (item.title, item.note):
        if text and text.strip():
            return truncate(collapse_whitespace(text), 300)
    return item.url


@dataclass(frozen=True)
class RecordedDigest:
    digest_id: int
    club_id: int
    period: str
    item_count: int
    created: bool


def record_digest(session: Session, club_id: int, period: str, draft: Draft) -> RecordedDigest:
    """Write the digest and remember its items so they are never posted to this club again.

    One digest per (club, period): a second call for the same period returns the existing one unchanged
    (`created=False`), also when two calls race (the unique constraint decides).
    """
    existing = session.scalar(select(Digest).where(Digest.club_id == club_id, Digest.period == period))
    if existing is not None:
        return RecordedDigest(existing.id, club_id, period, existing.item_count, created=False)
    try:
        with session.begin_nested():
            digest = Digest(club_id=club_id, period=period, item_count=len(draft.items))
            session.add(digest)
            session.flush()
            for item in draft.items:
                session.add(
                    DigestEntry(
                        digest_id=digest.id,
                        club_id=club_id,
                        feed_item_id=item.feed_item_id,
                        shared_item_id=item.shared_item_id,
                        entry_key=item.entry_key,
                        url_key=item.url_key,
                        title_key=item.title_key,
                    )
                )
            shared_ids = [item.shared_item_id for item in draft.items if item.shared_item_id]
            if shared_ids:
                session.execute(
                    update(SharedItem)
                    .where(SharedItem.id.in_(shared_ids), SharedItem.digest_id.is_(None))
                    .values(digest_id=digest.id)
                )
            session.flush()
    except IntegrityError:
        existing = session.scalar(select(Digest).where(Digest.club_id == club_id, Digest.period == period))
        if existing is None:
            raise
        return RecordedDigest(existing.id, club_id, period, existing.item_count, created=False)
    return RecordedDigest(digest.id, club_id, period, digest.item_count, created=True)
