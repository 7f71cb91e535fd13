"""The bot under Slack's refusals, end to end through the stand-in: what the person sees, and what is retried,
given up or recorded (docs/reliability.md has the table)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from bot.clubs.lifecycle import CHANNEL_LOST
from bot.domain import MembershipStatus, OutboxStatus
from bot.slack import outbox
from bot.slack.blocks import Message
from bot.standin import FaultPlan
from storage import files
from storage.models import AuditEntry, Club, Membership, OutboxMessage, Participant
from tests.factories import make_club
from tests.support import deliver_all


@pytest.fixture
def dispatcher_log(caplog, monkeypatch):
    """The dispatcher's log records, from whichever thread sends (a module that configures logging, imported by
    another test, may have disabled the loggers that existed then)."""
    monkeypatch.setattr(logging.getLogger("bot.slack.dispatcher"), "disabled", False)
    caplog.set_level(logging.WARNING, logger="bot.slack.dispatcher")
    return caplog


def rows(world) -> list[OutboxMessage]:
    with world.db.session() as session:
        found = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        session.expunge_all()
        return found


def secretariat_texts(world) -> list[str]:
    return [m.text for m in world.standin.messages(world.secretariat) if m.bot_id]


def dispatch_a_few_times(world, times: int = 3) -> None:
    for _ in range(times):
        world.runtime.outbox.dispatcher.dispatch_due()


def membership_status(world, email: str) -> MembershipStatus:
    with world.db.session() as session:
        status = session.scalar(
            select(Membership.status)
            .join(Participant, Participant.id == Membership.participant_id)
            .where(Participant.email == email)
        )
    assert status is not None
    return status


# ---- /club new: restricted_action ---------------------------------------------------------------
def test_a_workspace_that_restricts_channel_creation_is_explained_and_no_club_is_half_made(slack):
    slack.person("kim", email="kim@kaist.example")
    slack.standin.restrict_channel_creation(True)
    delivery = slack.command(slack.admin, slack.secretariat, "new Fusion Club field:ai leaders:@kim")
    [answer] = delivery.wait_for_responses(n=1, timeout=15)
    text = str(answer)
    assert "restricted_action" in text and "채널 관리" in text  # why, and where an admin can allow it
    assert "클럽은 기록되지 않았습니다" in text
    with slack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Club)) == 0
        assert session.scalar(select(func.count()).select_from(Membership)) == 0
    assert not [c for c in slack.standin.ws.channels.values() if c.name.startswith("xlab-fusion")]
    assert len(slack.standin.calls_to("conversations.create")) == 1  # refused once: not tried under other names

    # once an admin allows it, the same command makes the club
    slack.standin.restrict_channel_creation(False)
    again = slack.command(slack.admin, slack.secretariat, "new Fusion Club field:ai leaders:@kim")
    [summary] = again.wait_for_responses(n=1, timeout=15)
    assert "Fusion Club" in str(summary) and "restricted_action" not in str(summary)


def test_restricted_action_reads_in_english_for_an_english_speaking_admin(slack):
    from bot.i18n import t

    english = t("en", "clubs.error.channel_restricted")
    assert "restricted_action" in english and "Channel Management" in english
    slack.standin.inject(FaultPlan(kind="error", error="restricted_action", methods=["conversations.create"]))
    delivery = slack.command(slack.admin, slack.secretariat, "new Hydrogen Club field:hydrogen")
    [answer] = delivery.wait_for_responses(n=1, timeout=15)
    assert "restricted_action" in str(answer)
    with slack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Club)) == 0


# ---- invitations: ura_max_channels ------------------------------------------------------------
def test_a_single_channel_guest_already_in_a_channel_lands_in_the_pending_list_with_the_reason(slack):
    slack.person("park", email="park@snu.example")
    solo = slack.person("solo", email="solo@riken.example", is_restricted=True, is_ultra_restricted=True)
    slack.standin.add_channel("solo-home", members=[solo])  # a single-channel guest's one channel
    delivery = slack.command(slack.admin, slack.secretariat, "new Fusion Club field:ai members:@park @solo")
    [summary] = delivery.wait_for_responses(n=1, timeout=15)
    text = str(summary)
    assert "채널 참여 (1명)" in text
    assert "워크스페이스 관리자가 추가해야 함 (1명)" in text and "이미 다른 채널에 있는 단일 채널 게스트" in text
    assert membership_status(slack, "park@snu.example") is MembershipStatus.ACTIVE
    assert membership_status(slack, "solo@riken.example") is MembershipStatus.PENDING
    deliver_all(slack)
    [listed] = [m for m in secretariat_texts(slack) if "clubbot의 게스트 초대를 허용하지 않습니다" in m]
    assert "Fusion Club" in listed
    post = next(m for m in slack.standin.messages(slack.secretariat) if m.text == listed)
    assert f"<@{solo}>" in str(post.blocks) and "단일 채널 게스트" in str(post.blocks)


def test_ura_max_channels_for_one_invited_guest_is_that_persons_outcome(slack):
    club = make_club(slack, language="en")
    guest = slack.person("guest", email="guest@ibs.example")
    slack.standin.inject(
        FaultPlan(kind="error", error="ura_max_channels", methods=["conversations.invite"], match={"users": guest})
    )
    delivery = slack.command(club.leaders[0], club.channel, "invite @guest")
    [summary] = delivery.wait_for_responses(n=1, timeout=15)
    assert "a workspace admin must add them (1)" in str(summary)
    assert "single-channel guest" in str(summary)
    assert membership_status(slack, "guest@ibs.example") is MembershipStatus.PENDING


# ---- posts: channel_not_found, msg_too_long, invalid_blocks -----------------------------------
def test_a_club_channel_deleted_in_slack_gives_up_its_posts_and_marks_the_club(slack, dispatcher_log):
    club = make_club(slack)
    slack.standin.delete_channel(club.channel)
    with slack.db.session() as session:
        for n in range(3):
            outbox.enqueue(session, club.channel, Message(text=f"digest {n}"))
    dispatch_a_few_times(slack)
    to_club = [r for r in rows(slack) if r.channel == club.channel]
    assert [(r.status, r.attempts, r.last_error) for r in to_club] == [(OutboxStatus.DEAD, 1, "channel_not_found")] * 3
    calls = [c for c in slack.standin.calls_to("chat.postMessage") if c.args.get("channel") == club.channel]
    assert len(calls) == 3  # each post tried once: none retried
    with slack.db.session() as session:
        marks = session.scalars(select(AuditEntry).where(AuditEntry.action == CHANNEL_LOST)).all()
        assert [(m.club_id, m.details["channel"]) for m in marks] == [(club.ref.id, club.channel)]
        assert session.get(Club, club.ref.id) is not None  # the club and its records stay
    dispatch_a_few_times(slack)  # the secretariat's alert (deliver_all refuses a dead row)
    lost = [m for m in secretariat_texts(slack) if "Slack에서 삭제되었습니다" in m]
    assert len(lost) == 1 and "Quantum Hardware Club" in lost[0]  # one alert, naming the club
    assert not [m for m in secretariat_texts(slack) if "여러 차례 게시하지 못해" in m]
    assert len([r for r in dispatcher_log.records if "giving up" in r.getMessage()]) == 3  # once per post


def test_a_post_slack_finds_too_long_is_given_up_at_once_and_logged_once(slack, dispatcher_log):
    channel = slack.channel("lab", [slack.person("kim")])
    with slack.db.session() as session:
        row_id = outbox.enqueue(session, channel, Message(text="x" * 40001)).id
    dispatch_a_few_times(slack)
    [row] = [r for r in rows(slack) if r.id == row_id]
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.DEAD, 1, "msg_too_long")
    assert len([c for c in slack.standin.calls_to("chat.postMessage") if c.args.get("channel") == channel]) == 1
    about_it = [r for r in dispatcher_log.records if f"outbox {row_id}:" in r.getMessage()]
    assert len(about_it) == 1 and about_it[0].levelno == logging.ERROR
    dispatch_a_few_times(slack)  # the secretariat's alert (deliver_all refuses a dead row)
    [alert] = [m for m in secretariat_texts(slack) if f"{row_id}번 메시지를" in m]
    assert "msg_too_long" in alert


def test_blocks_slack_refuses_are_given_up_not_retried_while_other_channels_carry_on(slack):
    kim = slack.person("kim")
    broken = slack.channel("broken", [kim])
    fine = slack.channel("fine", [kim])
    slack.standin.inject(
        FaultPlan(kind="error", error="invalid_blocks", methods=["chat.postMessage"], match={"channel": broken})
    )
    with slack.db.session() as session:
        bad = outbox.enqueue(session, broken, Message(text="t", blocks=[{"type": "divider"}])).id
        good = outbox.enqueue(session, fine, Message(text="t", blocks=[{"type": "divider"}])).id
    dispatch_a_few_times(slack)
    state = {r.id: (r.status, r.attempts, r.last_error) for r in rows(slack)}
    assert state[bad] == (OutboxStatus.DEAD, 1, "invalid_blocks")
    assert state[good][0] is OutboxStatus.SENT


def test_a_transient_refusal_is_still_retried(slack):
    channel = slack.channel("lab", [slack.person("kim")])
    slack.standin.inject(FaultPlan(kind="error", error="internal_error", methods=["chat.postMessage"], count=1))
    with slack.db.session() as session:
        row_id = outbox.enqueue(session, channel, Message(text="hello")).id
    deliver_all(slack)
    [row] = [r for r in rows(slack) if r.id == row_id]
    assert row.status is OutboxStatus.SENT and row.attempts == 2


# ---- files: invalid_arguments -------------------------------------------------------------------
def test_a_file_upload_slack_refuses_as_invalid_arguments_is_given_up_and_the_secretariat_told(slack):
    with slack.db.session() as session:  # report files live in the database (storage.files)
        file_id = files.save_file(
            session, b"report", name="r.docx", kind="docx", lang="ko", period="test", scope="program"
        ).id
    slack.standin.inject(FaultPlan(kind="error", error="invalid_arguments", methods=["files.completeUploadExternal"]))
    with slack.db.session() as session:
        row_id = outbox.enqueue_file(session, slack.secretariat, file_id=file_id, filename="r.docx", title="Report").id
    dispatch_a_few_times(slack)
    [row] = [r for r in rows(slack) if r.id == row_id]
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.DEAD, 1, "invalid_arguments")
    assert len(slack.standin.calls_to("files.completeUploadExternal")) == 1
    assert not [f for f in slack.standin.files(slack.secretariat) if f.completed]
    dispatch_a_few_times(slack)  # the secretariat's alert (deliver_all refuses a dead row)
    assert [m for m in secretariat_texts(slack) if f"{row_id}번 메시지를" in m and "invalid_arguments" in m]
