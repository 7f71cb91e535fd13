"""Error codes the bot must survive, the fault plan's documented-error injection, and the files v2
checks; all through slack_sdk's WebClient against the running stand-in."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.standin import FaultPlan, SlackStandIn, specgen
from bot.standin.faults import documented_errors
from bot.standin.validator import validate_message


def refused(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as info:
        call(**kwargs)
    data = info.value.response.data
    assert isinstance(data, dict)
    return data


# ---- message content --------------------------------------------------------------------------
def test_text_over_40000_characters_is_msg_too_long(client: WebClient, people: dict) -> None:
    assert refused(client.chat_postMessage, channel=people["lab"], text="a" * 40001)["error"] == "msg_too_long"
    assert client.chat_postMessage(channel=people["lab"], text="a" * 40000)["ok"]
    assert validate_message(None, "a" * 40001).error == "msg_too_long"


def test_more_than_100_attachments_is_too_many_attachments(client: WebClient, people: dict) -> None:
    many = [{"text": f"a{i}", "fallback": "a"} for i in range(101)]
    data = refused(client.chat_postMessage, channel=people["lab"], text="t", attachments=many)
    assert data["error"] == "too_many_attachments"
    assert client.chat_postMessage(channel=people["lab"], text="t", attachments=many[:100])["ok"]


def test_malformed_blocks_json_is_invalid_arguments(client: WebClient, people: dict) -> None:
    data = refused(client.chat_postMessage, channel=people["lab"], text="t", blocks='[{"type": "section",')
    assert data["error"] == "invalid_arguments"
    assert data["response_metadata"]["messages"] == ["[ERROR] failed to parse blocks as JSON [json-pointer:/blocks]"]
    form = httpx.post(
        client.base_url + "chat.postMessage",
        data={"channel": people["lab"], "text": "t", "blocks": "{not json"},
        headers={"Authorization": f"Bearer {client.token}"},
    ).json()
    assert form["error"] == "invalid_arguments"


def test_blocks_too_long_overall_is_msg_blocks_too_long(client: WebClient, people: dict) -> None:
    blocks = [{"type": "section", "fields": [{"type": "mrkdwn", "text": "x" * 2000}] * 10} for _ in range(11)]
    assert refused(client.chat_postMessage, channel=people["lab"], text="t", blocks=blocks)["error"] == (
        "msg_blocks_too_long"
    )
    assert client.chat_postMessage(channel=people["lab"], text="t", blocks=blocks[:9])["ok"]


# ---- conversations ----------------------------------------------------------------------------
def test_channel_creation_restricted_by_the_workspace_is_restricted_action(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.restrict_channel_creation()
    assert refused(client.conversations_create, name="new-club")["error"] == "restricted_action"
    assert not any(c.name == "new-club" for c in standin.ws.channels.values())
    standin.restrict_channel_creation(False)
    assert client.conversations_create(name="new-club")["ok"]


def test_inviting_a_single_channel_guest_already_in_a_channel_is_ura_max_channels(
    standin: SlackStandIn, client: WebClient, people: dict
) -> None:
    standin.add_channel("guest-home", members=[people["single"]])
    data = refused(client.conversations_invite, channel=people["lab"], users=people["single"])
    assert data["error"] == "ura_max_channels"
    assert data["errors"] == [{"user": people["single"], "ok": False, "error": "ura_max_channels"}]
    forced = client.conversations_invite(channel=people["lab"], users=[people["bob"], people["single"]], force=True)
    assert forced["errors"] == [{"user": people["single"], "ok": False, "error": "ura_max_channels"}]
    assert people["single"] not in standin.channel(people["lab"]).members


def test_a_channel_deleted_between_calls_is_channel_not_found(
    standin: SlackStandIn, client: WebClient, people: dict
) -> None:
    assert client.chat_postMessage(channel=people["lab"], text="before")["ok"]
    standin.delete_channel(people["lab"])
    for call, kwargs in [
        (client.chat_postMessage, {"channel": people["lab"], "text": "after"}),
        (client.conversations_info, {"channel": people["lab"]}),
        (client.conversations_invite, {"channel": people["lab"], "users": people["bob"]}),
    ]:
        assert refused(call, **kwargs)["error"] == "channel_not_found"
    assert client.chat_postMessage(channel=people["general"], text="others still work")["ok"]


# ---- the fault plan: any documented error ------------------------------------------------------
def test_an_error_fault_answers_the_documented_code_without_applying_the_call(
    standin: SlackStandIn, client: WebClient, people: dict
) -> None:
    plan = standin.inject(FaultPlan(kind="error", error="restricted_action", methods=["conversations.create"], count=1))
    assert refused(client.conversations_create, name="club-a")["error"] == "restricted_action"
    assert not any(c.name == "club-a" for c in standin.ws.channels.values())
    assert client.conversations_create(name="club-a")["ok"]  # count=1: the next call goes through
    assert plan.fired == 1
    assert [c.fault for c in standin.calls_to("conversations.create")] == ["error", None]


def test_an_error_fault_can_match_an_argument(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    bob = people["bob"]
    standin.inject(
        FaultPlan(
            kind="error",
            error="ura_max_channels",
            methods=["conversations.invite"],
            match={"users": bob},
            extra={"errors": [{"user": bob, "ok": False, "error": "ura_max_channels"}]},
        )
    )
    data = refused(client.conversations_invite, channel=people["lab"], users=[people["alice"], bob])
    assert data == {
        "ok": False,
        "error": "ura_max_channels",
        "errors": [{"user": bob, "ok": False, "error": "ura_max_channels"}],
    }
    outsider = standin.add_user("carol")
    assert client.conversations_invite(channel=people["lab"], users=outsider)["ok"]  # no bob: no fault
    assert bob not in standin.channel(people["lab"]).members


def test_an_error_fault_for_a_share_of_calls_is_reproducible(
    standin: SlackStandIn, client: WebClient, people: dict
) -> None:
    def run() -> list[bool]:
        standin.faults.clear()
        standin.inject(FaultPlan(kind="error", error="fatal_error", methods=["chat.postMessage"], rate=0.5))
        outcomes = []
        for i in range(20):
            try:
                outcomes.append(bool(client.chat_postMessage(channel=people["lab"], text=f"m{i}")["ok"]))
            except SlackApiError as exc:
                assert exc.response["error"] == "fatal_error"
                outcomes.append(False)
        return outcomes

    first = run()
    assert 0 < first.count(False) < 20
    assert run() == first  # the stand-in's seeded RNG


def test_an_error_fault_only_takes_documented_codes() -> None:
    with pytest.raises(ValueError, match="not a documented error"):
        FaultPlan(kind="error", error="no_such_code", methods=["chat.postMessage"])
    with pytest.raises(ValueError, match="needs error= and methods="):
        FaultPlan(kind="error", error="channel_not_found")
    with pytest.raises(ValueError, match="unknown Web API method"):
        FaultPlan(kind="error", error="channel_not_found", methods=["chat.postMesage"])
    for method, code in [
        ("conversations.invite", "ura_max_channels"),
        ("conversations.create", "restricted_action"),
        ("chat.postMessage", "msg_blocks_too_long"),
        ("chat.postMessage", "too_many_attachments"),
        ("views.open", "expired_trigger_id"),
        ("files.completeUploadExternal", "file_not_found"),
        ("users.lookupByEmail", "users_not_found"),
    ]:
        assert code in documented_errors(method)
        FaultPlan(kind="error", error=code, methods=[method])


def test_every_served_method_lists_its_documented_errors_in_methods_json() -> None:
    from bot.standin.webapi import METHODS

    methods = json.loads(specgen.METHODS_JSON.read_text(encoding="utf-8"))["methods"]
    for method in METHODS:
        assert methods[method]["errors"], method
        assert set(methods[method]["errors"]) <= documented_errors(method)


# ---- files v2 ---------------------------------------------------------------------------------
def _upload(client: WebClient, length: int, content: bytes) -> str:
    got = client.files_getUploadURLExternal(filename="a.txt", length=length)
    assert httpx.post(got["upload_url"], content=content).status_code == 200
    return str(got["file_id"])


def test_completing_a_file_whose_bytes_differ_from_the_declared_length_is_refused(
    client: WebClient, people: dict
) -> None:
    file_id = _upload(client, 5, b"x" * 33)
    data = refused(client.files_completeUploadExternal, files=[{"id": file_id}], channel_id=people["lab"])
    assert data["error"] == "invalid_arguments"
    assert "declared length 5" in data["response_metadata"]["messages"][0]


def test_a_file_completes_once(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    file_id = _upload(client, 5, b"hello")
    files = [{"id": file_id, "title": "hi"}]
    assert client.files_completeUploadExternal(files=files, channel_id=people["lab"])["ok"]
    again = refused(client.files_completeUploadExternal, files=files, channel_id=people["lab"])
    assert again["error"] == "file_not_found"
    assert len([m for m in standin.messages(people["lab"]) if m.files]) == 1
