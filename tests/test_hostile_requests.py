"""Hostile requests: forged, stale, future, tampered, unsigned, oversized or unknown ones are rejected and change
nothing — not in Slack, not in any table."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from bot.web import MAX_BODY_BYTES
from storage.models import Base
from tests.conftest import SESSION_SIGNING_SECRET
from tests.factories import make_club
from tests.support import post, sign


def row_counts(world) -> dict[str, int]:
    """Every table's rows, but the memory of signatures seen (a signed request is remembered, not acted on)."""
    tables = [t for t in Base.metadata.sorted_tables if t.name != "seen_signatures"]
    with world.db.session() as session:
        return {t.name: session.scalar(select(func.count()).select_from(t)) for t in tables}


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
    return body.replace(b"invite", b"archive"), headers


def unsigned(body):
    return body, {}


@pytest.mark.parametrize(
    "attack", [forged, wrong_secret, stale, future, missing_signature, missing_timestamp, tampered, unsigned]
)
def test_a_request_without_a_valid_signature_is_rejected_and_changes_nothing(slack, attack):
    club = make_club(slack)
    before = row_counts(slack)
    # a command that would change things if it were accepted: a leader inviting the admin
    body, headers = attack(command_body(club.leaders[0], club.channel, f"invite <@{slack.admin}>"))
    response = post(slack.app.events_url, body, headers)
    assert response.status_code == 401
    time.sleep(0.3)
    assert slack.standin.calls == []  # the bot did nothing in Slack
    assert slack.standin.ephemerals(club.leaders[0]) == []
    assert row_counts(slack) == before


def test_an_oversized_signed_body_is_refused_unread(slack):
    before = row_counts(slack)
    body = command_body(slack.admin, slack.secretariat, "help " + "x" * MAX_BODY_BYTES)
    response = post(slack.app.events_url, body, sign(SESSION_SIGNING_SECRET, body))
    assert response.status_code == 413
    assert slack.standin.calls == [] and row_counts(slack) == before


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "no_such_interaction", "user": {"id": "U1"}, "team": {"id": "T0CLUBBOT"}},
        {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": "not_ours", "block_id": "b"}]},
        {"type": "view_submission", "user": {"id": "U1"}, "view": {"callback_id": "not_ours", "state": {"values": {}}}},
    ],
)
def test_a_signed_payload_of_a_kind_the_app_does_not_handle_changes_nothing(slack, payload):
    before = row_counts(slack)
    body = urlencode({"payload": json.dumps(payload)}).encode()
    response = post(slack.app.events_url, body, sign(SESSION_SIGNING_SECRET, body))
    assert response.status_code in (400, 404)  # unknown (404) or not even well-formed (400); never a crash
    assert slack.standin.calls == [] and row_counts(slack) == before


def test_a_malformed_signed_body_is_a_client_error_not_a_crash(slack):
    body = b"payload=%7Bnot-json"
    response = post(slack.app.events_url, body, sign(SESSION_SIGNING_SECRET, body))
    assert 400 <= response.status_code < 500


def test_the_same_request_correctly_signed_is_answered(slack):
    body = command_body(slack.admin, slack.secretariat, "help")
    response = post(slack.app.events_url, body, sign(SESSION_SIGNING_SECRET, body))
    assert response.status_code == 200
    assert "clubbot" in response.json()["text"]
