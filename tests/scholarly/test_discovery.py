"""Discovery's rules, table-driven: which works found are a club's joint works, which are international."""

from __future__ import annotations

from datetime import date

import pytest

from bot.scholarly.discovery import countries_of, discover, members_on, orcids_to_ask
from bot.scholarly.types import Authorship, ClubRoster, DiscoveredWork, Member, SkipReason

KIM = Member(1, "Kim", "0000-0002-0000-0001", "KR")
LEE = Member(2, "Lee", "0000-0002-0000-0002", "KR")
MÜLLER = Member(3, "Müller", "0000-0002-0000-0003", "DE")
PARK = Member(4, "Park", None, "KR", openalex_ids=frozenset({"A77"}))
NOID = Member(5, "No iD", None, "US")
OUTSIDER = Authorship("A900", "0000-0002-0000-0900", "Outsider", ("KR",))
ABROAD = Authorship("A901", None, "Abroad", ("JP",))
SINCE = date(2025, 1, 1)


def on(member: Member, *countries: str) -> Authorship:
    return Authorship(f"A{member.participant_id}", member.orcid, member.name, countries)


def work(doi: str | None, *authors: Authorship, published=date(2025, 6, 1), kind="article", wid=None):
    return DiscoveredWork(wid or f"W{abs(hash(doi)) % 10**8}", doi, f"About {doi}", "Venue", published, kind, authors)


def roster(*members: Member, filed=(), seen=(), club_id=10) -> ClubRoster:
    return ClubRoster(club_id, SINCE, members, frozenset(filed), frozenset(seen))


CLUB = roster(KIM, LEE, MÜLLER, PARK, NOID)

CASES = [
    # id, work, roster, suggested?, skip reason, international
    ("single author", work("10.1234/a", on(KIM)), CLUB, False, SkipReason.ONE_MEMBER, None),
    ("a member with a non-member", work("10.1234/b", on(KIM), OUTSIDER), CLUB, False, SkipReason.ONE_MEMBER, None),
    ("no member at all", work("10.1234/c", OUTSIDER, ABROAD), CLUB, False, None, None),
    ("two members", work("10.1234/d", on(KIM), on(LEE)), CLUB, True, None, False),
    ("two members and an outsider", work("10.1234/e", on(KIM), OUTSIDER, on(LEE)), CLUB, True, None, False),
    ("two members, two countries", work("10.1234/f", on(KIM), on(MÜLLER)), CLUB, True, None, True),
    (
        "member countries alike, an institution abroad",
        work("10.1234/g", on(KIM), on(LEE), ABROAD),
        CLUB,
        True,
        None,
        True,
    ),
    (
        "an authorship's own institutions abroad",
        work("10.1234/h", on(KIM, "KR", "US"), on(LEE)),
        CLUB,
        True,
        None,
        True,
    ),
    (
        "matched by OpenAlex author id",
        work("10.1234/i", on(KIM), Authorship("A77", None, "P", ())),
        CLUB,
        True,
        None,
        False,
    ),
    (
        "already filed",
        work("10.1234/j", on(KIM), on(LEE)),
        roster(KIM, LEE, filed={"10.1234/J"}),
        False,
        SkipReason.ALREADY_FILED,
        None,
    ),
    (
        "rejected or suggested before",
        work("10.1234/k", on(KIM), on(LEE)),
        roster(KIM, LEE, seen={"https://doi.org/10.1234/k"}),
        False,
        SkipReason.ALREADY_SEEN,
        None,
    ),
    (
        "before the club's meeting",
        work("10.1234/l", on(KIM), on(LEE), published=date(2024, 12, 31)),
        CLUB,
        False,
        SkipReason.BEFORE_SINCE,
        None,
    ),
    ("on the meeting day", work("10.1234/m", on(KIM), on(LEE), published=SINCE), CLUB, True, None, False),
    ("no DOI", work(None, on(KIM), on(LEE)), CLUB, False, SkipReason.NO_DOI, None),
    ("a dataset", work("10.1234/n", on(KIM), on(LEE), kind="dataset"), CLUB, False, SkipReason.NOT_A_PAPER, None),
    ("a preprint", work("10.1234/o", on(KIM), on(LEE), kind="preprint"), CLUB, True, None, False),
    ("unknown type", work("10.1234/p", on(KIM), on(LEE), kind=None), CLUB, True, None, False),
    ("one member listed twice", work("10.1234/q", on(KIM), on(KIM)), CLUB, False, SkipReason.ONE_MEMBER, None),
    ("members of another club", work("10.1234/r", on(KIM), on(LEE)), roster(MÜLLER, NOID), False, None, None),
]


@pytest.mark.parametrize(
    ("found", "club", "suggested", "reason", "international"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_rules(found, club, suggested, reason, international):
    result = discover([club], [found])
    assert bool(result.suggestions) is suggested
    if suggested:
        (suggestion,) = result.suggestions
        assert suggestion.doi == found.doi
        assert suggestion.international is international
        assert len(suggestion.members) >= 2
    assert [s.reason for s in result.skipped] == ([reason] if reason else [])


def test_the_members_on_a_work_come_in_roster_order_with_their_countries():
    found = work("10.1234/z", on(MÜLLER), OUTSIDER, on(KIM), ABROAD)
    (suggestion,) = discover([CLUB], [found]).suggestions
    assert suggestion.members == (KIM, MÜLLER)
    assert suggestion.countries == ("DE", "JP", "KR")
    assert members_on(found, CLUB.members) == (KIM, MÜLLER)
    assert countries_of(found, [NOID]) == ("JP", "KR", "US")  # the members given, and the institutions


def test_an_already_filed_joint_work_is_reported_for_linking():
    club = roster(KIM, LEE, filed={"10.1234/j"})
    result = discover([club], [work("10.1234/j", on(KIM), on(LEE))])
    (filed,) = result.already_filed
    assert (filed.club_id, filed.doi, filed.members) == (10, "10.1234/j", (KIM, LEE))


def test_one_doi_under_two_openalex_ids_is_suggested_once():
    one = work("10.1234/dup", on(KIM), on(LEE), wid="W1")
    two = work("10.1234/dup", on(KIM), on(LEE), wid="W2")
    result = discover([CLUB], [two, one])
    assert [s.work.openalex_id for s in result.suggestions] == ["W1"]
    assert [(s.openalex_id, s.reason) for s in result.skipped] == [("W2", SkipReason.DUPLICATE)]


def test_the_order_is_stable_clubs_then_dates_then_dois():
    other = roster(KIM, LEE, club_id=3)
    works = [
        work("10.1234/b", on(KIM), on(LEE), published=date(2025, 5, 1)),
        work("10.1234/a", on(KIM), on(LEE), published=date(2025, 5, 1)),
        work("10.1234/c", on(KIM), on(LEE), published=date(2025, 2, 1)),
    ]
    first = discover([CLUB, other], works)
    again = discover([other, CLUB], list(reversed(works)))
    assert first == again
    assert [(s.club_id, s.doi) for s in first.suggestions] == [
        (3, "10.1234/c"),
        (3, "10.1234/a"),
        (3, "10.1234/b"),
        (10, "10.1234/c"),
        (10, "10.1234/a"),
        (10, "10.1234/b"),
    ]


def test_what_to_ask_openalex_only_clubs_with_two_ids():
    lonely = ClubRoster(2, date(2024, 3, 1), (KIM, NOID))
    late = ClubRoster(3, date(2025, 9, 1), (LEE, MÜLLER))
    early = ClubRoster(4, date(2024, 9, 1), (KIM, MÜLLER, PARK))
    orcids, since = orcids_to_ask([lonely, late, early])
    assert orcids == [KIM.orcid, LEE.orcid, MÜLLER.orcid]
    assert since == date(2024, 9, 1)
    assert orcids_to_ask([lonely]) == ([], None)
