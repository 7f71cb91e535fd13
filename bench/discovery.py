"""Benchmark: discovering joint papers for 16 clubs of 40 members (30 with ORCID iDs) over a year of works.

The loopback Crossref/OpenAlex stand-in (`bot/standin/scholarly.py`, in this process) serves a synthetic
year: six works of each member with outsiders, and four joint works of 2-3 members per club, plus 50
outsiders. What is timed is what the weekly `outputs-discovery` job will run against OpenAlex: the members'
authors resolved by ORCID iD (`OpenAlexClient.authors`), every club's members' works since the earliest
meeting listed in batches of 50 iDs with cursor paging (`OpenAlexClient.works`), then the pure rules
(`bot.scholarly.discovery.discover`). The number of requests is checked against the target (at most one
list request per 50 iDs per page). The floor is the same number of trivial requests (`/ping`) through the
same HTTP layer and concurrency, measured in the same run; the ratio says what the payloads and the
client's own work cost on top of the round trips.

    .venv/bin/python bench/discovery.py [--clubs 16] [--members 40] [--with-orcid 30] [--works-per-member 6]
        [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import time
from datetime import date, timedelta

from _common import documented, machine

from bot.scholarly.discovery import discover, orcids_to_ask
from bot.scholarly.http import Http, HttpOptions, RequestBudget, Session
from bot.scholarly.openalex import MAX_IDS, PER_PAGE, OpenAlexClient
from bot.scholarly.types import ClubRoster, Member
from bot.standin.scholarly import ScholarlyServer
from bot.standin.scholarly_synthetic import synthetic_clubs, synthetic_works


def _rosters(clubs, since: date) -> list[ClubRoster]:
    rosters = []
    number = 0
    for club_id, people in enumerate(clubs, start=1):
        members = []
        for person in people:
            number += 1
            members.append(Member(number, person.name, person.orcid, person.country))
        rosters.append(ClubRoster(club_id, since, tuple(members)))
    return rosters


def _floor(http: Http, url: str, count: int) -> float:
    async def pings(session: Session) -> None:
        await asyncio.gather(*(session.get_json(url) for _ in range(count)))

    started = time.perf_counter()
    http.run(pings)
    return time.perf_counter() - started


@documented("discovery")
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clubs", type=int, default=16)
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--with-orcid", type=int, default=30)
    parser.add_argument("--works-per-member", type=int, default=6, help="each member's own works in the year")
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()

    server = ScholarlyServer().start()
    try:
        today = date(2026, 6, 1)
        since = today - timedelta(days=365)
        clubs = synthetic_clubs(server, clubs=options.clubs, members=options.members, with_orcid=options.with_orcid)
        joint = synthetic_works(server, clubs, start=since, days=365, solo_per_member=options.works_per_member)
        rosters = _rosters(clubs, since)
        orcids, earliest = orcids_to_ask(rosters)
        assert earliest is not None
        print(f"machine: {machine()}")
        print(
            f"catalogue: {options.clubs} clubs x {options.members} members ({options.with_orcid} with ORCID iDs), "
            f"{len(server.works)} works of a year, {joint} of them joint; {len(orcids)} iDs asked about"
        )

        http_options = HttpOptions(allow_private=True)
        times: list[float] = []
        floors: list[float] = []
        for _ in range(max(1, options.rounds)):
            server.clear_requests()
            http = Http(http_options, RequestBudget(500))
            client = OpenAlexClient(server.openalex_url, "bench-key", "bench@example.org", http=http)
            started = time.perf_counter()
            authors = client.authors(orcids)
            works = client.works(orcids, earliest)
            result = discover(rosters, works)
            times.append(time.perf_counter() - started)
            author_requests = server.count("/openalex/authors")
            work_requests = server.count("/openalex/works")
            total = http.budget.used
            floors.append(_floor(Http(http_options), f"{server.base}/ping", total))

        batches = math.ceil(len(orcids) / MAX_IDS)
        per_batch_works = [0] * batches
        for index in range(batches):
            group = set(orcids[index * MAX_IDS : (index + 1) * MAX_IDS])
            per_batch_works[index] = sum(1 for w in works if w.orcids & group)
        target = sum(max(1, math.ceil(n / PER_PAGE)) for n in per_batch_works)
        suggested = len(result.suggestions)
        international = sum(1 for s in result.suggestions if s.international)
        print(f"authors resolved: {len(authors)} of {len(orcids)} iDs in {author_requests} requests")
        print(
            f"works listed: {len(works)} in {work_requests} requests "
            f"({batches} batches of <= {MAX_IDS} iDs, {PER_PAGE} per page; target <= {target}: "
            f"{'met' if work_requests <= target else 'MISSED'})"
        )
        print(f"suggested: {suggested} joint works of {joint} made ({international} international)")
        print(f"API requests in all: {total} (budget 500)")
        run, floor = statistics.median(times), statistics.median(floors)
        print(
            f"time (median of {len(times)}): {run * 1000:.0f} ms; floor ({total} trivial requests, same layer): "
            f"{floor * 1000:.0f} ms; ratio {run / floor:.1f}x"
        )
        assert suggested == joint, (suggested, joint)
    finally:
        server.stop()


if __name__ == "__main__":
    raise SystemExit(main())
