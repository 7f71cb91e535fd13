"""`outputs-discovery`: once a week, the joint works of each active club's members found through OpenAlex.

- Checked every hour; the run owed is the latest Monday 06:00 in `CLUBBOT_TIMEZONE`, keyed by its ISO week,
  program-wide (one batched set of OpenAlex requests for every club), scope `""`. `clubbot outputs discover
  --club NAME` runs one club by hand under scope `club:<id>`.
- `work`: the rosters are read and OpenAlex asked BEFORE the run's transaction starts (no transaction is held
  open across the network); then, in the run's transaction, the new suggestions are stored and their leaders'
  DMs queued (`bot.scholarly.suggestions.record`). A failure (OpenAlex down, rate-limited, malformed, the
  request budget spent) fails the run with nothing stored, and the next hourly check runs it again; a
  suggestion is unique per club and DOI and each DM deduplicated, so nothing is lost or sent twice.

`doi-lookups`: every hour, the filed DOIs Crossref has not answered for yet (the lookup after the filing failed
for a passing reason: a timeout, a 5xx, a 429, the budget) are looked up again (`bot.scholarly.lookup.retry_owed`)
until Crossref answers, found or unknown (404); each output's card is updated once (`doi_looked_up_at`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TextIO

from sqlalchemy.orm import Session

from bot import time
from bot.periods import Due, latest_interval, latest_weekly
from bot.runtime import Runtime
from bot.scholarly import lookup, rosters, suggestions
from bot.scholarly.clients import clients_from_settings
from bot.scholarly.errors import ScholarlyError
from bot.scholarly.types import DiscoveryRun
from jobs import runs
from jobs.base import PeriodicJob

log = logging.getLogger(__name__)

NAME = "outputs-discovery"
WEEKDAY = 0  # Monday
HOUR = 6
GRACE = timedelta(days=6)


def due(runtime: Runtime, now: datetime) -> list[Due]:
    period, slot = latest_weekly(now, runtime.settings.tz, weekday=WEEKDAY, hour=HOUR)
    return [Due(period, "", slot)]


def for_period(runtime: Runtime, period: str) -> list[Due]:
    return [Due(period, "", time.now())]


def club_scope(club_id: int) -> str:
    return f"club:{club_id}"


def _club_id(scope: str) -> int | None:
    return int(scope.removeprefix("club:")) if scope.startswith("club:") else None


def discover(runtime: Runtime, scope: str, session: Session | None) -> DiscoveryRun:
    """One discovery run: with a `session`, its suggestions are stored and DMs queued there (the caller
    commits); without one (a dry run), nothing is stored. Raises `ScholarlyError` on a failed request."""
    with runtime.db.session() as reading:
        club_rosters = rosters.rosters(reading, club_id=_club_id(scope))
    found = rosters.find(club_rosters, clients_from_settings(runtime.settings))
    stored = messages = matched = 0
    if session is not None:
        stored, messages, matched = suggestions.record(
            session, found.discovery.suggestions, found.discovery.already_filed, language_of=runtime.language_of
        )
    return DiscoveryRun(
        clubs=len(club_rosters),
        orcids=found.orcids,
        works=found.works,
        suggested=found.discovery.suggestions,
        stored=stored,
        messages=messages,
        matched=matched,
        requests=found.requests,
    )


def work(runtime: Runtime, due: Due, session: Session) -> None:
    discover(runtime, due.scope, session)


JOB = PeriodicJob(
    name=NAME,
    description="joint papers of club members found through OpenAlex, suggested to the club's leaders",
    check="20 * * * *",
    grace=GRACE,
    due=due,
    for_period=for_period,
    work=work,
)


# --- doi-lookups: a filed DOI whose Crossref lookup failed, tried again ------------------------------------

LOOKUPS_NAME = "doi-lookups"
LOOKUPS_EVERY = 3600


def lookups_due(runtime: Runtime, now: datetime) -> list[Due]:
    period, slot = latest_interval(now, seconds=LOOKUPS_EVERY)
    return [Due(period, "", slot)]


def lookups_for_period(runtime: Runtime, period: str) -> list[Due]:
    return [Due(period, "", time.now())]


def retry_lookups(runtime: Runtime, due: Due, session: Session) -> None:
    """Each lookup in its own transactions (Crossref is never asked inside the run's); the run's transaction
    only marks it done. A lookup that fails again stays owed for the next hour's run."""
    retried = lookup.retry_owed(runtime.db, runtime.settings, now=time.now())
    if retried.filled or retried.unknown:
        runtime.outbox.poke()
    log.info("%s %s: %s", LOOKUPS_NAME, due.period, retried)


LOOKUPS_JOB = PeriodicJob(
    name=LOOKUPS_NAME,
    description="filed DOIs whose Crossref lookup failed (timeout, 5xx, 429), looked up again until Crossref answers",
    check="40 * * * *",
    grace=timedelta(hours=1),
    due=lookups_due,
    for_period=lookups_for_period,
    work=retry_lookups,
)


def discover_by_hand(runtime: Runtime, club_id: int | None, *, dry_run: bool, out: TextIO) -> int:
    """`clubbot outputs discover`: this week's run now, through the same once-per-period claim as the clock
    (program-wide, or one club's own run with `club_id`). `dry_run`: ask OpenAlex and print what would be
    suggested, storing nothing and claiming nothing. The exit status: 0 done or skipped, 1 failed."""
    period, _slot = latest_weekly(time.now(), runtime.settings.tz, weekday=WEEKDAY, hour=HOUR)
    scope = club_scope(club_id) if club_id is not None else ""
    if dry_run:
        try:
            found = discover(runtime, scope, None)
        except ScholarlyError as error:
            out.write(f"{NAME}: OpenAlex could not be read ({error}); nothing stored\n")
            return 1
        _print(found, out, dry_run=True)
        return 0
    results: list[DiscoveryRun] = []

    def work(session: Session) -> None:
        results.append(discover(runtime, scope, session))

    outcome = runs.run_once(
        runtime.db, NAME, period, scope, work, owner=runs.process_owner("cli"), take_over_after=JOB.take_over_after
    )
    out.write(f"{NAME} {period} {scope or 'program'}: {outcome}\n")
    if outcome == "done" and results:
        _print(results[-1], out, dry_run=False)
        runtime.outbox.dispatcher.dispatch_due()
    elif outcome == "skipped":
        out.write("  already run this week (see `clubbot jobs`)\n")
    return 1 if outcome == "failed" else 0


def _print(found: DiscoveryRun, out: TextIO, *, dry_run: bool) -> None:
    out.write(
        f"  {found.clubs} club(s), {found.orcids} ORCID iD(s) asked, {found.works} work(s) listed, "
        f"{found.requests} request(s)\n"
    )
    for suggestion in found.suggested:
        work = suggestion.work
        names = ", ".join(m.name for m in suggestion.members)
        badge = f" [international: {', '.join(suggestion.countries)}]" if suggestion.international else ""
        out.write(
            f"  club {suggestion.club_id}: {suggestion.doi} {work.published or ''} {work.title!r} ({names}){badge}\n"
        )
    if dry_run:
        out.write(f"  dry run: {len(found.suggested)} would be suggested; nothing stored\n")
    else:
        out.write(
            f"  {found.stored} suggestion(s) stored, {found.messages} DM(s) to leaders queued, "
            f"{found.matched} filed output(s) matched\n"
        )
