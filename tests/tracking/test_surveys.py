"""The meeting's satisfaction survey: sent by direct message to each attendee in Slack, answered in a form,
changeable until it closes, reminded at most twice, results with comments for secretariat staff only."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot import due
from bot.domain import MeetingRole
from jobs import clock
from jobs.tracking import SURVEYS
from storage.models import (
    Club,
    MeetingAttendance,
    Participant,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)
from tests.factories import make_club, participant
from tests.support import seen_by_user
from tests.tracking.support import dm_texts, dms, top_view, view_text

BUTTON = "tracking:survey_open"


def add_attendee_not_in_slack(world) -> None:
    with world.db.session() as session:
        person = Participant(name_en="Offline Person", email="offline@example.org")
        session.add(person)
        meeting_id = session.scalars(select(Club.meeting_id)).one()
        session.add(MeetingAttendance(meeting_id=meeting_id, participant=person, role=MeetingRole.SPEAKER))


def answer(world, user: str, scores: dict[str, str], comment: str | None = None):
    for view in reversed(world.standin.views(user)):  # the thanks of an earlier answer, if still open
        world.standin.close_view(user, view.id)
    channel = world.standin.dm_channel(user)
    message = [m for m in dms(world, user) if any(b.get("type") == "actions" for b in m.blocks or [])][-1]
    world.standin.click(user, action_id=BUTTON, channel_id=channel, message_ts=message.ts)
    view = top_view(world, user)
    form = copy.deepcopy(view.blocks)  # the view turns into the thanks once submitted
    values = {q: {q: v} for q, v in scores.items()}
    if comment is not None:
        values["comment"] = {"comment": comment}
    return form, world.standin.submit_view(user, view.id, values)


def test_the_survey_goes_to_each_attendee_in_slack_and_an_answer_can_be_changed(slack):
    club = make_club(slack)
    add_attendee_not_in_slack(slack)
    reply = seen_by_user(slack.command(slack.admin, slack.secretariat, 'survey club:"Quantum Hardware Club"'))
    assert "3명에게 DM으로 보냈습니다" in reply and "참석자 1명은 Slack에 없어" in reply
    member = club.members[0]
    [invitation] = dm_texts(slack, member)
    assert "How was *Quantum Hardware Club meeting*?" in invitation and "[Answer the survey]" in invitation

    _, delivery = answer(
        slack, member, {"overall": "4", "program": "3", "speakers": "5", "networking": "2"}, "More time for posters"
    )
    thanks = delivery.json["view"]
    assert delivery.json["response_action"] == "update" and "Thank you!" in thanks["blocks"][0]["text"]["text"]
    form, delivery = answer(slack, member, {"overall": "5", "program": "4", "speakers": "5", "networking": "4"})
    fields = {b["block_id"]: b["element"] for b in form if b.get("type") == "input"}
    assert fields["overall"]["initial_option"]["value"] == "4"  # the form showed the first answer
    assert fields["comment"]["initial_value"] == "More time for posters"
    assert "your answer is updated" in delivery.json["view"]["blocks"][0]["text"]["text"]
    with slack.db.session() as session:
        [response] = session.scalars(select(SurveyResponse)).all()
        assert (response.overall, response.program, response.networking) == (5, 4, 4)
        assert response.participant_id == participant(slack, member).id


def test_only_secretariat_staff_send_a_survey_and_read_its_comments(slack):
    club = make_club(slack)
    leader = club.leaders[0]
    assert "only secretariat staff may do this" in seen_by_user(slack.command(leader, club.channel, "survey"))
    seen_by_user(slack.command(slack.admin, slack.secretariat, 'survey club:"Quantum Hardware Club" closes:2026-12-31'))
    answer(slack, club.members[0], {"overall": "5", "program": "4", "speakers": "5", "networking": "3"}, "Loved it")
    answer(slack, club.members[1], {"overall": "3", "program": "4", "speakers": "4", "networking": "5"})

    results = seen_by_user(slack.command(slack.admin, slack.secretariat, 'survey results club:"Quantum Hardware Club"'))
    assert "3명 중 2명 응답(67%)" in results
    assert "*전반적 만족도* — 4.00 / 5" in results and "5: 1 · 4: 0 · 3: 1 · 2: 0 · 1: 0" in results
    assert "Loved it" in results
    assert "only secretariat staff may do this" in seen_by_user(slack.command(leader, club.channel, "survey results"))
    status = seen_by_user(slack.command(leader, club.channel, "status"))
    assert "Satisfaction survey open until Dec 31, 2026: 2 of 3 answered (67%); overall 4.0 / 5" in status
    assert "Loved it" not in status  # comments are for the secretariat only


def test_a_closed_survey_takes_no_more_answers(slack):
    club = make_club(slack)
    seen_by_user(slack.command(slack.admin, slack.secretariat, 'survey club:"Quantum Hardware Club"'))
    with slack.db.session() as session:
        survey = session.scalars(select(Survey)).one()
        survey.closes_at = datetime.now(UTC) - timedelta(minutes=1)
    member = club.members[0]
    channel = slack.standin.dm_channel(member)
    message = dms(slack, member)[-1]
    slack.standin.click(member, action_id=BUTTON, channel_id=channel, message_ts=message.ts)
    assert "This survey closed on" in view_text(slack, top_view(slack, member))


def test_a_closing_day_in_the_past_and_a_second_open_survey_are_refused(slack):
    make_club(slack)
    past = seen_by_user(
        slack.command(slack.admin, slack.secretariat, 'survey club:"Quantum Hardware Club" closes:2020-01-01')
    )
    assert "마감일 2020-01-01은(는) 오늘 이후여야 합니다." in past
    assert "올바른 형식: `/club survey [closes:YYYY-MM-DD]`" in past
    seen_by_user(slack.command(slack.admin, slack.secretariat, 'survey club:"Quantum Hardware Club"'))
    again = seen_by_user(slack.command(slack.admin, slack.secretariat, 'survey club:"Quantum Hardware Club"'))
    assert "이 클럽의 만족도 조사가 이미 진행 중입니다" in again
    with slack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Survey)) == 1


def seoul(year: int, month: int, day: int, hour: int = 10, minute: int = 30) -> datetime:
    return datetime(year, month, day, hour - 9, minute, tzinfo=UTC)


def run_surveys(world, at: datetime) -> dict[str, int]:
    return clock.run_due(world.runtime, SURVEYS, owner="test:surveys", at=at)


def test_the_survey_opens_the_day_after_the_meeting_and_reminds_at_most_twice(slack):
    club = make_club(slack)  # its meeting ends on 16 September 2026
    assert run_surveys(slack, seoul(2026, 9, 16)) == {"done": 1}
    with slack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Survey)) == 0  # not before the meeting has ended
    run_surveys(slack, seoul(2026, 9, 17))
    with slack.db.session() as session:
        survey = session.scalars(select(Survey)).one()
        assert survey.created_by == "clock" and survey.opens_at == seoul(2026, 9, 17, 10, 0)
        assert session.scalar(select(func.count()).select_from(SurveyInvitation)) == 3
    assert len(dms(slack, club.members[0])) == 1
    with slack.db.session() as session:  # one person answers the same day
        from bot.tracking import surveys

        surveys.answer_survey(
            session, survey.id, club.members[0], surveys.Answer(5, 5, 5, 5), now=seoul(2026, 9, 17, 12)
        )

    for day in (18, 19):
        run_surveys(slack, seoul(2026, 9, day))
    assert len(dms(slack, club.members[1])) == 1  # no reminder before three days have passed
    run_surveys(slack, seoul(2026, 9, 20))
    assert len(dms(slack, club.members[1])) == 2 and "A reminder" in dm_texts(slack, club.members[1])[-1]
    assert len(dms(slack, club.members[0])) == 1  # who answered is left alone
    run_surveys(slack, seoul(2026, 9, 20, 11))  # the same day again: nothing more
    for day in (21, 22, 23, 24, 25, 26, 27, 28):
        run_surveys(slack, seoul(2026, 9, day))
    assert len(dms(slack, club.members[1])) == 3  # two reminders, never a third
    assert len(dms(slack, club.leaders[0])) == 3
    with slack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Survey)) == 1  # opened once


def test_what_is_due_lists_the_survey_until_it_is_answered(slack):
    club = make_club(slack)
    seen_by_user(slack.command(slack.admin, slack.secretariat, 'survey club:"Quantum Hardware Club"'))
    member = club.members[0]
    person = participant(slack, member)
    with slack.db.session() as session:
        items = [i for i in due.due_for(session, person.id, datetime.now(UTC)) if i.text_key == "tracking.due.survey"]
        assert len(items) == 1 and items[0].action_id == BUTTON
        assert items[0].due_on == datetime.now(ZoneInfo("Asia/Seoul")).date() + timedelta(days=14)
    answer(slack, member, {"overall": "4", "program": "4", "speakers": "4", "networking": "4"})
    with slack.db.session() as session:
        assert not [
            i for i in due.due_for(session, person.id, datetime.now(UTC)) if i.text_key == "tracking.due.survey"
        ]


def test_korean_readers_see_the_meetings_korean_title(slack):
    """Survey DM, `/club survey results` and `/club outcome-report` name the meeting in the reader's language."""
    from storage.models import Meeting

    club = make_club(slack, locale="ko-KR")
    with slack.db.session() as session:
        meeting = session.scalars(select(Meeting)).one()
        meeting.title_ko = "양자 하드웨어의 미래"
    seen_by_user(slack.command(slack.admin, slack.secretariat, 'survey club:"Quantum Hardware Club"'))
    [invitation] = dm_texts(slack, club.members[0])
    assert "*양자 하드웨어의 미래*은(는) 어떠셨나요?" in invitation
    assert "Quantum Hardware Club meeting" not in invitation
    results = seen_by_user(slack.command(slack.admin, slack.secretariat, 'survey results club:"Quantum Hardware Club"'))
    assert "만족도 조사 결과: 양자 하드웨어의 미래" in results
    report = seen_by_user(slack.command(club.leaders[0], club.channel, "outcome-report"))
    assert "“양자 하드웨어의 미래” 결과보고서" in report
