"""End to end: DOI in, record filled. `/club output paper doi:…` with no title is saved and confirmed at once; the
DOI is looked up in the Crossref stand-in afterwards and the channel card updated through the outbox."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage.models import DoiMetadata, Output
from tests.factories import make_club
from tests.support import World, seen_by_user
from tests.tracking.support import card


def _output(world: World, doi: str) -> Output:
    with world.db.session() as session:
        output = session.scalar(select(Output).where(Output.doi == doi))
        assert output is not None
        return output


def _looked_up(world: World, doi: str) -> bool:
    with world.db.session() as session:
        return session.get(DoiMetadata, doi) is not None


def _card_once_looked_up(world: World, club, doi: str, needle: str) -> str:
    assert world.standin.wait_for(lambda: _looked_up(world, doi), timeout=20)
    output = _output(world, doi)
    assert world.standin.wait_for(lambda: needle in card(world, club.channel, f"output:{output.id}"), timeout=20)
    return card(world, club.channel, f"output:{output.id}")


def test_a_doi_alone_is_filed_at_once_then_filled_from_crossref(slack, scholarly):
    club = make_club(slack)
    ada = scholarly.person("Ada", "Kim", country="KR")
    bo = scholarly.person("Bo", "Lee", country="DE")
    scholarly.work(
        "10.5555/Filled.1",
        [ada, bo],
        title="Entangled <b>qubits</b> at room temperature",
        venue="Journal of Quantum & Things",
        published=date(2026, 10, 12),
    )
    reply = seen_by_user(
        slack.command(club.members[0], club.channel, "output paper status:published doi:10.5555/FILLED.1")
    )
    assert "o1" in reply  # saved and confirmed at once, with its ID, before Crossref was asked
    text = _card_once_looked_up(slack, club, "10.5555/filled.1", "Entangled")
    assert "Entangled qubits at room temperature" in text  # the title Crossref gives (its markup dropped)
    assert "게재: Journal of Quantum & Things" in text  # the club's language; escaped in the blocks (rendered here)
    assert "저자: Ada Kim, Bo Lee" in text
    assert "상태: 게재·발표 · 2026. 10. 12." in text
    assert "DOI: 10.5555/filled.1 (https://doi.org/10.5555/filled.1)" in text
    output = _output(slack, "10.5555/filled.1")
    assert output.title == "Entangled qubits at room temperature"
    assert output.occurred_on == date(2026, 10, 12)  # the date of a published paper, left empty, filled


def test_what_the_member_typed_wins_and_a_different_type_is_pointed_out(slack, scholarly):
    club = make_club(slack)
    ada = scholarly.person("Ada", "Kim")
    scholarly.work("10.5555/data.1", [ada], title="The Crossref title", crossref_type="dataset")
    slack.command(club.members[0], club.channel, 'output paper "Our own title" doi:10.5555/data.1')
    text = _card_once_looked_up(slack, club, "10.5555/data.1", "dataset")
    assert "Our own title" in text and "The Crossref title" not in text
    assert "Crossref에는 이 DOI가 _dataset_(으)로 등록되어 있어 입력한 유형과 다릅니다" in text
    assert _output(slack, "10.5555/data.1").title == "Our own title"


def test_a_doi_crossref_does_not_know_is_kept_and_said_so(slack, scholarly):
    club = make_club(slack, language="en")
    slack.command(club.members[0], club.channel, "output paper doi:10.5555/nobody-knows")
    text = _card_once_looked_up(slack, club, "10.5555/nobody-knows", "does not know")
    assert ":grey_question: Crossref does not know this DOI; the output is kept as filed." in text
    output = _output(slack, "10.5555/nobody-knows")
    assert output.title == "" and output.doi == "10.5555/nobody-knows"
    with slack.db.session() as session:
        cached = session.get(DoiMetadata, "10.5555/nobody-knows")
        assert cached is not None and cached.message is None
