"""The consent DM waits for each person's own working hour: a pick made at night in Seoul reaches a leader in
Los Angeles at 09:00 there, and one in Seoul at 09:00 in Seoul (through the outbox's `next_attempt_at`)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.casebook import picks
from bot.domain import ClubRole, FieldKey, MembershipStatus
from bot.hours import WorkingHours
from bot.people import Timing
from bot.refs import ClubRef
from storage.models import CasebookConsent, Club, Membership, OutboxMessage, Participant, SlackUser


def test_consent_dms_reach_each_person_at_their_working_hour(database):
    now = datetime(2026, 12, 8, 14, 30, tzinfo=UTC)  # Tuesday 23:30 in Seoul, 06:30 in Los Angeles
    with database.session() as session:
        club = Club(name="Quantum Hardware Club", field=FieldKey.QUANTUM, language="ko")
        seoul = Participant(name_ko="박민지", email="minji@example.org", slack_user_id="USEOUL0001")
        la = Participant(name_en="Dana Lee", email="dana@example.org", slack_user_id="ULA0000001", language="en")
        no_slack = Participant(name_en="Offline Person", email="offline@example.org")
        session.add_all([club, seoul, la, no_slack, SlackUser(user_id="ULA0000001", tz="America/Los_Angeles")])
        for person in (seoul, la, no_slack):
            session.add(Membership(club=club, participant=person, role=ClubRole.LEADER, status=MembershipStatus.ACTIVE))
        session.flush()
        timing = Timing(WorkingHours(), "Asia/Seoul", now)
        result = picks.pick(
            session,
            ClubRef.of(club),
            2026,
            user_id="UADMIN0001",
            candidate=False,
            timing=timing,
            language_of=None,
            now=now,
        )
        assert result.asked == 2  # the person without Slack cannot be asked
        sent = {row.channel: row for row in session.scalars(select(OutboxMessage))}
        answers = dict(session.execute(select(CasebookConsent.participant_id, CasebookConsent.answer)).all())
        ids = (seoul.id, la.id, no_slack.id)
    assert sent["USEOUL0001"].next_attempt_at.astimezone(ZoneInfo("Asia/Seoul")).replace(tzinfo=None) == datetime(
        2026, 12, 9, 9, 0
    )
    assert sent["ULA0000001"].next_attempt_at.astimezone(ZoneInfo("America/Los_Angeles")).replace(
        tzinfo=None
    ) == datetime(2026, 12, 8, 9, 0)
    assert "사무국" in str(sent["USEOUL0001"].payload) and "The secretariat" in str(sent["ULA0000001"].payload)
    assert [answers[i] for i in ids] == ["pending", "pending", "pending"]  # the offline person counts as no answer
