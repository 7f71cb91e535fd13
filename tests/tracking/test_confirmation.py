"""Confirmation is someone else's word: a leader cannot confirm an output they filed or worked on; another
leader of the club or the secretariat confirms it, and the card says so."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Output
from tests.factories import make_club
from tests.support import seen_by_user
from tests.tracking.support import card, ephemeral_texts


def _card_ts(slack, channel: str) -> str:
    return next(m.ts for m in slack.standin.messages(channel) if m.bot_id)


def _confirmed(slack) -> bool:
    with slack.db.session() as session:
        return session.scalar(select(Output.confirmed_at)) is not None


def test_a_leader_cannot_confirm_their_own_output_another_leader_can(slack):
    club = make_club(slack, leaders=2, locale="en-US")
    author, other = club.leaders
    seen_by_user(slack.command(author, club.channel, 'output workshop "Winter school" status:completed'))
    shown = card(slack, club.channel, "output:1")
    assert "기록하거나 함께 작업하지 않은 리더, 또는 사무국이 확인" in shown  # the club's language is Korean
    ts = _card_ts(slack, club.channel)

    slack.standin.click(author, action_id="tracking:confirm_output", channel_id=club.channel, message_ts=ts)
    refused = ephemeral_texts(slack, author, at_least=2)
    assert any("You filed or worked on *o1*" in text and "another leader" in text for text in refused)
    assert not _confirmed(slack)

    slack.standin.click(other, action_id="tracking:confirm_output", channel_id=club.channel, message_ts=ts)
    assert any("You confirmed *o1*" in text for text in ephemeral_texts(slack, other))
    assert _confirmed(slack)


def test_a_co_author_leader_cannot_confirm_the_secretariat_can(slack):
    club = make_club(slack)
    member, leader = club.members[0], club.leaders[0]
    seen_by_user(slack.command(member, club.channel, 'output paper "Cat qubits" with:@quantum-leader0'))
    card(slack, club.channel, "output:1")
    ts = _card_ts(slack, club.channel)
    slack.standin.click(leader, action_id="tracking:confirm_output", channel_id=club.channel, message_ts=ts)
    assert any("You filed or worked on *o1*" in text for text in ephemeral_texts(slack, leader))
    assert not _confirmed(slack)

    slack.standin.join_channel(slack.admin, club.channel)
    slack.standin.click(slack.admin, action_id="tracking:confirm_output", channel_id=club.channel, message_ts=ts)
    assert slack.standin.wait_for(lambda: _confirmed(slack))
