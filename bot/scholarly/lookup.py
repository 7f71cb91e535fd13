"""DOI in, record filled: an output's DOI looked up in Crossref after the filing was saved and confirmed.

`fill_output` runs outside any request (the listener has acknowledged and committed; see
`handlers.scholarly.look_up_later`): the DOI's metadata comes from the `doi_metadata` cache when it is fresh,
else from Crossref (one request, within a small budget), and is cached, a DOI Crossref does not know included
(`message` None). Then, in one transaction, only the output's EMPTY fields are filled (what the member typed
wins): the title, and the date of a published output; and the channel card is updated through the outbox,
showing the venue and authors, or that Crossref does not know the DOI, or that Crossref's type differs from the
type filed. A failed lookup changes nothing (the card stays as filed); the output stays owed
(`doi_looked_up_at` empty) and the hourly `doi-lookups` job (`jobs.outputs`) tries it again (`retry_owed`)
until Crossref answers, found or unknown. `for_form` is the output form's lookup as its DOI is pasted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.doi import bare_doi
from bot.domain import OutputStatus, OutputType
from bot.refs import ClubRef
from bot.scholarly.clients import clients_from_settings
from bot.scholarly.crossref import work_from_message
from bot.scholarly.errors import ScholarlyError
from bot.scholarly.http import HttpOptions
from bot.scholarly.types import DoiAnswer, DoiKnown
from bot.settings import Settings
from bot.tracking.service.cards import refresh_card
from bot.tracking.service.items import output_item
from storage.db import Database
from storage.models import Club, DoiMetadata, Output

log = logging.getLogger(__name__)

#: A cached answer is used for this long (a DOI's metadata rarely changes; an unknown DOI may be registered).
FRESH_FOR = timedelta(days=30)
UNKNOWN_FRESH_FOR = timedelta(days=1)
#: Requests one lookup may send (the retries of one DOI).
LOOKUP_BUDGET = 6


class Filled(StrEnum):
    FILLED = "filled"
    UNKNOWN = "unknown"
    FAILED = "failed"
    GONE = "gone"
    #: Crossref already answered for this DOI of the output (its card shows it): nothing done twice.
    DONE = "done"


def _fresh(row: DoiMetadata | None, now: datetime) -> bool:
    if row is None:
        return False
    return now - row.fetched_at < (FRESH_FOR if row.message is not None else UNKNOWN_FRESH_FOR)


def cache(session: Session, doi: str, message: dict[str, Any] | None, now: datetime) -> DoiMetadata:
    """Store what Crossref answered for `doi` (None: it does not know it), replacing an older answer."""
    row = session.get(DoiMetadata, doi) or DoiMetadata(doi=doi)
    row.message = message
    row.fetched_at = now
    work = work_from_message(message, doi) if message is not None else None
    row.title = work.title if work else None
    row.venue = work.venue[:500] if work and work.venue else None
    row.published_on = work.published if work else None
    row.crossref_type = work.crossref_type[:64] if work and work.crossref_type else None
    row.output_type = work.output_type.value if work and work.output_type else None
    row.authors = [a.display for a in work.authors] if work else []
    session.add(row)
    session.flush()
    return row


def _answer(row: DoiMetadata) -> DoiAnswer:
    if row.message is None:
        return DoiAnswer(row.doi, DoiKnown.UNKNOWN)
    kind = row.output_type if row.output_type in {o.value for o in OutputType} else None
    return DoiAnswer(
        row.doi,
        DoiKnown.FOUND,
        title=row.title,
        venue=row.venue,
        published=row.published_on,
        crossref_type=row.crossref_type,
        output_type=OutputType(kind) if kind else None,
        authors=tuple(str(a) for a in row.authors or ()),
    )


def look_up(
    db: Database,
    settings: Settings,
    doi: str,
    *,
    now: datetime,
    budget: int = LOOKUP_BUDGET,
    options: HttpOptions | None = None,
    cache_unknown: bool = True,
) -> DoiAnswer:
    """`doi` (bare) from the `doi_metadata` cache when it is fresh, else from Crossref within `budget` requests
    (and `options`' timeouts), cached, an unknown DOI included unless not `cache_unknown`. A failure is
    `DoiKnown.FAILED` (nothing cached)."""
    with db.session() as session:
        cached = session.get(DoiMetadata, doi)
        if _fresh(cached, now):
            assert cached is not None
            return _answer(cached)
    crossref = clients_from_settings(settings, budget=budget, options=options).crossref
    try:
        message = crossref.http.run(lambda http: crossref.message(http, doi))
    except ScholarlyError as error:
        log.warning("Crossref lookup of %s failed: %s", doi, error)
        return DoiAnswer(doi, DoiKnown.FAILED)
    if message is None and not cache_unknown:
        return DoiAnswer(doi, DoiKnown.UNKNOWN)
    with db.session() as session:
        return _answer(cache(session, doi, message, now))


#: A form waits for its lookup: two requests at most (a retry after a 5xx or a short 429), 1.5 s each.
FORM_BUDGET = 2
FORM_OPTIONS = HttpOptions(connect_timeout=1.0, read_timeout=1.5, deadline=1.5, attempts=2, max_retry_after=1.0)


def for_form(db: Database, settings: Settings, text: str, *, now: datetime) -> DoiAnswer | None:
    """The DOI typed in the output form looked up within the form's short budget (the cache first); None when
    `text` is not a DOI. An unknown DOI is not cached from here: typed character by character, every prefix of
    a DOI is one (the filing's own lookup caches the DOI filed)."""
    doi = bare_doi(text.strip().strip("<>"))
    if doi is None:
        return None
    return look_up(db, settings, doi, now=now, budget=FORM_BUDGET, options=FORM_OPTIONS, cache_unknown=False)


def fill_output(db: Database, settings: Settings, output_id: int, *, now: datetime) -> Filled:
    """Look the output's DOI up (cache, else Crossref) and fill what the member left empty; update its card.

    Once per DOI of an output: the answer is marked on the output (`doi_looked_up_at`) in the transaction that
    updates its card, read under a row lock, so a lookup racing another (the one after the filing and the
    `doi-lookups` job's retry) finds it done and updates nothing twice."""
    with db.session() as session:
        output = session.get(Output, output_id)
        if output is None or output.deleted_at is not None or not output.doi:
            return Filled.GONE
        if output.doi_looked_up_at is not None:
            return Filled.DONE
        doi = output.doi
    answer = look_up(db, settings, doi, now=now)
    if answer.known is DoiKnown.FAILED:
        return Filled.FAILED
    with db.session() as session:
        output = session.get(Output, output_id, with_for_update=True)
        if output is None or output.deleted_at is not None or output.doi != doi:
            return Filled.GONE
        if output.doi_looked_up_at is not None:
            return Filled.DONE
        output.doi_looked_up_at = now
        if answer.known is DoiKnown.FOUND:
            if not output.title.strip() and answer.title:
                output.title = answer.title
            if output.occurred_on is None and answer.published and output.status == OutputStatus.PUBLISHED.value:
                output.occurred_on = answer.published
            output.updated_at = now
        club = session.get(Club, output.club_id)
        assert club is not None
        session.flush()
        refresh_card(session, ClubRef.of(club), output_item(session, output))
        return Filled.FILLED if answer.known is DoiKnown.FOUND else Filled.UNKNOWN


#: A lookup still owed is retried once the one after its filing had time to finish.
RETRY_AFTER = timedelta(minutes=10)
#: Outputs one retry run looks up at most, and the failures after which it stops (Crossref is down).
RETRY_BATCH = 30
RETRY_STOP_AFTER_FAILURES = 3


@dataclass(frozen=True)
class Retried:
    """What one `doi-lookups` run did: outputs whose DOI Crossref answered for (filled, or unknown), still
    failing, and owed but left for the next run."""

    filled: int = 0
    unknown: int = 0
    failed: int = 0
    left: int = 0


def owed(session: Session, now: datetime) -> list[int]:
    """The outputs whose DOI lookup is owed (never answered: failed, or not tried yet), oldest first."""
    return list(
        session.scalars(
            select(Output.id)
            .where(
                Output.doi.is_not(None),
                Output.doi_looked_up_at.is_(None),
                Output.deleted_at.is_(None),
                Output.created_at <= now - RETRY_AFTER,
            )
            .order_by(Output.id)
        )
    )


def retry_owed(db: Database, settings: Settings, *, now: datetime) -> Retried:
    """Look up again every DOI whose lookup failed for a passing reason (a timeout, a 5xx, a 429, the budget),
    until Crossref answers (found, or a 404: unknown); at most `RETRY_BATCH` per run, and none more once
    `RETRY_STOP_AFTER_FAILURES` failed in a row (the rest wait for the next run)."""
    with db.session() as session:
        ids = owed(session, now)
    counts = {Filled.FILLED: 0, Filled.UNKNOWN: 0, Filled.FAILED: 0}
    tried = in_a_row = 0
    for output_id in ids[:RETRY_BATCH]:
        if in_a_row >= RETRY_STOP_AFTER_FAILURES:
            break
        tried += 1
        outcome = fill_output(db, settings, output_id, now=now)
        if outcome in counts:
            counts[outcome] += 1
        in_a_row = in_a_row + 1 if outcome is Filled.FAILED else 0
    return Retried(counts[Filled.FILLED], counts[Filled.UNKNOWN], counts[Filled.FAILED], len(ids) - tried)
