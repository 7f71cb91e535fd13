"""The checks a filed or edited item passes, shared by commands and forms: each problem by the field it is
found on, so a form shows every problem at once and a command the first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from bot.domain import MAY_BE_DATED_AHEAD, OUTPUT_STATUSES, OutputStatus, default_status
from bot.i18n import Localized
from bot.slack.forms import FieldErrors
from bot.tracking.names import status_name, status_names
from bot.tracking.types import MeetingDraft, OutputDraft
from bot.tracking.values import TITLE_LIMIT, text_problems

EARLIEST_DAY = date(1990, 1, 1)
#: How far ahead a date may lie (a planned workshop next year, not a typo for 2062).
MAX_DAYS_AHEAD = 730
#: How far back a club meeting may be filed.
MEETING_MAX_DAYS_BACK = 730

Problem = tuple[str, dict[str, object]]


def date_problem(day: date, status: OutputStatus | None, today: date) -> Problem | None:
    """A date that cannot be right: before 1990, more than two years ahead, or ahead for a status that has happened."""
    if day < EARLIEST_DAY:
        return "tracking.error.date_too_early", {"date": day.isoformat()}
    if day > today + timedelta(days=MAX_DAYS_AHEAD):
        return "tracking.error.date_too_far", {"date": day.isoformat()}
    if status is not None and day > today and status not in MAY_BE_DATED_AHEAD:
        return "tracking.error.date_in_future", {"date": day.isoformat(), "status": status_name_of(status)}
    return None


def status_name_of(status: OutputStatus) -> Localized:
    return Localized(lambda lang: status_name(lang, status))


def status_list_of(statuses: Sequence[OutputStatus]) -> Localized:
    return Localized(lambda lang: status_names(lang, statuses))


def output_problems(draft: OutputDraft, today: date) -> dict[str, Problem]:
    """Problems by field (`title`, `status`, `date`...): the form shows each on its field, a command the first."""
    problems: dict[str, Problem] = {}
    if not draft.title.strip() and not draft.doi:  # a DOI alone: the title comes from Crossref
        problems["title"] = ("tracking.error.missing_title", {})
    problems.update(text_problems("title", draft.title, TITLE_LIMIT))
    problems.update(text_problems("note", draft.note))
    status = draft.status or default_status(draft.type)
    if status not in OUTPUT_STATUSES[draft.type]:
        problems["status"] = (
            "tracking.error.status_not_for_type",
            {"status": status_name_of(status), "allowed": status_list_of(OUTPUT_STATUSES[draft.type])},
        )
    elif draft.occurred_on is not None:
        problem = date_problem(draft.occurred_on, status, today)
        if problem:
            problems["date"] = problem
    return problems


def meeting_problems(draft: MeetingDraft, today: date) -> dict[str, Problem]:
    problems: dict[str, Problem] = {}
    if draft.held_on > today:
        problems["held_on"] = ("tracking.error.meeting_in_future", {"date": draft.held_on.isoformat()})
    elif draft.held_on < today - timedelta(days=MEETING_MAX_DAYS_BACK):
        problems["held_on"] = ("tracking.error.meeting_too_old", {"date": draft.held_on.isoformat()})
    if draft.attendees is not None and not 0 <= draft.attendees <= 10000:
        problems["attendees"] = ("tracking.error.bad_attendees", {"value": str(draft.attendees)})
    if not draft.summary.strip():
        problems["summary"] = ("tracking.error.meeting_needs_summary", {})
    problems.update(text_problems("summary", draft.summary))
    return problems


def raise_problems(problems: dict[str, Problem]) -> None:
    if problems:
        raise FieldErrors(problems)
