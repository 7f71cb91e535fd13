"""Scheduled follow-up tracking work, once per club and local day:

- `tracking-reminders` (09:00 in the club's time zone): deadline reminders to the club's leaders;
- `tracking-surveys` (10:00): the club's meeting survey opened the day after the meeting ends (when
  `CLUBBOT_SURVEY_AUTO` is on), and reminders to attendees who have not answered.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import ClubStatus
from bot.periods import Due, latest_daily
from bot.refs import ClubRef
from bot.runtime import Runtime
from bot.time import zone
from bot.tracking import reminders, surveys
from jobs.base import PeriodicJob, dm_timing
from storage.models import Club

REMINDER_HOUR = 9
SURVEY_HOUR = 10


def _clubs(runtime: Runtime) -> list[ClubRef]:
    with runtime.db.session() as session:
        clubs = session.scalars(select(Club).where(Club.status == ClubStatus.ACTIVE).order_by(Club.id))
        return [ClubRef.of(club) for club in clubs]


def _daily(hour: int) -> Callable[[Runtime, datetime], list[Due]]:
    def due(runtime: Runtime, now: datetime) -> list[Due]:
        owed = []
        for club in _clubs(runtime):
            period, slot = latest_daily(now, zone(club.timezone, runtime.settings.timezone), hour=hour)
            owed.append(Due(period, f"club:{club.id}", slot))
        return owed

    return due


def _for_day(hour: int) -> Callable[[Runtime, str], list[Due]]:
    def for_period(runtime: Runtime, period: str) -> list[Due]:
        day = datetime.fromisoformat(period).date()
        owed = []
        for club in _clubs(runtime):
            slot = datetime.combine(
                day, datetime.min.time().replace(hour=hour), tzinfo=zone(club.timezone, runtime.settings.timezone)
            )
            owed.append(Due(period, f"club:{club.id}", slot))
        return owed

    return for_period


def _club(session: Session, due: Due) -> ClubRef | None:
    club = session.get(Club, int(due.scope.split(":", 1)[1]))
    return ClubRef.of(club) if club is not None and club.status is ClubStatus.ACTIVE else None


def send_reminders(runtime: Runtime, due: Due, session: Session) -> None:
    club = _club(session, due)
    if club is None:
        return
    today = datetime.fromisoformat(due.period).date()
    reminders.send_due_reminders(
        session, club, today, now=due.due_at, language_of=runtime.language_of, timing=dm_timing(runtime)
    )


def run_surveys(runtime: Runtime, due: Due, session: Session) -> None:
    club = _club(session, due)
    if club is None:
        return
    if runtime.settings.survey_auto:
        surveys.auto_open(
            session,
            club,
            now=due.due_at,
            default_tz=runtime.settings.timezone,
            language_of=runtime.language_of,
            timing=dm_timing(runtime),
        )
    surveys.remind(session, club.id, now=due.due_at, language_of=runtime.language_of, timing=dm_timing(runtime))


REMINDERS = PeriodicJob(
    name="tracking-reminders",
    description="deadline reminders to club leaders (outcome report...)",
    check="*/15 * * * *",
    grace=timedelta(hours=12),
    due=_daily(REMINDER_HOUR),
    for_period=_for_day(REMINDER_HOUR),
    work=send_reminders,
)

SURVEYS = PeriodicJob(
    name="tracking-surveys",
    description="meeting surveys: opened the day after the meeting, reminders to those who have not answered",
    check="*/15 * * * *",
    grace=timedelta(hours=12),
    due=_daily(SURVEY_HOUR),
    for_period=_for_day(SURVEY_HOUR),
    work=run_surveys,
)

JOBS = (REMINDERS, SURVEYS)
