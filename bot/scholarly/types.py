"""The values the scholarly feature talks about, defined once: plain frozen dataclasses, no ORM, no network.

Identifiers are kept in one form each (see `bot.scholarly.identifiers`): a DOI bare and lower-cased
(`10.1234/abc`), an ORCID iD bare with hyphens (`0000-0002-1825-0097`), an OpenAlex id short (`A5023888391`,
`W2741809807`), a country an upper-case ISO 3166-1 alpha-2 code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.domain import OutputType


class DatePrecision(StrEnum):
    """How much of a publication date the source gave (Crossref's `date-parts` may stop at the year)."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


@dataclass(frozen=True)
class Author:
    """One author of a work as Crossref lists it."""

    given: str | None = None
    family: str | None = None
    orcid: str | None = None
    #: An organisation listed as author (Crossref's `name`, e.g. a consortium).
    name: str | None = None

    @property
    def display(self) -> str:
        """`Given Family`, or the organisation's name, or an empty string."""
        person = " ".join(part for part in (self.given, self.family) if part)
        return person or self.name or ""


@dataclass(frozen=True)
class WorkMetadata:
    """What Crossref says about one DOI."""

    doi: str
    title: str | None = None
    venue: str | None = None
    published: date | None = None
    #: None when `published` is None.
    precision: DatePrecision | None = None
    #: Crossref's own type (`journal-article`, `proceedings-article`, `posted-content`...).
    crossref_type: str | None = None
    #: The bot's output type for `crossref_type`, None where it does not map.
    output_type: OutputType | None = None
    authors: tuple[Author, ...] = ()
    publisher: str | None = None
    url: str | None = None

    @property
    def link(self) -> str:
        return f"https://doi.org/{self.doi}"

    @property
    def orcids(self) -> frozenset[str]:
        return frozenset(a.orcid for a in self.authors if a.orcid)


class DoiKnown(StrEnum):
    """What a DOI lookup learnt: Crossref knows the DOI, does not know it (404), or could not be asked."""

    FOUND = "found"
    UNKNOWN = "unknown"
    FAILED = "failed"


@dataclass(frozen=True)
class DoiAnswer:
    """A DOI looked up (in the cache, else in Crossref): what a form or a card shows of it."""

    doi: str
    known: DoiKnown
    title: str | None = None
    venue: str | None = None
    published: date | None = None
    crossref_type: str | None = None
    output_type: OutputType | None = None
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpenAlexAuthor:
    """An OpenAlex author profile found for an ORCID iD."""

    id: str
    orcid: str | None
    display_name: str
    works_count: int = 0
    #: The countries of the author's last known institutions.
    countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Authorship:
    """One author's place on a work in OpenAlex: who, and the countries of the institutions given."""

    author_id: str | None
    orcid: str | None
    name: str
    countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class DiscoveredWork:
    """A work OpenAlex lists for one or more of the ORCID iDs asked about."""

    openalex_id: str
    doi: str | None
    title: str
    venue: str | None = None
    published: date | None = None
    #: OpenAlex's type (`article`, `preprint`, `book-chapter`, `dataset`, `paratext`...).
    type: str | None = None
    authorships: tuple[Authorship, ...] = ()

    @property
    def orcids(self) -> frozenset[str]:
        return frozenset(a.orcid for a in self.authorships if a.orcid)


@dataclass(frozen=True)
class Member:
    """A club member as discovery sees one: enough to match authorships and to tell the leaders who is on it."""

    participant_id: int
    name: str
    orcid: str | None = None
    country: str | None = None
    #: OpenAlex author ids resolved for the ORCID iD (matched too when an authorship lacks the iD).
    openalex_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ClubRoster:
    """One club, for one discovery run: its members, since when its works count, and the DOIs it already knows.

    `filed_dois` are the DOIs of its outputs; `seen_dois` those already suggested to its leaders (pending,
    confirmed or rejected): neither is suggested again.
    """

    club_id: int
    since: date
    members: tuple[Member, ...]
    filed_dois: frozenset[str] = frozenset()
    seen_dois: frozenset[str] = frozenset()

    @property
    def orcids(self) -> frozenset[str]:
        return frozenset(m.orcid for m in self.members if m.orcid)


@dataclass(frozen=True)
class Suggestion:
    """A joint work to put to a club's leaders: the work, the members on it (in roster order) and whether
    it is international (its authors span two or more countries, `countries` sorted)."""

    club_id: int
    work: DiscoveredWork
    members: tuple[Member, ...]
    international: bool
    countries: tuple[str, ...] = ()

    @property
    def doi(self) -> str:
        assert self.work.doi is not None  # discovery keeps only works with a DOI
        return self.work.doi


class SkipReason(StrEnum):
    """Why a work found for a club was not suggested to it."""

    NO_DOI = "no_doi"
    NOT_A_PAPER = "not_a_paper"
    BEFORE_SINCE = "before_since"
    ONE_MEMBER = "one_member"
    ALREADY_FILED = "already_filed"
    ALREADY_SEEN = "already_seen"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Skipped:
    club_id: int
    openalex_id: str
    doi: str | None
    reason: SkipReason


@dataclass(frozen=True)
class Discovery:
    """The outcome of discovery for a set of clubs: suggestions in a stable order, and what was left out.

    `already_filed` pairs (club id, DOI) of joint works the club has filed already, so the caller can link
    the members to that output instead of suggesting a duplicate."""

    suggestions: tuple[Suggestion, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    already_filed: tuple[Suggestion, ...] = field(default=())


#: The buttons on a suggestion's DM (their value is the suggestion's id).
CONFIRM_SUGGESTION = "scholarly_suggestion_confirm"
REJECT_SUGGESTION = "scholarly_suggestion_reject"


@dataclass(frozen=True)
class SuggestionCard:
    """What a leader's DM about one suggestion shows (plain values: the view never sees a row)."""

    id: int
    club_name: str
    doi: str
    title: str
    venue: str | None
    published: date | None
    member_names: tuple[str, ...]
    international: bool
    countries: tuple[str, ...] = ()
    #: `pending`, `confirmed` or `rejected` (`bot.domain.SuggestionStatus`).
    status: str = "pending"
    decided_by_user_id: str | None = None
    output_id: int | None = None


@dataclass(frozen=True)
class DiscoveryRun:
    """What one discovery run found and did: suggestions stored (new), DMs queued, filed outputs matched."""

    clubs: int
    orcids: int
    works: int
    suggested: tuple[Suggestion, ...] = ()
    stored: int = 0
    messages: int = 0
    matched: int = 0
    requests: int = 0
