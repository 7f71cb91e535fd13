"""Away time from the App Home: a person says "away until DATE", the Home tab says so, a day past is refused on
its field, and an empty date means back."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.slack.text import render_view
from storage.models import Participant
from tests.factories import make_club
from tests.tracking.support import errors_of, top_view

SEOUL = ZoneInfo("Asia/Seoul")


def away_until(slack, user_id):
    with slack.db.session() as session:
        return session.scalars(select(Participant.away_until).where(Participant.slack_user_id == user_id)).one()


def home_text(slack, user_id, *, containing: str) -> str:
    slack.standin.open_home(user_id)
    assert slack.standin.wait_for(
        lambda: (home := slack.standin.home(user_id)) is not None and containing in render_view(home.__dict__)
    ), render_view(slack.standin.home(user_id).__dict__) if slack.standin.home(user_id) else "no home"
    return render_view(slack.standin.home(user_id).__dict__)


def test_a_member_sets_away_until_a_date_sees_it_on_home_and_comes_back(slack):
    club = make_club(slack)
    member = club.members[0]
    home_text(slack, member, containing="I'm away")
    slack.standin.click(member, action_id="home_away")
    form = top_view(slack, member)
    assert form.callback_id == "home:away_form"

    today = datetime.now(SEOUL).date()
    past = slack.standin.submit_view(member, form.id, {"until": {"until": (today - timedelta(days=1)).isoformat()}})
    assert "has already passed" in errors_of(past)["until"]
    assert away_until(slack, member) is None

    until = today + timedelta(days=10)
    saved = slack.standin.submit_view(member, form.id, {"until": {"until": until.isoformat()}})
    assert saved.ok and not (saved.json or {}).get("response_action")
    assert away_until(slack, member) == until
    assert "You are away until" in home_text(slack, member, containing="You are away until")

    slack.standin.click(member, action_id="home_away")
    again = top_view(slack, member)
    assert until.isoformat() in str(again.blocks)  # the form shows the current date
    slack.standin.submit_view(member, again.id, {"until": {"until": None}})
    assert slack.standin.wait_for(lambda: away_until(slack, member) is None)
