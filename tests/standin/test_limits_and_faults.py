"""Rate limits and injected faults, seen through slack_sdk's WebClient and its retry handlers."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.standin import FaultPlan, SlackStandIn

from .conftest import make_standin


def bare(standin: SlackStandIn, **kwargs) -> WebClient:
    return WebClient(base_url=standin.api_url, token=standin.bot_token, **({"retry_handlers": []} | kwargs))


@pytest.fixture
def lab(standin: SlackStandIn) -> str:
    return standin.add_channel("lab", members=[standin.bot_user_id])


# ---- rate limits ------------------------------------------------------------------------------
def test_tier_limit_answers_429_with_retry_after_and_slack_sdk_recovers(limited: SlackStandIn) -> None:
    client = bare(limited)
    for _ in range(20):  # users.list is Tier 2: 20 per window (2 s here, 60 s on Slack)
        client.users_list()
    with pytest.raises(SlackApiError) as info:
        client.users_list()
    response = info.value.response
    assert response.status_code == 429
    assert response.data == {"ok": False, "error": "ratelimited"}
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 2
    patient = bare(limited, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)])
    started = time.monotonic()
    assert patient.users_list()["ok"] is True
    assert time.monotonic() - started >= 1.0  # it waited as told
    statuses = [c.http_status for c in limited.calls_to("users.list")]
    assert statuses[-3:] == [429, 429, 200]


def test_limits_are_per_method_and_per_token(limited: SlackStandIn) -> None:
    client = bare(limited)
    for _ in range(20):
        client.users_list()
    assert client.auth_test()["ok"]  # another method has its own window
    alice = limited.add_user("alice")
    person = WebClient(base_url=limited.api_url, token=limited.user_token(alice), retry_handlers=[])
    assert person.users_list()["ok"]  # another token too


@pytest.fixture
def slack_time() -> Iterator[SlackStandIn]:
    with make_standin(rate_limits=True, rate_window_seconds=60.0) as s:
        yield s


def test_post_message_allows_a_short_burst_per_channel(slack_time: SlackStandIn) -> None:
    one = slack_time.add_channel("one", members=[slack_time.bot_user_id])
    two = slack_time.add_channel("two", members=[slack_time.bot_user_id])
    client = bare(slack_time)
    for i in range(3):
        client.chat_postMessage(channel=one, text=f"burst {i}")
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel=one, text="one too many")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "1"
    assert client.chat_postMessage(channel=two, text="other channel is fine")["ok"]
    time.sleep(1.05)
    assert client.chat_postMessage(channel=one, text="a second later")["ok"]
    assert [m.text for m in slack_time.messages(one)] == ["burst 0", "burst 1", "burst 2", "a second later"]


# ---- faults ----------------------------------------------------------------------------------
def test_ratelimited_fault(standin: SlackStandIn, lab: str) -> None:
    standin.inject(FaultPlan(kind="ratelimited", methods={"chat.postMessage"}, count=1, retry_after=1))
    with pytest.raises(SlackApiError) as info:
        bare(standin).chat_postMessage(channel=lab, text="x")
    assert info.value.response.status_code == 429 and info.value.response.headers["Retry-After"] == "1"
    assert standin.messages(lab) == []
    standin.inject(FaultPlan(kind="ratelimited", methods={"chat.postMessage"}, count=1, retry_after=1))
    patient = bare(standin, retry_handlers=[RateLimitErrorRetryHandler()])
    assert patient.chat_postMessage(channel=lab, text="eventually")["ok"]
    assert [m.text for m in standin.messages(lab)] == ["eventually"]
    assert [c.fault for c in standin.calls] == ["ratelimited", "ratelimited", None]


def test_server_error_fault(standin: SlackStandIn, lab: str) -> None:
    standin.inject(FaultPlan(kind="server_error", status=503, count=1))
    with pytest.raises(SlackApiError) as info:
        bare(standin).chat_postMessage(channel=lab, text="x")
    assert info.value.response.status_code == 503
    assert info.value.response.data == {"ok": False, "error": "service_unavailable"}
    assert standin.messages(lab) == []
    standin.inject(FaultPlan(kind="server_error", status=500, count=1))
    recovering = bare(standin, retry_handlers=[ServerErrorRetryHandler(max_retry_count=1)])
    assert recovering.chat_postMessage(channel=lab, text="second try")["ok"]
    assert [m.text for m in standin.messages(lab)] == ["second try"]


def test_drop_before_does_not_apply_the_call(standin: SlackStandIn, lab: str) -> None:
    standin.inject(FaultPlan(kind="drop_before", methods={"chat.postMessage"}, count=1))
    with pytest.raises(Exception) as info:
        bare(standin).chat_postMessage(channel=lab, text="lost")
    assert not isinstance(info.value, SlackApiError)
    assert standin.messages(lab) == []
    assert standin.calls[-1].fault == "drop_before" and standin.calls[-1].http_status == 0


def test_drop_after_posts_the_message_but_the_client_sees_a_connection_error(standin: SlackStandIn, lab: str) -> None:
    standin.inject(FaultPlan(kind="drop_after", methods={"chat.postMessage"}, count=1))
    with pytest.raises(Exception) as info:
        bare(standin).chat_postMessage(channel=lab, text="did it go through?")
    assert not isinstance(info.value, SlackApiError)
    assert [m.text for m in standin.messages(lab)] == ["did it go through?"]
    call = standin.calls[-1]
    assert (call.fault, call.ok, call.http_status) == ("drop_after", True, 0)


def test_a_drop_after_pre_empted_by_slacks_own_answer_is_not_counted_as_fired(limited: SlackStandIn) -> None:
    client = bare(limited)
    for _ in range(20):  # users.list is Tier 2: 20 per window; the next call is rate-limited by Slack itself
        client.users_list()
    plan = limited.inject(FaultPlan(kind="drop_after", methods={"users.list", "chat.postMessage"}, count=2))
    with pytest.raises(SlackApiError):  # Slack answered 429 before doing anything: nothing was applied or dropped
        client.users_list()
    with pytest.raises(SlackApiError):  # a missing argument: refused before doing anything
        client.api_call("chat.postMessage", json={"text": "no channel"})
    assert plan.fired == 0
    assert [c.fault for c in limited.calls[-2:]] == [None, None]
    lab = limited.add_channel("lab", members=[limited.bot_user_id])
    with pytest.raises(Exception) as info:  # the plan still has its faults to give
        client.chat_postMessage(channel=lab, text="applied, answer lost")
    assert not isinstance(info.value, SlackApiError)
    assert plan.fired == 1 and limited.calls[-1].fault == "drop_after"


def test_naive_retry_after_drop_after_duplicates_the_message(standin: SlackStandIn, lab: str) -> None:
    """Why the outbox needs idempotency: slack_sdk's connection-error retry posts twice."""
    standin.inject(FaultPlan(kind="drop_after", methods={"chat.postMessage"}, count=1))
    retrying = bare(standin, retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)])
    assert retrying.chat_postMessage(channel=lab, text="reminder")["ok"]
    assert [m.text for m in standin.messages(lab)] == ["reminder", "reminder"]


def test_latency_fault(standin: SlackStandIn) -> None:
    standin.inject(FaultPlan(kind="latency", latency=0.3, methods={"auth.test"}))
    client = bare(standin)
    started = time.monotonic()
    assert client.auth_test()["ok"]
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    client.team_info()
    assert time.monotonic() - started < 0.3


def test_fault_rate_is_reproducible_with_the_seed() -> None:
    def pattern(seed: int) -> list[bool]:
        with make_standin(rate_limits=False, seed=seed) as s:
            s.inject(FaultPlan(kind="server_error", rate=0.3))
            client = bare(s)
            outcome = []
            for _ in range(30):
                try:
                    client.auth_test()
                    outcome.append(True)
                except SlackApiError:
                    outcome.append(False)
            return outcome

    first, again, other = pattern(7), pattern(7), pattern(8)
    assert first == again
    assert first != other
    assert 3 <= first.count(False) <= 18


def test_faults_hit_only_the_bot_token_and_clear(standin: SlackStandIn, lab: str) -> None:
    alice = standin.add_user("alice")
    standin.channel(lab).members.append(alice)
    standin.inject(FaultPlan(kind="server_error"))
    person = WebClient(base_url=standin.api_url, token=standin.user_token(alice), retry_handlers=[])
    assert person.chat_postMessage(channel=lab, text="people are unaffected")["ok"]
    with pytest.raises(SlackApiError):
        bare(standin).auth_test()
    standin.clear_faults()
    assert bare(standin).auth_test()["ok"]


def test_fault_plan_validates_its_kind() -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        FaultPlan(kind="explode")


def test_response_url_faults_only_when_asked(standin: SlackStandIn, lab: str) -> None:
    alice = standin.add_user("alice")
    standin.channel(lab).members.append(alice)
    _, url = standin._new_response_url(alice, lab, "slash_command")
    standin.inject(FaultPlan(kind="server_error"))
    assert httpx.post(url, json={"text": "still fine"}).status_code == 200
    standin.inject(FaultPlan(kind="server_error", methods={"response_url"}))
    assert httpx.post(url, json={"text": "now broken"}).status_code == 500
    assert [m.text for m in standin.ephemerals(alice)] == ["still fine"]
