"""Sample data for `clubbot console --demo`: one X-Lab Day meeting, its people, an admin, one club.

Pure data plus a seeding function that is safe to run twice (it changes nothing the second time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clubs.types import NewClub
from bot.domain import CareerStage, FieldKey, Language, MeetingRole
from bot.refs import PersonRef
from bot.standin.scholarly import ScholarlyServer
from storage.models import Meeting, MeetingAttendance, Participant


@dataclass(frozen=True)
class DemoPerson:
    handle: str  # Slack user name in the local workspace
    name_ko: str | None
    name_en: str
    email: str
    affiliation: str
    country: str
    career_stage: CareerStage
    role: MeetingRole
    locale: str
    overseas_korean: bool = False
    in_workspace: bool = True
    leader: bool = False
    orcid: str | None = None
    #: Their Slack time zone (people abroad get messages at their own hour).
    tz: str = "Asia/Seoul"


DEMO_MEETING = {
    "code": "XL-2026-09",
    "title_ko": "양자 컴퓨팅 하드웨어의 미래",
    "title_en": "The Future of Quantum Computing Hardware",
    "field": FieldKey.QUANTUM,
    "venue": "Gyeongju",
    "starts_on": date(2026, 9, 14),
    "ends_on": date(2026, 9, 16),
    "organizers": "김서연 (KAIST); David Park (MIT)",
}

DEMO_CLUB = {"name": "Quantum Hardware Club", "field": FieldKey.QUANTUM, "language": "ko"}

DEMO_ADMIN = DemoPerson(
    handle="secretariat",
    name_ko="이정민",
    name_en="Jungmin Lee",
    email="jungmin.lee@kofst.example",
    affiliation="KOFST International Cooperation Division",
    country="KR",
    career_stage=CareerStage.OTHER,
    role=MeetingRole.OBSERVER,
    locale="ko-KR",
)

DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("seoyeon", "김서연", "Seoyeon Kim", "seoyeon.kim@kaist.example", "KAIST", "KR",
               CareerStage.SENIOR, MeetingRole.ORGANIZER, "ko-KR", leader=True, orcid="0000-0002-1825-0097"),
    DemoPerson("david", "박데이비드", "David Park", "dpark@mit.example", "MIT", "US",
               CareerStage.SENIOR, MeetingRole.ORGANIZER, "en-US", overseas_korean=True, leader=True,
               orcid="0000-0002-0004-2425", tz="America/New_York"),
    DemoPerson("hiroshi", None, "Hiroshi Tanaka", "tanaka@riken.example", "RIKEN", "JP",
               CareerStage.SENIOR, MeetingRole.SPEAKER, "en-US", tz="Asia/Tokyo"),
    DemoPerson("anna", None, "Anna Schmidt", "anna.schmidt@mpq.example", "Max Planck Institute of Quantum Optics",
               "DE", CareerStage.MID_CAREER, MeetingRole.SPEAKER, "en-US", tz="Europe/Berlin"),
    DemoPerson("jiwoo", "이지우", "Jiwoo Lee", "jiwoo.lee@ethz.example", "ETH Zurich", "CH",
               CareerStage.EARLY_CAREER, MeetingRole.SPEAKER, "ko-KR", overseas_korean=True,
               tz="Europe/Zurich"),
    DemoPerson("minho", "정민호", "Minho Jung", "minho.jung@kriss.example", "KRISS", "KR",
               CareerStage.MID_CAREER, MeetingRole.RESEARCHER, "ko-KR"),
    DemoPerson("hyejin", "최혜진", "Hyejin Choi", "hyejin.choi@snu.example", "Seoul National University", "KR",
               CareerStage.MID_CAREER, MeetingRole.RESEARCHER, "ko-KR"),
    DemoPerson("sungho", "한성호", "Sungho Han", "sungho.han@postech.example", "POSTECH", "KR",
               CareerStage.EARLY_CAREER, MeetingRole.RESEARCHER, "ko-KR"),
    DemoPerson("emily", None, "Emily Chen", "emily.chen@utoronto.example", "University of Toronto", "CA",
               CareerStage.EARLY_CAREER, MeetingRole.SPEAKER, "en-US"),
    DemoPerson("yuna", "윤유나", "Yuna Yoon", "yuna.yoon@kaist.example", "KAIST", "KR",
               CareerStage.GRADUATE_STUDENT, MeetingRole.STUDENT, "ko-KR"),
    DemoPerson("taeyang", "강태양", "Taeyang Kang", "taeyang.kang@yonsei.example", "Yonsei University", "KR",
               CareerStage.POSTDOC, MeetingRole.STUDENT, "ko-KR"),
    DemoPerson("oliver", None, "Oliver Brown", "o.brown@oxford.example", "University of Oxford", "GB",
               CareerStage.GRADUATE_STUDENT, MeetingRole.STUDENT, "en-GB", in_workspace=False),
)  # fmt: skip


def seed_database(session: Session, *, slack_ids: dict[str, str]) -> bool:
    """Insert the demo meeting and its people (the club is then provisioned as an admin would, through
    `bot.clubs.provisioning.provision_club`). Returns False, changing nothing, when already there."""
    if session.scalar(select(Meeting).where(Meeting.code == DEMO_MEETING["code"])) is not None:
        return False
    meeting = Meeting(**DEMO_MEETING)
    session.add(meeting)
    for person in (DEMO_ADMIN, *DEMO_PEOPLE):
        participant = Participant(
            name_ko=person.name_ko,
            name_en=person.name_en,
            email=person.email,
            affiliation=person.affiliation,
            country=person.country,
            career_stage=person.career_stage,
            overseas_korean=person.overseas_korean,
            slack_user_id=slack_ids.get(person.handle) if person.in_workspace else None,
            orcid=person.orcid,
        )
        session.add(participant)
        if person is not DEMO_ADMIN:
            session.add(MeetingAttendance(meeting=meeting, participant=participant, role=person.role))
    return True


def demo_club_request(slack_ids: dict[str, str], admin_id: str) -> NewClub:
    """The demo club, as the secretariat would create it: leaders the two organizers, members the attendees."""
    return NewClub(
        name=DEMO_CLUB["name"],
        field=FieldKey(DEMO_CLUB["field"]),
        meeting_code=str(DEMO_MEETING["code"]),
        leaders=[PersonRef(user_id=slack_ids[p.handle]) for p in DEMO_PEOPLE if p.leader],
        members=[],
        private=False,
        language=Language(DEMO_CLUB["language"]),
        actor=admin_id,
    )


#: The joint paper the demo's OpenAlex stand-in lists for the two leaders (Korea and the United States), written
#: after their X-Lab Day meeting: the weekly discovery suggests it to them as the club's international output.
DEMO_JOINT_PAPER = {
    "doi": "10.5555/xlab.demo.2026.001",
    "title": "Error-corrected superconducting qubits with tunable couplers",
    "venue": "Physical Review Applied",
    "published": date(2026, 11, 2),
}


def seed_scholarly(server: ScholarlyServer) -> None:
    """The demo leaders as OpenAlex authors, their joint paper, and a paper of one of them alone (not joint)."""
    by_handle = {p.handle: p for p in DEMO_PEOPLE}
    seoyeon, david = by_handle["seoyeon"], by_handle["david"]
    kim = server.person("Seoyeon", "Kim", orcid=seoyeon.orcid, country="KR", institution="KAIST")
    park = server.person("David", "Park", orcid=david.orcid, country="US", institution="MIT")
    joint = DEMO_JOINT_PAPER
    server.work(
        str(joint["doi"]),
        [kim, park],
        title=str(joint["title"]),
        venue=str(joint["venue"]),
        published=joint["published"],  # type: ignore[arg-type]
    )
    server.work("10.5555/xlab.demo.2026.002", [kim], title="A single-author review", published=date(2026, 10, 5))
