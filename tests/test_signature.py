"""Every request is signature-checked: forged, stale, future, tampered or unsigned ones get 401, change nothing."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest

from tests.conftest import SESSION_SIGNING_SECRET
from tests.support import post, sign


def command_body(user: str, channel: str, text: str) -> bytes:
    return urlencode(
        {
            "token": "legacy",
            "team_id": "T0CLUBBOT",
            "channel_id": channel,
            "user_id": user,
            "command": "/club",
            "text": text,
            "response_url": "http://127.0.0.1:9/response",
            "trigger_id": "1.2.3",
        }
    ).encode()


def forged(body):
    return body, {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64}


def wrong_secret(body):
    return body, sign("not-the-secret", body)


def stale(body):
    return body, sign(SESSION_SIGNING_SECRET, body, int(time.time()) - 6 * 60)


def future(body):
    return body, sign(SESSION_SIGNING_SECRET, body, int(time.time()) + 6 * 60)


def missing_signature(body):
    headers = sign(SESSION_SIGNING_SECRET, body)
    del headers["X-Slack-Signature"]
    return body, headers


def missing_timestamp(body):
    headers = sign(SESSION_SIGNING_SECRET, body)
    del headers["X-Slack-Request-Timestamp"]
    return body, headers


def tampered(body):
    headers = sign(SESSION_SIGNING_SECRET, body)
    return body.replace(b"help", b"hack"), headers


def unsigned(body):
    return body, {}


@pytest.mark.parametrize(
    "attack", [forged, wrong_secret, stale, future, missing_signature, missing_timestamp, tampered, unsigned]
)
def test_a_request_without_a_valid_signature_is_rejected_and_changes_nothing(slack, attack):
    body, headers = attack(command_body(slack.admin, slack.secretariat, "help"))
    response = post(slack.app.events_url, body, headers)
    assert response.status_code == 401
    time.sleep(0.3)
    assert slack.standin.calls == []  # the bot did nothing in Slack
    assert slack.standin.ephemerals(slack.admin) == []


def test_the_same_request_correctly_signed_is_answered(slack):
    body = command_body(slack.admin, slack.secretariat, "help")
    response = post(slack.app.events_url, body, sign(SESSION_SIGNING_SECRET, body))
    assert response.status_code == 200
    assert "clubbot" in response.json()["text"]
