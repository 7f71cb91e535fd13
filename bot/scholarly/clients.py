"""Both clients built from the settings, sharing one HTTP layer and so one request budget per run."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.scholarly.crossref import CrossrefClient
from bot.scholarly.http import Http, HttpOptions, RequestBudget, Sleep, user_agent
from bot.scholarly.openalex import OpenAlexClient
from bot.settings import Settings

#: Requests one discovery run may send by default: 16 clubs of 30 iDs take about 10 per page of a year.
RUN_BUDGET = 500


@dataclass(frozen=True)
class ScholarlyClients:
    crossref: CrossrefClient
    openalex: OpenAlexClient
    budget: RequestBudget


def clients_from_settings(
    settings: Settings,
    *,
    budget: int | None = RUN_BUDGET,
    options: HttpOptions | None = None,
    sleep: Sleep | None = None,
) -> ScholarlyClients:
    """Crossref and OpenAlex clients at the configured URLs, with the contact address as `mailto`, the
    private-address guard lifted only by `CLUBBOT_ALLOW_PRIVATE_FEEDS`, and a fresh budget of `budget`."""
    base = options or HttpOptions()
    http = Http(
        replace(
            base,
            allow_private=base.allow_private or settings.allow_private_feeds,
            user_agent=user_agent(settings.contact_email),
        ),
        RequestBudget(budget),
        sleep=sleep,
    )
    return ScholarlyClients(
        crossref=CrossrefClient(settings.crossref_url, settings.contact_email, http=http),
        openalex=OpenAlexClient(settings.openalex_url, settings.openalex_api_key, settings.contact_email, http=http),
        budget=http.budget,
    )
