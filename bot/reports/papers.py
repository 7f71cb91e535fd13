"""Joint papers in a report: how many members have an ORCID iD (discovery needs one), and the joint papers
recorded by the end of the period, filed by members and discovered through OpenAlex, counted separately, with
how many of each are international. Pure: reads the `Dataset` only.

A paper is *international* when discovery found its authors in two or more countries (a discovered paper), or
when the participants linked to it (filer's co-authors) come from two or more countries (a filed paper).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.domain import OutputType
from bot.reports.rows import Dataset, OutputRow


@dataclass(frozen=True)
class PaperCounts:
    members: int = 0
    members_with_orcid: int = 0
    filed: int = 0
    filed_international: int = 0
    discovered: int = 0
    discovered_international: int = 0


def _international(dataset: Dataset, output: OutputRow) -> bool:
    if output.source == "discovered":
        return bool(output.international)
    countries = {
        person.country
        for link in dataset.output_people
        if link.output_id == output.id and link.person_id is not None
        for person in [dataset.people.get(link.person_id)]
        if person is not None and person.country
    }
    return len(countries) >= 2


def paper_counts(dataset: Dataset, club_ids: Collection[int] | None = None) -> PaperCounts:
    """The counts for the clubs in `club_ids` (every club in the dataset when None)."""
    wanted = set(club_ids) if club_ids is not None else {c.id for c in dataset.clubs}
    members = {m.person_id for m in dataset.members if m.club_id in wanted and m.status == "active"}
    with_orcid = sum(1 for pid in members if (person := dataset.people.get(pid)) is not None and person.has_orcid)
    papers = [o for o in dataset.outputs if o.club_id in wanted and o.type is OutputType.PAPER]
    filed = [o for o in papers if o.source != "discovered"]
    discovered = [o for o in papers if o.source == "discovered"]
    return PaperCounts(
        members=len(members),
        members_with_orcid=with_orcid,
        filed=len(filed),
        filed_international=sum(1 for o in filed if _international(dataset, o)),
        discovered=len(discovered),
        discovered_international=sum(1 for o in discovered if _international(dataset, o)),
    )
