"""Hostile text filed from `/club`, over HTTP: what a person types never reaches Slack as a mention or a link,
neither in the channel card (its fallback `text` is what Slack notifies with) nor in the private answers;
and every filed text has a length limit, told in words on the command and on the form."""

from __future__ import annotations

import json
import re

from sqlalchemy import func, select

from bot.slack.text import render_message
from storage.models import Output, Update
from tests.factories import make_club
from tests.support import deliver_all, seen_by_user
from tests.tracking.support import ephemeral_texts, errors_of, top_view

LIVE = re.compile(r"<!(?:channel|here|everyone|subteam)|<@UEVIL|<#CEVIL|<https://evil\.example")
HOSTILE = (
    "<!channel> <!here> <!everyone> <@UEVIL01> <#CEVIL01> <!subteam^SEVIL01|@staff> <https://evil.example|click> & hi"
)


def _raw_texts(payload) -> list[str]:
    """Every string of a Slack payload, unrendered."""
    if isinstance(payload, dict):
        return [text for value in payload.values() for text in _raw_texts(value)]
    if isinstance(payload, list):
        return [text for value in payload for text in _raw_texts(value)]
    return [payload] if isinstance(payload, str) else []


def _card_message(slack, channel: str):
    deliver_all(slack)
    return next(m for m in slack.standin.messages(channel) if m.bot_id and "evil" in (m.text or "") + str(m.blocks))


def test_an_output_titled_with_mentions_notifies_nobody(slack):
    club = make_club(slack)
    member = club.members[0]
    reply = slack.command(member, club.channel, f'output paper "{HOSTILE}" doi:10.1234/evil.1')
    seen_by_user(reply)
    message = _card_message(slack, club.channel)
    for text in [message.text, *_raw_texts(message.blocks)]:
        assert not LIVE.search(text), text
    assert "<!channel>" in render_message(message.text, message.blocks)  # shown literally, as typed

    again = slack.command(club.members[1], club.channel, f'output paper "{HOSTILE}" doi:10.1234/evil.1')
    shown = seen_by_user(again)
    assert "already recorded" in shown and "<!channel>" in shown
    for text in _raw_texts(again.json) + [t for r in again.wait_for_responses(n=0, timeout=0.5) for t in _raw_texts(r)]:
        assert not LIVE.search(text), text

    leader = club.leaders[0]
    slack.standin.click(leader, action_id="tracking:confirm_output", channel_id=club.channel, message_ts=message.ts)
    texts = ephemeral_texts(slack, leader)
    assert any("o1" in text for text in texts)
    for ephemeral in slack.standin.ephemerals(leader):
        for text in [ephemeral.text or "", *_raw_texts(ephemeral.blocks)]:
            assert not LIVE.search(text), text


def test_an_update_longer_than_the_limit_is_refused_with_the_limit_named(slack):
    club = make_club(slack)
    member = club.members[0]
    shown = seen_by_user(slack.command(member, club.channel, "update " + "x" * 5000))
    assert "5,000 characters" in shown and "at most 3,000 characters" in shown
    shown = seen_by_user(slack.command(member, club.channel, "plan " + "y" * 3001))
    assert "at most 3,000 characters" in shown
    title = "T" * 501
    shown = seen_by_user(slack.command(member, club.channel, f'output paper "{title}"'))
    assert "at most 500 characters" in shown
    note = "n" * 3001
    shown = seen_by_user(slack.command(member, club.channel, f'output paper "Short" note:"{note}"'))
    assert "at most 3,000 characters" in shown
    with slack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Update)) == 0
        assert session.scalar(select(func.count()).select_from(Output)) == 0



def test_the_limit_is_told_in_korean(slack):
    club = make_club(slack, "Battery Club", locale="ko-KR")
    shown = seen_by_user(slack.command(club.members[0], club.channel, "update " + "가" * 3001))
    assert "3,001자" in shown and "최대 3,000자" in shown


def test_the_forms_name_the_limit_on_the_field(slack):
    club = make_club(slack)
    member = club.members[0]
    slack.command(member, club.channel, "output paper")
    view = top_view(slack, member)
    assert '"max_length": 500' in json.dumps(view.blocks)  # Slack itself stops typing at the limit
    values = {"type": {"type": "paper"}, "title": {"title": "Fine"}, "note": {"note": "n" * 3001}}
    errors = errors_of(slack.standin.submit_view(member, view.id, values))
    assert list(errors) == ["note"] and "at most 3,000 characters" in errors["note"]

    slack.standin.close_view(member, view.id)  # the person gives up on the output
    slack.command(member, club.channel, "meeting")
    assert slack.standin.wait_for(
        lambda: any(view.callback_id == "tracking:meeting_form" for view in slack.standin.views(member))
    )
    view = top_view(slack, member)
    values = {"held_on": {"held_on": "2026-11-03"}, "summary": {"summary": "s" * 3001}}
    errors = errors_of(slack.standin.submit_view(member, view.id, values))
    assert list(errors) == ["summary"] and "at most 3,000 characters" in errors["summary"]
