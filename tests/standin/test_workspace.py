"""Workspace life cycle: persistence, reset, isolation, concurrency, and people's actions."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest
from slack_sdk import WebClient

from bot.standin import SlackStandIn

from .conftest import make_standin


def test_state_file_keeps_the_workspace_between_runs(tmp_path: Path) -> None:
    state = tmp_path / "workspace.json"
    with make_standin(rate_limits=False, state_file=state) as first:
        alice = first.add_user("alice", real_name="Alice Kim", email="alice@example.org")
        lab = first.add_channel("lab", members=[alice, first.bot_user_id])
        client = WebClient(base_url=first.api_url, token=first.bot_token)
        ts = client.chat_postMessage(channel=lab, text="remember me")["ts"]
        client.files_upload_v2(channel=lab, content=b"\x00\x01binary", filename="data.bin")
        home = {"type": "home", "blocks": [{"type": "divider"}]}
        client.views_publish(user_id=alice, view=home)
        bot_user_id = first.bot_user_id
    assert state.exists()
    with make_standin(rate_limits=False, state_file=state) as second:
        assert second.bot_user_id == bot_user_id
        client = WebClient(base_url=second.api_url, token=second.bot_token)
        history = client.conversations_history(channel=lab)["messages"]
        assert [m["ts"] for m in history][-1] == ts
        assert second.files(lab)[0].data == b"\x00\x01binary"
        assert second.home(alice) is not None
        assert client.users_lookupByEmail(email="alice@example.org")["user"]["id"] == alice
        newer = second.add_user("bob")
        assert newer not in (alice, bot_user_id)  # ids keep counting from the saved state
        assert float(client.chat_postMessage(channel=lab, text="later")["ts"]) > float(ts)


def test_reset_empties_the_workspace_but_keeps_the_bot(standin: SlackStandIn, client: WebClient) -> None:
    alice = standin.add_user("alice")
    lab = standin.add_channel("lab", members=[alice, standin.bot_user_id])
    client.chat_postMessage(channel=lab, text="x")
    standin.reset()
    assert standin.calls == [] and standin.events == []
    assert client.auth_test()["user_id"] == standin.bot_user_id
    ids = {m["id"] for m in client.users_list()["members"]}
    assert ids == {standin.bot_user_id, "USLACKBOT"}
    assert client.conversations_list()["channels"] == []
    again = standin.add_user("alice")
    assert again != alice  # fresh ids never collide with old ones


def test_two_stand_ins_do_not_interfere() -> None:
    with make_standin(rate_limits=False) as one, make_standin(rate_limits=False, team_id="T0OTHER") as two:
        assert one.api_url != two.api_url
        a = one.add_user("alice")
        lab = one.add_channel("lab", members=[a, one.bot_user_id])
        WebClient(base_url=one.api_url, token=one.bot_token).chat_postMessage(channel=lab, text="only here")
        other = WebClient(base_url=two.api_url, token=two.bot_token)
        assert other.auth_test()["team_id"] == "T0OTHER"
        assert other.conversations_list()["channels"] == []
        assert [c.method for c in one.calls] == ["chat.postMessage"]
        assert [c.method for c in two.calls] == ["auth.test", "conversations.list"]


def test_concurrent_calls_are_consistent(standin: SlackStandIn) -> None:
    lab = standin.add_channel("lab", members=[standin.bot_user_id])
    client = WebClient(base_url=standin.api_url, token=standin.bot_token)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(15):
                client.chat_postMessage(channel=lab, text=f"{n}-{i}")
        except BaseException as exc:  # noqa: BLE001 - surfaced through the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    stamps = [m.ts for m in standin.messages(lab)]
    assert len(stamps) == 120 and len(set(stamps)) == 120
    assert stamps == sorted(stamps, key=float)
    assert standin.internal_errors == []


def test_response_url_allows_five_uses(standin: SlackStandIn) -> None:
    alice = standin.add_user("alice")
    lab = standin.add_channel("lab", members=[alice])
    _, url = standin._new_response_url(alice, lab, "slash_command")
    for i in range(5):
        assert httpx.post(url, json={"text": f"update {i}"}).status_code == 200
    used = httpx.post(url, json={"text": "one more"})
    assert (used.status_code, used.json()["error"]) == (404, "used_url")
    assert httpx.post(url.rsplit("/", 1)[0] + "/nope", json={"text": "x"}).status_code == 404
    garbled = httpx.post(url, content=b"not json", headers={"Content-Type": "application/json"})
    assert garbled.status_code == 400


def test_ephemeral_message_button_and_replace_original(standin: SlackStandIn) -> None:
    alice = standin.add_user("alice")
    lab = standin.add_channel("lab", members=[alice, standin.bot_user_id])
    client = WebClient(base_url=standin.api_url, token=standin.bot_token)
    blocks = [
        {
            "type": "actions",
            "elements": [{"type": "button", "action_id": "ok", "text": {"type": "plain_text", "text": "OK"}}],
        }
    ]
    client.chat_postEphemeral(channel=lab, user=alice, text="Confirm?", blocks=blocks)
    d = standin.click(alice, action_id="ok")  # found on alice's screen
    assert d.payload["container"]["is_ephemeral"] is True and "message" not in d.payload
    assert d.error == "no_app_url"  # no app configured: nothing was sent
    assert httpx.post(d.response_url, json={"text": "Done", "replace_original": True}).status_code == 200
    visible = [m.text for m in standin.ephemerals(alice) if not m.replaced]
    assert visible == ["Done"]


def test_views_update_by_external_id(standin: SlackStandIn, client: WebClient) -> None:
    alice = standin.add_user("alice")
    with standin.ws.lock:
        trigger = standin.ws.new_trigger(alice)
    modal = {
        "type": "modal",
        "external_id": "club-form-1",
        "title": {"type": "plain_text", "text": "Club"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Loading…"}}],
    }
    view = client.views_open(trigger_id=trigger, view=modal)["view"]
    done = {**modal, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Ready"}}]}
    updated = client.views_update(external_id="club-form-1", view=done)["view"]
    assert updated["id"] == view["id"] and updated["blocks"][0]["text"]["text"] == "Ready"


def test_people_actions_produce_slack_events(standin: SlackStandIn) -> None:
    alice = standin.add_user("alice")
    lab = standin.add_channel("lab", members=[alice, standin.bot_user_id])
    ts = standin.post_message(alice, lab, f"<@{standin.bot_user_id}> what clubs are there?")
    standin.react(alice, lab, ts, "eyes")
    standin.unreact(alice, lab, ts, "eyes")
    bob = standin.add_user("bob", team_join=True)
    standin.join_channel(bob, lab)
    standin.leave_channel(bob, lab)
    standin.rename_channel(lab, "lab-2", by=alice)
    standin.archive_channel(lab, by=alice)
    standin.unarchive_channel(lab, by=alice)
    types = [r.event["type"] + ("/" + r.event["subtype"] if "subtype" in r.event else "") for r in standin.events]
    assert types == [
        "message",
        "app_mention",
        "reaction_added",
        "reaction_removed",
        "team_join",
        "member_joined_channel",
        "message/channel_join",
        "member_left_channel",
        "message/channel_leave",
        "channel_rename",
        "message/channel_name",
        "message/channel_archive",
        "channel_archive",
        "channel_unarchive",
        "message/channel_unarchive",
    ]
    mention = standin.events_of("app_mention")[0].event
    assert mention["user"] == alice and mention["client_msg_id"] == standin.events[0].event["client_msg_id"]
    with pytest.raises(ValueError, match=r"invalid_name_specials"):
        standin.rename_channel(lab, "Bad Name", by=alice)


def test_setup_errors_are_loud(standin: SlackStandIn) -> None:
    standin.add_user("alice")
    with pytest.raises(ValueError, match="already exists"):
        standin.add_user("alice")
    with pytest.raises(ValueError, match="invalid_name_specials"):
        standin.add_channel("Lab")
    with pytest.raises(ValueError, match="no user"):
        standin.add_channel("lab", members=["U0NOBODY00"])
    with pytest.raises(ValueError, match="no conversation"):
        standin.slash_command(standin.add_user("bob"), "C0NOPE", "x")
