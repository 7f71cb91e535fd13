"""`clubbot forget EMAIL`: the right to erasure leaves no trace of the person, and every anonymous count stays."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.domain import ClubRole, FieldKey, MeetingRole, MembershipStatus, OutputType
from bot.participants.erasure import find_personal_data, forget_participant
from storage.db import Database
from storage.models import (
    ActivityDay,
    AuditEntry,
    Club,
    Meeting,
    MeetingAttendance,
    Membership,
    OutboxMessage,
    Output,
    OutputPerson,
    Participant,
    SlackUser,
    Survey,
    SurveyResponse,
    Update,
    utcnow,
)
from tests.participants.conftest import ORCID_A

EMAIL = "seoyeon.kim@quantum-lab.example"
NAME_KO = "김서연"
NAME_EN = "Seoyeon Kim"
AFFILIATION = "Quantum Lab of Gyeongju"
SLACK_ID = "U0SEOYEON1"
ASSOCIATION = "KSEA Boston Chapter"
ERASED_VALUES = (EMAIL, NAME_KO, NAME_EN, "Kim Seoyeon", AFFILIATION, SLACK_ID, ORCID_A, ASSOCIATION)


@pytest.fixture
def world(database: Database) -> dict[str, int]:
    """Kim, a colleague, a meeting, a club with outputs, updates, activity, a survey, audit entries, a post."""
    with database.session() as session:
        meeting = Meeting(
            code="XL-2026-09",
            field=FieldKey.QUANTUM,
            starts_on=date(2026, 9, 14),
            ends_on=date(2026, 9, 16),
            organizers=f"{NAME_KO} (KAIST); David Park (MIT)",
        )
        kim = Participant(
            name_ko=NAME_KO,
            name_en=NAME_EN,
            email=EMAIL,
            affiliation=AFFILIATION,
            country="US",
            orcid=ORCID_A,
            slack_user_id=SLACK_ID,
            overseas_korean=True,
            overseas_association=ASSOCIATION,
        )
        park = Participant(name_en="David Park", email="dpark@mit.example", affiliation="MIT", slack_user_id="U0PARK")
        session.add_all([meeting, kim, park])
        session.flush()
        club = Club(name="Quantum Hardware Club", field=FieldKey.QUANTUM, meeting_id=meeting.id, created_by=SLACK_ID)
        session.add(club)
        session.flush()
        session.add_all(
            [
                MeetingAttendance(meeting_id=meeting.id, participant_id=kim.id, role=MeetingRole.ORGANIZER),
                Membership(
                    club_id=club.id, participant_id=kim.id, role=ClubRole.LEADER, status=MembershipStatus.ACTIVE
                ),
                Membership(club_id=club.id, participant_id=park.id, status=MembershipStatus.ACTIVE),
                SlackUser(user_id=SLACK_ID, email=EMAIL, real_name=NAME_EN, locale="ko-KR"),
                SlackUser(user_id="U0PARK", email="dpark@mit.example", real_name="David Park"),
                Update(club_id=club.id, author_id=kim.id, text="Shared the new qubit results"),
                Update(
                    club_id=club.id,
                    author_id=park.id,
                    text=f"Met <@{SLACK_ID}> (kim seoyeon, {EMAIL}) and 김서연 교수님 at the lab",
                ),
                Update(club_id=club.id, author_id=park.id, text="Draft", deleted_at=utcnow(), deleted_by=SLACK_ID),
            ]
        )
        paper = Output(
            club_id=club.id,
            filed_by_id=kim.id,
            type=OutputType.PAPER,
            title="Joint paper",
            status="published",
            note=f"ORCID {ORCID_A}",
        )
        paper.people = [
            OutputPerson(participant_id=kim.id, name=NAME_EN, email=EMAIL),
            OutputPerson(participant_id=park.id, name="David Park", email="dpark@mit.example"),
        ]
        visit = Output(club_id=club.id, filed_by_id=park.id, type=OutputType.EXCHANGE, title="Visit", status="done")
        visit.people = [OutputPerson(name=None, email=EMAIL.upper()), OutputPerson(name=NAME_KO)]
        session.add_all([paper, visit])
        survey = Survey(
            club_id=club.id,
            meeting_id=meeting.id,
            opens_at=utcnow(),
            closes_at=utcnow() + timedelta(days=7),
            created_by=SLACK_ID,
        )
        session.add(survey)
        session.flush()
        session.add(
            SurveyResponse(
                survey_id=survey.id,
                participant_id=kim.id,
                overall=5,
                program=4,
                speakers=5,
                networking=4,
                comment=f"Great, thanks — {NAME_KO}",
            )
        )
        for day in range(3):
            session.add(ActivityDay(club_id=club.id, slack_user_id=SLACK_ID, day=date(2026, 10, 1 + day), messages=2))
        session.add(ActivityDay(club_id=club.id, slack_user_id="U0PARK", day=date(2026, 10, 1), messages=1))
        session.add_all(
            [
                AuditEntry(
                    actor=SLACK_ID,
                    action="output.create",
                    entity="output",
                    club_id=club.id,
                    details={"title": "Joint paper", "with": [NAME_EN, EMAIL], EMAIL: {"by": NAME_KO}},
                ),
                AuditEntry(
                    actor="U0PARK",
                    action="member.invite",
                    entity="participant",
                    entity_id=str(kim.id),
                    details={"slack": SLACK_ID, "note": f"invited {NAME_KO} <{EMAIL}>"},
                ),
            ]
        )
        session.add(OutboxMessage(kind="output", channel="C0CLUB", payload={"text": f"{NAME_EN} filed a paper"}))
        return {"kim": kim.id, "park": park.id, "club": club.id}


def _counts(database: Database) -> dict[str, object]:
    with database.session() as session:

        def count(model: type) -> int:
            return session.scalar(select(func.count()).select_from(model))

        return {
            "participants": count(Participant),
            "memberships": count(Membership),
            "outputs": count(Output),
            "output_people": count(OutputPerson),
            "updates": count(Update),
            "attendance": count(MeetingAttendance),
            "survey_scores": session.execute(select(SurveyResponse.overall, SurveyResponse.program)).all(),
            "activity": session.execute(
                select(func.count(func.distinct(ActivityDay.slack_user_id)), func.sum(ActivityDay.messages))
            ).one(),
        }


def test_forget_leaves_no_trace_and_keeps_the_counts(world, database: Database, run_cli):
    before = _counts(database)
    assert len(find_personal_data_in(database)) > 10  # the values really are spread around first
    run = run_cli("forget", EMAIL.upper(), "--yes")
    assert run.code == 0, run.err
    assert f"Erased the personal data of participant #{world['kim']}" in run.out
    assert find_personal_data_in(database) == []
    assert _counts(database) == before

    with database.session() as session:
        kim = session.get(Participant, world["kim"])
        assert kim.forgotten_at is not None
        assert (kim.name_ko, kim.name_en, kim.email, kim.affiliation, kim.orcid, kim.slack_user_id) == (None,) * 6
        assert (kim.country, kim.overseas_korean) == ("US", True)  # counted anonymously in reports
        tokens = set(session.scalars(select(ActivityDay.slack_user_id).where(ActivityDay.slack_user_id != "U0PARK")))
        assert len(tokens) == 1 and next(iter(tokens)).startswith("anon-")
        token = next(iter(tokens))
        assert session.scalar(select(Club.created_by)) == token  # the same token wherever the ID was
        assert session.scalar(select(Survey.created_by)) == token
        assert session.scalar(select(SurveyResponse.comment)) is None
        assert session.scalar(select(SlackUser.user_id)) == "U0PARK"
        text = session.scalar(select(Update.text).where(Update.text.like("Met%")))
        assert text == f"Met <@{token}> ([…], […]) and […] 교수님 at the lab"
        erasure = session.scalars(select(AuditEntry).where(AuditEntry.action == "participant.forget")).one()
        assert (erasure.actor, erasure.entity, erasure.entity_id) == ("cli:forget", "participant", str(world["kim"]))
        assert set(erasure.details) == {"counts"}
        assert session.scalar(select(Participant.name_en).where(Participant.id == world["park"])) == "David Park"
        assert session.scalar(select(Meeting.organizers)) == "[…] (KAIST); David Park (MIT)"


def find_personal_data_in(database: Database) -> list:
    with database.session() as session:
        return find_personal_data(session, ERASED_VALUES)


def test_forget_someone_unknown(world, run_cli):
    run = run_cli("forget", "nobody@x.org", "--yes")
    assert run.code == 1 and "No participant with the email 'nobody@x.org'" in run.err
    ko = run_cli("forget", "nobody@x.org", "--yes", lang="ko")
    assert ko.code == 1 and "이메일이 'nobody@x.org'인 참가자가 없습니다" in ko.err


def test_forget_twice_finds_nobody_the_second_time(world, run_cli):
    assert run_cli("forget", EMAIL, "--yes").code == 0
    assert run_cli("forget", EMAIL, "--yes").code == 1


def test_forget_asks_before_erasing(world, database, run_cli, monkeypatch):
    refused = run_cli("forget", EMAIL)  # standard input is not a terminal under pytest
    assert refused.code == 1 and "--yes" in refused.err
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    assert run_cli("forget", EMAIL).code == 1
    with database.session() as session:
        assert session.get(Participant, world["kim"]).email == EMAIL
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    assert run_cli("forget", EMAIL).code == 0


def test_find_personal_data_names_the_cells(world, database):
    with database.session() as session:
        hits = {(hit.table, hit.column) for hit in find_personal_data(session, [SLACK_ID])}
        assert {
            ("participants", "slack_user_id"),
            ("activity_days", "slack_user_id"),
            ("audit_log", "actor"),
            ("audit_log", "details"),
            ("clubs", "created_by"),
            ("updates", "deleted_by"),
        } <= hits
        forget_participant(session, world["kim"])
        assert find_personal_data(session, [SLACK_ID]) == []


def test_forget_edits_the_bots_posts_empties_the_wal_and_gives_a_receipt(world, database: Database, run_cli):
    with database.session() as session:  # a card the bot posted (sent, with its ts), then updated
        card = OutboxMessage(
            kind="message",
            ref="output:1",
            channel="C0CLUB",
            ts="1700000000.000100",
            status="sent",
            payload={"text": f"{NAME_EN} filed a paper", "blocks": [{"type": "section", "text": {
                "type": "mrkdwn", "text": f"Filed by <@{SLACK_ID}> with {NAME_EN}"}}]},
        )
        session.add(card)
        session.flush()
        session.add(
            OutboxMessage(
                kind="update",
                ref="output:1",
                channel="C0CLUB",
                payload={"text": "confirmed", "target_id": card.id, "blocks": [{"type": "context", "elements": [
                    {"type": "mrkdwn", "text": f"Confirmed · filed by <@{SLACK_ID}> ({NAME_EN})"}]}]},
            )
        )
        card_id = card.id
    run = run_cli("forget", EMAIL, "--yes")
    assert run.code == 0, run.err
    assert "Erased: the name, email" in run.out and "Outside the bot's reach: messages other people wrote" in run.out
    assert "being edited" in run.out and "=" not in run.out  # no internal counts
    with database.session() as session:
        edits = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "update", OutboxMessage.status == "pending")
        ).all()
        *_, edit = sorted((e for e in edits if e.payload.get("target_id") == card_id), key=lambda e: e.id)
        assert len(edits) == 2  # the update already queued (redacted where it waits) and the edit of the post
        assert edit.payload["blocks"][0]["elements"][0]["text"] == "Confirmed · filed by […] ([…])"  # the latest
    if database.is_sqlite:
        wal = Path(database.engine.url.database + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0


def test_the_korean_receipt_has_no_internal_counts(world, database: Database, run_cli):
    run = run_cli("forget", EMAIL, "--yes", lang="ko")
    assert run.code == 0, run.err
    assert "개인정보를 지웠습니다" in run.out and "봇이 지울 수 없는 것" in run.out
    assert "=" not in run.out and "slack_users" not in run.out
