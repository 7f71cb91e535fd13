"""The request layer before authentication, and signed requests taken once (issue 14, items 2–4).

Nothing a client sends before it is authenticated — bytes, nesting, header values, sizes — produces a 500 or a
traceback: 400/401/413 and one log line. A signed request is processed once, however often it is replayed within
Slack's five-minute window; Slack's certificate check and `app_rate_limited` notice are answered 200.
"""

from __future__ import annotations

import io
import json
import logging
import time
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app import create_app
from bot.web import MAX_BODY_BYTES, WebApp
from storage.models import SeenSignature, Update
from tests.conftest import SESSION_SIGNING_SECRET
from tests.factories import make_club
from tests.support import post, seen_by_user, sign
from tests.test_hostile_requests import command_body

ALLOWED = {200, 400, 401, 413}
OBSERVED_LOGGERS = ("bot.web", "bot.slack.signing", "handlers.errors", "slack_bolt.App")


@pytest.fixture(autouse=True)
def observed_loggers_enabled(monkeypatch):
    """Some earlier test in the suite leaves existing loggers disabled (a logging configuration with
    `disable_existing_loggers`; on main too, where tests/test_help.py fails after tests/test_console.py): the
    loggers these tests read are enabled for their duration."""
    for name in OBSERVED_LOGGERS:
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)


def tracebacks(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.exc_info or record.levelno >= logging.ERROR]


@pytest.fixture(scope="module")
def wsgi_app(served_app):
    """The same WebApp the server runs, called in process (the fuzz test makes thousands of requests)."""
    return WebApp(create_app(served_app.runtime, verify_token=False), served_app.runtime)


def call(app: WebApp, body: bytes, headers: dict[str, str], *, content_length: str | None = None) -> int:
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_LENGTH": str(len(body)) if content_length is None else content_length,
        "CONTENT_TYPE": headers.pop("Content-Type", "application/x-www-form-urlencoded"),
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    statuses: list[str] = []
    b"".join(app(environ, lambda status, _headers, _exc=None: statuses.append(status)))
    return int(statuses[0].split()[0])


header_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["abc", "", "-1", "1e9", "٣٣٣", str(2**80), "v0=" + "0" * 64, "\x00", "v0=\udcff"]),
    st.builds(lambda: str(int(time.time()))),
)
bodies = st.one_of(
    st.binary(max_size=2000),
    st.sampled_from([b"payload=\xff\xfe", b"payload=" + b"%5B" * 5000, b"{" * 3000, b"ssl_check=1&x=\xff"]),
    st.builds(lambda text: urlencode({"payload": text}).encode(), st.text(max_size=200)),
    st.builds(lambda data: json.dumps(data).encode(), st.recursive(st.none() | st.text(max_size=5), st.lists)),
)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=bodies,
    timestamp=st.none() | header_text,
    signature=st.none() | header_text,
    content_type=st.sampled_from(["application/x-www-form-urlencoded", "application/json", "text/plain", "", "\xff"]),
    content_length=st.none() | st.sampled_from(["abc", "-5", "", "99999999999", "1"]),
    signed=st.booleans(),
)
def test_no_bytes_or_headers_before_authentication_make_a_500_or_a_traceback(
    wsgi_app, caplog, body, timestamp, signature, content_type, content_length, signed
):
    caplog.clear()
    headers = {"Content-Type": content_type}
    if signed:  # correctly signed nonsense must be refused just as quietly
        headers.update(sign(SESSION_SIGNING_SECRET, body))
    else:
        if timestamp is not None:
            headers["X-Slack-Request-Timestamp"] = timestamp
        if signature is not None:
            headers["X-Slack-Signature"] = signature
    with caplog.at_level(logging.INFO):
        status = call(wsgi_app, body, headers, content_length=content_length)
    assert status in ALLOWED
    assert tracebacks(caplog) == []


def nested(depth: int) -> bytes:
    return urlencode({"payload": "[" * depth + "]" * depth}).encode()


@pytest.mark.parametrize(
    ("body", "headers", "expected"),
    [
        (nested(100_000), {}, 401),
        (nested(100_000), "signed", 400),
        (b"payload=\xff\xfe", {}, 401),
        (b"payload=\xff\xfe", "signed", 400),
        (b'{"type":"block_actions","x":' + b"[" * 100_000 + b"]" * 100_000 + b"}", "signed", 400),
        (b"token=x&command=%2Fclub&user_id=U1&text=help", {"X-Slack-Request-Timestamp": "abc"}, 401),
        (
            b"token=x&command=%2Fclub&user_id=U1&text=help",
            {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=1"},
            401,
        ),
        (b"a=" + b"&a=" * 50_000, "signed", 400),
    ],
    ids=["deep-unsigned", "deep-signed", "not-utf8-unsigned", "not-utf8-signed", "deep-json", "ts-abc",
         "ts-abc-signature", "many-fields"],
)
def test_the_attacks_from_the_issue_are_refused_over_http_with_one_line(slack, caplog, body, headers, expected):
    if headers == "signed":
        headers = sign(SESSION_SIGNING_SECRET, body)
    with caplog.at_level(logging.INFO):
        response = post(slack.app.events_url, body, headers)
    assert response.status_code == expected
    assert tracebacks(caplog) == []
    refusals = [r for r in caplog.records if r.name == "bot.web" and "refused" in r.getMessage()]
    assert len(refusals) == 1
    assert slack.standin.calls == []


def test_a_content_length_that_is_not_a_number_is_a_400(wsgi_app, caplog):
    assert call(wsgi_app, b"x", {}, content_length="abc") == 400
    assert call(wsgi_app, b"x", {}, content_length=str(MAX_BODY_BYTES + 1)) == 413
    assert tracebacks(caplog) == []


def updates(world) -> int:
    with world.db.session() as session:
        return session.scalar(select(func.count()).select_from(Update))


def test_a_replayed_signed_update_is_answered_and_stored_once(slack, caplog):
    club = make_club(slack)
    body = command_body(club.members[0], club.channel, "update Replayed three times")
    headers = sign(SESSION_SIGNING_SECRET, body)
    first = post(slack.app.events_url, body, headers)
    assert first.status_code == 200
    replays = [post(slack.app.events_url, body, headers) for _ in range(2)]
    assert [r.status_code for r in replays] == [200, 200]
    assert all(r.content == b"" for r in replays)  # nothing done, nothing said
    time.sleep(0.5)
    assert updates(slack) == 1
    assert sum("replayed" in r.getMessage() for r in caplog.records) == 2
    # the same words sent again as a new request (a new signature) are a new update
    seen_by_user(slack.command(club.members[0], club.channel, "update Replayed three times"))
    assert updates(slack) == 2


def test_signatures_older_than_the_window_are_pruned(slack):
    from bot.slack.signing import KEEP_SECONDS, SeenSignatures

    seen = SeenSignatures(slack.db)
    now = time.time()
    assert seen.first_sight("v0=old", int(now) - KEEP_SECONDS - 5, now=now)
    seen._next_prune = 0.0  # due
    assert seen.first_sight("v0=new", int(now), now=now)
    with slack.db.session() as session:
        kept = set(session.scalars(select(SeenSignature.signature)))
    assert "v0=old" not in kept and "v0=new" in kept
    assert not seen.first_sight("v0=new", int(now), now=now)


@pytest.mark.parametrize("signed", [False, True])
def test_slacks_certificate_check_is_answered_200(slack, signed):
    body = b"ssl_check=1&token=legacy"
    response = post(slack.app.events_url, body, sign(SESSION_SIGNING_SECRET, body) if signed else {})
    assert response.status_code == 200
    assert slack.standin.calls == []


def test_app_rate_limited_is_accepted_and_logged(slack, caplog):
    body = json.dumps(
        {"token": "legacy", "type": "app_rate_limited", "team_id": "T0CLUBBOT", "minute_rate_limited": 1518467820,
         "api_app_id": "A0CLUBBOT"}
    ).encode()
    with caplog.at_level(logging.INFO):
        response = post(slack.app.events_url, body, sign(SESSION_SIGNING_SECRET, body), "application/json")
    assert response.status_code == 200
    assert any("app_rate_limited" in r.getMessage() for r in caplog.records)
    unsigned = post(slack.app.events_url, body, {}, "application/json")
    assert unsigned.status_code == 401
