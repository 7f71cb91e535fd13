"""Who is asking, about which club: the club a command acts on and the caller's role in it.

A club subcommand acts on the club whose channel it is run in, or on the club named with `club:NAME`
(the club's name, its channel's name, or a `#channel` link). Outside a club channel without
`club:`, the person is told their clubs and how to pick one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, bindparam, func, select
from sqlalchemy.orm import Session

from bot.domain import ClubRole, ClubStatus, Language, LanguageOf, MembershipStatus
from bot.errors import UserError
from bot.refs import ClubRef, ClubWithRole
from storage.models import Club, Membership, Participant

_CHANNEL_LINK = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")


def participant_of(session: Session, user_id: str) -> Participant | None:
    """The participant record linked to a Slack user."""
    return session.scalar(select(Participant).where(Participant.slack_user_id == user_id))


def role_in(session: Session, club_id: int, user_id: str) -> ClubRole | None:
    """The caller's role in the club: leader or member while their membership is active, else None."""
    return session.scalar(
        select(Membership.role)
        .join(Participant, Participant.id == Membership.participant_id)
        .where(
            Membership.club_id == club_id,
            Participant.slack_user_id == user_id,
            Membership.status == MembershipStatus.ACTIVE,
        )
    )


def standing_in(session: Session, club_id: int, user_id: str) -> tuple[int | None, ClubRole | None]:
    """The caller's participant id and active role in the club, in one query."""
    row = session.execute(
        select(Participant.id, Membership.role)
        .outerjoin(
            Membership,
            (Membership.participant_id == Participant.id)
            & (Membership.club_id == club_id)
            & (Membership.status == MembershipStatus.ACTIVE),
        )
        .where(Participant.slack_user_id == user_id)
    ).first()
    return (row[0], row[1]) if row else (None, None)


def club_leaders(session: Session, club_id: int) -> list[Participant]:
    """The club's active leaders who are in Slack (they are the ones the bot can write to), oldest first."""
    return list(
        session.scalars(
            select(Participant)
            .join(Membership, Membership.participant_id == Participant.id)
            .where(
                Membership.club_id == club_id,
                Membership.role == ClubRole.LEADER,
                Membership.status == MembershipStatus.ACTIVE,
                Participant.slack_user_id.is_not(None),
            )
            .order_by(Participant.id)
        )
    )


def language_for_person(
    person: Participant, language_of: LanguageOf | None, default: Language | str = Language.KO
) -> Language:
    """The language to write to someone in: the one recorded for them, else their Slack locale's, else `default`."""
    if person.language in ("ko", "en"):
        return Language(person.language)
    if language_of is not None and person.slack_user_id:
        return language_of(person.slack_user_id)
    return Language(str(default))


def clubs_of(session: Session, user_id: str) -> list[ClubWithRole]:
    """The active clubs a person belongs to, with their role, by name."""
    rows = session.execute(
        select(Club, Membership.role)
        .join(Membership, Membership.club_id == Club.id)
        .join(Participant, Participant.id == Membership.participant_id)
        .where(
            Participant.slack_user_id == user_id,
            Membership.status == MembershipStatus.ACTIVE,
            Club.status == ClubStatus.ACTIVE,
        )
        .order_by(Club.name)
    ).all()
    return [ClubWithRole(ClubRef.of(club), role) for club, role in rows]


def club_by_channel(session: Session, channel_id: str) -> ClubRef | None:
    club = session.scalar(select(Club).where(Club.channel_id == channel_id))
    return ClubRef.of(club) if club else None


def find_club(session: Session, name: str) -> ClubRef | None:
    """A club by its name (any case), its channel's name (with or without `#`), or a `<#C…>` link."""
    text = name.strip()
    link = _CHANNEL_LINK.match(text)
    if link:
        return club_by_channel(session, link.group(1))
    wanted = text.casefold()
    club = session.scalar(select(Club).where(func.lower(Club.name) == wanted))
    if club is None:
        club = session.scalar(select(Club).where(Club.channel_name == text.lstrip("#").lower()))
    return ClubRef.of(club) if club else None


def resolve_standing(
    session: Session, *, user_id: str, channel_id: str, club_name: str | None
) -> tuple[ClubRef, int | None, ClubRole | None]:
    """The club a command acts on, with the caller's participant id and role in it. In the club's own channel
    (the usual case) this is one query."""
    if not club_name:
        row = session.execute(
            select(Club, Participant.id, Membership.role)
            .select_from(Club)
            .outerjoin(Participant, Participant.slack_user_id == user_id)
            .outerjoin(
                Membership,
                (Membership.participant_id == Participant.id)
                & (Membership.club_id == Club.id)
                & (Membership.status == MembershipStatus.ACTIVE),
            )
            .where(Club.channel_id == channel_id)
        ).first()
        if row is not None:
            return ClubRef.of(row[0]), row[1], row[2]
    club = resolve_club(session, user_id=user_id, channel_id=channel_id, club_name=club_name)
    participant_id, role = standing_in(session, club.id, user_id)
    return club, participant_id, role


@dataclass(frozen=True)
class Standing:
    """The caller's standing in the club whose channel a command came from, read in one Core query."""

    club: ClubRef
    participant_id: int | None
    role: ClubRole | None
    #: The caller's name columns (for `bot.people.name_shown`): what a filing shows as its author.
    name_en: str | None = None
    name_ko: str | None = None
    forgotten_at: datetime | None = None
    #: What the subcommand asked to read in the same query (`extra` of `channel_standing`), by name.
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Prefetch:
    """What a subcommand needs read with the caller's standing: named columns (scalar subqueries that may refer to
    the club's columns, with bound parameters) and the parameters' values. `name` names the set of columns (the
    query is built once for each)."""

    name: str
    columns: Mapping[str, ColumnElement[Any]]
    params: Mapping[str, Any] = field(default_factory=dict)


_CLUB_COLUMNS = (
    "id",
    "name",
    "field",
    "channel_id",
    "channel_name",
    "language",
    "timezone",
    "status",
    "is_private",
    "meeting_id",
)


_STANDING_QUERIES: dict[str | None, Any] = {}


def _standing_query(prefetch: Prefetch | None) -> Any:
    query = _STANDING_QUERIES.get(prefetch.name if prefetch else None)
    if query is not None:
        return query
    club = Club.__table__.c
    extra = prefetch.columns if prefetch else {}
    query = (
        select(
            *(club[name] for name in _CLUB_COLUMNS),
            Participant.id.label("participant_id"),
            Participant.name_en,
            Participant.name_ko,
            Participant.forgotten_at,
            Membership.role,
            *(column.label(f"extra_{name}") for name, column in extra.items()),
        )
        .select_from(Club)
        .outerjoin(Participant, Participant.slack_user_id == bindparam("standing_user"))
        .outerjoin(
            Membership,
            (Membership.participant_id == Participant.id)
            & (Membership.club_id == Club.id)
            & (Membership.status == MembershipStatus.ACTIVE),
        )
        .where(Club.channel_id == bindparam("standing_channel"))
    )
    return _STANDING_QUERIES.setdefault(prefetch.name if prefetch else None, query)


def channel_standing(
    connection: Connection, *, user_id: str, channel_id: str, prefetch: Prefetch | None = None
) -> Standing | None:
    """The club of `channel_id` with the caller's participant id, role and name, and the `prefetch` columns, in
    one Core query (built once per prefetch); None when the channel is no club's."""
    params = {"standing_user": user_id, "standing_channel": channel_id, **(prefetch.params if prefetch else {})}
    row = connection.execute(_standing_query(prefetch), params).first()
    if row is None:
        return None
    return Standing(
        club=ClubRef.of(row),  # type: ignore[arg-type]  # a row with the Club model's attributes
        participant_id=row.participant_id,
        role=row.role,
        name_en=row.name_en,
        name_ko=row.name_ko,
        forgotten_at=row.forgotten_at,
        extra={name: getattr(row, f"extra_{name}") for name in (prefetch.columns if prefetch else {})},
    )


def resolve_club(session: Session, *, user_id: str, channel_id: str, club_name: str | None) -> ClubRef:
    """The club a club subcommand acts on. Raises UserError naming the problem and the way out."""
    if club_name:
        club = find_club(session, club_name)
        if club is None:
            names = list(session.scalars(select(Club.name).where(Club.status == ClubStatus.ACTIVE)))
            close = difflib.get_close_matches(club_name, names, n=1, cutoff=0.5)
            if close:
                raise UserError("clubs.error.no_such_club_did_you_mean", name=club_name, suggestion=close[0])
            raise UserError("clubs.error.no_such_club", name=club_name)
        return club
    club = club_by_channel(session, channel_id)
    if club is not None:
        return club
    mine = clubs_of(session, user_id)
    if not mine:
        raise UserError("clubs.error.not_in_club_channel_no_clubs")
    listing = ", ".join(f"{m.club.name}" + (f" (<#{m.club.channel_id}>)" if m.club.channel_id else "") for m in mine)
    raise UserError("clubs.error.not_in_club_channel", clubs=listing, example=mine[0].club.name)
