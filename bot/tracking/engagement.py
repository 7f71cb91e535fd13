"""Engagement in club channels: counting activity from Events API deliveries, and figures for any period.

Recording: a `message` event in a club channel adds one to the author's count for the day (a top-level
message, or a thread reply; files shared are counted too), a `reaction_added` one to their reactions.
The day is the club's local day. No message text is stored. Bot messages, edits (`message_changed`),
deletions and Slack's system messages (`channel_join`, topic changes...) are not counted, and an event
Slack delivers again (same `event_id`) is counted once.

Figures (`engagement_figures`) are a pure function of the counts and the member list, for `/club status`
and the quarterly reports. Each member gets one of five engagement levels, computed from how regularly
they posted across the period's weeks (the period is cut into 7-day blocks from its first day):

- **core**: posted in at least half of the weeks;
- **active**: posted in at least a quarter of the weeks;
- **occasional**: posted or reacted at least once;
- **silent**: nothing in the period;
- **away**: no post, and away (the App Home's "away until", kept as spans) every day of the period
  (`bot.domain.is_away_member`): counted apart, not as silent.

For a 13-week quarter: core from 7 weeks with a post, active from 4 (about monthly), occasional from one
post or reaction. Regularity, not volume, decides, so one burst of messages does not make a core member.

A member is **active** in the period (`EngagementFigures.active_members`) when they posted at least once:
`bot.domain.is_active_member(posts=...)`, posts being messages, thread replies and files shared; reactions
alone do not make a member active. The figures' types (`EngagementFigures`, `Level`) are in
`bot.tracking.types`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, literal, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.domain import MembershipStatus, is_active_member, is_away_member
from bot.people import away_spans
from bot.slack.events import first_delivery
from bot.standing import club_by_channel
from bot.time import zone
from bot.tracking.types import EngagementFigures, Level, weeks_in
from storage.db import Database, once_more_on_disconnect
from storage.models import ActivityDay, Club, Membership, Participant, SlackEvent, utcnow

#: Message subtypes that are a person posting. Everything else (bot_message, message_changed,
#: message_deleted, channel_join, channel_topic, ...) is not counted.
COUNTED_SUBTYPES = frozenset({"", "file_share", "thread_broadcast", "me_message"})

CORE_SHARE_OF_WEEKS = 0.5
ACTIVE_SHARE_OF_WEEKS = 0.25


@dataclass(frozen=True)
class Activity:
    """What one message event adds to its author's day."""

    user_id: str
    at: datetime
    messages: int = 0
    replies: int = 0
    files: int = 0
    reactions: int = 0


def _instant(ts: object) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(str(ts)), UTC)
    except (TypeError, ValueError):
        return None


def classify_message(event: Mapping[str, Any]) -> Activity | None:
    """The activity a `message` event counts for, or None when it is not a person posting."""
    subtype = str(event.get("subtype") or "")
    if subtype not in COUNTED_SUBTYPES or event.get("bot_id") or event.get("hidden"):
        return None
    user = event.get("user")
    at = _instant(event.get("ts") or event.get("event_ts"))
    if not isinstance(user, str) or not user or at is None:
        return None
    thread_ts = event.get("thread_ts")
    is_reply = bool(thread_ts) and thread_ts != event.get("ts")
    return Activity(
        user_id=user,
        at=at,
        messages=0 if is_reply else 1,
        replies=1 if is_reply else 0,
        files=len(event.get("files") or []),
    )


def classify_reaction(event: Mapping[str, Any]) -> tuple[str, Activity] | None:
    """(channel, activity) for a `reaction_added` event on a message."""
    item = event.get("item") or {}
    channel = item.get("channel")
    user = event.get("user")
    at = _instant(event.get("event_ts"))
    if item.get("type") != "message" or not channel or not isinstance(user, str) or at is None:
        return None
    return str(channel), Activity(user_id=user, at=at, reactions=1)


def _counts(activity: Activity) -> dict[str, int]:
    return {
        "messages": activity.messages,
        "replies": activity.replies,
        "files": activity.files,
        "reactions": activity.reactions,
    }


def _add(session: Session, club_id: int, day: date, activity: Activity) -> None:
    """Add the counts to the (club, person, day) row atomically, creating it if needed."""
    table = ActivityDay.__table__
    counts = _counts(activity)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(ActivityDay).values(club_id=club_id, slack_user_id=activity.user_id, day=day, **counts)
    statement = statement.on_conflict_do_update(
        index_elements=["club_id", "slack_user_id", "day"],
        set_={name: table.c[name] + statement.excluded[name] for name in counts},
    )
    session.execute(statement)


def _record_quick(
    db: Database, connection: Connection, event_id: str | None, channel: object, activity: Activity, default_tz: str
) -> bool:
    """`_record` in Core statements on a `Database.quick()` connection, for the request path: the club's ID and
    time zone (one read), then the delivery's record and the count together. On PostgreSQL that is one statement
    (the count's INSERT takes its row from the delivery's `INSERT ... ON CONFLICT DO NOTHING RETURNING`: a
    redelivery counts nothing); on SQLite two statements in one transaction."""
    if not isinstance(channel, str):
        return False
    club = select(Club.id, Club.timezone).where(Club.channel_id == channel)
    found = once_more_on_disconnect(connection, lambda: connection.execute(club).first())
    if found is None:
        return False
    day = activity.at.astimezone(zone(found.timezone, default_tz)).date()
    counts = _counts(activity)
    table = ActivityDay.__table__
    insert = sqlite_insert if db.is_sqlite else pg_insert
    row = {"club_id": found.id, "slack_user_id": activity.user_id, "day": day, **counts}
    if db.is_sqlite:
        with db.transaction(connection):
            if event_id:
                seen = (
                    insert(SlackEvent)
                    .values(event_id=event_id, received_at=utcnow())
                    .on_conflict_do_nothing(index_elements=["event_id"])
                    .returning(SlackEvent.event_id)
                )
                if connection.execute(seen).scalar() is None:
                    return False
            upsert = insert(ActivityDay).values(row)
            connection.execute(
                upsert.on_conflict_do_update(
                    index_elements=["club_id", "slack_user_id", "day"],
                    set_={name: table.c[name] + upsert.excluded[name] for name in counts},
                )
            )
        return True
    if not event_id:
        upsert = insert(ActivityDay).values(row)
    else:
        delivery = (
            insert(SlackEvent)
            .values(event_id=event_id, received_at=utcnow())
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(SlackEvent.event_id)
            .cte("delivery")
        )
        source = select(*(literal(value, table.c[name].type).label(name) for name, value in row.items()))
        upsert = insert(ActivityDay).from_select(list(row), source.select_from(delivery), include_defaults=False)
    statement = upsert.on_conflict_do_update(
        index_elements=["club_id", "slack_user_id", "day"],
        set_={name: table.c[name] + upsert.excluded[name] for name in counts},
    ).returning(table.c.id)
    counted = connection.execute(statement).first() is not None
    connection.commit()  # autocommit: already committed, and no round trip; anything else: committed here
    return counted


def _record(session: Session, event_id: str | None, channel: object, activity: Activity, default_tz: str) -> bool:
    if not isinstance(channel, str):
        return False
    club = club_by_channel(session, channel)
    if club is None or not first_delivery(session, event_id):
        return False
    day = activity.at.astimezone(zone(club.timezone, default_tz)).date()
    _add(session, club.id, day, activity)
    return True


def record_message(session: Session, event_id: str | None, event: Mapping[str, Any], *, default_tz: str) -> bool:
    """Count a `message` event once; True when it was counted."""
    activity = classify_message(event)
    if activity is None:
        return False
    return _record(session, event_id, event.get("channel"), activity, default_tz)


def record_reaction(session: Session, event_id: str | None, event: Mapping[str, Any], *, default_tz: str) -> bool:
    """Count a `reaction_added` event once; True when it was counted."""
    found = classify_reaction(event)
    if found is None:
        return False
    channel, activity = found
    return _record(session, event_id, channel, activity, default_tz)


def record_message_quick(
    db: Database, connection: Connection, event_id: str | None, event: Mapping[str, Any], *, default_tz: str
) -> bool:
    """`record_message` on the request path (`Database.quick()` connection, Core statements)."""
    activity = classify_message(event)
    if activity is None:
        return False
    return _record_quick(db, connection, event_id, event.get("channel"), activity, default_tz)


def record_reaction_quick(
    db: Database, connection: Connection, event_id: str | None, event: Mapping[str, Any], *, default_tz: str
) -> bool:
    """`record_reaction` on the request path (`Database.quick()` connection, Core statements)."""
    found = classify_reaction(event)
    if found is None:
        return False
    channel, activity = found
    return _record_quick(db, connection, event_id, channel, activity, default_tz)


# --- figures ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityCount:
    """One person's counts on one day (a plain copy of an `ActivityDay` row)."""

    slack_user_id: str
    day: date
    messages: int = 0
    replies: int = 0
    files: int = 0
    reactions: int = 0

    @property
    def posts(self) -> int:
        """Messages, thread replies and files shared: what makes a member active (`is_active_member`)."""
        return self.messages + self.replies + self.files


def engagement_level(weeks_posted: int, total_weeks: int, *, reacted: bool) -> Level:
    """The level for a member who posted in `weeks_posted` of `total_weeks` weeks (see the module's doc)."""
    if weeks_posted > 0 and weeks_posted >= math.ceil(total_weeks * CORE_SHARE_OF_WEEKS):
        return Level.CORE
    if weeks_posted > 0 and weeks_posted >= math.ceil(total_weeks * ACTIVE_SHARE_OF_WEEKS):
        return Level.ACTIVE
    if weeks_posted > 0 or reacted:
        return Level.OCCASIONAL
    return Level.SILENT


def engagement_figures(
    rows: Iterable[ActivityCount],
    members: Iterable[str],
    first_day: date,
    last_day: date,
    away: Mapping[str, Sequence[tuple[date, date]]] | None = None,
) -> EngagementFigures:
    """Figures for the days `first_day`..`last_day` from per-day counts (rows outside the period are ignored).
    A member who did not post and was away (`away`: their spans of days) all those days is *away*, not
    *silent* (`bot.domain.is_away_member`)."""
    member_ids = set(members)
    total_weeks = weeks_in(first_day, last_day)
    weeks_posted: dict[str, set[int]] = {}
    posts: dict[str, int] = {}
    reacted: set[str] = set()
    messages = replies = files = reactions = 0
    for row in rows:
        if not first_day <= row.day <= last_day:
            continue
        messages += row.messages
        replies += row.replies
        files += row.files
        reactions += row.reactions
        if row.posts:
            weeks_posted.setdefault(row.slack_user_id, set()).add((row.day - first_day).days // 7)
            posts[row.slack_user_id] = posts.get(row.slack_user_id, 0) + row.posts
        if row.reactions:
            reacted.add(row.slack_user_id)
    levels = {
        user: Level.AWAY
        if is_away_member(
            posts=posts.get(user, 0), away=(away or {}).get(user, ()), first_day=first_day, last_day=last_day
        )
        else engagement_level(len(weeks_posted.get(user, ())), total_weeks, reacted=user in reacted)
        for user in sorted(member_ids)
    }
    active = sum(1 for user in member_ids if is_active_member(posts=posts.get(user, 0)))
    return EngagementFigures(
        first_day=first_day,
        last_day=last_day,
        members=len(member_ids),
        active_members=active,
        share_active=active / len(member_ids) if member_ids else 0.0,
        messages=messages,
        replies=replies,
        files=files,
        reactions=reactions,
        posters=len(weeks_posted),
        levels=levels,
    )


def activity_rows(session: Session, club_id: int, first_day: date, last_day: date) -> list[ActivityCount]:
    rows = session.scalars(
        select(ActivityDay).where(
            ActivityDay.club_id == club_id, ActivityDay.day >= first_day, ActivityDay.day <= last_day
        )
    )
    return [ActivityCount(r.slack_user_id, r.day, r.messages, r.replies, r.files, r.reactions) for r in rows]


def members_during(session: Session, club_id: int, start: datetime, end: datetime) -> list[str]:
    """Slack user ids of the club's members in Slack at some time in [start, end) (pending invitations excluded)."""
    rows = session.scalars(
        select(Participant.slack_user_id)
        .join(Membership, Membership.participant_id == Participant.id)
        .where(
            Membership.club_id == club_id,
            Participant.slack_user_id.is_not(None),
            Membership.status.in_((MembershipStatus.ACTIVE, MembershipStatus.LEFT)),
            or_(Membership.joined_at.is_(None), Membership.joined_at < end),
            or_(
                Membership.status == MembershipStatus.ACTIVE,
                Membership.left_at >= start,
            ),
        )
    )
    return sorted({user for user in rows if user})


def club_engagement(session: Session, club_id: int, first_day: date, last_day: date, tz: ZoneInfo) -> EngagementFigures:
    """A club's engagement over its local days `first_day`..`last_day` (e.g. a quarter's first and last day)."""
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=tz).astimezone(UTC)
    rows = activity_rows(session, club_id, first_day, last_day)
    members = set(members_during(session, club_id, start, end))
    # a member who posted in the period was there, whatever date their membership was recorded with
    members |= {row.slack_user_id for row in rows if row.posts or row.reactions} & set(
        members_during(session, club_id, start, datetime.max.replace(tzinfo=UTC))
    )
    ids = {
        pid: sid
        for pid, sid in session.execute(
            select(Participant.id, Participant.slack_user_id).where(Participant.slack_user_id.in_(sorted(members)))
        )
        if sid
    }
    away: dict[str, list[tuple[date, date]]] = {}
    for span in away_spans(session, ids, first_day, last_day):
        away.setdefault(ids[span.participant_id], []).append((span.first_day, span.last_day))
    return engagement_figures(rows, sorted(members), first_day, last_day, away)


def level_counts(figures: EngagementFigures) -> Sequence[tuple[Level, int]]:
    counts = figures.by_level
    return [(level, counts[level]) for level in Level]
