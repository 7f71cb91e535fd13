"""OpenAlex's API: authors by ORCID iD, and the works of many authors at once.

- `GET {base}/authors?filter=orcid:A|B|…&per-page=200&cursor=*`
- `GET {base}/works?filter=author.orcid:A|B|…,from_publication_date:YYYY-MM-DD&per-page=200&cursor=*&select=…`

At most `ids_per_request` (50) iDs go in one filter, so N iDs take ceil(N / 50) list requests per page; pages
are followed with `meta.next_cursor` until it is null. The batches run concurrently within the HTTP layer's
concurrency. `api_key` is sent as the `api_key` parameter (OpenAlex has required a free key since February
2026) and `mailto` as `mailto` (the polite pool).

Shapes read (https://docs.openalex.org/api-entities/works/work-object): `results[]` with `id`
(`https://openalex.org/W…`), `doi` (`https://doi.org/…`), `display_name`, `publication_date`, `type`,
`primary_location.source.display_name`, `authorships[].author.{id, orcid, display_name}`,
`authorships[].institutions[].country_code` (and `authorships[].countries`); authors with `id`, `orcid`,
`display_name`, `works_count`, `last_known_institutions[].country_code`. `result_from_*` are pure.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from bot.scholarly.errors import ScholarlyError, ScholarlyErrorKind
from bot.scholarly.http import Http, HttpOptions, Session, check_base_url, user_agent
from bot.scholarly.identifiers import bare_doi, bare_orcid, country_code, short_openalex_id
from bot.scholarly.types import Authorship, DiscoveredWork, OpenAlexAuthor
from bot.settings import OPENALEX_URL_DEFAULT

#: The most iDs put in one filter (OpenAlex accepts up to 100 values joined by `|`).
MAX_IDS = 50
#: OpenAlex's largest page.
PER_PAGE = 200
#: Pages followed for one filter at most (40,000 works): a cursor that never ends stops here.
MAX_PAGES = 200
WORK_FIELDS = ("id", "doi", "display_name", "publication_date", "type", "primary_location", "authorships")


def _str(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _countries(values: Iterable[Any]) -> tuple[str, ...]:
    found: list[str] = []
    for value in values:
        code = country_code(value if isinstance(value, str) else None)
        if code and code not in found:
            found.append(code)
    return tuple(found)


def author_from_result(result: Mapping[str, Any]) -> OpenAlexAuthor | None:
    """One `results[]` entry of `/authors`; None without an id."""
    author_id = short_openalex_id(_str(result.get("id")))
    if author_id is None:
        return None
    institutions = _dicts(result.get("last_known_institutions"))
    works_count = result.get("works_count")
    return OpenAlexAuthor(
        id=author_id,
        orcid=bare_orcid(_str(result.get("orcid"))),
        display_name=_str(result.get("display_name")) or "",
        works_count=works_count if isinstance(works_count, int) else 0,
        countries=_countries(i.get("country_code") for i in institutions),
    )


def _authorship(entry: Mapping[str, Any]) -> Authorship:
    author = entry.get("author") if isinstance(entry.get("author"), dict) else {}
    assert isinstance(author, dict)
    institutions = _dicts(entry.get("institutions"))
    listed = entry.get("countries") if isinstance(entry.get("countries"), list) else []
    assert isinstance(listed, list)
    return Authorship(
        author_id=short_openalex_id(_str(author.get("id"))),
        orcid=bare_orcid(_str(author.get("orcid"))),
        name=_str(author.get("display_name")) or _str(entry.get("raw_author_name")) or "",
        countries=_countries([*(i.get("country_code") for i in institutions), *listed]),
    )


def _iso_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def work_from_result(result: Mapping[str, Any]) -> DiscoveredWork | None:
    """One `results[]` entry of `/works`; None without an id."""
    work_id = short_openalex_id(_str(result.get("id")))
    if work_id is None:
        return None
    location = result.get("primary_location")
    source = location.get("source") if isinstance(location, dict) else None
    venue = _str(source.get("display_name")) if isinstance(source, dict) else None
    return DiscoveredWork(
        openalex_id=work_id,
        doi=bare_doi(_str(result.get("doi"))),
        title=_str(result.get("display_name")) or _str(result.get("title")) or "",
        venue=venue,
        published=_iso_date(_str(result.get("publication_date"))),
        type=_str(result.get("type")),
        authorships=tuple(_authorship(a) for a in _dicts(result.get("authorships"))),
    )


def batches(values: Iterable[str], size: int = MAX_IDS) -> list[tuple[str, ...]]:
    """`values` deduplicated and sorted, in groups of at most `size` (the order makes requests repeatable)."""
    ordered = sorted(set(values))
    step = max(1, size)
    return [tuple(ordered[i : i + step]) for i in range(0, len(ordered), step)]


class OpenAlexClient:
    """OpenAlex's authors and works lists. `http` is shared with the run's other clients (one budget)."""

    def __init__(
        self,
        base_url: str = OPENALEX_URL_DEFAULT,
        api_key: str | None = None,
        mailto: str | None = None,
        *,
        http: Http | None = None,
        options: HttpOptions | None = None,
        ids_per_request: int = MAX_IDS,
        per_page: int = PER_PAGE,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self.api_key = api_key
        self.mailto = mailto
        self.ids_per_request = max(1, min(ids_per_request, 100))
        self.per_page = max(1, min(per_page, PER_PAGE))
        self.http = http or Http(replace(options or HttpOptions(), user_agent=user_agent(mailto)))

    def _params(self, **extra: str | int) -> dict[str, str | int]:
        params: dict[str, str | int] = dict(extra)
        if self.api_key:
            params["api_key"] = self.api_key
        if self.mailto:
            params["mailto"] = self.mailto
        return params

    async def _pages(self, session: Session, path: str, params: dict[str, str | int]) -> list[dict[str, Any]]:
        """Every `results[]` entry of a filtered list, following `meta.next_cursor`."""
        results: list[dict[str, Any]] = []
        cursor: str | None = "*"
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            if cursor is None or cursor in seen:
                break
            seen.add(cursor)
            data = await session.get_json(f"{self.base_url}{path}", {**params, "cursor": cursor})
            page = data.get("results")
            if not isinstance(page, list):
                raise ScholarlyError(ScholarlyErrorKind.MALFORMED, f"an OpenAlex {path} answer without results")
            results.extend(_dicts(page))
            meta = data.get("meta")
            cursor = _str(meta.get("next_cursor")) if isinstance(meta, dict) else None
            if not page:
                break
        return results

    async def find_authors(self, session: Session, orcids: Iterable[str]) -> dict[str, tuple[OpenAlexAuthor, ...]]:
        wanted = [o for o in (bare_orcid(v) for v in orcids) if o]

        async def batch(group: tuple[str, ...]) -> list[dict[str, Any]]:
            params = self._params(filter="orcid:" + "|".join(group), **{"per-page": self.per_page})
            return await self._pages(session, "/authors", params)

        pages = await asyncio.gather(*(batch(g) for g in batches(wanted, self.ids_per_request)))
        found: dict[str, list[OpenAlexAuthor]] = {}
        for result in (r for page in pages for r in page):
            author = author_from_result(result)
            if author is not None and author.orcid in wanted:
                found.setdefault(author.orcid, []).append(author)
        return {orcid: tuple(sorted(found[orcid], key=lambda a: a.id)) for orcid in sorted(found)}

    async def find_works(self, session: Session, orcids: Iterable[str], since: date) -> list[DiscoveredWork]:
        wanted = [o for o in (bare_orcid(v) for v in orcids) if o]

        async def batch(group: tuple[str, ...]) -> list[dict[str, Any]]:
            params = self._params(
                filter=f"author.orcid:{'|'.join(group)},from_publication_date:{since.isoformat()}",
                select=",".join(WORK_FIELDS),
                **{"per-page": self.per_page},
            )
            return await self._pages(session, "/works", params)

        pages = await asyncio.gather(*(batch(g) for g in batches(wanted, self.ids_per_request)))
        works: dict[str, DiscoveredWork] = {}
        for result in (r for page in pages for r in page):
            work = work_from_result(result)
            if work is not None:
                works.setdefault(work.openalex_id, work)  # a joint work comes back in each of its authors' batches
        return [works[key] for key in sorted(works)]

    def authors(self, orcids: Sequence[str]) -> dict[str, tuple[OpenAlexAuthor, ...]]:
        """The OpenAlex author profiles for each ORCID iD that has one (bare iDs, sorted). Raises `ScholarlyError`."""
        return self.http.run(lambda session: self.find_authors(session, orcids))

    def works(self, orcids: Sequence[str], since: date) -> list[DiscoveredWork]:
        """Every work published on or after `since` with any of `orcids` among its authors, once each, in
        OpenAlex id order. Raises `ScholarlyError` (nothing partial is returned: a failed run is run again)."""
        return self.http.run(lambda session: self.find_works(session, orcids, since))
