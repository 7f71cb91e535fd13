"""What discovery needs from the database, and the network part of a run (no writes here).

`rosters` reads each active club's members (ORCID iD, country), since when its works count (the start of its
X-Lab Day meeting, else the day the club was made), the DOIs of its outputs and of the suggestions already
made. `find` asks OpenAlex (authors for the iDs, then the works of all iDs at once, batched) and applies the
pure rules of `bot.scholarly.discovery`. A failure raises `ScholarlyError`: nothing partial is kept, the run
is made again next time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import ClubStatus, MembershipStatus
from bot.people import display_name
from bot.scholarly.clients import ScholarlyClients
from bot.scholarly.discovery import discover, orcids_to_ask
from bot.scholarly.identifiers import bare_doi, bare_orcid
from bot.scholarly.types import ClubRoster, Discovery, Member
from storage.models import Club, Membership, Output, OutputSuggestion, Participant


def rosters(session: Session, *, club_id: int | None = None) -> list[ClubRoster]:
    """The rosters of the active clubs (or of one club), by club id."""
    query = select(Club).where(Club.status == ClubStatus.ACTIVE).order_by(Club.id)
    if club_id is not None:
        query = query.where(Club.id == club_id)
    found: list[ClubRoster] = []
    for club in session.scalars(query):
        people = session.scalars(
            select(Participant)
            .join(Membership, Membership.participant_id == Participant.id)
            .where(
                Membership.club_id == club.id,
                Membership.status == MembershipStatus.ACTIVE,
                Participant.forgotten_at.is_(None),
            )
            .order_by(Participant.id)
        )
        members = tuple(Member(p.id, display_name(p) or f"#{p.id}", bare_orcid(p.orcid), p.country) for p in people)
        filed = session.scalars(select(Output.doi).where(Output.club_id == club.id, Output.deleted_at.is_(None)))
        seen = session.scalars(select(OutputSuggestion.doi).where(OutputSuggestion.club_id == club.id))
        since = club.meeting.starts_on if club.meeting is not None else club.created_at.date()
        found.append(
            ClubRoster(
                club_id=club.id,
                since=since,
                members=members,
                filed_dois=frozenset(d for d in (bare_doi(v) for v in filed) if d),
                seen_dois=frozenset(d for d in (bare_doi(v) for v in seen) if d),
            )
        )
    return found


@dataclass(frozen=True)
class Found:
    discovery: Discovery
    orcids: int
    works: int
    requests: int


def find(club_rosters: Sequence[ClubRoster], clients: ScholarlyClients) -> Found:
    """OpenAlex asked about every iD of the clubs that can have a joint work, and the rules applied.
    Raises `ScholarlyError`."""
    orcids, since = orcids_to_ask(club_rosters)
    if not orcids or since is None:
        return Found(Discovery(), 0, 0, clients.budget.used)
    authors = clients.openalex.authors(orcids)
    resolved = [
        replace(
            roster,
            members=tuple(
                replace(m, openalex_ids=frozenset(a.id for a in authors.get(m.orcid or "", ()))) for m in roster.members
            ),
        )
        for roster in club_rosters
    ]
    works = clients.openalex.works(orcids, since)
    return Found(discover(resolved, works), len(orcids), len(works), clients.budget.used)
