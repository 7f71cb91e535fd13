"""A club's news digest as people meet it: the feeds it follows, its keywords, when its digest comes and
how long it is, links members share, the weekly post itself, and telling leaders when a feed breaks.

Built on the feed service (`bot.digests.store`: fetching, storing, drafting); this module adds who may
do what, the club's schedule in its own time zone, and the posts, written to the outbox in the
transaction of what they announce. Like the feed service, nothing here holds a database transaction
open while the network is used.

For the club-provisioning code: when a club is created, call

    subscribe_new_club(session, club_id)

in the transaction that creates the club (after the club row is flushed). It subscribes the club to the
catalog feeds of its field (`bot/data/feeds.yaml`) and is idempotent: calling it again (a retried
transaction, a re-run provisioning) adds no duplicate subscriptions and shares the feed rows with other
clubs. It does re-subscribe catalog feeds the leaders have since removed, so call it at creation, not on
every sync. The feeds are first read by the hourly `feeds` task, or right before the club's first digest.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import audit
from bot.access import Caller, Rule, allowed
from bot.digests import store as feed_service
from bot.digests.feeds.fetch import FetchOptions, fetch_one
from bot.digests.feeds.normalize import url_key
from bot.digests.feeds.parse import html_title
from bot.digests.feeds.rank import split_keywords
from bot.digests.store import AddFeedResult, Draft, FeedNotice, FeedView, RefreshReport
from bot.digests.views import digest_post, feed_problem_dm
from bot.domain import ClubStatus, FeedStatus, FieldKey, Language, LanguageOf
from bot.errors import UserError
from bot.periods import latest_weekly
from bot.slack import outbox
from bot.slack.forms import FieldErrors
from bot.standing import club_leaders, language_for_person, participant_of, role_in
from storage.db import Database
from storage.models import Club, ClubFeed, Digest, Feed, Participant, SharedItem

log = logging.getLogger(__name__)

#: Feeds last read longer ago than this are read again right before a digest or a preview.
STALE_AFTER = timedelta(hours=1)
MAX_ITEMS_RANGE = (1, 20)


# --- fetch options ----------------------------------------------------------------------------------------


def refresh_options(allow_private: bool) -> FetchOptions:
    """For the scheduled refresh: the engine's defaults."""
    return FetchOptions(allow_private=allow_private)


def add_feed_options(allow_private: bool) -> FetchOptions:
    """For checking a feed a leader adds while they wait for the answer."""
    return FetchOptions(allow_private=allow_private, connect_timeout=5.0, read_timeout=10.0, deadline=20.0)


def title_options(allow_private: bool) -> FetchOptions:
    """For reading the title of a shared page: short, small, and given up quickly."""
    return FetchOptions(
        allow_private=allow_private, connect_timeout=3.0, read_timeout=3.0, deadline=5.0, max_bytes=2 * 1024 * 1024
    )


# --- the club's schedule ------------------------------------------------------------------------------------


def club_tz(timezone: str | None, default: str) -> ZoneInfo:
    """The club's time zone (`Club.timezone`), else the bot's (`CLUBBOT_TIMEZONE`)."""
    if timezone:
        try:
            return ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("club time zone %r is not a time zone; using %s", timezone, default)
    return ZoneInfo(default)


@dataclass(frozen=True)
class DigestSchedule:
    """When and how a club's digest is posted, and where."""

    club_id: int
    club_name: str
    channel_id: str | None
    language: Language
    field: FieldKey
    timezone: str
    weekday: int  # 0 = Monday
    hour: int
    minute: int
    max_items: int

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def latest_slot(self, now: datetime) -> tuple[str, datetime]:
        """The ISO week key and instant of the latest digest time at or before `now`."""
        return latest_weekly(now, self.tz, weekday=self.weekday, hour=self.hour, minute=self.minute)

    def next_slot(self, now: datetime) -> datetime:
        """The first digest time after `now`."""
        _, slot = latest_weekly(now + timedelta(days=7), self.tz, weekday=self.weekday, hour=self.hour,
                                minute=self.minute)  # fmt: skip
        return slot if slot > now else slot + timedelta(days=7)

    def slot_of_period(self, period: str) -> datetime | None:
        """The digest time in ISO week `period` (`2026-W48`), or None when `period` is not a week key."""
        try:
            year, week = period.split("-W")
            day = datetime.fromisocalendar(int(year), int(week), self.weekday + 1)
        except ValueError:
            return None
        local = datetime(day.year, day.month, day.day, self.hour, self.minute, tzinfo=self.tz)
        return local.astimezone(UTC)


def _schedule(club: Club, default_tz: str) -> DigestSchedule:
    return DigestSchedule(
        club_id=club.id,
        club_name=club.name,
        channel_id=club.channel_id,
        language=Language(club.language),
        field=FieldKey(club.field),
        timezone=club_tz(club.timezone, default_tz).key,
        weekday=club.digest_weekday,
        hour=club.digest_hour,
        minute=club.digest_minute,
        max_items=club.digest_max_items,
    )


def _club(session: Session, club_id: int) -> Club:
    club = session.get(Club, club_id)
    if club is None:
        raise LookupError(f"no club {club_id}")
    return club


def digest_schedule(session: Session, club_id: int, default_tz: str) -> DigestSchedule:
    return _schedule(_club(session, club_id), default_tz)


def digest_schedules(session: Session, default_tz: str) -> list[DigestSchedule]:
    """Every active club with a channel: those whose digest the job posts."""
    clubs = session.scalars(
        select(Club).where(Club.status == ClubStatus.ACTIVE, Club.channel_id.is_not(None)).order_by(Club.id)
    )
    return [_schedule(club, default_tz) for club in clubs]


def _audit(session: Session, actor: str, action: str, club_id: int, entity_id: object, **details: Any) -> None:
    audit.record(
        session, actor=actor, action=action, entity="club", entity_id=entity_id, club_id=club_id, details=details
    )


def _require_leader(session: Session, club_id: int, caller: Caller) -> None:
    """Re-check, at the moment of saving, that the person may change the club's digest (forms can be stale)."""
    standing = Caller(caller.user_id, is_admin=caller.is_admin, club_role=role_in(session, club_id, caller.user_id))
    if not allowed(Rule.LEADER, standing):
        raise UserError("digests.error.not_leader_any_more")


def save_digest_settings(
    session: Session,
    club_id: int,
    caller: Caller,
    *,
    weekday: str | None,
    time: str | None,
    max_items: str,
    default_tz: str,
) -> DigestSchedule:
    """Store the digest's day, time and length from the settings form; problems are `FieldErrors` per field."""
    _require_leader(session, club_id, caller)
    errors: dict[str, tuple[str, dict[str, object]]] = {}
    day = int(weekday) if weekday is not None and weekday.isdigit() and int(weekday) <= 6 else None
    if day is None:
        errors["weekday"] = ("digests.error.weekday", {})
    hour = minute = None
    if time and len(time) == 5 and time[2] == ":" and time[:2].isdigit() and time[3:].isdigit():
        hour, minute = int(time[:2]), int(time[3:])
    if hour is None or minute is None or not (0 <= hour <= 23 and 0 <= minute <= 59):
        errors["time"] = ("digests.error.time", {})
    low, high = MAX_ITEMS_RANGE
    count = int(max_items) if max_items.strip().isdigit() else None
    if count is None or not low <= count <= high:
        errors["max_items"] = ("digests.error.max_items", {"min": low, "max": high})
    if errors:
        raise FieldErrors(errors)
    assert day is not None and hour is not None and minute is not None and count is not None
    club = _club(session, club_id)
    club.digest_weekday, club.digest_hour, club.digest_minute, club.digest_max_items = day, hour, minute, count
    _audit(session, caller.user_id, "digest.settings", club_id, club_id, weekday=day, time=time, max_items=count)
    session.flush()
    return _schedule(club, default_tz)


# --- keywords ---------------------------------------------------------------------------------------------


def club_keywords(session: Session, club_id: int) -> tuple[str, ...]:
    return tuple(split_keywords(_club(session, club_id).keywords))


def set_club_keywords(session: Session, club_id: int, keywords: Sequence[str], *, actor: str) -> tuple[str, ...]:
    """Replace the club's keywords (already cleaned by the command parser); the keywords stored."""
    club = _club(session, club_id)
    club.keywords = ", ".join(keywords)
    _audit(session, actor, "digest.keywords", club_id, club_id, keywords=list(keywords))
    session.flush()
    return tuple(keywords)


# --- feeds ----------------------------------------------------------------------------------------------------


def subscribe_new_club(session: Session, club_id: int) -> int:
    """Subscribe a newly created club to its field's catalog feeds (idempotent); the number it follows."""
    return len(feed_service.subscribe_catalog(session, club_id))


def club_feeds(session: Session, club_id: int) -> list[FeedView]:
    return feed_service.list_feeds(session, club_id)


def add_club_feed(
    database: Database,
    club_id: int,
    url: str,
    *,
    keywords: str,
    actor: str,
    now: datetime,
    allow_private: bool,
) -> AddFeedResult:
    """Follow a feed after reading it once (refused, with the reason, if it cannot be read)."""
    fetcher = feed_service.http_fetcher(add_feed_options(allow_private), parse_workers=0)
    result = feed_service.add_feed(database, club_id, url, fetcher=fetcher, now=now, added_by=actor, keywords=keywords)
    if result.feed is not None and not result.already:
        with database.session() as session:
            _audit(session, actor, "digest.feed_added", club_id, result.feed.feed_id, url=result.feed.url)
    return result


def remove_club_feed(session: Session, club_id: int, feed_id: int, *, actor: str) -> FeedView:
    """Stop following a feed; `UserError` when the club does not follow it."""
    view = next((f for f in feed_service.list_feeds(session, club_id) if f.feed_id == feed_id), None)
    if view is None or not feed_service.remove_feed(session, club_id, feed_id):
        raise UserError("digests.error.feed_not_followed", id=feed_id)
    _audit(session, actor, "digest.feed_removed", club_id, feed_id, url=view.url)
    return view


# --- refreshing and telling leaders ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RefreshSummary:
    report: RefreshReport
    leaders_told: int
    pruned: int

    def __str__(self) -> str:
        counts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(self.report.counts.items())) or "none"
        return (
            f"{len(self.report.outcomes)} feeds read ({counts}); {self.report.new_items} new items; "
            f"{self.leaders_told} messages to leaders; {self.pruned} old items pruned"
        )


def _leaders(session: Session, club_id: int, language_of: LanguageOf | None) -> list[tuple[str, Language]]:
    """The club's active leaders' Slack ids, with the language to write to each in: the one recorded for
    them, else their Slack locale's (`language_of`), else the club's."""
    club = _club(session, club_id)
    return [
        (str(leader.slack_user_id), language_for_person(leader, language_of, default=club.language))
        for leader in club_leaders(session, club_id)
    ]


def notify_feed_problems(
    session: Session, notices: Sequence[FeedNotice], now: datetime, *, language_of: LanguageOf | None = None
) -> int:
    """Tell each affected club's leaders, once, that a feed stopped working; the number of messages queued.

    Each notice is acknowledged (`acknowledge_notices`) in this transaction, with the direct messages; a
    notice another process acknowledged first is skipped, so leaders are told once."""
    told = 0
    for notice in notices:
        if not feed_service.acknowledge_notices(session, [notice.feed_id], now):
            continue
        clubs_by_leader: dict[str, tuple[Language, list[str]]] = {}
        for club_id in notice.club_ids:
            club_name = _club(session, club_id).name
            for user_id, lang in _leaders(session, club_id, language_of):
                clubs_by_leader.setdefault(user_id, (lang, []))[1].append(club_name)
        for user_id, (lang, club_names) in clubs_by_leader.items():
            outbox.enqueue_dm(session, user_id, feed_problem_dm(lang, notice, club_names), ref=f"feed:{notice.feed_id}")
            told += 1
    return told


def refresh_and_notify(
    database: Database,
    now: datetime,
    *,
    allow_private: bool,
    feed_ids: Sequence[int] | None = None,
    language_of: LanguageOf | None = None,
) -> RefreshSummary:
    """Refresh feeds (all that active clubs follow, or `feed_ids`), then tell leaders about broken ones."""
    fetcher = feed_service.http_fetcher(refresh_options(allow_private))
    report = feed_service.refresh_feeds(database, fetcher, now, feed_ids)
    told = 0
    if report.notices:
        with database.session() as session:
            told = notify_feed_problems(session, report.notices, now, language_of=language_of)
    return RefreshSummary(report, told, 0)


def refresh_all(
    database: Database, now: datetime, *, allow_private: bool, language_of: LanguageOf | None = None
) -> RefreshSummary:
    """The scheduled refresh: every followed feed, leaders told of broken ones, old unposted items pruned."""
    summary = refresh_and_notify(database, now, allow_private=allow_private, language_of=language_of)
    with database.session() as session:
        pruned = feed_service.prune_feed_items(session, now)
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


# --- the digest: preview and post -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    schedule: DigestSchedule
    draft: Draft
    next_at: datetime


def preview_digest(
    database: Database,
    club_id: int,
    now: datetime,
    *,
    default_tz: str,
    allow_private: bool,
    language_of: LanguageOf | None = None,
) -> Preview:
    """What the club's next digest would hold if it were due now (stale feeds read first); nothing is recorded."""
    refresh_stale_club_feeds(database, club_id, now, allow_private=allow_private, language_of=language_of)
    with database.session() as session:
        schedule = digest_schedule(session, club_id, default_tz)
        draft = feed_service.draft_digest(session, club_id, now)
    return Preview(schedule, draft, schedule.next_slot(now))


@dataclass(frozen=True)
class PostedDigest:
    digest_id: int
    club_id: int
    period: str
    item_count: int
    outbox_id: int


def post_digest(session: Session, club_id: int, period: str, now: datetime, *, default_tz: str) -> PostedDigest | None:
    """Draft, record and queue the club's digest for `period`, all in `session`. None when there is nothing
    new and relevant, when the club cannot receive it, or when that period's digest already exists.

    Raises `FeedsUnreadable` when the draft is empty while some of the club's feeds failed on their last read
    (and are not given up on): the digest is not skipped for a passing failure; the caller tries again."""
    club = _club(session, club_id)
    if club.status is not ClubStatus.ACTIVE or not club.channel_id:
        return None
    draft = feed_service.draft_digest(session, club_id, now)
    if draft.is_empty:
        already = session.scalar(select(Digest.id).where(Digest.club_id == club_id, Digest.period == period))
        unreadable = unreadable_feeds(session, club_id) if already is None else []
        if unreadable:
            raise FeedsUnreadable(
                f"digest {period} for club {club_id}: nothing to post yet, and {len(unreadable)} of its feeds could "
                f"not be read ({', '.join(unreadable[:3])}); trying again later"
            )
        log.info("digest %s for club %s: nothing new and relevant; not posted", period, club_id)
        return None
    recorded = feed_service.record_digest(session, club_id, period, draft)
    if not recorded.created:
        return None
    schedule = _schedule(club, default_tz)
    row = outbox.enqueue(
        session,
        club.channel_id,
        digest_post(schedule, draft.items, now),
        ref=f"digest:{recorded.digest_id}",
        dedupe_key=f"digest:{club_id}:{period}",
    )
    session.execute(update(Digest).where(Digest.id == recorded.digest_id).values(outbox_id=row.id))
    return PostedDigest(recorded.digest_id, club_id, period, recorded.item_count, row.id)


# --- sharing -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedLink:
    """A link queued for the club's next digest. `created` False: it was already queued (by `shared_by`)."""

    shared_id: int
    url: str
    created: bool
    shared_by: str
    next_at: datetime
    schedule: DigestSchedule


def _name(person: Participant | None, language: str) -> str:
    if person is None:
        return ""
    first, second = (person.name_ko, person.name_en) if language == Language.KO else (person.name_en, person.name_ko)
    return first or second or ""


def share_link(
    session: Session, club_id: int, user_id: str, url: str, note: str, now: datetime, *, default_tz: str
) -> SharedLink:
    """Queue a link for the club's next digest under the sharer's name (the page's title is read later,
    by `read_shared_title`). The same link queued twice is kept once."""
    club = _club(session, club_id)
    person = participant_of(session, user_id)
    if person is None:
        raise UserError("digests.error.not_a_participant")
    schedule = _schedule(club, default_tz)
    wanted = url_key(url)
    for queued, sharer in session.execute(
        select(SharedItem, Participant)
        .join(Participant, Participant.id == SharedItem.shared_by_id)
        .where(SharedItem.club_id == club_id, SharedItem.digest_id.is_(None))
    ).all():
        if url_key(queued.url) == wanted:
            return SharedLink(
                queued.id, queued.url, False, _name(sharer, club.language), schedule.next_slot(now), schedule
            )
    item = SharedItem(club_id=club_id, shared_by_id=person.id, url=url, note=note or None, created_at=now)
    session.add(item)
    session.flush()
    _audit(session, user_id, "digest.shared", club_id, item.id, url=url)
    return SharedLink(item.id, url, True, _name(person, club.language), schedule.next_slot(now), schedule)


def read_shared_title(database: Database, shared_id: int, *, allow_private: bool) -> str | None:
    """Fetch a shared page once, politely (same address checks as feeds, short time limits), and store its
    title; None when it has none or does not answer, and the digest shows the link itself."""
    with database.session() as session:
        item = session.get(SharedItem, shared_id)
        url = item.url if item is not None and item.title is None else None
    if url is None:
        return None
    try:
        result = fetch_one(url, title_options(allow_private))
        title = html_title(result.body, result.content_type) if result.ok and result.body else None
        if title:
            with database.session() as session:
                session.execute(
                    update(SharedItem).where(SharedItem.id == shared_id, SharedItem.title.is_(None)).values(title=title)
                )
    except Exception:  # the link is queued either way; the digest then shows the address
        log.exception("could not read the title of shared link %s", shared_id)
        return None
    return title
