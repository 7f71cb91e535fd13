"""People, defined once: how a participant's name is shown (`display_name`, which honours erasure), and what the
bot remembers of Slack users between requests, processes and restarts (locale, name, email)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import time
from bot.domain import Language
from bot.errors import UserError
from bot.hours import WorkingHours, reader_hour
from bot.slack.forms import FieldErrors
from bot.slack.types import SlackProfile
from storage.models import AwaySpan, Participant, SlackUser, utcnow


def display_name(person: Participant | None, lang: Language | str = Language.EN) -> str | None:
    """A participant's name as they registered it, in the language's preferred script when both exist.
    None for no one, and for a person whose data was erased (`forgotten_at`): an erased name is never shown."""
    if person is None:
        return None
    return name_shown(person.name_en, person.name_ko, person.forgotten_at, lang)


def name_shown(
    name_en: str | None, name_ko: str | None, forgotten_at: datetime | None, lang: Language | str = Language.EN
) -> str | None:
    """`display_name` from a participant's columns (as a Core query reads them)."""
    if forgotten_at is not None:
        return None
    if Language(str(lang)) is Language.KO:
        return name_ko or name_en
    return name_en or name_ko


#: A stored locale is trusted this long before Slack is asked again.
LOCALE_TTL = timedelta(days=7)


def stored_locale(session: Session, user_id: str, *, now: datetime | None = None) -> tuple[bool, str | None]:
    """(known, locale) from the `slack_users` table; known is False when absent or stale."""
    row = session.get(SlackUser, user_id)
    if row is None or (now or utcnow()) - row.fetched_at > LOCALE_TTL:
        return False, None
    return True, row.locale


def remember(session: Session, profile: SlackProfile) -> None:
    row = session.get(SlackUser, profile.user_id) or SlackUser(user_id=profile.user_id)
    row.locale, row.real_name, row.is_deleted, row.fetched_at = (
        profile.locale,
        profile.real_name,
        profile.is_deleted,
        utcnow(),
    )
    if profile.tz:
        row.tz = profile.tz  # refreshed whenever Slack is asked again
    if profile.email:
        row.email = profile.email.lower()
    session.add(row)


def reach_at(
    session: Session,
    user_id: str,
    now: datetime,
    *,
    hours: WorkingHours,
    default_tz: str,
    deadline: datetime | None = None,
) -> datetime:
    """When a direct message decided at `now` should reach this person: within working hours in their own Slack
    time zone (the one last seen in `users.info`), else in `default_tz` (the club's or the program's), and
    never after `deadline` (`bot.hours.reader_hour`)."""
    return reader_hour(now, zone_of(session, user_id, default_tz), hours, deadline=deadline)


def zone_of(session: Session, user_id: str, default_tz: str) -> ZoneInfo:
    """The person's own time zone as Slack last said (`users.info` `tz`), else `default_tz`."""
    row = session.get(SlackUser, user_id)
    return time.zone(row.tz if row is not None else None, default_tz)


def is_away(person: Participant, day: date) -> bool:
    """Whether the person said they are away on `day` (`away_until` is the last day away)."""
    return person.away_until is not None and day <= person.away_until


@dataclass(frozen=True)
class Timing:
    """How a job's direct messages are timed (`bot.hours`): the working hours, the zone of people whose own
    Slack zone is unknown, and the earliest moment to send (the real clock: a run caught up at night still
    waits for each reader's morning)."""

    hours: WorkingHours
    default_tz: str
    not_before: datetime
    #: The zone this process last saw in the person's Slack profile, when it has (fresher than the table).
    known_zone: Callable[[str], str | None] | None = None

    @classmethod
    def from_now(
        cls, hours: WorkingHours, default_tz: str, known_zone: Callable[[str], str | None] | None = None
    ) -> Timing:
        """Messages timed from this moment on (the one clock, `bot.time.now`)."""
        return cls(hours, default_tz, time.now(), known_zone)

    def at(
        self, session: Session, user_id: str, *, deadline: datetime | None = None, default_tz: str | None = None
    ) -> datetime:
        """When the message should reach this person."""
        seen = self.known_zone(user_id) if self.known_zone is not None else None
        if seen:
            return reader_hour(self.not_before, time.zone(seen, self.default_tz), self.hours, deadline=deadline)
        return reach_at(
            session,
            user_id,
            self.not_before,
            hours=self.hours,
            default_tz=default_tz or self.default_tz,
            deadline=deadline,
        )

    def end_of(self, day: date, timezone: str | None) -> datetime:
        """The end of the working day `day` in a club's zone: the instant a deadline on that day falls due."""
        return datetime.combine(day, self.hours.end, tzinfo=time.zone(timezone, self.default_tz))


#: How far ahead one may say they are away (a sabbatical fits; a typo of a year does not).
AWAY_AT_MOST = timedelta(days=366)


def set_away(session: Session, user_id: str, until: date | None, *, today: date) -> date | None:
    """Record that the person is away until `until` (the last day away), or back (`None`); their reminders and
    nudges wait until then. Raises `FieldErrors` on the form's `until` field for a day past or too far ahead;
    `UserError` when the person has no participant record."""
    person = session.scalars(select(Participant).where(Participant.slack_user_id == user_id)).first()
    if person is None:
        raise UserError("home.away.error.no_record")
    if until is not None and until < today:
        raise FieldErrors({"until": ("home.away.error.past", {"date": until.isoformat()})})
    if until is not None and until > today + AWAY_AT_MOST:
        raise FieldErrors({"until": ("home.away.error.far", {"days": AWAY_AT_MOST.days})})
    person.away_until = until
    _keep_away_span(session, person.id, until, today=today)
    return until


def _keep_away_span(session: Session, participant_id: int, until: date | None, *, today: date) -> None:
    """The history of away times (`AwaySpan`), which the reports read: the span running today (or ahead) is
    lengthened, shortened or ended; a new one starts today. Back on the day one left: no span at all."""
    current = session.scalars(
        select(AwaySpan)
        .where(AwaySpan.participant_id == participant_id, AwaySpan.last_day >= today)
        .order_by(AwaySpan.first_day)
    ).first()
    if until is None:
        if current is not None and current.first_day >= today:
            session.delete(current)
        elif current is not None:
            current.last_day = today - timedelta(days=1)
    elif current is not None:
        current.first_day, current.last_day = min(current.first_day, today), until
    else:
        session.add(AwaySpan(participant_id=participant_id, first_day=today, last_day=until))


def away_spans(session: Session, participant_ids: Iterable[int], first: date, last: date) -> list[AwaySpan]:
    """The away times of these people that touch the days `first`..`last`."""
    ids = list(participant_ids)
    if not ids:
        return []
    return list(
        session.scalars(
            select(AwaySpan).where(
                AwaySpan.participant_id.in_(ids), AwaySpan.first_day <= last, AwaySpan.last_day >= first
            )
        )
    )
