"""Synthetic catalogues for the Crossref/OpenAlex stand-in (`bot.standin.scholarly`): clubs of people with and
without ORCID iDs, and a year of their works, some joint (the benchmark and the larger tests)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from bot.standin.scholarly import Person, ScholarlyServer, make_orcid

# --- synthetic catalogues (benchmark, larger tests) ---------------------------------------------------

COUNTRIES = ("KR", "KR", "KR", "US", "DE", "JP", "GB", "FR", "CN", "SG")


def synthetic_clubs(
    server: ScholarlyServer, *, clubs: int, members: int, with_orcid: int, seed: int = 18
) -> list[list[Person]]:
    """`clubs` clubs of `members` people, the first `with_orcid` of each with an ORCID iD."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible catalogue, not security
    roster: list[list[Person]] = []
    number = 0
    for club in range(clubs):
        people = []
        for index in range(members):
            number += 1
            orcid = make_orcid(number) if index < with_orcid else None
            people.append(server.person(f"Given{number}", f"Family{club}", orcid=orcid, country=rng.choice(COUNTRIES)))
        roster.append(people)
    return roster


def synthetic_works(
    server: ScholarlyServer,
    clubs: Iterable[Sequence[Person]],
    *,
    start: date,
    days: int = 365,
    solo_per_member: int = 3,
    joint_per_club: int = 4,
    seed: int = 18,
) -> int:
    """A year of works: each member's own papers (with outsiders), and `joint_per_club` papers of 2-3 members
    of each club. Returns the number of joint works made."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible catalogue, not security
    outsiders = [server.person(f"Out{i}", "Side", country=rng.choice(COUNTRIES)) for i in range(50)]
    joint = 0
    for club_index, people in enumerate(clubs):
        for person in people:
            for k in range(solo_per_member):
                day = start + timedelta(days=rng.randrange(days))
                server.work(
                    f"10.5555/solo.{person.openalex_id.lower()}.{k}", [person, *rng.sample(outsiders, 2)], published=day
                )
        with_ids = [p for p in people if p.orcid]
        for k in range(joint_per_club):
            day = start + timedelta(days=rng.randrange(days))
            team = rng.sample(with_ids, rng.choice((2, 3)))
            others = [rng.choice(outsiders)] if k % 2 else []  # half of them with a co-author outside the club
            server.work(f"10.5555/joint.{club_index}.{k}", [*team, *others], published=day)
            joint += 1
    return joint
