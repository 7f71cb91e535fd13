"""`/club report [QUARTER | YEAR | FROM..TO] [club:NAME]` and `/club report status [QUARTER]`. Pure parsing.

`report` is open to anyone at the router because what it gives depends on where and who asks (a
club's leaders get their club's report, the secretariat the program's): the service decides, and
refuses everyone else (`bot.reports.service.resolve_target`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.access import Rule
from bot.domain import Quarter
from bot.parsing import Args, Request, Subcommand, register
from bot.reports.period import Period


@dataclass(frozen=True)
class ReportRequest(Request):
    period: Period | None = None


@dataclass(frozen=True)
class ReportStatusRequest(Request):
    quarter: Quarter | None = None


def _parse_period(args: Args, text: str) -> Period:
    try:
        return Period.of_key(text)  # a quarter, a year (the annual report) or a date range
    except ValueError:
        raise args.fail("reports.error.bad_period", text=text[:40]) from None


def _parse_report(args: Args) -> Request:
    text = args.text()
    club = args.option_text("club")
    if club is not None and not club:
        raise args.fail("error.club_option_empty")
    if not text:
        return ReportRequest(club=club)
    if " " in text:
        raise args.fail("reports.error.bad_period", text=text[:40])
    return ReportRequest(period=_parse_period(args, text), club=club)


def _parse_status(args: Args) -> Request:
    text = args.text()
    if not text:
        return ReportStatusRequest()
    try:
        return ReportStatusRequest(quarter=Quarter.parse(text))
    except ValueError:
        raise args.fail("reports.error.bad_quarter", text=text[:40]) from None


register(
    Subcommand(
        "report",
        Rule.ANYONE,
        _parse_report,
        aliases=("보고서",),
        options={"club": ("클럽",)},
    )
)
register(Subcommand("report status", Rule.ADMIN, _parse_status, aliases=("보고서 현황",)))
