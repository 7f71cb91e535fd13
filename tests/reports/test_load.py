"""The loader reads what the report needs, one query per table: deleted items and closed clubs stay out,
boundaries are Seoul time, and the number of SQL statements does not grow with the number of clubs."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event

from bot.domain import ClubRole, ClubStatus, FieldKey, MeetingFormat, MembershipStatus, OutputType
from bot.reports.figures import program_figures
from bot.reports.load import load_dataset
from bot.reports.settings import load_report_settings
from storage.models import (
    ActivityDay,
    Club,
    ClubMeeting,
    Membership,
    Output,
    OutputPerson,
    OutputStatusChange,
    Participant,
    ReportNarrative,
    Survey,
    SurveyResponse,
    Update,
)
from tests.reports.data import Q4, SEOUL, seoul, utc


def add_club(session, name, *, members=3, created=None, closed=None, field=FieldKey.AI, slack_prefix=None):
    club = Club(name=name, field=field, created_at=created or seoul(2026, 9, 1), status=ClubStatus.ACTIVE)
    if closed:
        club.status, club.closed_at = ClubStatus.CLOSED, closed
    session.add(club)
    people = []
    for i in range(members):
        person = Participant(
            name_en=f"{name} {i}", slack_user_id=f"U{slack_prefix or name[:3].upper()}{i}", country="KR"
        )
        session.add(person)
        people.append(person)
        session.add(
            Membership(
                club=club,
                participant=person,
                role=ClubRole.LEADER if i == 0 else ClubRole.MEMBER,
                status=MembershipStatus.ACTIVE,
                joined_at=seoul(2026, 9, 1),
            )
        )
    session.flush()
    return club, people


def test_deleted_items_closed_clubs_and_boundaries(database):
    with database.session() as session:
        club, people = add_club(session, "Alpha")
        author = people[0].id
        add_club(session, "Closed", closed=seoul(2026, 9, 15))  # closed before Q4: not in the report
        later, _ = add_club(session, "Later", created=seoul(2027, 1, 1, 0, 30))  # created after Q4
        session.add_all(
            [
                Update(club_id=club.id, author_id=author, text="q3", created_at=utc(2026, 9, 30, 14, 59)),
                Update(club_id=club.id, author_id=author, text="q4 first", created_at=utc(2026, 9, 30, 15)),
                Update(club_id=club.id, author_id=author, text="q4 last", created_at=utc(2026, 12, 31, 14, 59)),
                Update(
                    club_id=club.id,
                    author_id=author,
                    text="gone",
                    created_at=seoul(2026, 11, 1),
                    deleted_at=seoul(2026, 11, 2),
                ),
                ClubMeeting(
                    club_id=club.id,
                    filed_by_id=author,
                    held_on=date(2026, 12, 31),
                    format=MeetingFormat.HYBRID,
                    attendees=7,
                    summary="Year end",
                ),
                ClubMeeting(
                    club_id=club.id,
                    filed_by_id=author,
                    held_on=date(2026, 11, 3),
                    format=MeetingFormat.ONLINE,
                    attendees=3,
                    summary="deleted",
                    deleted_at=seoul(2026, 11, 4),
                ),
                ActivityDay(club_id=club.id, slack_user_id="UALP1", day=date(2026, 12, 31), messages=4),
                ActivityDay(club_id=club.id, slack_user_id="UALP2", day=date(2026, 9, 30), messages=1),
                ReportNarrative(
                    club_id=club.id,
                    period="2026Q4",
                    author_id=author,
                    highlights="h",
                    submitted_at=seoul(2026, 12, 20),
                    updated_at=seoul(2026, 12, 20),
                ),
            ]
        )
        paper = Output(
            club_id=club.id,
            filed_by_id=author,
            type=OutputType.PAPER,
            title="Paper",
            status="published",
            created_at=seoul(2026, 8, 1),
            confirmed_at=seoul(2026, 10, 1),
        )
        deleted = Output(
            club_id=club.id,
            filed_by_id=author,
            type=OutputType.PATENT,
            title="Withdrawn",
            status="filed",
            created_at=seoul(2026, 10, 5),
            deleted_at=seoul(2026, 10, 6),
        )
        session.add_all([paper, deleted])
        session.flush()
        session.add_all(
            [
                OutputStatusChange(
                    output_id=paper.id, from_status="submitted", to_status="accepted", changed_at=seoul(2026, 11, 1)
                ),
                OutputStatusChange(
                    output_id=paper.id, from_status="accepted", to_status="published", changed_at=seoul(2027, 2, 1)
                ),
                OutputPerson(output_id=paper.id, participant_id=people[1].id),
                OutputPerson(output_id=paper.id, name="Ada Lovelace", email="ada@example.org"),
                OutputStatusChange(
                    output_id=deleted.id, from_status="planned", to_status="filed", changed_at=seoul(2026, 10, 6)
                ),
            ]
        )
        survey = Survey(club_id=club.id, opens_at=seoul(2026, 9, 20), closes_at=seoul(2026, 10, 20))
        session.add(survey)
        session.flush()
        session.add(
            SurveyResponse(
                survey_id=survey.id,
                participant_id=people[1].id,
                overall=4,
                program=4,
                speakers=5,
                networking=3,
                submitted_at=seoul(2026, 9, 25),
            )
        )

    with database.session() as session:
        dataset = load_dataset(session, Q4, SEOUL)
    assert [c.name for c in dataset.clubs] == ["Alpha"]
    program = program_figures(dataset, load_report_settings())
    [alpha] = program.clubs
    assert alpha.updates == 2  # 00:00 1 October and 23:59 31 December Seoul; not Q3's, not the deleted one
    assert sorted(u.text for u in dataset.updates) == ["q4 first", "q4 last"]  # the texts the club report prints
    assert [(m.held_on, m.format, m.attendees) for m in alpha.meetings] == [(date(2026, 12, 31), "hybrid", 7)]
    # a control character pasted into a title (Word and Excel files cannot hold it) is dropped
    assert [(o.output.title, o.status, o.moved) for o in alpha.outputs] == [("Paper", "accepted", True)]
    assert [(p.person_id is not None, p.name) for o in alpha.outputs for p in o.people] == [
        (True, None),
        (False, "Ada Lovelace"),
    ]
    assert (alpha.engagement.active_members, alpha.engagement.messages) == (1, 4)
    assert (alpha.previous_engagement.active_members, alpha.previous_engagement.messages) == (1, 1)
    assert alpha.survey.overall == 4 and alpha.answered
    assert later.id not in {c.id for c in dataset.clubs}


def test_the_number_of_statements_does_not_grow_with_the_clubs(database):
    def statements_for(count):
        with database.session() as session:
            for i in range(count):
                club, people = add_club(session, f"Club {count}-{i}", members=2, slack_prefix=f"C{count}X{i}X")
                session.add(Update(club_id=club.id, author_id=people[0].id, text="x", created_at=seoul(2026, 11, 1)))
                output = Output(
                    club_id=club.id,
                    filed_by_id=people[0].id,
                    type=OutputType.PAPER,
                    title="p",
                    status="planned",
                    created_at=seoul(2026, 11, 1),
                )
                session.add(output)
                session.flush()
                session.add(OutputPerson(output_id=output.id, participant_id=people[1].id))
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
        event.listen(database.engine, "before_cursor_execute", listener)
        try:
            with database.session() as session:
                dataset = load_dataset(session, Q4, SEOUL)
        finally:
            event.remove(database.engine, "before_cursor_execute", listener)
        return len(seen), len(dataset.clubs)

    few, clubs_few = statements_for(2)
    many, clubs_many = statements_for(40)
    assert (clubs_few, clubs_many) == (2, 42)
    assert few == many <= 13  # one statement a table (the away spans the 13th)
