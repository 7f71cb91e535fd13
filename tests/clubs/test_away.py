"""Away time from the App Home: a person says "away until DATE", the Home tab says so, a day past is refused on
its field, and an empty date means back; away times are kept as history, and `/club status` counts a member
away the whole quarter as away, not silent."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.domain import Quarter
from bot.people import set_away
from bot.slack.text import render_view
from storage.models import AwaySpan, Participant
from tests.factories import make_club
from tests.support import seen_by_user
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


def spans(slack, user_id):
    with slack.db.session() as session:
        return [
            (s.first_day, s.last_day)
            for s in session.scalars(
                select(AwaySpan)
                .join(Participant, Participant.id == AwaySpan.participant_id)
                .where(Participant.slack_user_id == user_id)
                .order_by(AwaySpan.first_day)
            )
        ]


def test_away_times_are_kept_as_history(slack):
    club = make_club(slack)
    member = club.members[0]
    steps = [  # (today, away until) → the spans kept
        (date(2026, 11, 2), date(2026, 11, 10), [(date(2026, 11, 2), date(2026, 11, 10))]),
        (date(2026, 11, 4), date(2026, 11, 12), [(date(2026, 11, 2), date(2026, 11, 12))]),  # longer
        (date(2026, 11, 6), None, [(date(2026, 11, 2), date(2026, 11, 5))]),  # back early: ended yesterday
        (
            date(2026, 11, 20),
            date(2026, 11, 22),
            [(date(2026, 11, 2), date(2026, 11, 5)), (date(2026, 11, 20), date(2026, 11, 22))],
        ),
        (date(2026, 11, 20), None, [(date(2026, 11, 2), date(2026, 11, 5))]),  # back the same day: never away
    ]
    for today, until, expected in steps:
        with slack.db.session() as session:
            set_away(session, member, until, today=today)
        assert spans(slack, member) == expected, (today, until)


@pytest.mark.parametrize(("locale", "expected"), [("en-US", "silent 2 · away 1"), ("ko-KR", "조용 2 · 부재 1")])
def test_club_status_counts_a_member_away_the_whole_quarter_as_away_not_silent(slack, locale, expected):
    club = make_club(slack, members=2, locale=locale)
    today = datetime.now(SEOUL).date()
    quarter = Quarter.containing(today)
    with slack.db.session() as session:  # said on the quarter's first day: away until next week
        set_away(session, club.members[0], today + timedelta(days=7), today=quarter.first_day)
    status = seen_by_user(slack.command(club.leaders[0], club.channel, "status"))
    assert expected in status  # the leader and the other member are silent
