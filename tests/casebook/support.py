"""A seeded year for the casebook tests: three clubs with four quarters of record, and people of every kind of
consent in the picked one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.domain import MeetingFormat, OutputType
from storage.models import (
    ClubMeeting,
    Output,
    OutputPerson,
    OutputStatusChange,
    Participant,
    ReportNarrative,
    Update,
)
from tests.factories import TestClub, make_club
from tests.support import World

#: The people of the Quantum club: (name_en, name_ko, country), leaders first.
NAMES = {
    "quantum-leader0": ("Minji Park", "박민지", "KR"),
    "quantum-leader1": ("Alice Moreau", "앨리스 모로", "FR"),
    "quantum-member0": ("Daniel Weber", "다니엘 베버", "DE"),
    "quantum-member1": ("Sora Kim", "김소라", "KR"),
    "quantum-member2": ("Ravi Patel", "라비 파텔", "IN"),
}


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=3, tzinfo=UTC)


@dataclass
class Year:
    quantum: TestClub
    hydrogen: TestClub
    battery: TestClub
    people: dict[str, str]  # world name -> Slack user id


def _pid(session, user_id: str) -> int:
    return session.scalar(select(Participant.id).where(Participant.slack_user_id == user_id))


def seed_year(world: World) -> Year:
    quantum = make_club(world, "Quantum Hardware Club", leaders=2, members=3)
    hydrogen = make_club(world, "Hydrogen Club", meeting_code="XL-2026-10", leaders=1, members=1)
    battery = make_club(world, "Battery Club", meeting_code="XL-2026-11", leaders=1, members=1)
    people = {name: world.people[name] for name in NAMES}
    with world.db.session() as session:
        for name, (en, ko, country) in NAMES.items():
            person = session.scalar(select(Participant).where(Participant.slack_user_id == people[name]))
            person.name_en, person.name_ko, person.country = en, ko, country
        pid = {name: _pid(session, uid) for name, uid in people.items()}
        club = quantum.ref.id
        paper = Output(
            club_id=club,
            filed_by_id=pid["quantum-leader0"],
            type=OutputType.PAPER,
            title="Cryogenic control of spin qubits",
            status="published",
            occurred_on=date(2026, 8, 20),
            doi="10.1234/qubits.2026",
            created_at=at("2026-03-02"),
        )
        paper.people = [
            OutputPerson(participant_id=pid[n]) for n in ("quantum-leader0", "quantum-member0", "quantum-member1")
        ]
        paper.status_changes = [
            OutputStatusChange(from_status="submitted", to_status="published", changed_at=at("2026-08-20"))
        ]
        session.add(paper)
        session.add(
            Output(
                club_id=club,
                filed_by_id=pid["quantum-leader1"],
                type=OutputType.PROPOSAL,
                title="NRF joint lab proposal",
                status="submitted",
                created_at=at("2026-10-05"),
            )
        )
        session.add_all(
            [
                Update(
                    club_id=club,
                    author_id=pid["quantum-leader0"],
                    text="Kick-off call on cryo-CMOS",
                    created_at=at("2026-02-10"),
                ),
                Update(
                    club_id=club,
                    author_id=pid["quantum-member0"],
                    text="Weber visited the Daejeon lab",
                    created_at=at("2026-05-12"),
                ),
                Update(
                    club_id=club,
                    author_id=pid["quantum-member2"],
                    text="Patel shared a dataset",
                    created_at=at("2026-09-01"),
                ),
                Update(
                    club_id=club,
                    author_id=pid["quantum-member1"],
                    text="Kim presented at APS",
                    created_at=at("2026-11-20"),
                ),
            ]
        )
        session.add_all(
            [
                ClubMeeting(
                    club_id=club,
                    filed_by_id=pid["quantum-leader1"],
                    held_on=date(2026, 4, 15),
                    format=MeetingFormat.ONLINE,
                    attendees=9,
                    summary="Spring review of the joint paper",
                ),
                ClubMeeting(
                    club_id=club,
                    filed_by_id=pid["quantum-leader1"],
                    held_on=date(2026, 11, 3),
                    format=MeetingFormat.ONLINE,
                    attendees=7,
                    summary="Planning the 2027 proposal",
                ),
            ]
        )
        for quarter, author, words in (
            ("2026Q1", "quantum-leader0", "Park: we found our common problem"),
            ("2026Q2", "quantum-leader1", "Moreau: the paper came together"),
            ("2026Q3", "quantum-leader0", "Park: published in August"),
            ("2026Q4", "quantum-member0", "Weber: my own narrative words"),
        ):
            session.add(
                ReportNarrative(
                    club_id=club,
                    period=quarter,
                    author_id=pid[author],
                    highlights=words,
                    plans="More joint work",
                    submitted_at=at("2026-12-01"),
                )
            )
        session.add(
            Update(
                club_id=hydrogen.ref.id,
                author_id=_pid(session, hydrogen.leaders[0]),
                text="Electrolyser benchmark",
                created_at=at("2026-06-01"),
            )
        )
    return Year(quantum, hydrogen, battery, people)
