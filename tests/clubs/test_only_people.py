"""Only people join clubs: Slackbot, other bots, deactivated accounts and user IDs Slack does not know are refused
by `/club invite` with a reason, and ignored when Slack says they joined a club channel."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.slack.text import render_message
from storage.models import Membership, Participant
from tests.factories import make_club
from tests.support import seen_by_user


def memberships(slack, user_id: str) -> int:
    with slack.db.session() as session:
        return session.scalar(
            select(func.count())
            .select_from(Membership)
            .join(Participant, Participant.id == Membership.participant_id)
            .where(Participant.slack_user_id == user_id)
        )


def participants(slack, user_id: str) -> int:
    with slack.db.session() as session:
        return session.scalar(select(func.count()).select_from(Participant).where(Participant.slack_user_id == user_id))


def invite(slack, club, who: str) -> str:
    delivery = slack.command(club.leaders[0], club.channel, f"invite {who}")
    first = seen_by_user(delivery, timeout=10)
    if "report back" not in first:
        return first
    responses = delivery.wait_for_responses(n=2, timeout=10)  # "inviting them now", then the summary
    return "\n".join(render_message(r.get("text"), r.get("blocks")) for r in responses)


def test_slackbot_and_other_bots_are_refused_as_members(slack):
    club = make_club(slack)
    answer = invite(slack, club, "@slackbot")
    assert "only people join clubs" in answer
    assert memberships(slack, "USLACKBOT") == 0 and participants(slack, "USLACKBOT") == 0

    robot = slack.standin.add_user("helper-bot", is_bot=True)
    assert "only people join clubs" in invite(slack, club, "@helper-bot")
    assert memberships(slack, robot) == 0


def test_deactivated_accounts_are_refused_with_their_reason(slack):
    club = make_club(slack)
    gone = slack.standin.add_user("gone", email="gone@kaist.example", deleted=True)
    assert "deactivated" in invite(slack, club, "@gone")
    assert memberships(slack, gone) == 0


def test_a_bot_or_an_unknown_user_joining_the_channel_creates_no_member(slack):
    club = make_club(slack)
    robot = slack.standin.add_user("helper-bot", is_bot=True)
    slack.standin.join_channel(robot, club.channel)
    event = {"type": "member_joined_channel", "user": "U0NOBODY9", "channel": club.channel, "channel_type": "C"}
    slack.standin.send_event(event)
    person = slack.person("newcomer", email="newcomer@kist.example")
    slack.standin.join_channel(person, club.channel)  # a person after them: when they are in, the others were seen
    assert slack.standin.wait_for(lambda: memberships(slack, person) == 1)
    assert memberships(slack, robot) == 0 and memberships(slack, "U0NOBODY9") == 0
    assert participants(slack, "U0NOBODY9") == 0
