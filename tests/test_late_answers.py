"""An answer ready after Slack's acknowledgment window still reaches the person.

Slack drops a command's answer that comes later than 3 seconds (the person sees `operation_timeout`). A
filing saved that late on an overloaded day must still be confirmed with its ID, or the person files it
again: past the router's budget the command is acknowledged empty and the answer goes through the
response URL.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.access import Caller
from bot.domain import Language
from bot.slack.blocks import Message
from handlers.router import ACK_BUDGET_SECONDS, CommandContext


class Recorder:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


def context(received_ago: float) -> tuple[CommandContext, Recorder, Recorder]:
    ack, respond = Recorder(), Recorder()
    command = CommandContext(
        runtime=None,  # type: ignore[arg-type]  # acknowledging needs no runtime
        user_id="U1",
        channel_id="C1",
        lang=Language.EN,
        caller=Caller(user_id="U1"),
        trigger_id=None,
        respond=respond,  # type: ignore[arg-type]
        _ack=ack,  # type: ignore[arg-type]
        received_at=time.monotonic() - received_ago,
    )
    return command, ack, respond


SAVED = Message(text="Saved as *u7*")


def test_an_answer_ready_in_time_is_the_acknowledgment():
    command, ack, respond = context(received_ago=0.2)
    command.ack(SAVED)
    assert ack.calls == [{"text": "Saved as *u7*", "response_type": "ephemeral"}]
    assert respond.calls == []


@pytest.mark.parametrize("late", [ACK_BUDGET_SECONDS + 0.1, 3.5, 30.0])
def test_an_answer_ready_late_goes_through_the_response_url(late):
    command, ack, respond = context(received_ago=late)
    command.ack(SAVED)
    assert ack.calls == [{}]  # acknowledged, empty: nothing is lost if Slack already gave up waiting
    assert respond.calls == [{"text": "Saved as *u7*", "response_type": "ephemeral"}]


def test_a_late_error_reaches_the_person_too():
    command, ack, respond = context(received_ago=ACK_BUDGET_SECONDS + 1)
    command.reply(Message(text="Please try again in a moment."))
    assert ack.calls == [{}]
    assert respond.calls == [{"text": "Please try again in a moment.", "response_type": "ephemeral"}]
