"""`clubbot socket`: the same app over Socket Mode, end to end through the stand-in's WebSocket.

The stand-in speaks Socket Mode as Slack does (`apps.connections.open`, `hello`, envelopes and their acks,
`disconnect`), so these stories run exactly as their HTTP twins do: a slash command answered in its ack, a
filing confirmed with its ID and its card posted, a form opened and submitted, a button on a card, an event
applied once; then a connection dropped and re-established without losing or doubling a filing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.domain import MembershipStatus
from bot.slack.text import render_message
from bot.standin.socket_mode import envelope_of
from storage.models import Output, Update
from tests.clubs.test_membership_events import membership_of
from tests.conftest import app_environment
from tests.factories import make_club
from tests.support import World, seen_by_user
from tests.tracking.support import card, ephemeral_texts, top_view

ROOT = Path(__file__).resolve().parent.parent


def said(slack: World, user: str, text: str, timeout: float = 10.0) -> bool:
    """The person was privately told `text` (answers to clicks come a moment after the ack)."""
    return slack.standin.wait_for(lambda: any(text in seen for seen in ephemeral_texts(slack, user)), timeout)


@pytest.mark.parametrize(
    ("body", "content_type", "kind", "payload"),
    [
        ('{"type": "event_callback", "event_id": "Ev1"}', "application/json", "events_api", {"event_id": "Ev1"}),
        ("payload=%7B%22type%22%3A+%22block_actions%22%7D", "application/x-www-form-urlencoded", "interactive", None),
        ("command=%2Fclub&text=help&user_id=U1", "application/x-www-form-urlencoded", "slash_commands", None),
    ],
)
def test_each_request_becomes_the_envelope_type_slack_uses(body, content_type, kind, payload):
    got_kind, got = envelope_of(body, content_type)
    assert got_kind == kind
    if kind == "interactive":
        assert got == {"type": "block_actions"}
    elif kind == "slash_commands":
        assert got == {"command": "/club", "text": "help", "user_id": "U1"}
    else:
        assert payload is not None and payload.items() <= got.items()


@pytest.fixture
def socket_app(slack: World, tmp_path: Path) -> Iterator[World]:
    """`clubbot socket` running as its own process, connected to the stand-in over Socket Mode."""
    standin = slack.standin
    app_token = standin.enable_socket_mode()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "CLUBBOT_DATA_DIR": str(tmp_path),
        **app_environment(slack.db.url, standin.api_url),
        "SLACK_APP_TOKEN": app_token,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "socket"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        hub = standin.socket_hub
        assert hub is not None
        if not hub.wait_connected(1, timeout=60):
            process.kill()
            output = process.stdout.read().decode() if process.stdout else ""
            pytest.fail(f"clubbot socket did not connect:\n{output}")
        yield slack
    finally:
        standin.disable_socket_mode()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_a_slash_command_a_filing_a_form_a_button_and_an_event_over_socket_mode(socket_app):
    slack = socket_app
    hub = slack.standin.socket_hub
    assert hub is not None
    sent_before = hub.envelopes_sent

    help_answer = slack.command(slack.admin, slack.secretariat, "help")
    assert help_answer.acked_in_time
    assert "클럽의 교류를 이어 가는 도우미" in seen_by_user(help_answer)

    club = make_club(slack)
    member, other = club.members
    filed = slack.command(member, club.channel, 'update Our first joint measurement run is booked')
    assert "*u1*" in seen_by_user(filed)
    assert "first joint measurement run" in card(slack, club.channel, "update:1")

    slack.command(member, club.channel, "output")  # no arguments: the form
    view = top_view(slack, member)
    assert view.callback_id == "tracking:output_form"
    submitted = slack.standin.submit_view(
        member,
        view.id,
        {"type": {"type": "workshop"}, "title": {"title": "Winter school"}, "status": {"status": "completed"}},
    )
    assert submitted.ok
    assert said(slack, member, "*o1*")

    card(slack, club.channel, "output:1")
    card_ts = next(m.ts for m in slack.standin.messages(club.channel) if m.bot_id and "Winter school" in m.text)
    leader = club.leaders[0]
    slack.standin.click(leader, action_id="tracking:confirm_output", channel_id=club.channel, message_ts=card_ts)
    assert said(slack, leader, "You confirmed *o1*")

    newcomer = slack.person("newcomer")
    slack.standin.join_channel(newcomer, club.channel)
    assert slack.standin.wait_for(
        lambda: (record := membership_of(slack, club.ref.id, newcomer)) is not None
        and record.status is MembershipStatus.ACTIVE
    )
    with slack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Update)) == 1
        output = session.scalars(select(Output)).one()
        assert output.confirmed_at is not None
    assert hub.envelopes_sent - sent_before >= 6  # every request above travelled over the WebSocket
    assert other  # the second member only has to exist for make_club's shape


@pytest.mark.parametrize("cut", ["disconnect", "drop"])
def test_a_lost_connection_is_re_established_and_no_filing_is_lost_or_doubled(socket_app, cut):
    slack = socket_app
    hub = slack.standin.socket_hub
    assert hub is not None
    club = make_club(slack)
    member = club.members[0]
    assert "*u1*" in seen_by_user(slack.command(member, club.channel, 'update Before the cut'))

    greeted = hub.hellos
    if cut == "disconnect":
        hub.disconnect("refresh_requested")  # Slack asks the app to reconnect
    else:
        hub.drop()  # the network fails without a word
    assert hub.wait_connected(1, timeout=60, hellos=greeted + 1), "the app did not reconnect"

    assert "*u2*" in seen_by_user(slack.command(member, club.channel, 'update After the cut'))
    with slack.db.session() as session:
        texts = sorted(session.scalars(select(Update.text)))
    assert texts == ["After the cut", "Before the cut"]
    assert "After the cut" in card(slack, club.channel, "update:2")
    cards = [m for m in slack.standin.messages(club.channel) if m.bot_id]
    posted = [m for m in cards if "the cut" in render_message(m.text, m.blocks, {})]
    assert len(posted) == 2  # each card once
