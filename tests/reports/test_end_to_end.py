"""The report feature as people use it, through the local Slack: leaders asked and reminded, the narrative
modal, who answered, the quarterly reports posted once, `/club report` for leaders and the secretariat."""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlalchemy import select, update

from bot.domain import MeetingFormat, OutputType
from bot.errors import UserError
from bot.reports.narrative import narrative_form, narratives_due, save_narrative
from bot.slack.text import render_message, render_view
from jobs import clock
from jobs.reports import CLUBS_JOB, NARRATIVE_JOB, PROGRAM_JOB
from storage.models import Club, ClubMeeting, Output, Plan, Report, ReportNarrative, Update
from tests.factories import make_club, participant
from tests.reports.data import seoul
from tests.support import deliver_all as deliver
from tests.support import seen_by_user
from tests.tracking.support import top_view

REQUEST_AT = seoul(2026, 12, 18, 10, 5)  # two weeks before the end of 2026Q4
REMINDER_AT = seoul(2026, 12, 25, 10, 5)  # one week before
REPORT_AT = seoul(2027, 1, 4, 9, 5)  # the first working day of 2027 (1 January is a holiday; then a weekend)


def backdate(world, club, when=None):
    when = when or seoul(2026, 6, 1)
    with world.db.session() as session:
        session.execute(update(Club).where(Club.id == club.ref.id).values(created_at=when))


def dm_texts(world, user):
    return [render_message(m.text, m.blocks) for m in world.standin.messages(world.standin.dm_channel(user))]


def dm_files(world, user):
    return [f.title for f in world.standin.files(world.standin.dm_channel(user)) if f.completed]


def initial(view, block_id):
    [block] = [b for b in view.blocks if b.get("block_id") == block_id]
    return block["element"].get("initial_value", "")


def view_text_of(view: dict) -> str:
    return render_view(view)


def view_text(view):
    return render_view({"title": view.title, "blocks": view.blocks, "submit": view.submit, "id": view.id})


def final_response(delivery, contains: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    count = 1
    while time.monotonic() < deadline:
        responses = delivery.wait_for_responses(n=count, timeout=1.0)
        for response in responses:
            text = render_message(response.get("text"), response.get("blocks"))
            if contains in text:
                return text
        count = len(responses) + 1
    raise AssertionError(
        f"no answer containing {contains!r}: {[r.get('text') for r in delivery.wait_for_responses(0)]}"
    )


def file_quarter_items(world, club, author_user):
    author = participant(world, author_user).id
    with world.db.session() as session:
        session.add_all(
            [
                Plan(
                    club_id=club.ref.id,
                    author_id=author,
                    text="Joint proposal to NRF in March",
                    created_at=seoul(2026, 11, 2),
                ),
                Plan(club_id=club.ref.id, author_id=author, text="Old Q3 plan", created_at=seoul(2026, 8, 2)),
                Output(
                    club_id=club.ref.id,
                    filed_by_id=author,
                    type=OutputType.PAPER,
                    title="Spin qubit coherence",
                    status="submitted",
                    created_at=seoul(2026, 10, 20),
                ),
                ClubMeeting(
                    club_id=club.ref.id,
                    filed_by_id=author,
                    held_on=date(2026, 11, 12),
                    format=MeetingFormat.ONLINE,
                    attendees=9,
                    summary="Project review",
                ),
                Update(
                    club_id=club.ref.id,
                    author_id=author,
                    text="Shared the Delft preprint",
                    created_at=seoul(2026, 11, 3),
                ),
            ]
        )


def test_leaders_are_asked_once_reminded_unless_answered_and_can_write_and_edit_the_narrative(slack):
    quantum = make_club(slack, "Quantum Hardware Club", leaders=1, members=1)
    ai = make_club(slack, "AI Safety Club", leaders=1, members=1, language="en", meeting_code="XL-2026-10")
    backdate(slack, quantum)
    backdate(slack, ai)
    [leader] = quantum.leaders
    file_quarter_items(slack, quantum, leader)

    assert clock.run_due(slack.runtime, NARRATIVE_JOB, owner="test", at=REQUEST_AT) == {"done": 2}
    assert clock.run_due(slack.runtime, NARRATIVE_JOB, owner="test", at=REQUEST_AT) == {"skipped": 2}
    deliver(slack)
    [request] = dm_texts(slack, leader)  # asked once, however often the clock looks
    assert "It is time for *Quantum Hardware Club*'s 2026 Q4 operation report" in request  # the leader reads English
    assert "Due: Dec 31, 2026" in request and "Write the narrative" in request
    [english] = dm_texts(slack, ai.leaders[0])
    assert "It is time for *AI Safety Club*'s 2026 Q4 operation report" in english
    with slack.db.session() as session:
        [item] = narratives_due(session, participant(slack, leader).id, REQUEST_AT, slack.runtime.settings.tz)
        assert (item.club_name, item.due_on, item.text_key) == (
            "Quantum Hardware Club",
            date(2026, 12, 31),
            "reports.due.narrative",
        )

    # the button opens the form, pre-filled with the quarter's plans and items
    slack.standin.click(leader, action_id="reports_narrative_open", channel_id=slack.standin.dm_channel(leader))
    form = top_view(slack, leader)
    assert initial(form, "plans") == "• Joint proposal to NRF in March"  # this quarter's plans only
    assert "Spin qubit coherence" in initial(form, "highlights")
    shown = view_text(form)  # in the leader's language (their Slack is English), with what the club filed
    assert "Spin qubit coherence" in shown and "Project review" in shown and "1 progress update" in shown
    answer = slack.standin.submit_view(
        leader,
        form.id,
        {"highlights": {"highlights": "Two joint papers submitted"}, "support": {"support": "Travel grants"}},
    )
    assert answer.status == 200
    saved = top_view(slack, leader)
    assert "narrative is saved" in view_text(saved)

    # a member may not write it, whatever the button says
    member = quantum.members[0]
    slack.standin.dm_channel(member)
    with slack.db.session() as session, pytest.raises(UserError) as refused:
        save_narrative(
            session, quantum.ref.id, "2026Q4", {"highlights": "x"}, user_id=member, is_admin=False, now=REQUEST_AT
        )
    assert refused.value.key == "reports.error.not_leader"

    # a week before the end: only the club that has not answered is reminded
    assert clock.run_due(slack.runtime, NARRATIVE_JOB, owner="test", at=REMINDER_AT) == {"done": 2}
    deliver(slack)
    assert len(dm_texts(slack, leader)) == 1
    assert "in a week" in dm_texts(slack, ai.leaders[0])[-1]

    # the leader edits; an empty highlight is refused on the field
    slack.standin.click(leader, action_id="reports_narrative_open", channel_id=slack.standin.dm_channel(leader))
    form = top_view(slack, leader, replacing=saved.id)
    assert initial(form, "highlights") == "Two joint papers submitted"
    slack.standin.submit_view(leader, form.id, {"highlights": {"highlights": "Two joint papers, one accepted"}})
    with slack.db.session() as session:
        [saved] = session.scalars(select(ReportNarrative)).all()
        assert (saved.highlights, saved.support, saved.period) == (
            "Two joint papers, one accepted",
            "Travel grants",
            "2026Q4",
        )

    # who answered: the secretariat sees it; a leader may not
    status = seen_by_user(slack.command(slack.admin, slack.secretariat, "report status 2026Q4"))
    assert "2026년 4분기 보고서 서술: 1/2개 클럽 제출" in status
    assert "AI Safety Club*: 아직 제출하지 않음" in status and "Quantum Hardware Club*: Quantum-Leader0" in status
    refused = seen_by_user(slack.command(leader, quantum.channel, "report status"))
    assert "secretariat" in refused


def test_the_quarterly_reports_are_posted_once_and_close_the_narrative(slack):
    quantum = make_club(slack, "Quantum Hardware Club", leaders=1, members=2)
    backdate(slack, quantum)
    [leader] = quantum.leaders
    file_quarter_items(slack, quantum, leader)
    with slack.db.session() as session:
        session.add(
            ReportNarrative(
                club_id=quantum.ref.id,
                period="2026Q4",
                highlights="A good quarter",
                submitted_at=REQUEST_AT,
                updated_at=REQUEST_AT,
            )
        )

    assert clock.run_due(slack.runtime, NARRATIVE_JOB, owner="test", at=REMINDER_AT) == {"done": 1}
    deliver(slack)
    assert dm_texts(slack, leader) == []  # the club answered: no reminder

    # New Year's Day is a holiday: Q4's report is not due yet (Q3's fell due in October, beyond the grace)
    assert clock.run_due(slack.runtime, PROGRAM_JOB, owner="test", at=seoul(2027, 1, 1, 12)) == {"late": 1}
    with slack.db.session() as session:
        assert session.scalar(select(Report)) is None
    assert clock.run_due(slack.runtime, PROGRAM_JOB, owner="test", at=REPORT_AT) == {"done": 1}
    assert clock.run_due(slack.runtime, PROGRAM_JOB, owner="test", at=REPORT_AT) == {"skipped": 1}
    deliver(slack)
    posts = [
        render_message(m.text, m.blocks) for m in slack.standin.messages(slack.secretariat) if m.subtype != "file_share"
    ]
    [summary] = [p for p in posts if "2026년 4분기 클럽 운영 및 후속 성과 보고서" in p]
    assert "클럽 1개, 회원 3명" in summary and "새 성과 1건" in summary and "보고서 서술 제출: 1/1개 클럽" in summary
    titles = sorted(f.title for f in slack.standin.files(slack.secretariat) if f.completed)
    assert titles == sorted(
        [
            "2026년 4분기 클럽 운영 및 후속 성과 보고서 (한국어)",
            "Club operation and follow-up outcome report 2026 Q4 (English)",
            "2026년 4분기 보고서 데이터 (엑셀)",
        ]  # one club: no chart of scores (a single bar says nothing; the document says so in a sentence)
    )
    with slack.db.session() as session:
        [stored] = session.scalars(select(Report)).all()
        assert (stored.period, stored.scope) == ("2026Q4", "program")
        assert all(f.get("file_id") for f in stored.files)  # every file is in the database
        assert not (slack.runtime.settings.data_dir / "reports").exists()  # and nothing on this host's disk

    # the narrative is closed now: the form says so
    with slack.db.session() as session:
        form = narrative_form(
            session, quantum.ref.id, "2026Q4", user_id=leader, is_admin=False, tz=slack.runtime.settings.tz, lang="en"
        )
        assert form.closed
    with slack.db.session() as session, pytest.raises(UserError) as closed:
        save_narrative(
            session, quantum.ref.id, "2026Q4", {"highlights": "late"}, user_id=leader, is_admin=False, now=REPORT_AT
        )
    assert closed.value.key == "reports.error.closed"
    from bot.reports.views import narrative_modal

    assert "the narrative is closed" in view_text_of(narrative_modal("en", form))

    # each club's report goes to its leaders, once
    assert clock.run_due(slack.runtime, CLUBS_JOB, owner="test", at=REPORT_AT) == {"done": 1}
    assert clock.run_due(slack.runtime, CLUBS_JOB, owner="test", at=REPORT_AT) == {"skipped": 1}
    deliver(slack)
    [club_file] = dm_files(slack, leader)
    assert club_file == "Quantum Hardware Club operation report 2026 Q4 (English)"  # the leader's Slack is English
    assert any("Quantum Hardware Club · 2026 Q4 operation report" in text for text in dm_texts(slack, leader))
    assert not dm_files(slack, quantum.members[0])


def test_club_report_on_request_for_leaders_and_the_program_report_for_the_secretariat(slack):
    quantum = make_club(slack, "Quantum Hardware Club", leaders=1, members=1)
    backdate(slack, quantum)
    [leader] = quantum.leaders
    member = quantum.members[0]
    author = participant(slack, leader).id
    with slack.db.session() as session:
        session.add(Update(club_id=quantum.ref.id, author_id=author, text="Q3 news", created_at=seoul(2026, 8, 3)))

    delivery = slack.command(leader, quantum.channel, "report 2026Q3")
    assert delivery.acked_in_time
    assert "2026 Q3" in seen_by_user(delivery)  # an answer at once, while the report is built
    answer = final_response(delivery, "operation report")
    assert "1 progress update" in answer and "The files come to you by DM." in answer
    assert "draft" in answer  # the program report of Q3 does not exist: the club's is not stored
    deliver(slack)
    assert dm_files(slack, leader) == ["Quantum Hardware Club operation report 2026 Q3 (English)"]

    refused = seen_by_user(slack.command(member, quantum.channel, "report 2026Q3"))
    assert "Only a leader of Quantum Hardware Club" in refused
    elsewhere = slack.channel("random", [member])
    assert "Only the secretariat" in seen_by_user(slack.command(member, elsewhere, "report"))
    assert "not a quarter" in seen_by_user(slack.command(leader, quantum.channel, "report 2026Q9"))

    # the secretariat asks in its channel: built, stored, posted there; asked again: the stored one
    first = slack.command(slack.admin, slack.secretariat, "보고서 2026Q3")
    answer = final_response(first, "운영 및 후속 성과 보고서")
    assert "진행 소식 1건" in answer and "파일은 #CSECRET001 채널에 올라옵니다." in answer
    assert "회원 0명" in answer  # the factory's members joined in November: not members in Q3
    deliver(slack)
    files = [f.title for f in slack.standin.files(slack.secretariat) if f.completed]
    assert "2026년 3분기 클럽 운영 및 후속 성과 보고서 (한국어)" in files
    second = slack.command(slack.admin, slack.secretariat, "report 2026Q3")
    assert "만들어 저장된 보고서입니다" in final_response(second, "저장된 보고서")
    with slack.db.session() as session:
        assert [(r.period, r.scope) for r in session.scalars(select(Report))] == [("2026Q3", "program")]


def test_with_channel_delivery_a_clubs_report_goes_to_its_channel(slack):
    import yaml

    from bot.reports.settings import SHIPPED

    quantum = make_club(slack, "Quantum Hardware Club", leaders=1, members=1)
    backdate(slack, quantum)
    raw = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    raw["delivery"]["leaders"] = "channel"
    settings_file = slack.runtime.settings.data_dir / "report_settings.yaml"
    settings_file.write_text(yaml.safe_dump(raw), encoding="utf-8")
    try:
        assert clock.run_due(slack.runtime, PROGRAM_JOB, owner="test", at=REPORT_AT) == {"done": 1}
        assert clock.run_due(slack.runtime, CLUBS_JOB, owner="test", at=REPORT_AT) == {"done": 1}
    finally:
        settings_file.unlink()
    deliver(slack)
    titles = sorted(f.title for f in slack.standin.files(quantum.channel) if f.completed)
    assert titles == [
        "Quantum Hardware Club 2026년 4분기 운영 보고서 (한국어)",
        "Quantum Hardware Club operation report 2026 Q4 (English)",
    ]
    posts = [
        render_message(m.text, m.blocks) for m in slack.standin.messages(quantum.channel) if m.subtype != "file_share"
    ]
    assert any("Quantum Hardware Club · 2026년 4분기 운영 보고서" in p for p in posts)  # in the club's language
    assert not dm_files(slack, quantum.leaders[0])
