"""A club's news digest as people meet it: the feeds it follows, its keywords, when its digest comes and
how long it is, and the weekly post itself (and its private preview).

The digest service is this module and its two siblings: `bot.digests.upkeep` (keeping the feeds read,
telling leaders when one breaks) and `bot.digests.sharing` (links members share). Built on the store
(`bot.digests.store`: subscriptions, refreshing, drafting), the service adds who may do what, the club's
schedule in its own time zone (`bot.time.zone`), and the posts, written to the outbox in the transaction
of what they announce. Like the store, nothing here holds a database transaction open while the network
is used.

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
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import audit
from bot.access import Caller, Rule, allowed
from bot.digests import store
from bot.digests.feeds.rank import split_keywords
from bot.digests.feeds.types import FetchOptions
from bot.digests.types import AddFeedResult, DigestSchedule, FeedView, PostedDigest, Preview
from bot.digests.upkeep import FeedsUnreadable, refresh_stale_club_feeds, unreadable_feeds
from bot.digests.views import digest_thread
from bot.domain import ClubStatus, FieldKey, Language, LanguageOf
from bot.errors import UserError
from bot.slack import outbox
from bot.slack.forms import FieldErrors
from bot.standing import role_in
from bot.time import zone
from storage.db import Database
from storage.models import Club, Digest

log = logging.getLogger(__name__)

MAX_ITEMS_RANGE = (1, 20)


def add_feed_options(allow_private: bool) -> FetchOptions:
    """For checking a feed a leader adds while they wait for the answer."""
    return FetchOptions(allow_private=allow_private, connect_timeout=5.0, read_timeout=10.0, deadline=20.0)


def schedule_of(club: Club, default_tz: str) -> DigestSchedule:
    """The club's digest schedule, in its own time zone (`bot.time.zone`: the club's, else `default_tz`)."""
    return DigestSchedule(
        club_id=club.id,
        club_name=club.name,
        channel_id=club.channel_id,
        language=Language(club.language),
        field=FieldKey(club.field),
        timezone=zone(club.timezone, default_tz).key,
        weekday=club.digest_weekday,
        hour=club.digest_hour,
        minute=club.digest_minute,
        max_items=club.digest_max_items,
    )


def digest_schedule(session: Session, club_id: int, default_tz: str) -> DigestSchedule:
    """The schedule of club `club_id` (`LookupError` when there is none)."""
    return schedule_of(store.club_of(session, club_id), default_tz)


def digest_schedules(session: Session, default_tz: str) -> list[DigestSchedule]:
    """Every active club with a channel: those whose digest the job posts."""
    clubs = session.scalars(
        select(Club).where(Club.status == ClubStatus.ACTIVE, Club.channel_id.is_not(None)).order_by(Club.id)
    )
    return [schedule_of(club, default_tz) for club in clubs]


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
    club = store.club_of(session, club_id)
    club.digest_weekday, club.digest_hour, club.digest_minute, club.digest_max_items = day, hour, minute, count
    audit.record(
        session,
        actor=caller.user_id,
        action="digest.settings",
        entity="club",
        entity_id=club_id,
        club_id=club_id,
        details={"weekday": day, "time": time, "max_items": count},
    )
    session.flush()
    return schedule_of(club, default_tz)


def club_keywords(session: Session, club_id: int) -> tuple[str, ...]:
    return tuple(split_keywords(store.club_of(session, club_id).keywords))


def set_club_keywords(session: Session, club_id: int, keywords: Sequence[str], *, actor: str) -> tuple[str, ...]:
    """Replace the club's keywords (already cleaned by the command parser); the keywords stored."""
    club = store.club_of(session, club_id)
    club.keywords = ", ".join(keywords)
    audit.record(
        session,
        actor=actor,
        action="digest.keywords",
        entity="club",
        entity_id=club_id,
        club_id=club_id,
        details={"keywords": list(keywords)},
    )
    session.flush()
    return tuple(keywords)


def subscribe_new_club(session: Session, club_id: int) -> int:
    """Subscribe a newly created club to its field's catalog feeds (idempotent); the number it follows."""
    return len(store.subscribe_catalog(session, club_id))


def club_feeds(session: Session, club_id: int) -> list[FeedView]:
    return store.list_feeds(session, club_id)


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
    fetcher = store.http_fetcher(add_feed_options(allow_private), parse_workers=0)
    result = store.add_feed(database, club_id, url, fetcher=fetcher, now=now, added_by=actor, keywords=keywords)
    if result.feed is not None and not result.already:
        with database.session() as session:
            audit.record(
                session,
                actor=actor,
                action="digest.feed_added",
                entity="club",
                entity_id=result.feed.feed_id,
                club_id=club_id,
                details={"url": result.feed.url},
            )
    return result


def remove_club_feed(session: Session, club_id: int, feed_id: int, *, actor: str) -> FeedView:
    """Stop following a feed; `UserError` when the club does not follow it."""
    view = next((f for f in store.list_feeds(session, club_id) if f.feed_id == feed_id), None)
    if view is None or not store.remove_feed(session, club_id, feed_id):
        raise UserError("digests.error.feed_not_followed", id=feed_id)
    audit.record(
        session,
        actor=actor,
        action="digest.feed_removed",
        entity="club",
        entity_id=feed_id,
        club_id=club_id,
        details={"url": view.url},
    )
    return view


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
        draft = store.draft_digest(session, club_id, now)
    return Preview(schedule, draft, schedule.next_slot(now))


def post_digest(session: Session, club_id: int, period: str, now: datetime, *, default_tz: str) -> PostedDigest | None:
    """Draft, record and queue the club's digest for `period`, all in `session`. None when there is nothing
    new and relevant, when the club cannot receive it, or when that period's digest already exists.

    Raises `FeedsUnreadable` when the draft is empty while some of the club's feeds failed on their last read
    (and are not given up on): the digest is not skipped for a passing failure; the caller tries again."""
    club = store.club_of(session, club_id)
    if club.status is not ClubStatus.ACTIVE or not club.channel_id:
        return None
    draft = store.draft_digest(session, club_id, now)
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
    recorded = store.record_digest(session, club_id, period, draft)
    if not recorded.created:
        return None
    schedule = schedule_of(club, default_tz)
    parent, replies = digest_thread(schedule, draft.items, now)
    row = outbox.enqueue_thread(
        session,
        club.channel_id,
        parent,
        replies,
        ref=f"digest:{recorded.digest_id}",
        dedupe_key=f"digest:{club_id}:{period}",
    )
    session.execute(update(Digest).where(Digest.id == recorded.digest_id).values(outbox_id=row.id))
    return PostedDigest(recorded.digest_id, club_id, period, recorded.item_count, row.id)
