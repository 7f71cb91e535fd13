"""Reading what a report needs from the database: one query per table, whatever the number of clubs.

Columns are selected (never ORM objects) and turned into the plain rows of `bot.reports.rows` at once.
For the program report nothing is filtered by club (ten statements for 16 clubs or 1,000); a club's
own report adds `club_id IN (...)` to each query.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.domain import OutputType
from bot.reports.period import Period
from bot.reports.rows import (
    ActivityRow,
    AwayRow,
    ClubMeetingRow,
    ClubRow,
    Dataset,
    MeetingInfo,
    MemberRow,
    NarrativeRow,
    OutputPersonRow,
    OutputRow,
    PersonRow,
    PlanRow,
    StatusChangeRow,
    SurveyResponseRow,
    UpdateRow,
)
from bot.reports.year import YearData
from storage.models import (
    ActivityDay,
    AwaySpan,
    Club,
    ClubMeeting,
    Meeting,
    Membership,
    Output,
    OutputPerson,
    OutputStatusChange,
    OutputSuggestion,
    Participant,
    Plan,
    ReportNarrative,
    Survey,
    SurveyResponse,
    Update,
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(value: str | None) -> str | None:
    """Text as typed by people, without the control characters Word and Excel files cannot hold."""
    return _CONTROL.sub("", value) if value else value


PERSON_COLUMNS = (
    Participant.id,
    Participant.name_ko,
    Participant.name_en,
    Participant.country,
    Participant.career_stage,
    Participant.overseas_korean,
    Participant.slack_user_id,
    Participant.orcid,
)


def _person(row: tuple[Any, ...]) -> PersonRow:
    pid, name_ko, name_en, country, stage, overseas, slack_id, orcid = row
    return PersonRow(
        pid,
        clean(name_ko),
        clean(name_en),
        country,
        str(stage) if stage else None,
        bool(overseas),
        slack_id,
        has_orcid=bool(orcid),
    )


def load_dataset(session: Session, period: Period, tz: ZoneInfo, *, club_ids: Collection[int] | None = None) -> Dataset:
    """Everything the report of `period` reads (the clubs in `club_ids`, or every club)."""
    start, end = period.start(tz), period.end(tz)
    previous = period.previous()

    def only(statement: Select, column: InstrumentedAttribute[int]) -> Select:
        return statement.where(column.in_(list(club_ids))) if club_ids is not None else statement

    clubs_query = (
        select(
            Club.id,
            Club.name,
            Club.field,
            Club.language,
            Club.channel_id,
            Club.channel_name,
            Club.status,
            Club.created_at,
            Meeting.code,
            Meeting.title_ko,
            Meeting.title_en,
            Meeting.venue,
            Meeting.starts_on,
            Meeting.ends_on,
        )
        .outerjoin(Meeting, Meeting.id == Club.meeting_id)
        .where(Club.created_at < end, or_(Club.closed_at.is_(None), Club.closed_at >= start))
        .order_by(Club.name, Club.id)
    )
    clubs = []
    for r in session.execute(only(clubs_query, Club.id)):
        meeting = MeetingInfo(r[8], clean(r[9]), clean(r[10]), clean(r[11]), r[12], r[13]) if r[8] is not None else None
        clubs.append(ClubRow(r[0], clean(r[1]) or "", r[2], r[3], r[4], r[5], str(r[6]), r[7], meeting))

    people: dict[int, PersonRow] = {}
    members = []
    members_query = select(
        Membership.club_id,
        Membership.role,
        Membership.status,
        Membership.joined_at,
        Membership.left_at,
        *PERSON_COLUMNS,
    ).join(Participant, Participant.id == Membership.participant_id)
    for r in session.execute(only(members_query, Membership.club_id)):
        person = people.get(r[5]) or _person(tuple(r[5:]))
        people[person.id] = person
        members.append(MemberRow(r[0], person.id, str(r[1]), str(r[2]), r[3], r[4]))

    updates_query = select(Update.id, Update.club_id, Update.author_id, Update.created_at, Update.text).where(
        Update.deleted_at.is_(None), Update.created_at >= start, Update.created_at < end
    )
    updates = tuple(
        UpdateRow(r[0], r[1], r[2], r[3], clean(r[4]) or "")
        for r in session.execute(only(updates_query, Update.club_id))
    )
    plans_query = (
        select(Plan.club_id, Plan.author_id, Plan.created_at, Plan.text)
        .where(Plan.deleted_at.is_(None), Plan.created_at >= start, Plan.created_at < end)
        .order_by(Plan.created_at, Plan.id)
    )
    plans = tuple(
        PlanRow(r[0], r[1], r[2], clean(r[3]) or "") for r in session.execute(only(plans_query, Plan.club_id))
    )

    live_output = (Output.deleted_at.is_(None), Output.created_at < end)
    outputs_query = select(
        Output.id,
        Output.club_id,
        Output.type,
        Output.title,
        Output.status,
        Output.created_at,
        Output.occurred_on,
        Output.doi,
        Output.url,
        Output.confirmed_at,
        Output.source,
    ).where(*live_output)
    international = dict(
        session.execute(
            select(OutputSuggestion.output_id, OutputSuggestion.international).where(
                OutputSuggestion.output_id.is_not(None)
            )
        ).all()
    )
    outputs = tuple(
        OutputRow(
            r[0],
            r[1],
            OutputType(r[2]),
            clean(r[3]) or "",
            r[4],
            r[5],
            r[6],
            clean(r[7]),
            clean(r[8]),
            r[9],
            source=str(r[10]),
            international=international.get(r[0]) if str(r[10]) == "discovered" else None,
        )
        for r in session.execute(only(outputs_query, Output.club_id))
    )

    changes_query = (
        select(
            OutputStatusChange.output_id,
            OutputStatusChange.from_status,
            OutputStatusChange.to_status,
            OutputStatusChange.changed_at,
        )
        .join(Output, Output.id == OutputStatusChange.output_id)
        .where(*live_output)
    )
    changes = tuple(StatusChangeRow(*r) for r in session.execute(only(changes_query, Output.club_id)))

    output_people_query = (
        select(OutputPerson.output_id, OutputPerson.name, *PERSON_COLUMNS)
        .join(Output, Output.id == OutputPerson.output_id)
        .outerjoin(Participant, Participant.id == OutputPerson.participant_id)
        .where(*live_output)
        .order_by(OutputPerson.id)
    )
    output_people = []
    for r in session.execute(only(output_people_query, Output.club_id)):
        person_id = r[2]
        if person_id is not None and person_id not in people:
            people[person_id] = _person(tuple(r[2:]))
        output_people.append(OutputPersonRow(r[0], person_id, clean(r[1])))

    meetings_query = select(
        ClubMeeting.id,
        ClubMeeting.club_id,
        ClubMeeting.held_on,
        ClubMeeting.format,
        ClubMeeting.attendees,
        ClubMeeting.summary,
        ClubMeeting.filed_by_id,
    ).where(ClubMeeting.deleted_at.is_(None), ClubMeeting.held_on >= period.first, ClubMeeting.held_on <= period.last)
    meetings = tuple(
        ClubMeetingRow(r[0], r[1], r[2], str(r[3]), r[4], clean(r[5]) or "", r[6])
        for r in session.execute(only(meetings_query, ClubMeeting.club_id))
    )

    activity_query = select(
        ActivityDay.club_id,
        ActivityDay.slack_user_id,
        ActivityDay.day,
        ActivityDay.messages,
        ActivityDay.replies,
        ActivityDay.files,
        ActivityDay.reactions,
    ).where(ActivityDay.day >= previous.first, ActivityDay.day <= period.last)
    activity = tuple(ActivityRow(*r) for r in session.execute(only(activity_query, ActivityDay.club_id)))

    survey_query = (
        select(
            Survey.club_id,
            SurveyResponse.survey_id,
            SurveyResponse.overall,
            SurveyResponse.program,
            SurveyResponse.speakers,
            SurveyResponse.networking,
            SurveyResponse.comment,
        )
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(Survey.opens_at < end, SurveyResponse.submitted_at < end)
        .order_by(SurveyResponse.id)
    )
    responses = tuple(
        SurveyResponseRow(r[0], r[1], r[2], r[3], r[4], r[5], clean(r[6]))
        for r in session.execute(only(survey_query, Survey.club_id))
    )

    narratives_query = select(
        ReportNarrative.club_id,
        ReportNarrative.period,
        ReportNarrative.author_id,
        ReportNarrative.highlights,
        ReportNarrative.difficulties,
        ReportNarrative.plans,
        ReportNarrative.support,
        ReportNarrative.submitted_at,
        ReportNarrative.updated_at,
    ).where(ReportNarrative.period == period.key)
    narratives = tuple(
        NarrativeRow(
            r[0], r[1], r[2], clean(r[3]) or "", clean(r[4]) or "", clean(r[5]) or "", clean(r[6]) or "", r[7], r[8]
        )
        for r in session.execute(only(narratives_query, ReportNarrative.club_id))
    )

    away_query = (
        select(AwaySpan.participant_id, AwaySpan.first_day, AwaySpan.last_day)
        .join(Membership, Membership.participant_id == AwaySpan.participant_id)
        .where(AwaySpan.first_day <= period.last, AwaySpan.last_day >= previous.first)
        .distinct()
        .order_by(AwaySpan.participant_id, AwaySpan.first_day)
    )
    away = tuple(AwayRow(*r) for r in session.execute(only(away_query, Membership.club_id)))

    return Dataset(
        period=period,
        tz=tz,
        clubs=tuple(clubs),
        plans=plans,
        people=people,
        members=tuple(members),
        updates=updates,
        outputs=outputs,
        output_people=tuple(output_people),
        status_changes=changes,
        meetings=meetings,
        activity=activity,
        survey_responses=responses,
        narratives=narratives,
        away=away,
    )


def load_year(session: Session, year: int, tz: ZoneInfo) -> YearData:
    """The annual report's rows: the year as one period, and each of its quarters as its own report reads it."""
    period = Period.of_year(year)
    return YearData(
        period, load_dataset(session, period, tz), tuple(load_dataset(session, q, tz) for q in period.quarters)
    )
