"""Which works OpenAlex found are a club's joint works: pure rules over plain values.

For each club (`ClubRoster`), a work found is **suggested** to its leaders when, in this order:
1. two or more of the club's members are among its authors (matched by ORCID iD, or by the OpenAlex author
   ids resolved for a member's iD); a work with none of them is not the club's and is ignored silently;
2. it has a DOI (the identity an output is filed and deduplicated by);
3. it is a paper (`PAPER_TYPES`; a work of unknown type counts as one), not a dataset, erratum, paratext...;
4. it was published on or after the club's `since` (its X-Lab Day meeting);
5. its DOI is not one of the club's outputs (`filed_dois`: such a work goes to `Discovery.already_filed`, so
   the caller links the members to that output rather than filing it twice);
6. its DOI was not suggested before (`seen_dois`: pending, confirmed or rejected, never asked again);
7. its DOI was not already suggested to this club in this run (OpenAlex may list a DOI under two work ids).
Every work with at least one member that is not suggested is listed in `Discovery.skipped` with the first
rule it failed. A suggestion is **international** when its authors span two or more countries: the countries
of the members on it and of every authorship's institutions.

The order is stable: clubs by id, then works by publication date, DOI and OpenAlex id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from bot.scholarly.identifiers import bare_doi, bare_orcid, country_code
from bot.scholarly.types import (
    ClubRoster,
    DiscoveredWork,
    Discovery,
    Member,
    Skipped,
    SkipReason,
    Suggestion,
)

#: OpenAlex work types that are papers (https://docs.openalex.org/api-entities/works/work-object#type).
PAPER_TYPES = frozenset({"article", "preprint", "book-chapter", "book", "review", "letter", "dissertation", "report"})


def orcids_to_ask(rosters: Iterable[ClubRoster]) -> tuple[list[str], date | None]:
    """The ORCID iDs to list works for (bare, sorted, once each) and the earliest `since` among the clubs that
    have two or more members with an iD (the only clubs that can have a joint work found)."""
    orcids: set[str] = set()
    since: date | None = None
    for roster in rosters:
        ids = {o for o in (bare_orcid(m.orcid) for m in roster.members) if o}
        if len(ids) < 2:
            continue
        orcids |= ids
        since = roster.since if since is None else min(since, roster.since)
    return sorted(orcids), since


def members_on(work: DiscoveredWork, members: Sequence[Member]) -> tuple[Member, ...]:
    """The members among `work`'s authors, in roster order, each once."""
    on_work = _authorship_keys(work)
    return tuple(m for m in members if _keys(m) & on_work)


def countries_of(work: DiscoveredWork, members: Iterable[Member]) -> tuple[str, ...]:
    """The countries `work`'s authors span: its members' and its authorships' institutions', sorted."""
    found = {c for c in (country_code(m.country) for m in members) if c}
    found |= {c for a in work.authorships for c in (country_code(v) for v in a.countries) if c}
    return tuple(sorted(found))


def _work_order(work: DiscoveredWork) -> tuple[date, str, str]:
    return (work.published or date.min, work.doi or "", work.openalex_id)


def _check(
    roster: ClubRoster, work: DiscoveredWork, on_it: Sequence[Member], paper_types: frozenset[str]
) -> SkipReason | None:
    if len(on_it) < 2:
        return SkipReason.ONE_MEMBER
    if work.doi is None:
        return SkipReason.NO_DOI
    if work.type is not None and work.type not in paper_types:
        return SkipReason.NOT_A_PAPER
    if work.published is not None and work.published < roster.since:
        return SkipReason.BEFORE_SINCE
    return None


def _keys(member: Member) -> set[str]:
    """What identifies a member on an authorship: the ORCID iD and the resolved OpenAlex author ids."""
    orcid = bare_orcid(member.orcid)
    return ({f"orcid:{orcid}"} if orcid else set()) | {f"id:{i}" for i in member.openalex_ids}


def _authorship_keys(work: DiscoveredWork) -> set[str]:
    keys = {f"orcid:{a.orcid}" for a in work.authorships if a.orcid}
    return keys | {f"id:{a.author_id}" for a in work.authorships if a.author_id}


def discover(
    rosters: Iterable[ClubRoster],
    works: Iterable[DiscoveredWork],
    *,
    paper_types: frozenset[str] = PAPER_TYPES,
) -> Discovery:
    """The joint works to suggest to each club, what is left out and why, and the joint works already filed."""
    ordered = sorted(works, key=_work_order)
    index: dict[str, set[int]] = {}  # authorship key -> positions in `ordered`
    for position, work in enumerate(ordered):
        for key in _authorship_keys(work):
            index.setdefault(key, set()).add(position)
    suggestions: list[Suggestion] = []
    skipped: list[Skipped] = []
    already_filed: list[Suggestion] = []
    for roster in sorted(rosters, key=lambda r: r.club_id):
        filed = {d for d in (bare_doi(v) for v in roster.filed_dois) if d}
        seen = {d for d in (bare_doi(v) for v in roster.seen_dois) if d}
        keys = [(member, _keys(member)) for member in roster.members]
        candidates = sorted({p for _, ks in keys for k in ks for p in index.get(k, ())})
        suggested: set[str] = set()
        for position in candidates:
            work = ordered[position]
            on_work = _authorship_keys(work)
            on_it = tuple(member for member, ks in keys if ks & on_work)
            reason = _check(roster, work, on_it, paper_types)
            countries = countries_of(work, on_it)
            suggestion = Suggestion(roster.club_id, work, on_it, len(countries) >= 2, countries)
            if reason is None and work.doi in filed:
                reason = SkipReason.ALREADY_FILED
                already_filed.append(suggestion)
            elif reason is None and work.doi in seen:
                reason = SkipReason.ALREADY_SEEN
            elif reason is None and work.doi in suggested:
                reason = SkipReason.DUPLICATE
            if reason is not None:
                skipped.append(Skipped(roster.club_id, work.openalex_id, work.doi, reason))
                continue
            assert work.doi is not None
            suggested.add(work.doi)
            suggestions.append(suggestion)
    return Discovery(tuple(suggestions), tuple(skipped), tuple(already_filed))
