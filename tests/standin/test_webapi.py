"""The Web API through the real slack_sdk WebClient, as the bot sees it."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.standin import SlackStandIn


def error_of(call, **kwargs) -> dict:
    with pytest.raises(SlackApiError) as info:
        call(**kwargs)
    return info.value.response.data


# ---- authentication and request handling ---------------------------------------------------------
def test_auth_test_identifies_the_bot(standin: SlackStandIn, client: WebClient) -> None:
    data = client.auth_test().data
    assert data["ok"] is True
    assert data["user_id"] == standin.bot_user_id
    assert data["bot_id"] == standin.bot_id
    assert data["team_id"] == "T0CLUBBOT"
    assert data["url"] == "https://clubbot-local.slack.com/"


def test_missing_and_wrong_tokens(standin: SlackStandIn) -> None:
    no_token = WebClient(base_url=standin.api_url, retry_handlers=[])
    assert error_of(no_token.auth_test)["error"] == "not_authed"
    wrong = WebClient(base_url=standin.api_url, token="xoxb-not-the-bot", retry_handlers=[])
    assert error_of(wrong.chat_postMessage, channel="C1", text="x")["error"] == "invalid_auth"
    calls = standin.calls
    assert [c.error for c in calls] == ["not_authed", "invalid_auth"]
    assert calls[1].token == "xoxb-not-the-bot"


def test_token_as_form_field_is_accepted(standin: SlackStandIn) -> None:
    response = httpx.post(standin.api_url + "auth.test", data={"token": standin.bot_token})
    assert response.json()["ok"] is True
    assert response.headers["X-Slack-Req-Id"]


def test_unknown_method_differs_from_real_but_unimplemented_method(client: WebClient) -> None:
    assert error_of(client.api_call, api_method="chat.postMesage")["error"] == "unknown_method"
    assert error_of(client.api_call, api_method="reminders.add")["error"] == "not_implemented_in_standin"


def test_missing_required_argument_is_reported_like_slack(client: WebClient, people: dict) -> None:
    data = error_of(client.api_call, api_method="conversations.invite", json={"channel": people["lab"]})
    assert data["error"] == "invalid_arguments"
    assert data["response_metadata"]["messages"] == ["[ERROR] missing required field: users"]


def test_json_body_without_charset_gets_slacks_warning(standin: SlackStandIn, people: dict) -> None:
    body = json.dumps({"channel": people["lab"], "text": "hi"}).encode()
    data = httpx.post(
        standin.api_url + "chat.postMessage",
        content=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {standin.bot_token}"},
    ).json()
    assert data["ok"] is True
    assert data["warning"] == "missing_charset"
    assert data["response_metadata"]["warnings"] == ["missing_charset"]


def test_missing_scope_names_needed_and_provided(standin: SlackStandIn, people: dict) -> None:
    standin.scopes = frozenset({"chat:write", "users:read"})
    client = WebClient(base_url=standin.api_url, token=standin.bot_token, retry_handlers=[])
    data = error_of(client.pins_add, channel=people["lab"], timestamp="1.2")
    assert data == {"ok": False, "error": "missing_scope", "needed": "pins:write", "provided": "chat:write,users:read"}
    data = error_of(client.conversations_create, name="new-club", is_private=True)
    assert (data["error"], data["needed"]) == ("missing_scope", "groups:write")
    data = error_of(client.conversations_history, channel=people["lab"])
    assert data["needed"] == "channels:history"
    # users:read without users:read.email: the profile has no email
    profile = client.users_info(user=people["alice"])["user"]["profile"]
    assert "email" not in profile


# ---- chat ----------------------------------------------------------------------------------------
def test_post_message_returns_slacks_shape_and_is_stored(
    standin: SlackStandIn, client: WebClient, people: dict
) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}]
    data = client.chat_postMessage(channel=people["lab"], text="hello", blocks=blocks).data
    assert data["channel"] == people["lab"]
    message = data["message"]
    assert message["bot_id"] == standin.bot_id and message["user"] == standin.bot_user_id
    assert message["blocks"][0]["block_id"]  # Slack assigns block ids
    stored = standin.messages(people["lab"])[-1]
    assert (stored.ts, stored.text, stored.bot_id) == (data["ts"], "hello", standin.bot_id)
    assert standin.calls_to("chat.postMessage")[0].args["blocks"] == blocks  # decoded from JSON


def test_ts_values_strictly_increase(client: WebClient, people: dict) -> None:
    stamps = [client.chat_postMessage(channel=people["general"], text=str(i))["ts"] for i in range(3)]
    assert [float(t) for t in stamps] == sorted(float(t) for t in stamps)
    assert len(set(stamps)) == 3 and all(len(t.split(".")[1]) == 6 for t in stamps)


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_message_errors(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    outside = standin.add_channel("outside", members=[people["alice"]])
    secret = standin.add_channel("secret", is_private=True, members=[people["alice"]])
    archived = standin.add_channel("old", members=[standin.bot_user_id], archived=True)
    standin.scopes = standin.scopes - {"chat:write.public"}
    assert error_of(client.chat_postMessage, channel=outside, text="x")["error"] == "not_in_channel"
    # a private channel the bot is not in is invisible to it, as on Slack
    assert error_of(client.chat_postMessage, channel=secret, text="x")["error"] == "channel_not_found"
    assert error_of(client.chat_postMessage, channel="C0NOPE", text="x")["error"] == "channel_not_found"
    assert error_of(client.chat_postMessage, channel=archived, text="x")["error"] == "is_archived"
    assert error_of(client.chat_postMessage, channel=people["lab"], text="")["error"] == "no_text"
    too_long = "x" * 40_001
    assert error_of(client.chat_postMessage, channel=people["lab"], text=too_long)["error"] == "msg_too_long"
    too_many = [{"type": "divider"}] * 51
    data = error_of(client.chat_postMessage, channel=people["lab"], text="x", blocks=too_many)
    assert data["error"] == "invalid_blocks"
    messages = data["response_metadata"]["messages"]
    assert "[ERROR] no more than 50 items allowed [json-pointer:/blocks]" in messages
    long_section = [{"type": "section", "text": {"type": "mrkdwn", "text": "y" * 3001}}]
    data = error_of(client.chat_postMessage, channel=people["lab"], text="x", blocks=long_section)
    assert data["errors"] == ["must be less than 3001 characters [json-pointer:/blocks/0/text/text]"]
    long_header = [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]
    assert (
        error_of(client.chat_postMessage, channel=people["lab"], text="x", blocks=long_header)["error"]
        == "invalid_blocks"
    )
    bad_type = [{"type": "sektion", "text": {"type": "mrkdwn", "text": "x"}}]
    assert (
        error_of(client.chat_postMessage, channel=people["lab"], text="x", blocks=bad_type)["error"] == "invalid_blocks"
    )
    bad_context = [{"type": "context", "elements": []}]
    assert (
        error_of(client.chat_postMessage, channel=people["lab"], text="x", blocks=bad_context)["error"]
        == "invalid_blocks"
    )
    assert standin.messages(people["lab"]) == []


def test_chat_write_public_posts_without_joining(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    outside = standin.add_channel("outside", members=[people["alice"]])
    assert client.chat_postMessage(channel=outside, text="hi all")["ok"]
    assert standin.bot_user_id not in standin.channel(outside).members


def test_dm_to_a_user_id_opens_the_im(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    data = client.chat_postMessage(channel=people["alice"], text="안녕하세요").data
    assert data["channel"].startswith("D")
    assert data["channel"] == standin.dm_channel(people["alice"])
    assert client.conversations_open(users=people["alice"])["channel"]["id"] == data["channel"]
    assert standin.messages(data["channel"])[0].text == "안녕하세요"


def test_post_ephemeral(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    assert client.chat_postEphemeral(channel=people["lab"], user=people["alice"], text="psst")["message_ts"]
    assert (
        error_of(client.chat_postEphemeral, channel=people["lab"], user=people["bob"], text="psst")["error"]
        == "user_not_in_channel"
    )
    seen = standin.ephemerals(people["alice"])
    assert [(m.text, m.source, m.channel) for m in seen] == [("psst", "chat.postEphemeral", people["lab"])]
    assert standin.ephemerals(people["bob"]) == []
    assert standin.messages(people["lab"]) == []


def test_update_delete_and_permalink(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    ts = client.chat_postMessage(channel=people["lab"], text="draft")["ts"]
    updated = client.chat_update(channel=people["lab"], ts=ts, text="final").data
    assert updated["text"] == "final" and updated["message"]["edited"]["user"] == standin.bot_user_id
    link = client.chat_getPermalink(channel=people["lab"], message_ts=ts)["permalink"]
    assert link == f"https://clubbot-local.slack.com/archives/{people['lab']}/p{ts.replace('.', '')}"
    person_ts = standin.post_message(people["alice"], people["lab"], "mine")
    assert error_of(client.chat_update, channel=people["lab"], ts=person_ts, text="x")["error"] == "cant_update_message"
    assert error_of(client.chat_delete, channel=people["lab"], ts="1.000001")["error"] == "message_not_found"
    client.chat_delete(channel=people["lab"], ts=ts)
    assert [m.ts for m in standin.messages(people["lab"])] == [person_ts]


# ---- conversations -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("reading-club", None),
        ("뇌과학-독서모임", None),
        ("brainlink_2025", None),
        ("", "invalid_name_required"),
        ("Reading-Club", "invalid_name_specials"),
        ("reading club", "invalid_name_specials"),
        ("club.news", "invalid_name_specials"),
        ("x" * 81, "invalid_name_maxlength"),
        ("---", "invalid_name_punctuation"),
        ("_-_", "invalid_name_punctuation"),
    ],
)
def test_channel_name_rules(client: WebClient, name: str, error: str | None) -> None:
    if error is None:
        channel = client.conversations_create(name=name)["channel"]
        assert channel["name"] == name and channel["is_member"] is True
    else:
        assert error_of(client.conversations_create, name=name)["error"] == error


def test_create_returns_full_channel_and_name_taken(standin: SlackStandIn, client: WebClient) -> None:
    channel = client.conversations_create(name="neuro-club", is_private=True)["channel"]
    assert channel["id"].startswith("C") and channel["is_private"] is True
    assert channel["creator"] == standin.bot_user_id
    for key in ("created", "is_archived", "topic", "purpose", "name_normalized", "previous_names"):
        assert key in channel
    assert standin.channel(channel["id"]).members == [standin.bot_user_id]
    assert error_of(client.conversations_create, name="neuro-club")["error"] == "name_taken"


def test_invite_without_force_fails_whole_call_on_any_bad_user(
    standin: SlackStandIn, client: WebClient, people: dict
) -> None:
    users = [people["bob"], "U0NOBODY00", people["alice"]]
    data = error_of(client.conversations_invite, channel=people["lab"], users=users)
    assert data["error"] == "user_not_found"
    assert data["errors"] == [
        {"user": "U0NOBODY00", "ok": False, "error": "user_not_found"},
        {"user": people["alice"], "ok": False, "error": "already_in_channel"},
    ]
    assert people["bob"] not in standin.channel(people["lab"]).members


def test_invite_with_force_invites_the_valid_ones(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    users = [people["bob"], "U0NOBODY00", people["gone"], people["guest"], people["single"], standin.bot_user_id]
    data = client.conversations_invite(channel=people["lab"], users=users, force=True).data
    assert data["ok"] is True and data["channel"]["id"] == people["lab"]
    assert {e["user"]: e["error"] for e in data["errors"]} == {
        "U0NOBODY00": "user_not_found",
        people["gone"]: "cant_invite",
        people["guest"]: "user_is_restricted",
        people["single"]: "user_is_ultra_restricted",
        standin.bot_user_id: "cant_invite_self",
    }
    assert people["bob"] in standin.channel(people["lab"]).members
    joined = [m for m in standin.messages(people["lab"]) if m.subtype == "channel_join"]
    assert [(m.user, m.extra["inviter"]) for m in joined] == [(people["bob"], standin.bot_user_id)]


def test_invite_channel_level_errors(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    outside = standin.add_channel("outside", members=[people["alice"]])
    bob = people["bob"]
    assert error_of(client.conversations_invite, channel=outside, users=bob)["error"] == "not_in_channel"
    archived = standin.add_channel("old", members=[standin.bot_user_id], archived=True)
    assert error_of(client.conversations_invite, channel=archived, users=bob)["error"] == "is_archived"
    single = error_of(client.conversations_invite, channel=people["lab"], users=people["alice"])
    assert single["error"] == "already_in_channel"


def test_invite_shared_is_recorded(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    data = client.conversations_inviteShared(channel=people["lab"], emails=["partner@uni.example"]).data
    assert data["invite_id"].startswith("I")
    assert standin.shared_invites[0]["emails"] == ["partner@uni.example"]
    assert standin.shared_invites[0]["channel"] == people["lab"]
    assert (
        error_of(client.conversations_inviteShared, channel=people["lab"], emails=["not-an-email"])["error"]
        == "invalid_email"
    )


def test_join_leave_kick(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    outside = standin.add_channel("outside", members=[people["alice"], people["bob"]])
    secret = standin.add_channel("secret", is_private=True, members=[people["alice"]])
    joined = client.conversations_join(channel=outside).data
    assert joined["channel"]["is_member"] is True
    again = client.conversations_join(channel=outside).data
    assert again["warning"] == "already_in_channel"
    assert error_of(client.conversations_join, channel=secret)["error"] == "channel_not_found"
    client.conversations_kick(channel=outside, user=people["bob"])
    assert people["bob"] not in standin.channel(outside).members
    bob = people["bob"]
    assert error_of(client.conversations_kick, channel=outside, user=bob)["error"] == "not_in_channel"
    client.conversations_leave(channel=outside)
    assert standin.bot_user_id not in standin.channel(outside).members
    assert client.conversations_leave(channel=outside).data["not_in_channel"] is True


def test_rename_archive_topic_purpose(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    lab = people["lab"]
    renamed = client.conversations_rename(channel=lab, name="lab-2025")["channel"]
    assert renamed["name"] == "lab-2025" and renamed["previous_names"] == ["lab"]
    assert error_of(client.conversations_rename, channel=lab, name="general")["error"] == "name_taken"
    assert error_of(client.conversations_setTopic, channel=lab, topic="t" * 251)["error"] == "too_long"
    assert (
        client.conversations_setTopic(channel=lab, topic="Weekly papers")["channel"]["topic"]["value"]
        == "Weekly papers"
    )
    client.conversations_setPurpose(channel=lab, purpose="X-Lab Day follow-up")
    assert standin.channel(lab).purpose["value"] == "X-Lab Day follow-up"
    assert error_of(client.conversations_unarchive, channel=lab)["error"] == "not_archived"
    client.conversations_archive(channel=lab)
    assert error_of(client.conversations_archive, channel=lab)["error"] == "already_archived"
    assert error_of(client.chat_postMessage, channel=lab, text="x")["error"] == "is_archived"
    client.conversations_unarchive(channel=lab)
    assert standin.channel(lab).is_archived is False
    subtypes = [m.subtype for m in standin.messages(lab)]
    assert subtypes == ["channel_name", "channel_topic", "channel_purpose", "channel_archive", "channel_unarchive"]


def test_info_list_members_and_users_conversations(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    secret = standin.add_channel("secret", is_private=True, members=[people["alice"], standin.bot_user_id])
    hidden = standin.add_channel("hidden", is_private=True, members=[people["alice"]])
    info = client.conversations_info(channel=people["general"], include_num_members=True)["channel"]
    assert info["num_members"] == 3 and info["is_general"] is True
    public = [c["name"] for c in client.conversations_list()["channels"]]
    assert public == ["general", "lab"]
    both = [c["name"] for c in client.conversations_list(types="public_channel,private_channel")["channels"]]
    assert both == ["general", "lab", "secret"] and hidden not in both
    members = client.conversations_members(channel=people["general"], limit=2).data
    assert len(members["members"]) == 2 and members["response_metadata"]["next_cursor"]
    rest = client.conversations_members(
        channel=people["general"], limit=2, cursor=members["response_metadata"]["next_cursor"]
    ).data
    assert len(rest["members"]) == 1 and rest["response_metadata"]["next_cursor"] == ""
    mine = client.users_conversations(user=people["alice"], types="public_channel,private_channel")
    assert [c["id"] for c in mine["channels"]] == [people["general"], people["lab"], secret]


def test_history_pagination_newest_first(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    lab = people["lab"]
    stamps = [client.chat_postMessage(channel=lab, text=f"m{i}")["ts"] for i in range(7)]
    first = client.conversations_history(channel=lab, limit=3).data
    assert [m["text"] for m in first["messages"]] == ["m6", "m5", "m4"]
    assert first["has_more"] is True
    second = client.conversations_history(channel=lab, limit=3, cursor=first["response_metadata"]["next_cursor"])
    assert [m["text"] for m in second["messages"]] == ["m3", "m2", "m1"]
    third = client.conversations_history(channel=lab, limit=3, cursor=second["response_metadata"]["next_cursor"])
    assert [m["text"] for m in third["messages"]] == ["m0"] and third["has_more"] is False
    window = client.conversations_history(channel=lab, oldest=stamps[2], latest=stamps[4]).data
    assert [m["text"] for m in window["messages"]] == ["m3"]
    inclusive = client.conversations_history(channel=lab, oldest=stamps[2], latest=stamps[4], inclusive=True)
    assert [m["text"] for m in inclusive["messages"]] == ["m4", "m3", "m2"]
    everything = [m["text"] for page in client.conversations_history(channel=lab, limit=2) for m in page["messages"]]
    assert everything == [f"m{i}" for i in reversed(range(7))]
    assert error_of(client.conversations_history, channel=lab, cursor="bm9wZQ==")["error"] == "invalid_cursor"


def test_threads_and_replies(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    lab = people["lab"]
    parent = client.chat_postMessage(channel=lab, text="paper of the week")["ts"]
    standin.post_message(people["alice"], lab, "great read", thread_ts=parent)
    client.chat_postMessage(channel=lab, text="thanks", thread_ts=parent)
    history = client.conversations_history(channel=lab)["messages"]
    assert [m["text"] for m in history] == ["paper of the week"]
    assert history[0]["reply_count"] == 2
    assert history[0]["reply_users"] == [people["alice"], standin.bot_user_id]
    replies = client.conversations_replies(channel=lab, ts=parent)["messages"]
    assert [m["text"] for m in replies] == ["paper of the week", "great read", "thanks"]
    assert replies[1]["parent_user_id"] == standin.bot_user_id
    assert error_of(client.conversations_replies, channel=lab, ts="1.000001")["error"] == "thread_not_found"


def test_bot_not_in_public_channel_cannot_read_history(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    outside = standin.add_channel("outside", members=[people["alice"]])
    assert error_of(client.conversations_history, channel=outside)["error"] == "not_in_channel"


# ---- users, team, pins, reactions ----------------------------------------------------------------
def test_users_info_lookup_and_list(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    user = client.users_info(user=people["alice"], include_locale=True)["user"]
    assert (user["real_name"], user["locale"], user["tz"]) == ("Alice Kim", "ko-KR", "Asia/Seoul")
    assert user["tz_offset"] == 9 * 3600 and user["profile"]["email"] == "alice@example.org"
    assert "locale" not in client.users_info(user=people["alice"])["user"]
    assert error_of(client.users_info, user="U0NOBODY00")["error"] == "user_not_found"
    assert client.users_lookupByEmail(email="BOB@example.org")["user"]["id"] == people["bob"]
    assert error_of(client.users_lookupByEmail, email="nobody@example.org")["error"] == "users_not_found"
    pages = [page["members"] for page in client.users_list(limit=3)]  # slack_sdk follows next_cursor
    members = [m for page in pages for m in page]
    assert len(pages) == 3
    ids = {m["id"] for m in members}
    assert {people["alice"], people["gone"], standin.bot_user_id, "USLACKBOT"} <= ids  # like Slack
    assert next(m for m in members if m["id"] == people["gone"])["deleted"] is True


def test_team_info(client: WebClient) -> None:
    team = client.team_info()["team"]
    assert (team["id"], team["domain"], team["name"]) == ("T0CLUBBOT", "clubbot-local", "ClubBot Local")


def test_pins_and_reactions(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    ts = client.chat_postMessage(channel=people["lab"], text="pin me")["ts"]
    client.pins_add(channel=people["lab"], timestamp=ts)
    assert error_of(client.pins_add, channel=people["lab"], timestamp=ts)["error"] == "already_pinned"
    missing = error_of(client.pins_add, channel=people["lab"], timestamp="1.000001")
    assert missing["error"] == "message_not_found"
    items = client.pins_list(channel=people["lab"])["items"]
    assert [i["message"]["ts"] for i in items] == [ts]
    assert standin.messages(people["lab"])[0].pinned is True
    client.reactions_add(channel=people["lab"], timestamp=ts, name="tada")
    assert (
        error_of(client.reactions_add, channel=people["lab"], timestamp=ts, name="tada")["error"] == "already_reacted"
    )
    assert error_of(client.reactions_add, channel=people["lab"], timestamp=ts, name=":tada:")["error"] == "invalid_name"
    assert standin.messages(people["lab"])[0].reactions == [
        {"name": "tada", "users": [standin.bot_user_id], "count": 1}
    ]


def test_user_token_acts_as_the_person(standin: SlackStandIn, people: dict) -> None:
    alice = WebClient(base_url=standin.api_url, token=standin.user_token(people["alice"]), retry_handlers=[])
    assert alice.auth_test()["user_id"] == people["alice"]
    ts = alice.chat_postMessage(channel=people["lab"], text="from alice")["ts"]
    stored = standin.messages(people["lab"])[-1]
    assert (stored.ts, stored.user, stored.bot_id) == (ts, people["alice"], None)


# ---- views -----------------------------------------------------------------------------------
MODAL = {
    "type": "modal",
    "callback_id": "new-club",
    "title": {"type": "plain_text", "text": "New club"},
    "submit": {"type": "plain_text", "text": "Create"},
    "blocks": [
        {
            "type": "input",
            "block_id": "name",
            "label": {"type": "plain_text", "text": "Name"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}


def test_views_open_trigger_rules(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    with standin.ws.lock:
        fresh = standin.ws.new_trigger(people["alice"])
        stale = standin.ws.new_trigger(people["alice"])
    view = client.views_open(trigger_id=fresh, view=MODAL)["view"]
    assert view["id"].startswith("V") and view["root_view_id"] == view["id"] and view["hash"]
    assert view["state"] == {"values": {}} and view["callback_id"] == "new-club"
    assert [v.id for v in standin.views(people["alice"])] == [view["id"]]
    assert error_of(client.views_open, trigger_id=fresh, view=MODAL)["error"] == "exchanged_trigger_id"
    assert error_of(client.views_open, trigger_id="123.456.abc", view=MODAL)["error"] == "invalid_trigger_id"
    time.sleep(3.1)
    assert error_of(client.views_open, trigger_id=stale, view=MODAL)["error"] == "expired_trigger_id"


def test_views_validation_update_push_publish(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    with standin.ws.lock:
        triggers = [standin.ws.new_trigger(people["alice"]) for _ in range(4)]
    too_long = {**MODAL, "title": {"type": "plain_text", "text": "A title that is far too long"}}
    data = error_of(client.views_open, trigger_id=triggers[0], view=too_long)
    assert data["error"] == "invalid_arguments"
    assert data["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    ]
    no_submit = {k: v for k, v in MODAL.items() if k != "submit"}
    assert error_of(client.views_open, trigger_id=triggers[1], view=no_submit)["error"] == "invalid_arguments"
    view = client.views_open(trigger_id=triggers[2], view=MODAL)["view"]
    updated = client.views_update(
        view_id=view["id"], hash=view["hash"], view={**MODAL, "title": {"type": "plain_text", "text": "Renamed"}}
    )["view"]
    assert updated["id"] == view["id"] and updated["hash"] != view["hash"]
    assert error_of(client.views_update, view_id=view["id"], hash=view["hash"], view=MODAL)["error"] == "hash_conflict"
    pushed = client.views_push(trigger_id=triggers[3], view=MODAL)["view"]
    assert pushed["previous_view_id"] == view["id"] and pushed["root_view_id"] == view["id"]
    assert [v.id for v in standin.views(people["alice"])] == [view["id"], pushed["id"]]
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Your clubs"}}]}
    published = client.views_publish(user_id=people["alice"], view=home)["view"]
    assert published["type"] == "home" and standin.home(people["alice"]).id == published["id"]
    again = client.views_publish(user_id=people["alice"], view=home)["view"]
    assert again["id"] == published["id"]


# ---- files --------------------------------------------------------------------------------------
def test_files_upload_v2_end_to_end(standin: SlackStandIn, client: WebClient, people: dict) -> None:
    response = client.files_upload_v2(
        channel=people["lab"],
        content="quarter,clubs\nQ1,4\n",
        filename="report.csv",
        title="Q1 report",
        initial_comment="Quarterly report",
    )
    assert response["file"]["title"] == "Q1 report"
    stored = standin.files(people["lab"])
    assert len(stored) == 1 and stored[0].data == b"quarter,clubs\nQ1,4\n"
    message = standin.messages(people["lab"])[-1]
    assert message.text == "Quarterly report" and message.files[0]["id"] == stored[0].id
    assert [c.method for c in standin.calls] == ["files.getUploadURLExternal", "files.completeUploadExternal"]
    outside = standin.add_channel("outside", members=[people["alice"]])
    with pytest.raises(SlackApiError) as info:
        client.files_upload_v2(channel=outside, content="x", filename="x.txt")
    assert info.value.response["error"] == "not_in_channel"
    url_private = stored[0].to_api(standin.base_url, "x")["url_private"]
    download = httpx.get(url_private, headers={"Authorization": f"Bearer {standin.bot_token}"})
    assert download.content == b"quarter,clubs\nQ1,4\n"
    assert httpx.get(url_private).status_code == 403


def test_debug_endpoint_lists_calls(standin: SlackStandIn, client: WebClient) -> None:
    client.auth_test()
    calls = httpx.get(standin.base_url + "_standin/calls").json()
    assert [c["method"] for c in calls] == ["auth.test"] and calls[0]["ok"] is True


def test_json_callers_must_send_the_token_in_the_header(standin: SlackStandIn) -> None:
    body = {"token": standin.bot_token, "channel": "C1", "text": "x"}
    data = httpx.post(standin.api_url + "chat.postMessage", json=body).json()
    assert data == {"ok": False, "error": "not_authed"}


def test_channel_names_are_accepted_where_slack_accepts_them(
    standin: SlackStandIn, client: WebClient, people: dict
) -> None:
    assert client.chat_postMessage(channel="#lab", text="by name")["channel"] == people["lab"]


def test_listing_private_channels_needs_groups_read(standin: SlackStandIn, people: dict) -> None:
    standin.scopes = frozenset({"channels:read"})
    client = WebClient(base_url=standin.api_url, token=standin.bot_token, retry_handlers=[])
    assert client.conversations_list()["ok"]
    data = error_of(client.conversations_list, types="public_channel,private_channel")
    assert (data["error"], data["needed"]) == ("missing_scope", "groups:read")
