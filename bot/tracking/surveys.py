"""Satisfaction surveys of a club's X-Lab Day meeting: opening, answering, reminding, results.

A survey goes to each attendee of the club's meeting who is in Slack, as a direct message with a button
that opens a short form: overall satisfaction, program, speakers and networking value (1 to 5 each) and a
free comment. One answer per person, which they may change until the survey closes (the end of its closing
day in the club's time zone). Those who have not answered get at most two reminders, three days apart.
Results are pure functions of the answers: averages, distribution, response rate. Comments are shown to
secretariat staff only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import audit, due
from bot.domain import DEFAULT_TIMEZONE, Language, LanguageOf
from bot.errors import UserError
from bot.i18n import Localized
from bot.people import Timing, is_away
from bot.refs import ClubRef
from bot.slack import outbox
from bot.slack.forms import FieldErrors
from bot.standing import language_for_person, participant_of
from bot.time import zone
from bot.tracking.types import (
    QUESTIONS,
    SURVEY_OPEN_ACTION,
    Answer,
    QuestionResult,
    SurveyInfo,
    SurveyResults,
    SurveySummary,
)
from bot.tracking.views.surveys import survey_invitation
from storage.models import (
    Club,
    Meeting,
    MeetingAttendance,
    Participant,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)

DEFAULT_OPEN_DAYS = 14
MAX_OPEN_DAYS = 90
MAX_REMINDERS = 2
REMINDER_GAP = timedelta(days=3)
#: The automatic survey opens the day after the meeting ends; a clock that was down still opens it this long after.
AUTO_OPEN_WINDOW = timedelta(days=7)


def _info(session: Session, survey: Survey, default_tz: str = DEFAULT_TIMEZONE) -> SurveyInfo:
    club = session.get(Club, survey.club_id)
    assert club is not None
    meeting = session.get(Meeting, survey.meeting_id) if survey.meeting_id else None
    tz = zone(club.timezone, default_tz)
    return SurveyInfo(
        id=survey.id,
        club_id=club.id,
        club_name=club.name,
        meeting_title=(meeting.title_en or meeting.title_ko or meeting.code) if meeting else None,
        meeting_title_ko=meeting.title_ko if meeting else None,
        opens_at=survey.opens_at,
        closes_at=survey.closes_at,
        closes_on=(survey.closes_at.astimezone(tz) - timedelta(microseconds=1)).date(),
    )


def _language(person: Participant, language_of: LanguageOf | None) -> Language:
    return language_for_person(person, language_of)


# --- opening ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    survey: SurveyInfo
    invited: int
    not_in_slack: int


def open_survey(
    session: Session,
    club: ClubRef,
    *,
    closes_on: date | None,
    created_by: str,
    now: datetime,
    default_tz: str,
    language_of: LanguageOf | None = None,
    timing: Timing | None = None,
) -> Opened:
    """Open the club's meeting survey and send each attendee in Slack a direct message with the form's button
    (with `timing`, at each attendee's own hour, before the survey closes)."""
    if club.meeting_id is None:
        raise UserError("tracking.error.survey_no_meeting")
    tz = zone(club.timezone, default_tz)
    today = now.astimezone(tz).date()
    current = session.scalar(
        select(Survey).where(Survey.club_id == club.id, Survey.closes_at > now).order_by(Survey.id.desc()).limit(1)
    )
    if current is not None:
        raise UserError(
            "tracking.error.survey_already_open", closes=_info(session, current, default_tz).closes_on.isoformat()
        )
    closes_on = closes_on or today + timedelta(days=DEFAULT_OPEN_DAYS)
    if closes_on <= today:
        raise FieldErrors({"closes": ("tracking.error.survey_closes_past", {"date": closes_on.isoformat()})})
    if closes_on > today + timedelta(days=MAX_OPEN_DAYS):
        raise FieldErrors(
            {"closes": ("tracking.error.survey_closes_far", {"date": closes_on.isoformat(), "days": MAX_OPEN_DAYS})}
        )
    survey = Survey(
        club_id=club.id,
        meeting_id=club.meeting_id,
        opens_at=now,
        closes_at=datetime.combine(closes_on + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC),
        created_by=created_by,
    )
    session.add(survey)
    session.flush()
    info = _info(session, survey, default_tz)
    attendees = list(
        session.scalars(
            select(Participant)
            .join(MeetingAttendance, MeetingAttendance.participant_id == Participant.id)
            .where(MeetingAttendance.meeting_id == club.meeting_id, Participant.forgotten_at.is_(None))
            .order_by(Participant.id)
        )
    )
    invited = 0
    for person in attendees:
        if not person.slack_user_id:
            continue
        invitation = SurveyInvitation(survey_id=survey.id, participant_id=person.id, invited_at=now)
        session.add(invitation)
        session.flush()
        at = timing.at(session, person.slack_user_id, deadline=survey.closes_at) if timing else None
        _send(session, info, person, invitation, language_of, reminder=False, at=at)
        invited += 1
    audit.record(
        session,
        actor=created_by,
        action="survey.opened",
        entity="survey",
        entity_id=survey.id,
        club_id=club.id,
        details={"closes_on": closes_on.isoformat(), "invited": invited},
    )
    return Opened(info, invited, len(attendees) - invited)


def _send(
    session: Session,
    info: SurveyInfo,
    person: Participant,
    invitation: SurveyInvitation,
    language_of: LanguageOf | None,
    *,
    reminder: bool,
    at: datetime | None = None,
) -> None:
    assert person.slack_user_id is not None
    message = survey_invitation(_language(person, language_of), info, reminder=reminder)
    key = f"survey-{'reminder' if reminder else 'invite'}:{invitation.id}:{invitation.reminders_sent}"
    outbox.enqueue_dm(session, person.slack_user_id, message, ref=f"survey:{info.id}", dedupe_key=key, at=at)


def auto_open(
    session: Session,
    club: ClubRef,
    *,
    now: datetime,
    default_tz: str,
    language_of: LanguageOf | None = None,
    timing: Timing | None = None,
) -> Opened | None:
    """The day after the club's meeting ends (or within a week, if the clock was down), open its survey once."""
    if club.meeting_id is None or not club.is_active:
        return None
    meeting = session.get(Meeting, club.meeting_id)
    if meeting is None:
        return None
    today = now.astimezone(zone(club.timezone, default_tz)).date()
    opens_on = meeting.ends_on + timedelta(days=1)
    if not opens_on <= today <= opens_on + AUTO_OPEN_WINDOW:
        return None
    exists = session.scalar(
        select(Survey.id).where(Survey.club_id == club.id, Survey.meeting_id == meeting.id).limit(1)
    )
    if exists is not None:
        return None
    return open_survey(
        session,
        club,
        closes_on=opens_on + timedelta(days=DEFAULT_OPEN_DAYS),
        created_by="clock",
        now=now,
        default_tz=default_tz,
        language_of=language_of,
        timing=timing,
    )


def remind(
    session: Session,
    club_id: int,
    *,
    now: datetime,
    language_of: LanguageOf | None = None,
    timing: Timing | None = None,
) -> int:
    """Remind those who have not answered an open survey: at most twice, three days apart. Returns how many.
    With `timing`, a reminder reaches its reader at their own hour, and nobody away is reminded."""
    surveys = session.scalars(
        select(Survey).where(Survey.club_id == club_id, Survey.opens_at <= now, Survey.closes_at > now)
    )
    sent = 0
    for survey in surveys:
        info = _info(session, survey)
        answered = set(
            session.scalars(select(SurveyResponse.participant_id).where(SurveyResponse.survey_id == survey.id))
        )
        invitations = session.scalars(
            select(SurveyInvitation).where(SurveyInvitation.survey_id == survey.id).order_by(SurveyInvitation.id)
        )
        for invitation in invitations:
            if invitation.participant_id in answered or invitation.reminders_sent >= MAX_REMINDERS:
                continue
            last = invitation.last_reminded_at or invitation.invited_at
            if now - last < REMINDER_GAP:
                continue
            person = session.get(Participant, invitation.participant_id)
            if person is None or not person.slack_user_id or person.forgotten_at is not None:
                continue
            if timing is not None and is_away(person, now.date()):
                continue
            invitation.reminders_sent += 1
            invitation.last_reminded_at = now
            session.flush()
            at = timing.at(session, person.slack_user_id, deadline=survey.closes_at) if timing else None
            _send(session, info, person, invitation, language_of, reminder=True, at=at)
            sent += 1
    return sent


# --- answering ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyForm:
    survey: SurveyInfo
    answer: Answer | None


def _invitation(session: Session, survey_id: int, user_id: str, now: datetime) -> tuple[Survey, Participant]:
    survey = session.get(Survey, survey_id)
    person = participant_of(session, user_id)
    if survey is None or person is None:
        raise UserError("tracking.error.survey_not_invited")
    invited = session.scalar(
        select(SurveyInvitation.id).where(
            SurveyInvitation.survey_id == survey.id, SurveyInvitation.participant_id == person.id
        )
    )
    if invited is None:
        raise UserError("tracking.error.survey_not_invited")
    if not survey.opens_at <= now < survey.closes_at:
        raise UserError("tracking.error.survey_closed", closed=_info(session, survey).closes_on.isoformat())
    return survey, person


def survey_form(session: Session, survey_id: int, user_id: str, *, now: datetime) -> SurveyForm:
    """The survey and the person's earlier answer, to pre-fill the form."""
    survey, person = _invitation(session, survey_id, user_id, now)
    response = session.scalar(
        select(SurveyResponse).where(SurveyResponse.survey_id == survey.id, SurveyResponse.participant_id == person.id)
    )
    answer = None
    if response is not None:
        answer = Answer(response.overall, response.program, response.speakers, response.networking, response.comment)
    return SurveyForm(_info(session, survey), answer)


def answer_survey(session: Session, survey_id: int, user_id: str, answer: Answer, *, now: datetime) -> bool:
    """Save the person's answer (replacing an earlier one). Returns True when it replaced one."""
    problems: dict[str, tuple[str, dict[str, object]]] = {
        q: ("tracking.error.survey_score", {}) for q in QUESTIONS if not 1 <= answer.score(q) <= 5
    }
    if problems:
        raise FieldErrors(problems)
    survey, person = _invitation(session, survey_id, user_id, now)
    response = session.scalar(
        select(SurveyResponse).where(SurveyResponse.survey_id == survey.id, SurveyResponse.participant_id == person.id)
    )
    replaced = response is not None
    if response is None:
        response = SurveyResponse(survey_id=survey.id, participant_id=person.id, submitted_at=now)
        session.add(response)
    response.overall, response.program = answer.overall, answer.program
    response.speakers, response.networking = answer.speakers, answer.networking
    response.comment = (answer.comment or "").strip() or None
    response.updated_at = now
    try:
        session.flush()
    except IntegrityError:  # the same person's two submissions at once: the first one won
        raise UserError("tracking.error.survey_try_again") from None
    return replaced


# --- results ----------------------------------------------------------------------------------------------


def results_of(answers: Sequence[Answer], invited: int, survey: SurveyInfo | None = None) -> SurveyResults:
    """Averages, distributions and response rate of a set of answers (pure)."""
    questions = []
    for question in QUESTIONS:
        scores = [a.score(question) for a in answers]
        ones, twos, threes, fours, fives = (scores.count(value) for value in range(1, 6))
        average = round(sum(scores) / len(scores), 2) if scores else None
        questions.append(QuestionResult(question, average, (ones, twos, threes, fours, fives)))
    comments = tuple(a.comment.strip() for a in answers if a.comment and a.comment.strip())
    return SurveyResults(survey, invited, len(answers), tuple(questions), comments)


def survey_results(session: Session, survey_id: int) -> SurveyResults:
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise UserError("tracking.error.no_survey")
    responses = session.scalars(
        select(SurveyResponse).where(SurveyResponse.survey_id == survey.id).order_by(SurveyResponse.id)
    )
    answers = [Answer(r.overall, r.program, r.speakers, r.networking, r.comment) for r in responses]
    invited = len(list(session.scalars(select(SurveyInvitation.id).where(SurveyInvitation.survey_id == survey.id))))
    return results_of(answers, invited, _info(session, survey))


def latest_survey_id(session: Session, club_id: int) -> int | None:
    return session.scalar(select(Survey.id).where(Survey.club_id == club_id).order_by(Survey.id.desc()).limit(1))


def club_results(session: Session, club_id: int) -> SurveyResults:
    """The results of the club's latest survey."""
    survey_id = latest_survey_id(session, club_id)
    if survey_id is None:
        raise UserError("tracking.error.no_survey")
    return survey_results(session, survey_id)


def latest_summary(session: Session, club_id: int, *, now: datetime) -> SurveySummary | None:
    survey_id = latest_survey_id(session, club_id)
    if survey_id is None:
        return None
    results = survey_results(session, survey_id)
    assert results.survey is not None
    return SurveySummary(
        results.survey,
        results.survey.is_open(now),
        results.invited,
        results.responses,
        results.question("overall").average,
    )


@due.register
def due_from_attendee(session: Session, participant_id: int, now: datetime, tz: ZoneInfo) -> list[due.DueItem]:
    """Open surveys the person was invited to and has not answered."""
    surveys = session.scalars(
        select(Survey)
        .join(SurveyInvitation, SurveyInvitation.survey_id == Survey.id)
        .where(SurveyInvitation.participant_id == participant_id, Survey.opens_at <= now, Survey.closes_at > now)
    )
    items = []
    for survey in surveys:
        answered = session.scalar(
            select(SurveyResponse.id).where(
                SurveyResponse.survey_id == survey.id, SurveyResponse.participant_id == participant_id
            )
        )
        if answered is not None:
            continue
        info = _info(session, survey)
        items.append(
            due.DueItem(
                club_id=info.club_id,
                club_name=info.club_name,
                due_on=info.closes_on,
                text_key="tracking.due.survey",
                params={"club": info.club_name, "meeting": Localized(info.meeting_in)},
                action_id=SURVEY_OPEN_ACTION,
                action_value=str(survey.id),
            )
        )
    return items
