"""Keeping a club's feeds read, and telling its leaders when one breaks: the hourly refresh of every followed
feed (`refresh_all`), reading a club's stale feeds right before its digest or a preview
(`refresh_stale_club_feeds`), and the direct messages about broken feeds (`notify_feed_problems`), written to
the outbox in the transaction that acknowledges them. Part of the digest service (`bot.digests.service`),
built on the store (`bot.digests.store`); no database transaction is open while the network is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.digests import store
from bot.digests.feeds.types import FetchOptions
from bot.digests.types import FeedNotice, RefreshSummary
from bot.digests.views import feed_problem_dm
from bot.domain import FeedStatus, Language, LanguageOf
from bot.people import Timing
from bot.slack import outbox
from bot.standing import club_leaders, language_for_person
from storage.db import Database
from storage.models import ClubFeed, Feed

#: Feeds last read longer ago than this are read again right before a digest or a preview.
STALE_AFTER = timedelta(hours=1)


def refresh_options(allow_private: bool) -> FetchOptions:
    """For the scheduled refresh: the engine's defaults."""
    return FetchOptions(allow_private=allow_private)


def _leaders(session: Session, club_id: int, language_of: LanguageOf | None) -> list[tuple[str, Language]]:
    """The club's active leaders' Slack ids, with the language to write to each in: the one recorded for
    them, else their Slack locale's (`language_of`), else the club's."""
    club = store.club_of(session, club_id)
    return [
        (str(leader.slack_user_id), language_for_person(leader, language_of, default=club.language))
        for leader in club_leaders(session, club_id)
    ]


def notify_feed_problems(
    session: Session,
    notices: Sequence[FeedNotice],
    now: datetime,
    *,
    language_of: LanguageOf | None = None,
    timing: Timing | None = None,
) -> int:
    """Tell each affected club's leaders, once, that a feed stopped working; the number of messages queued.

    Each notice is acknowledged (`acknowledge_notices`) in this transaction, with the direct messages; a
    notice another process acknowledged first is skipped, so leaders are told once."""
    told = 0
    for notice in notices:
        if not store.acknowledge_notices(session, [notice.feed_id], now):
            continue
        clubs_by_leader: dict[str, tuple[Language, list[str]]] = {}
        for club_id in notice.club_ids:
            club_name = store.club_of(session, club_id).name
            for user_id, lang in _leaders(session, club_id, language_of):
                clubs_by_leader.setdefault(user_id, (lang, []))[1].append(club_name)
        for user_id, (lang, club_names) in clubs_by_leader.items():
            at = timing.at(session, user_id) if timing is not None else None  # at the leader's own hour
            message = feed_problem_dm(lang, notice, club_names)
            outbox.enqueue_dm(session, user_id, message, ref=f"feed:{notice.feed_id}", at=at)
            told += 1
    return told


def refresh_and_notify(
    database: Database,
    now: datetime,
    *,
    allow_private: bool,
    feed_ids: Sequence[int] | None = None,
    language_of: LanguageOf | None = None,
    timing: Timing | None = None,
) -> RefreshSummary:
    """Refresh feeds (all that active clubs follow, or `feed_ids`), then tell leaders about broken ones."""
    fetcher = store.http_fetcher(refresh_options(allow_private))
    report = store.refresh_feeds(database, fetcher, now, feed_ids)
    told = 0
    if report.notices:
        with database.session() as session:
            told = notify_feed_problems(session, report.notices, now, language_of=language_of, timing=timing)
    return RefreshSummary(report, told, 0)


def refresh_all(
    database: Database,
    now: datetime,
    *,
    allow_private: bool,
    language_of: LanguageOf | None = None,
    timing: Timing | None = None,
) -> RefreshSummary:
    """The scheduled refresh: every followed feed, leaders told of broken ones (with `timing`, at each leader's
    own hour), old unposted items pruned."""
    summary = refresh_and_notify(database, now, allow_private=allow_private, language_of=language_of, timing=timing)
    with database.session() as session:
        pruned = store.prune_feed_items(session, now)
    return RefreshSummary(summary.report, summary.leaders_told, pruned)


#: A feed whose last read failed but that is not given up on (still `ok`: a passing failure, not an unhealthy or
#: disabled feed, whose leaders are told instead).
_FAILING_FOR_NOW = (Feed.status == FeedStatus.OK) & (Feed.consecutive_failures > 0)


def stale_feed_ids(session: Session, club_id: int, now: datetime, stale_after: timedelta = STALE_AFTER) -> list[int]:
    """The club's feeds not read within `stale_after`, or whose last read failed while they are still `ok` (a
    passing failure, read again at once); never disabled ones or those waiting for a `Retry-After`."""
    rows = session.execute(
        select(Feed.id, Feed.last_fetched_at, Feed.retry_not_before, _FAILING_FOR_NOW)
        .join(ClubFeed, ClubFeed.feed_id == Feed.id)
        .where(ClubFeed.club_id == club_id, Feed.status != FeedStatus.DISABLED)
    ).all()
    return [
        feed_id
        for feed_id, fetched, waiting, failing in rows
        if (fetched is None or fetched < now - stale_after or failing) and (waiting is None or waiting <= now)
    ]


class FeedsUnreadable(Exception):
    """The club's digest would be empty while some of its feeds could not be read just now: the digest run
    fails, and the clock's next check tries again (within the job's grace) instead of skipping the week."""


def unreadable_feeds(session: Session, club_id: int) -> list[str]:
    """The club's feeds whose last read failed and that are not given up on yet (`_FAILING_FOR_NOW`)."""
    return list(
        session.scalars(
            select(Feed.url)
            .join(ClubFeed, ClubFeed.feed_id == Feed.id)
            .where(ClubFeed.club_id == club_id, _FAILING_FOR_NOW)
            .order_by(Feed.id)
        )
    )


def refresh_stale_club_feeds(
    database: Database,
    club_id: int,
    now: datetime,
    *,
    allow_private: bool,
    stale_after: timedelta = STALE_AFTER,
    language_of: LanguageOf | None = None,
) -> RefreshSummary | None:
    """Read again the club's feeds that are stale (None when none were)."""
    with database.session() as session:
        stale = stale_feed_ids(session, club_id, now, stale_after)
    if not stale:
        return None
    return refresh_and_notify(database, now, allow_private=allow_private, feed_ids=stale, language_of=language_of)
