"""The App Home asks a club member without an ORCID iD for one, once; a member with one is never asked."""

from __future__ import annotations

from sqlalchemy import select

from bot.standin.scholarly import make_orcid
from storage.models import Participant
from tests.factories import make_club
from tests.support import World


def _open_home(world: World, user_id: str, publishes: int) -> str:
    world.standin.open_home(user_id)
    assert world.standin.wait_for(lambda: len(_publishes(world, user_id)) >= publishes, timeout=5)
    home = world.standin.home(user_id)
    assert home is not None
    return str(home.blocks)


def _publishes(world: World, user_id: str) -> list[object]:
    return [c for c in world.standin.calls_to("views.publish") if str(user_id) in str(c)]


def test_the_home_asks_for_an_orcid_id_once(slack):
    club = make_club(slack, members=2)
    asked, has_one = club.members
    with slack.db.session() as session:
        person = session.scalar(select(Participant).where(Participant.slack_user_id == has_one))
        assert person is not None
        person.orcid = make_orcid(7)

    first = _open_home(slack, asked, 1)
    assert "Add your *ORCID iD* to your record" in first and "Add my ORCID iD" in first
    assert slack.standin.wait_for(lambda: _nudged(slack, asked))
    second = _open_home(slack, asked, 2)
    assert "ORCID iD" not in second  # once
    assert "ORCID iD" not in _open_home(slack, has_one, 1)


def _nudged(world: World, user_id: str) -> bool:
    with world.db.session() as session:
        person = session.scalar(select(Participant).where(Participant.slack_user_id == user_id))
        return person is not None and person.orcid_nudged_at is not None
