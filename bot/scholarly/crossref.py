"""Crossref's REST API: a DOI's metadata (`GET {base}/works/{doi}`).

The answer (https://api.crossref.org/swagger-ui/index.html, "works"):
`{"status": "ok", "message-type": "work", "message": {"DOI", "title": [..], "container-title": [..],
"issued": {"date-parts": [[y, m, d]]}, "type": "journal-article", "author": [{"given", "family",
"ORCID": "https://orcid.org/…"}], "publisher", "URL"}}`; an unknown DOI answers 404 (a plain-text body).

`mailto` is sent as the `mailto` parameter and in the User-Agent: both put the bot in Crossref's polite pool.
`work_from_message` is pure, so a cached `message` can be read again without the network.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import quote

from bot.domain import OutputType
from bot.scholarly.errors import ScholarlyError, ScholarlyErrorKind
from bot.scholarly.http import Http, HttpOptions, Session, check_base_url, user_agent
from bot.scholarly.identifiers import bare_doi, bare_orcid
from bot.scholarly.types import Author, DatePrecision, WorkMetadata
from bot.settings import CROSSREF_URL_DEFAULT

#: Crossref's work types (`GET /types`) that are one of the bot's output types; the others map to None.
CROSSREF_TYPES: Mapping[str, OutputType] = {
    "journal-article": OutputType.PAPER,
    "proceedings-article": OutputType.PAPER,
    "posted-content": OutputType.PAPER,  # preprints
    "book-chapter": OutputType.PAPER,
    "book-section": OutputType.PAPER,
    "book-part": OutputType.PAPER,
    "book": OutputType.PAPER,
    "monograph": OutputType.PAPER,
    "edited-book": OutputType.PAPER,
    "reference-book": OutputType.PAPER,
    "dissertation": OutputType.PAPER,
    "grant": OutputType.PROJECT,
    "dataset": OutputType.OTHER,
}

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def _text(value: Any) -> str | None:
    """A Crossref text field (a list of strings, or a string) as one clean line: JATS tags dropped."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str):
        return None
    text = _SPACE.sub(" ", html.unescape(_TAG.sub("", value))).strip()
    return text or None


def _date(message: Mapping[str, Any]) -> tuple[date | None, DatePrecision | None]:
    """The publication date: `issued` (the earliest of print and online), else `published`."""
    for key in ("issued", "published", "published-print", "published-online"):
        block = message.get(key)
        parts = block.get("date-parts") if isinstance(block, dict) else None
        first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
        numbers = [p for p in first[:3] if isinstance(p, int) and not isinstance(p, bool)]
        if not numbers or len(numbers) != len([p for p in first[:3] if p is not None]):
            continue
        year, month, day = (*numbers, 1, 1)[:3]
        try:
            when = date(year, month, day)
        except ValueError:
            continue
        return when, (DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY)[len(numbers) - 1]
    return None, None


def _authors(message: Mapping[str, Any]) -> tuple[Author, ...]:
    people = message.get("author")
    if not isinstance(people, list):
        return ()
    authors: list[Author] = []
    for person in people:
        if not isinstance(person, dict):
            continue
        author = Author(
            given=_text(person.get("given")),
            family=_text(person.get("family")),
            orcid=bare_orcid(person.get("ORCID") if isinstance(person.get("ORCID"), str) else None),
            name=_text(person.get("name")),
        )
        if author.display:
            authors.append(author)
    return tuple(authors)


def work_from_message(message: Mapping[str, Any], doi: str | None = None) -> WorkMetadata:
    """A Crossref `message` (one work) read into `WorkMetadata`; `doi` is the one asked for, if the message's
    own `DOI` is missing or unreadable. Raises `MALFORMED` when neither gives a DOI."""
    found = bare_doi(message.get("DOI") if isinstance(message.get("DOI"), str) else None) or bare_doi(doi)
    if found is None:
        raise ScholarlyError(ScholarlyErrorKind.MALFORMED, "a Crossref work without a DOI")
    published, precision = _date(message)
    kind = message.get("type") if isinstance(message.get("type"), str) else None
    return WorkMetadata(
        doi=found,
        title=_text(message.get("title")),
        venue=_text(message.get("container-title")),
        published=published,
        precision=precision,
        crossref_type=kind,
        output_type=CROSSREF_TYPES.get(kind or ""),
        authors=_authors(message),
        publisher=_text(message.get("publisher")),
        url=message.get("URL") if isinstance(message.get("URL"), str) else None,
    )


class CrossrefClient:
    """Crossref's works endpoint. `http` is shared with the run's other clients (one budget); built from
    `options` (with the contact address in the User-Agent) when not given."""

    def __init__(
        self,
        base_url: str = CROSSREF_URL_DEFAULT,
        mailto: str | None = None,
        *,
        http: Http | None = None,
        options: HttpOptions | None = None,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self.mailto = mailto
        if http is None:
            http = Http(replace(options or HttpOptions(), user_agent=user_agent(mailto)))
        self.http = http

    def _params(self) -> dict[str, str | int]:
        return {"mailto": self.mailto} if self.mailto else {}

    async def message(self, session: Session, doi: str) -> dict[str, Any] | None:
        """The raw `message` for `doi` (for a cache), None when Crossref does not know the DOI."""
        bare = bare_doi(doi)
        if bare is None:
            raise ScholarlyError(ScholarlyErrorKind.INVALID_URL, f"not a DOI: {doi[:80]}")
        data = await session.get_json(f"{self.base_url}/works/{quote(bare, safe='/')}", self._params(), missing_ok=True)
        if data is None:
            return None
        message = data.get("message")
        if data.get("status") != "ok" or not isinstance(message, dict):
            raise ScholarlyError(ScholarlyErrorKind.MALFORMED, "a Crossref answer without an ok status and a message")
        return message

    async def lookup(self, session: Session, doi: str) -> WorkMetadata | None:
        message = await self.message(session, doi)
        return None if message is None else work_from_message(message, doi)

    def work(self, doi: str) -> WorkMetadata | None:
        """The metadata Crossref holds for `doi`; None when Crossref does not know it. Raises `ScholarlyError`."""
        return self.http.run(lambda session: self.lookup(session, doi))

    def works(self, dois: Sequence[str]) -> dict[str, WorkMetadata | None]:
        """Several DOIs looked up concurrently (within the layer's concurrency), keyed by the DOI as given."""

        async def all_of(session: Session) -> dict[str, WorkMetadata | None]:
            found = await asyncio.gather(*(self.lookup(session, doi) for doi in dois))
            return dict(zip(dois, found, strict=True))

        return self.http.run(all_of)
