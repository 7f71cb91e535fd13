"""The casebook's services as the listeners and the command line call them: each takes a session and the
settings, works out the year (`casebook_year`), the report settings and the DM timing, and calls the feature's
parts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from bot.casebook import brief, consents, picks, writing
from bot.casebook.types import (
    Brief,
    Consent,
    ConsentAsk,
    ForewordForm,
    InterviewForm,
    Listing,
    PickResult,
    UnpickResult,
)
from bot.casebook.types import casebook_year as year_of
from bot.domain import Language, LanguageOf
from bot.people import Timing
from bot.refs import ClubRef
from bot.reports.settings import load_report_settings
from bot.settings import Settings


def dm_timing(settings: Settings) -> Timing:
    """Consent requests timed like the jobs' direct messages (`jobs.base.dm_timing`), from the settings alone:
    the CLI has no running process to ask for the zone it last saw."""
    return Timing.from_now(settings.working_hours, settings.timezone)


def current_year(settings: Settings, now: datetime) -> int:
    return year_of(now, settings.tz)


def pick(
    session: Session,
    settings: Settings,
    club: ClubRef,
    *,
    user_id: str,
    language_of: LanguageOf | None,
    now: datetime,
    year: int | None = None,
) -> PickResult:
    chosen = year or current_year(settings, now)
    candidate = club.id in picks.candidates(session, chosen, settings.tz, load_report_settings(settings.data_dir))
    return picks.pick(
        session,
        club,
        chosen,
        user_id=user_id,
        candidate=candidate,
        timing=dm_timing(settings),
        language_of=language_of,
        now=now,
    )


def unpick(session: Session, settings: Settings, club: ClubRef, *, user_id: str, now: datetime) -> UnpickResult:
    return picks.unpick(session, club, current_year(settings, now), user_id=user_id)


def listing(session: Session, settings: Settings, *, year: int | None, now: datetime) -> Listing:
    chosen = year or current_year(settings, now)
    return picks.listing(session, chosen, settings.tz, load_report_settings(settings.data_dir))


def answer_consent(
    session: Session, consent_id: int, user_id: str, choice: Consent, *, lang: Language, now: datetime
) -> tuple[ConsentAsk, bool]:
    return consents.answer(session, consent_id, user_id, choice, lang=lang, now=now)


def interview_form(session: Session, settings: Settings, club: ClubRef, *, now: datetime) -> InterviewForm:
    return writing.interview_form(session, club, current_year(settings, now))


def save_interview(
    session: Session,
    settings: Settings,
    club_id: int,
    year: int,
    values: Mapping[str, str],
    *,
    interviewee_user_id: str | None,
    user_id: str,
    language_of: LanguageOf | None,
    now: datetime,
) -> str:
    return writing.save_interview(
        session,
        club_id,
        year,
        values,
        interviewee_user_id=interviewee_user_id,
        user_id=user_id,
        timing=dm_timing(settings),
        language_of=language_of,
        now=now,
    )


def foreword_form(session: Session, settings: Settings, *, now: datetime) -> ForewordForm:
    return writing.foreword_form(session, current_year(settings, now))


def club_brief(session: Session, settings: Settings, club: ClubRef, *, lang: Language, now: datetime) -> Brief:
    year = current_year(settings, now)
    return brief.club_brief(
        session, club, year, settings.tz, load_report_settings(settings.data_dir), now=now, lang=lang.value
    )


def save_foreword(session: Session, year: int, texts: Mapping[str, str], *, user_id: str, now: datetime) -> None:
    writing.save_foreword(session, year, texts, user_id=user_id, now=now)
