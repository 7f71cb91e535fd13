"""`/club casebook pick|unpick|list|interview|foreword` and `/club report brief`. Pure parsing.

Every casebook subcommand is the secretariat's. `pick`, `unpick` and `interview` act on one club: named after the
subcommand (`/club casebook pick Quantum Hardware Club`), with `club:NAME`, or the channel's. `list` takes an
optional year. `report brief` is a club's: its leaders (in the club's channel) or the secretariat (with the club).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.access import Rule
from bot.parsing import Args, Request, Subcommand, register

_YEAR = re.compile(r"^(20\d\d)$")


@dataclass(frozen=True)
class PickRequest(Request):
    pass


@dataclass(frozen=True)
class UnpickRequest(Request):
    pass


@dataclass(frozen=True)
class InterviewRequest(Request):
    pass


@dataclass(frozen=True)
class ListRequest(Request):
    year: int | None = None


@dataclass(frozen=True)
class ForewordRequest(Request):
    pass


@dataclass(frozen=True)
class BriefRequest(Request):
    pass


def _club_named(make: type[Request]) -> Callable[[Args], Request]:
    def parse(args: Args) -> Request:
        name = args.text()
        if not name and args.option_text("club") is None:
            return make()
        return make(club=name or None)

    return parse


def _parse_list(args: Args) -> Request:
    text = args.text()
    if not text:
        return ListRequest()
    match = _YEAR.match(text)
    if match is None:
        raise args.fail("cases.error.bad_year", text=text[:40])
    return ListRequest(year=int(match.group(1)))


def _parse_nothing(make: type[Request]) -> Callable[[Args], Request]:
    def parse(args: Args) -> Request:
        if args.text():
            raise args.fail("cases.error.no_arguments", text=args.text()[:40])
        return make()

    return parse


register(Subcommand("casebook pick", Rule.ADMIN, _club_named(PickRequest), club_scoped=True, aliases=("사례집 선정",)))
register(
    Subcommand("casebook unpick", Rule.ADMIN, _club_named(UnpickRequest), club_scoped=True, aliases=("사례집 제외",))
)
register(
    Subcommand(
        "casebook interview", Rule.ADMIN, _club_named(InterviewRequest), club_scoped=True, aliases=("사례집 인터뷰",)
    )
)
register(Subcommand("casebook list", Rule.ADMIN, _parse_list, aliases=("사례집 목록", "casebook")))
register(Subcommand("casebook foreword", Rule.ADMIN, _parse_nothing(ForewordRequest), aliases=("사례집 머리말",)))
register(
    Subcommand(
        "report brief", Rule.LEADER, _club_named(BriefRequest), club_scoped=True, aliases=("보고서 브리핑", "브리핑")
    )
)
