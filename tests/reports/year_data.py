"""A seeded year (2026, Asia/Seoul) for the annual report: four clubs over four quarters, written to the database
with the models, so the annual report reads it through the real loader.

- **Quantum Hardware Club** (from meeting XL-2025-12, created December 2025; a leader in Korea, members in the
  US and Germany): updates 2 / 3 / 6 / 4 by quarter, meetings 1 / 1 / 2 / 2, an international joint paper filed
  in Q1 and published in Q4 (a casebook candidate), a proposal filed in Q2 and funded in Q2, narratives in Q2
  and Q4, two survey answers (overall 5 and 4).
- **AI Safety Club** (from meeting XL-2026-04, created in April: Q2 on): updates 0 / 1 / 0 / 2, one meeting in
  Q2, a joint paper of two Korean members filed in Q4 (accepted).
- **Battery Club** (no meeting, created in August: Q3 on): updates 0 / 0 / 2 / 3, one meeting in Q4.
- **Robot Club** (created November 2025, closed on 20 May 2026: Q1 and Q2 only): one update in Q1.

So, by quarter: clubs 2 / 3 / 3 / 3; updates 3 / 4 / 8 / 10 (25 in the year: one at 23:30 on 31 December
counts, one at 00:10 on 1 January 2027 does not); club meetings 1 / 2 / 2 / 3 (8); joint papers recorded
1 / 0 / 0 / 1 (2, one of them international).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.domain import ClubRole, ClubStatus, FieldKey, MeetingFormat, MembershipStatus, OutputType
from storage.models import (
    ActivityDay,
    Club,
    ClubMeeting,
    Meeting,
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
from tests.reports.data import seoul

QUANTUM_UPDATES = {1: 2, 2: 3, 3: 6, 4: 4}
AI_UPDATES = {2: 1, 4: 2}
BATTERY_UPDATES = {3: 2, 4: 3}
QUARTER_MONTH = {1: 2, 2: 5, 3: 8, 4: 11}
QUIET_CLUBS = 40
NAMES = (
    "Quantum Hardware Club",
    "자원·환경·건설·에너지 연구회",
    "Neuromorphic Computing Working Group",
    "기초과학 교류 모임",
)


def _club(
    session: Session,
    name: str,
    field: FieldKey,
    created,
    people: list[tuple[str, str, str]],
    meeting: Meeting | None = None,
    closed=None,
    prefix: str = "",
) -> tuple[Club, list[Participant]]:
    club = Club(
        name=name,
        field=field,
        created_at=created,
        status=ClubStatus.ACTIVE,
        meeting=meeting,
        channel_id=f"C{prefix}0001",
        channel_name=f"xlab-{prefix.lower()}",
    )
    if closed is not None:
        club.status, club.closed_at = ClubStatus.CLOSED, closed
    session.add(club)
    members = []
    for i, (name_en, name_ko, country) in enumerate(people):
        person = Participant(name_en=name_en, name_ko=name_ko or None, country=country, slack_user_id=f"U{prefix}{i}")
        session.add(person)
        members.append(person)
        session.add(
            Membership(
                club=club,
                participant=person,
                role=ClubRole.LEADER if i == 0 else ClubRole.MEMBER,
                status=MembershipStatus.ACTIVE,
                joined_at=created,
            )
        )
    session.flush()
    return club, members


def _updates(session: Session, club: Club, author: Participant, per_quarter: dict[int, int]) -> None:
    for quarter, count in per_quarter.items():
        for i in range(count):
            session.add(
                Update(
                    club_id=club.id,
                    author_id=author.id,
                    text=f"Q{quarter} note {i + 1}",
                    created_at=seoul(2026, QUARTER_MONTH[quarter], 3 + i, 10),
                )
            )


def _meeting(session: Session, club: Club, author: Participant, held_on: date, summary: str, attendees: int) -> None:
    session.add(
        ClubMeeting(
            club_id=club.id,
            filed_by_id=author.id,
            held_on=held_on,
            format=MeetingFormat.ONLINE,
            attendees=attendees,
            summary=summary,
        )
    )


def _activity(session: Session, club: Club, people: list[Participant], quarters: list[int], *, idle: int = 0) -> None:
    """Every member but the last `idle` posts once in each of `quarters`."""
    for quarter in quarters:
        for person in people[: len(people) - idle]:
            session.add(
                ActivityDay(
                    club_id=club.id,
                    slack_user_id=person.slack_user_id,
                    day=date(2026, QUARTER_MONTH[quarter], 10),
                    messages=2,
                    reactions=1,
                )
            )


def seed_year(session: Session) -> dict[str, Club]:
    quantum_meeting = Meeting(
        code="XL-2025-12",
        title_ko="양자 하드웨어",
        title_en="Quantum hardware",
        field=FieldKey.QUANTUM,
        venue="Incheon",
        starts_on=date(2025, 12, 1),
        ends_on=date(2025, 12, 3),
    )
    ai_meeting = Meeting(
        code="XL-2026-04",
        title_ko="안전한 인공지능",
        title_en="Safe AI",
        field=FieldKey.AI,
        venue="Gyeongju",
        starts_on=date(2026, 4, 6),
        ends_on=date(2026, 4, 8),
    )
    session.add_all([quantum_meeting, ai_meeting])
    quantum, qp = _club(
        session,
        "Quantum Hardware Club",
        FieldKey.QUANTUM,
        seoul(2025, 12, 10),
        [("Haneul Kim", "김하늘", "KR"), ("Grace Park", "", "US"), ("Tom Weber", "", "DE")],
        quantum_meeting,
        prefix="QH",
    )
    ai, ap = _club(
        session,
        "AI Safety Club",
        FieldKey.AI,
        seoul(2026, 4, 10),
        [("Yujin Jung", "정유진", "KR"), ("Doyun Lee", "이도윤", "KR")],
        ai_meeting,
        prefix="AS",
    )
    battery, bp = _club(
        session,
        "Battery Club",
        FieldKey.SECONDARY_BATTERY,
        seoul(2026, 8, 1),
        [("Minji Seo", "서민지", "KR"), ("Ana Silva", "", "PT")],
        prefix="BC",
    )
    robot, rp = _club(
        session,
        "Robot Club",
        FieldKey.ROBOT_MANUFACTURING,
        seoul(2025, 11, 1),
        [("Jiho Han", "한지호", "KR"), ("Li Wei", "", "CN")],
        closed=seoul(2026, 5, 20),
        prefix="RC",
    )

    _updates(session, quantum, qp[0], QUANTUM_UPDATES)
    # the last update of Q4 at 23:30 on 31 December in Seoul, and one just after the year
    session.add(
        Update(club_id=quantum.id, author_id=qp[0].id, text="Year-end wrap-up", created_at=seoul(2026, 12, 31, 23, 30))
    )
    session.add(Update(club_id=quantum.id, author_id=qp[0].id, text="New year", created_at=seoul(2027, 1, 1, 0, 10)))
    _updates(session, ai, ap[0], AI_UPDATES)
    _updates(session, battery, bp[0], BATTERY_UPDATES)
    _updates(session, robot, rp[0], {1: 1})

    for held_on, summary in (
        (date(2026, 3, 5), "Kick-off"),
        (date(2026, 6, 9), "Fridge tour"),
        (date(2026, 7, 14), "Qubit review"),
        (date(2026, 9, 8), "Proposal planning"),
        (date(2026, 10, 20), "Paper celebration"),
        (date(2026, 12, 15), "Year review"),
    ):
        _meeting(session, quantum, qp[0], held_on, summary, 3)
    _meeting(session, ai, ap[0], date(2026, 5, 28), "Reading group", 2)
    _meeting(session, battery, bp[0], date(2026, 11, 18), "Cell chemistry", 2)

    paper = Output(
        club_id=quantum.id,
        filed_by_id=qp[0].id,
        type=OutputType.PAPER,
        title="Spin qubit coherence",
        status="published",
        created_at=seoul(2026, 2, 10),
        doi="10.1000/spin.2026",
        confirmed_at=seoul(2026, 2, 11),
    )
    paper.people = [OutputPerson(participant_id=qp[0].id), OutputPerson(participant_id=qp[1].id)]
    paper.status_changes = [
        OutputStatusChange(from_status=None, to_status="submitted", changed_at=seoul(2026, 2, 10)),
        OutputStatusChange(from_status="submitted", to_status="published", changed_at=seoul(2026, 10, 5)),
    ]
    proposal = Output(
        club_id=quantum.id,
        filed_by_id=qp[0].id,
        type=OutputType.PROPOSAL,
        title="NRF joint proposal",
        status="funded",
        created_at=seoul(2026, 5, 3),
        confirmed_at=seoul(2026, 5, 4),
    )
    proposal.status_changes = [
        OutputStatusChange(from_status=None, to_status="submitted", changed_at=seoul(2026, 5, 3)),
        OutputStatusChange(from_status="submitted", to_status="funded", changed_at=seoul(2026, 6, 20)),
    ]
    ai_paper = Output(
        club_id=ai.id,
        filed_by_id=ap[0].id,
        type=OutputType.PAPER,
        title="Red-teaming benchmarks",
        status="accepted",
        created_at=seoul(2026, 11, 2),
    )
    ai_paper.people = [OutputPerson(participant_id=ap[0].id), OutputPerson(participant_id=ap[1].id)]
    session.add_all([paper, proposal, ai_paper])

    _activity(session, quantum, qp, [1, 2, 3, 4])
    _activity(session, ai, ap, [2, 3, 4], idle=1)
    _activity(session, battery, bp, [3, 4], idle=1)
    _activity(session, robot, rp, [1], idle=1)

    survey = Survey(club_id=quantum.id, meeting_id=None, opens_at=seoul(2025, 12, 4), closes_at=seoul(2025, 12, 20))
    session.add(survey)
    session.flush()
    for person, overall in ((qp[0], 5), (qp[1], 4)):
        session.add(
            SurveyResponse(
                survey_id=survey.id,
                participant_id=person.id,
                overall=overall,
                program=4,
                speakers=5,
                networking=3,
                submitted_at=seoul(2025, 12, 10),
            )
        )
    for period, text in (("2026Q2", "NRF proposal funded"), ("2026Q4", "Paper published in PRX")):
        session.add(
            ReportNarrative(
                club_id=quantum.id,
                period=period,
                author_id=qp[0].id,
                highlights=text,
                submitted_at=seoul(2026, 6, 25),
                updated_at=seoul(2026, 6, 25),
            )
        )
    session.flush()
    return {"quantum": quantum, "ai": ai, "battery": battery, "robot": robot}


def seed_quiet_clubs(session: Session, count: int = QUIET_CLUBS) -> None:
    """Quiet clubs more (one leader each, nothing filed), with long names, so the tables run over pages."""
    fields = list(FieldKey)
    for i in range(count):
        club = Club(name=f"{NAMES[i % 4]} {i}", field=fields[i % len(fields)], created_at=seoul(2026, 3, 1),
                    status=ClubStatus.ACTIVE)  # fmt: skip
        person = Participant(name_en=f"Member {i}", country="KR", slack_user_id=f"UQ{i}")
        session.add_all([club, person])
        session.add(Membership(club=club, participant=person, role=ClubRole.LEADER, status=MembershipStatus.ACTIVE,
                               joined_at=seoul(2026, 3, 1)))  # fmt: skip
    session.flush()
