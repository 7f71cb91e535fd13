"""What the secretariat writes for the casebook: a picked club's interview (whom it was with, questions and
answers) and the foreword page (per year and language). Bad input is a `FieldErrors` on its field; nothing
typed is lost (the modal stays open with it)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.casebook.picks import ask
from bot.casebook.types import INTERVIEW_PAIRS, ForewordForm, InterviewForm
from bot.domain import LanguageOf
from bot.errors import UserError
from bot.people import Timing
from bot.refs import ClubRef
from bot.slack.forms import FieldErrors
from storage.models import CasebookForeword, CasebookInterview, CasebookPick, Club, Participant


def _picked(session: Session, club_id: int, year: int) -> None:
    if (
        session.scalar(select(CasebookPick.id).where(CasebookPick.year == year, CasebookPick.club_id == club_id))
        is None
    ):
        name = session.scalar(select(Club.name).where(Club.id == club_id)) or ""
        raise UserError("cases.error.not_picked", club=name, year=year)


def interview_form(session: Session, club: ClubRef, year: int) -> InterviewForm:
    """The interview form of a picked club, with what was saved."""
    _picked(session, club.id, year)
    row = session.scalar(
        select(CasebookInterview).where(CasebookInterview.year == year, CasebookInterview.club_id == club.id)
    )
    if row is None:
        return InterviewForm(year, club.id, club.name, None, ())
    person = session.get(Participant, row.interviewee_id) if row.interviewee_id else None
    pairs = tuple((str(p.get("q") or ""), str(p.get("a") or "")) for p in row.pairs)
    return InterviewForm(year, club.id, club.name, person.slack_user_id if person else None, pairs)


def save_interview(
    session: Session,
    club_id: int,
    year: int,
    values: Mapping[str, str],
    *,
    interviewee_user_id: str | None,
    user_id: str,
    timing: Timing,
    language_of: LanguageOf | None,
    now: datetime,
) -> str:
    """Store the interview (`q1`/`a1` … pairs); returns the club's name. An answer needs its question and a question
    its answer; the interviewee must be in the participant database (their consent is asked like everyone's)."""
    _picked(session, club_id, year)
    errors: dict[str, tuple[str, dict[str, object]]] = {}
    pairs = []
    for n in range(1, INTERVIEW_PAIRS + 1):
        question, answer = values.get(f"q{n}", "").strip(), values.get(f"a{n}", "").strip()
        if answer and not question:
            errors[f"q{n}"] = ("cases.error.question_missing", {})
        elif question and not answer:
            errors[f"a{n}"] = ("cases.error.answer_missing", {})
        elif question:
            pairs.append({"q": question, "a": answer})
    if not pairs and not errors:
        errors["q1"] = ("cases.error.no_pairs", {})
    interviewee = None
    if interviewee_user_id:
        interviewee = session.scalar(select(Participant).where(Participant.slack_user_id == interviewee_user_id))
        if interviewee is None:
            errors["interviewee"] = ("cases.error.interviewee_unknown", {})
    if errors:
        raise FieldErrors(errors)
    row = session.scalar(
        select(CasebookInterview).where(CasebookInterview.year == year, CasebookInterview.club_id == club_id)
    )
    if row is None:
        row = CasebookInterview(year=year, club_id=club_id)
        session.add(row)
    row.pairs = pairs
    row.interviewee_id = interviewee.id if interviewee else None
    row.updated_by = user_id
    row.updated_at = now
    session.flush()
    club = session.get(Club, club_id)
    assert club is not None
    ask(session, ClubRef.of(club), year, timing=timing, language_of=language_of, now=now)  # the interviewee, if new
    audit.record(
        session,
        actor=user_id,
        action="casebook_interview",
        entity="club",
        entity_id=club_id,
        club_id=club_id,
        details={"year": year, "pairs": len(pairs)},
    )
    return club.name


def foreword_form(session: Session, year: int) -> ForewordForm:
    texts = dict(
        session.execute(select(CasebookForeword.lang, CasebookForeword.text).where(CasebookForeword.year == year)).all()
    )
    return ForewordForm(year, texts.get("ko", ""), texts.get("en", ""))


def forewords(session: Session, year: int) -> dict[str, str]:
    form = foreword_form(session, year)
    return {lang: text for lang, text in (("ko", form.ko), ("en", form.en)) if text.strip()}


def save_foreword(session: Session, year: int, texts: Mapping[str, str], *, user_id: str, now: datetime) -> None:
    """Store the foreword of each language given (an empty text removes that language's foreword)."""
    if not any(text.strip() for text in texts.values()):
        raise FieldErrors({"ko": ("cases.error.foreword_empty", {})})
    for lang, text in texts.items():
        row = session.scalar(
            select(CasebookForeword).where(CasebookForeword.year == year, CasebookForeword.lang == lang)
        )
        if row is None:
            row = CasebookForeword(year=year, lang=lang)
            session.add(row)
        row.text = text.strip()
        row.updated_by = user_id
        row.updated_at = now
    audit.record(
        session,
        actor=user_id,
        action="casebook_foreword",
        entity="casebook_foreword",
        entity_id=year,
        details={"languages": sorted(lang for lang, text in texts.items() if text.strip())},
    )
