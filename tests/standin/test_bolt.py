"""The stand-in delivering signed requests to a minimal, real Bolt app served over HTTP."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.standin import SlackStandIn

from .conftest import BoltHarness, make_standin

MODAL = {
    "type": "modal",
    "callback_id": "new-club",
    "notify_on_close": True,
    "title": {"type": "plain_text", "text": "New club"},
    "submit": {"type": "plain_text", "text": "Create"},
    "blocks": [
        {
            "type": "input",
            "block_id": "name",
            "label": {"type": "plain_text", "text": "Club name"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        },
        {
            "type": "input",
            "block_id": "field",
            "label": {"type": "plain_text", "text": "Field"},
            "element": {
                "type": "static_select",
                "action_id": "pick",
                "options": [
                    {"text": {"type": "plain_text", "text": "Neuroscience"}, "value": "neuro"},
                    {"text": {"type": "plain_text", "text": "AI"}, "value": "ai"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "members",
            "optional": True,
            "label": {"type": "plain_text", "text": "Members"},
            "element": {"type": "multi_users_select", "action_id": "users"},
        },
        {
            "type": "input",
            "block_id": "start",
            "optional": True,
            "label": {"type": "plain_text", "text": "Kick-off"},
            "element": {"type": "datepicker", "action_id": "date"},
        },
    ],
}
JOIN_BUTTON = [
    {
        "type": "section",
        "block_id": "invite",
        "text": {"type": "mrkdwn", "text": "Join the *neuro* club?"},
        "accessory": {
            "type": "button",
            "action_id": "join_club",
            "value": "neuro",
            "text": {"type": "plain_text", "text": "Join"},
        },
    },
]


@pytest.fixture
def alice(standin: SlackStandIn) -> str:
    return standin.add_user("alice", real_name="Alice Kim", email="alice@example.org")


@pytest.fixture
def lab(standin: SlackStandIn, alice: str) -> str:
    return standin.add_channel("lab", members=[alice, standin.bot_user_id])


class Seen:
    """Collects what listeners saw, thread-safely, with a wait."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._cond = threading.Condition()

    def add(self, item: Any) -> None:
        with self._cond:
            self.items.append(item)
            self._cond.notify_all()

    def wait(self, n: int = 1, timeout: float = 5.0) -> list[Any]:
        with self._cond:
            self._cond.wait_for(lambda: len(self.items) >= n, timeout)
            return list(self.items)


def test_slash_command_is_signed_and_acknowledged(
    standin: SlackStandIn, bolt: BoltHarness, alice: str, lab: str
) -> None:
    seen = Seen()

    @bolt.app.command("/club")
    def club(ack: Any, command: dict) -> None:
        seen.add(command)
        ack("Which club?")

    d = standin.slash_command(alice, lab, "join neuro")
    assert d.status == 200 and d.acked_in_time
    assert d.body == "Which club?"  # Bolt answers ack(text) with a plain-text body
    command = seen.wait()[0]
    assert (command["text"], command["user_id"], command["channel_name"]) == ("join neuro", alice, "lab")
    assert command["trigger_id"] == d.trigger_id and command["response_url"] == d.response_url
    assert command["api_app_id"] == standin.app_id and command["team_domain"] == "clubbot-local"
    assert [(m.text, m.source) for m in standin.ephemerals(alice, lab)] == [("Which club?", "ack")]
    assert standin.messages(lab) == []


def test_response_url_posts_are_recorded(
    standin: SlackStandIn,
    bolt: BoltHarness,
    alice: str,
    lab: str,
) -> None:
    @bolt.app.command("/club")
    def club(ack: Any, respond: Any) -> None:
        ack()
        respond("Looking up your clubs…")
        respond(text="Alice started a club", response_type="in_channel")

    d = standin.slash_command(alice, lab, "list")
    assert d.status == 200 and d.body == ""
    responses = d.wait_for_responses(2)
    assert [r["text"] for r in responses] == ["Looking up your clubs…", "Alice started a club"]
    assert [m.text for m in standin.ephemerals(alice)] == ["Looking up your clubs…"]
    assert standin.wait_for(lambda: len(standin.messages(lab)) == 1)
    posted = standin.messages(lab)[0]
    assert (posted.text, posted.bot_id) == ("Alice started a club", standin.bot_id)


def test_tampered_or_stale_signatures_are_rejected_by_bolt(
    standin: SlackStandIn, bolt: BoltHarness, alice: str, lab: str
) -> None:
    seen = Seen()
    bolt.app.command("/club")(lambda ack: (seen.add(1), ack()))
    assert standin.slash_command(alice, lab, "x", signature="v0=bad").status == 401
    assert standin.slash_command(alice, lab, "x", timestamp=int(time.time()) - 600).status == 401
    standin.sign = False
    assert standin.slash_command(alice, lab, "x").status == 401
    standin.sign = True
    assert standin.slash_command(alice, lab, "x").status == 200
    assert len(seen.wait()) == 1
    notices = [m.text for m in standin.ephemerals(alice)]
    assert notices.count('/club failed with the error "dispatch_failed"') == 3


def test_modal_from_a_command_round_trips_field_errors(
    standin: SlackStandIn, bolt: BoltHarness, alice: str, lab: str
) -> None:
    submitted = Seen()

    @bolt.app.command("/club")
    def club(ack: Any, body: dict, client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @bolt.app.view("new-club")
    def create(ack: Any, view: dict) -> None:
        values = view["state"]["values"]
        submitted.add(values)
        name = values["name"]["value"]["value"]
        if len(name) < 3:
            ack(response_action="errors", errors={"name": "Use at least 3 characters"})
        else:
            ack()

    standin.slash_command(alice, lab, "new")
    assert standin.wait_for(lambda: len(standin.views(alice)) == 1)
    view = standin.views(alice)[0]
    d = standin.submit_view(alice, view.id, {"name": {"value": "ai"}, "field": {"pick": "neuro"}})
    assert d.json == {"response_action": "errors", "errors": {"name": "Use at least 3 characters"}}
    assert [v.id for v in standin.views(alice)] == [view.id]
    assert standin.view(view.id).errors == {"name": "Use at least 3 characters"}
    values = submitted.wait()[0]
    assert values["field"]["pick"] == {
        "type": "static_select",
        "selected_option": {"text": {"type": "plain_text", "text": "Neuroscience"}, "value": "neuro"},
    }
    assert values["members"]["users"] == {"type": "multi_users_select", "selected_users": []}
    assert values["start"]["date"] == {"type": "datepicker", "selected_date": None}
    d = standin.submit_view(
        alice,
        view.id,
        {"name": {"value": "neuro-readers"}, "members": {"users": [alice]}, "start": {"date": "2025-03-01"}},
    )
    assert d.status == 200 and d.body == ""
    assert standin.views(alice) == []
    final = submitted.wait(2)[1]
    assert final["name"]["value"]["value"] == "neuro-readers"
    assert final["members"]["users"]["selected_users"] == [alice]
    assert final["start"]["date"]["selected_date"] == "2025-03-01"


def test_submit_view_refuses_what_a_person_could_not_do(standin: SlackStandIn, bolt: BoltHarness, alice: str) -> None:
    with standin.ws.lock:
        trigger = standin.ws.new_trigger(alice)
    view = bolt.client.views_open(trigger_id=trigger, view=MODAL)["view"]
    with pytest.raises(ValueError, match="required"):
        standin.submit_view(alice, view["id"], {"field": {"pick": "ai"}})
    with pytest.raises(ValueError, match="no input"):
        standin.submit_view(
            alice, view["id"], {"name": {"value": "x"}, "field": {"pick": "ai"}, "nmae": {"value": "typo"}}
        )


def test_response_actions_update_push_clear(standin: SlackStandIn, bolt: BoltHarness, alice: str) -> None:
    step = {"n": 0}

    @bolt.app.view("new-club")
    def create(ack: Any) -> None:
        step["n"] += 1
        if step["n"] == 1:
            ack(response_action="update", view={**MODAL, "title": {"type": "plain_text", "text": "Step 2"}})
        elif step["n"] == 2:
            ack(response_action="push", view={**MODAL, "title": {"type": "plain_text", "text": "Confirm"}})
        else:
            ack(response_action="clear")

    with standin.ws.lock:
        trigger = standin.ws.new_trigger(alice)
    root = bolt.client.views_open(trigger_id=trigger, view=MODAL)["view"]
    answers = {"name": {"value": "neuro"}, "field": {"pick": "ai"}}
    standin.submit_view(alice, root["id"], answers)
    assert standin.views(alice)[0].title["text"] == "Step 2"
    assert standin.views(alice)[0].hash != root["hash"]
    standin.submit_view(alice, root["id"], answers)
    stack = standin.views(alice)
    assert [v.title["text"] for v in stack] == ["Step 2", "Confirm"]
    assert stack[1].previous_view_id == root["id"]
    standin.submit_view(alice, stack[1].id, answers)
    assert standin.views(alice) == []


def test_closing_a_modal_sends_view_closed(standin: SlackStandIn, bolt: BoltHarness, alice: str) -> None:
    closed = Seen()

    @bolt.app.view_closed("new-club")
    def on_close(ack: Any, body: dict) -> None:
        ack()
        closed.add(body)

    with standin.ws.lock:
        trigger = standin.ws.new_trigger(alice)
    view = bolt.client.views_open(trigger_id=trigger, view=MODAL)["view"]
    d = standin.close_view(alice, view["id"])
    assert d is not None and d.status == 200
    body = closed.wait()[0]
    assert body["type"] == "view_closed" and body["view"]["id"] == view["id"] and body["is_cleared"] is False
    assert standin.views(alice) == []


def test_button_click_in_a_posted_message(standin: SlackStandIn, bolt: BoltHarness, alice: str, lab: str) -> None:
    clicked = Seen()

    @bolt.app.action("join_club")
    def join(ack: Any, body: dict, action: dict, respond: Any) -> None:
        ack()
        clicked.add((body, action))
        respond(replace_original=True, text=f"<@{body['user']['id']}> joined")

    ts = bolt.client.chat_postMessage(channel=lab, text="Join?", blocks=JOIN_BUTTON)["ts"]
    d = standin.click(alice, action_id="join_club", channel_id=lab, message_ts=ts)
    assert d.status == 200
    body, action = clicked.wait()[0]
    assert action["value"] == "neuro" and action["block_id"] == "invite" and action["type"] == "button"
    assert body["container"] == {"type": "message", "message_ts": ts, "channel_id": lab, "is_ephemeral": False}
    assert body["user"] == {"id": alice, "username": "alice", "name": "alice", "team_id": standin.team_id}
    assert body["message"]["ts"] == ts and body["channel"] == {"id": lab, "name": "lab"}
    assert body["response_url"] == d.response_url and body["trigger_id"] == d.trigger_id
    d.wait_for_responses(1)
    message = standin.messages(lab)[0]
    assert message.text == f"<@{alice}> joined" and message.blocks is None and message.edited


def test_select_in_a_modal_updates_its_state(standin: SlackStandIn, bolt: BoltHarness, alice: str) -> None:
    picked = Seen()
    dispatching = {
        **MODAL,
        "blocks": [
            *MODAL["blocks"],
            {
                "type": "actions",
                "block_id": "more",
                "elements": [
                    {
                        "type": "static_select",
                        "action_id": "level",
                        "options": [
                            {"text": {"type": "plain_text", "text": "Beginner"}, "value": "1"},
                            {"text": {"type": "plain_text", "text": "Expert"}, "value": "3"},
                        ],
                    }
                ],
            },
        ],
    }

    @bolt.app.action("level")
    def level(ack: Any, body: dict, action: dict) -> None:
        ack()
        picked.add((body, action))

    with standin.ws.lock:
        trigger = standin.ws.new_trigger(alice)
    view = bolt.client.views_open(trigger_id=trigger, view=dispatching)["view"]
    standin.click(alice, action_id="level", value="3")
    body, action = picked.wait()[0]
    assert action["selected_option"]["value"] == "3"
    assert body["container"] == {"type": "view", "view_id": view["id"]}
    assert body["view"]["state"]["values"]["more"]["level"]["selected_option"]["value"] == "3"


def test_shortcuts_open_modals(standin: SlackStandIn, bolt: BoltHarness, alice: str, lab: str) -> None:
    @bolt.app.shortcut("start-club")
    def start(ack: Any, shortcut: dict, client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=shortcut["trigger_id"], view=MODAL)

    @bolt.app.message_shortcut("club-from-message")
    def from_message(ack: Any, shortcut: dict, client: WebClient) -> None:
        ack()
        assert shortcut["message"]["text"] == "Let's read this paper"
        client.views_open(trigger_id=shortcut["trigger_id"], view=MODAL)

    assert standin.global_shortcut(alice, "start-club").status == 200
    assert standin.wait_for(lambda: len(standin.views(alice)) == 1)
    ts = standin.post_message(alice, lab, "Let's read this paper")
    d = standin.message_shortcut(alice, lab, ts, "club-from-message")
    assert d.payload["type"] == "message_action" and d.payload["message_ts"] == ts
    assert standin.wait_for(lambda: len(standin.calls_to("views.open")) == 2)
    assert all(c.ok for c in standin.calls_to("views.open"))


def test_slow_ack_shows_operation_timeout(standin: SlackStandIn, alice: str, lab: str) -> None:
    harness = BoltHarness(standin, process_before_response=True)  # answers only when the listener returns
    try:

        @harness.app.command("/club")
        def slow(ack: Any) -> None:
            ack("too late")
            time.sleep(3.3)

        d = standin.slash_command(alice, lab, "")
        assert d.status == 200 and d.elapsed > 3.0 and not d.acked_in_time
        assert [(m.text, m.source) for m in standin.ephemerals(alice)] == [
            ('/club failed with the error "operation_timeout"', "operation_timeout")
        ]
    finally:
        harness.close()


# ---- events ------------------------------------------------------------------------------------
def test_url_verification(standin: SlackStandIn, bolt: BoltHarness) -> None:
    assert standin.verify_url() is True


def test_message_events_from_people(standin: SlackStandIn, bolt: BoltHarness, alice: str, lab: str) -> None:
    seen = Seen()

    @bolt.app.message("hello")
    def greet(message: dict, say: Any) -> None:
        seen.add(message)
        say(f"Hi <@{message['user']}>", thread_ts=message["ts"])

    ts = standin.post_message(alice, lab, "hello club")
    message = seen.wait()[0]
    assert (message["user"], message["channel"], message["ts"]) == (alice, lab, ts)
    assert message["channel_type"] == "channel" and message["client_msg_id"]
    assert standin.wait_for(lambda: len(standin.messages(lab)) == 2)
    reply = standin.messages(lab)[1]
    assert (reply.text, reply.thread_ts, reply.bot_id) == (f"Hi <@{alice}>", ts, standin.bot_id)
    standin.wait_for_events()
    envelopes = [r.envelope for r in standin.events_of("message")]
    assert [e["event"].get("bot_id") for e in envelopes] == [None, standin.bot_id]  # Slack echoes the bot
    assert len(seen.items) == 1  # Bolt ignores the bot's own message
    first = envelopes[0]
    assert first["type"] == "event_callback" and first["api_app_id"] == standin.app_id
    assert first["authorizations"][0]["user_id"] == standin.bot_user_id
    assert first["event_id"].startswith("Ev") and first["is_ext_shared_channel"] is False


def test_dm_and_thread_and_edit_events(
    standin: SlackStandIn,
    bolt: BoltHarness,
    alice: str,
    lab: str,
) -> None:
    seen = Seen()
    bolt.app.event("message")(lambda event: seen.add(event))
    dm = standin.dm_channel(alice)
    standin.post_message(alice, dm, "hi bot")
    parent = standin.post_message(alice, lab, "thread start")
    standin.post_message(alice, lab, "in thread", thread_ts=parent)
    standin.edit_message(alice, lab, parent, "thread start (edited)")
    standin.post_message(alice, lab, "see attached", files=[{"name": "notes.txt", "content": "hello"}])
    events = seen.wait(5)
    assert [e["channel_type"] for e in events[:1]] == ["im"]
    assert events[2]["thread_ts"] == parent
    assert events[3]["subtype"] == "message_changed"
    assert events[3]["message"]["text"] == "thread start (edited)"
    assert events[4]["subtype"] == "file_share" and events[4]["files"][0]["name"] == "notes.txt"


def test_event_is_retried_when_the_app_fails_first(
    standin: SlackStandIn,
    bolt: BoltHarness,
    alice: str,
) -> None:
    seen = Seen()
    bolt.app.event("app_home_opened")(lambda event: seen.add(event))
    bolt.fail_next = 1
    standin.open_home(alice)
    assert seen.wait()[0]["user"] == alice
    assert standin.wait_for_events()
    record = standin.events_of("app_home_opened")[0]
    assert [a.status for a in record.attempts] == [500, 200]
    retry = record.attempts[1].headers_sent
    assert (retry["X-Slack-Retry-Num"], retry["X-Slack-Retry-Reason"]) == ("1", "http_error")
    received = [r["headers"] for r in bolt.requests]
    assert "x-slack-retry-num" not in received[0] and received[1]["x-slack-retry-num"] == "1"


def test_slack_gives_up_after_three_retries(standin: SlackStandIn, bolt: BoltHarness, alice: str) -> None:
    bolt.fail_next = 10
    standin.open_home(alice)
    assert standin.wait_for_events(5.0)
    record = standin.events_of("app_home_opened")[0]
    assert [a.retry_num for a in record.attempts] == [0, 1, 2, 3]
    assert not record.delivered


def test_redelivery_carries_retry_headers(
    standin: SlackStandIn,
    bolt: BoltHarness,
    alice: str,
    lab: str,
) -> None:
    seen = Seen()

    @bolt.app.event("reaction_added")
    def reacted(event: dict, context: Any, request: Any) -> None:
        seen.add((event, request.headers.get("x-slack-retry-num")))

    d = standin.send_event(
        {
            "type": "reaction_added",
            "user": alice,
            "reaction": "tada",
            "item_user": alice,
            "item": {"type": "message", "channel": lab, "ts": "1.000001"},
        }
    )
    assert d.status == 200
    event_id = d.payload["event_id"]
    again = standin.redeliver(event_id)
    assert again.status == 200
    assert again.headers_sent["X-Slack-Retry-Num"] == "1"
    assert again.headers_sent["X-Slack-Retry-Reason"] == "http_timeout"
    assert again.payload["event_id"] == event_id
    assert [retry for _, retry in seen.wait(2)] == [None, ["1"]]


def test_member_joined_channel_after_the_bots_invite(
    standin: SlackStandIn, bolt: BoltHarness, alice: str, lab: str
) -> None:
    bob = standin.add_user("bob")
    joined = Seen()
    bolt.app.event("member_joined_channel")(lambda event: joined.add(event))
    bolt.app.event("message")(lambda: None)
    bolt.client.conversations_invite(channel=lab, users=[bob])
    event = joined.wait()[0]
    assert (event["user"], event["channel"], event["inviter"], event["channel_type"]) == (
        bob,
        lab,
        standin.bot_user_id,
        "C",
    )


def test_only_subscribed_events_are_delivered() -> None:
    with make_standin(rate_limits=False, bot_events={"message.channels"}) as s:
        harness = BoltHarness(s)
        try:
            person = s.add_user("carol")
            channel = s.add_channel("lab", members=[person, s.bot_user_id])
            ts = s.post_message(person, channel, "hi")
            s.react(person, channel, ts, "wave")
            s.open_home(person)
            s.wait_for_events()
            assert [r.event["type"] for r in s.events] == ["message"]
            with pytest.raises(ValueError, match="not subscribed"):
                s.send_event({"type": "app_home_opened", "user": person})
        finally:
            harness.close()


def test_events_from_channels_the_bot_is_not_in_are_not_delivered(
    standin: SlackStandIn, bolt: BoltHarness, alice: str
) -> None:
    elsewhere = standin.add_channel("elsewhere", members=[alice])
    standin.post_message(alice, elsewhere, "private chatter")
    standin.rename_channel(elsewhere, "elsewhere-2", by=alice)
    standin.wait_for_events()
    assert [r.event["type"] for r in standin.events] == ["channel_rename"]  # public channel events reach apps


def test_home_tab_published_on_app_home_opened(standin: SlackStandIn, bolt: BoltHarness, alice: str) -> None:
    @bolt.app.event("app_home_opened")
    def home(event: dict, client: WebClient) -> None:
        client.views_publish(
            user_id=event["user"],
            view={"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Your clubs*"}}]},
        )

    standin.open_home(alice)
    assert standin.wait_for(lambda: standin.home(alice) is not None)
    assert standin.home(alice).blocks[0]["text"]["text"] == "*Your clubs*"


def test_errors_for_a_block_that_is_not_an_input_are_refused(
    standin: SlackStandIn, bolt: BoltHarness, alice: str
) -> None:
    bolt.app.view("new-club")(lambda ack: ack(response_action="errors", errors={"nmae": "typo in block id"}))
    with standin.ws.lock:
        trigger = standin.ws.new_trigger(alice)
    view = bolt.client.views_open(trigger_id=trigger, view=MODAL)["view"]
    d = standin.submit_view(alice, view["id"], {"name": {"value": "neuro"}, "field": {"pick": "ai"}})
    assert d.status == 200 and d.error is not None and "nmae" in d.error
    assert standin.view(view["id"]).errors == {} and len(standin.views(alice)) == 1


def test_unreachable_app(standin: SlackStandIn, alice: str, lab: str) -> None:
    standin.app_url = "http://127.0.0.1:9/slack/events"  # nothing listens on the discard port
    d = standin.slash_command(alice, lab, "x")
    assert (d.status, d.error) == (None, "connection_failed")
    assert [m.text for m in standin.ephemerals(alice)] == ['/club failed with the error "dispatch_failed"']
    standin.open_home(alice)
    assert standin.wait_for_events()
    attempts = standin.events_of("app_home_opened")[0].attempts
    assert len(attempts) == 4
    assert {a.headers_sent.get("X-Slack-Retry-Reason") for a in attempts[1:]} == {"connection_failed"}


def test_command_text_is_escaped_like_slack() -> None:
    manifest_commands = [{"command": "/club", "should_escape": True, "description": "clubs"}]
    with make_standin(rate_limits=False, slash_commands=manifest_commands) as s:
        harness = BoltHarness(s)
        try:
            seen = Seen()
            harness.app.command("/club")(lambda ack, command: (seen.add(command["text"]), ack()))
            person = s.add_user("dana")
            lab = s.add_channel("lab", members=[person])
            s.slash_command(person, lab, "add @dana to #lab for R&D <now> see https://x.example/a")
            assert seen.wait()[0] == (
                f"add <@{person}|dana> to <#{lab}|lab> for R&amp;D &lt;now&gt; see <https://x.example/a>"
            )
            with pytest.raises(ValueError, match="not one of the app's slash commands"):
                s.slash_command(person, lab, "x", command="/clbu")
        finally:
            harness.close()
