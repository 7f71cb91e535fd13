"""Follow-up tracking subcommands: `/club update|output|meeting|plan|status|list|edit|delete|survey|outcome-report`.

Pure parsing into typed requests; the value checks (DOI, URL, dates, output types and statuses, item IDs)
are `bot.tracking.values`, shared with the forms (`bot.tracking.forms`). A value check's `ValueProblem`
becomes a `CommandError` that also shows the subcommand's correct form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import ParamSpec, TypeVar

from bot.access import Rule
from bot.domain import MeetingFormat, OutputStatus, OutputType, Quarter
from bot.i18n import Localized
from bot.parsing import (
    COMMON_OPTIONS,
    QUOTES,
    Args,
    Quoted,
    Request,
    Subcommand,
    Token,
    Word,
    readable_text,
    register,
    token_text,
)
from bot.refs import PersonRef
from bot.tracking.types import ItemKind, ItemRef
from bot.tracking.values import (
    ITEM_ID,
    OUTPUT_TYPE_ALIASES,
    ValueProblem,
    check_url,
    meeting_format_of,
    normalize_doi,
    output_status_of,
    output_type_of,
    parse_day,
    parse_item_ref,
    people_of,
    type_list,
)

# --- free text as written ----------------------------------------------------------------------------


def _chunks(raw: str) -> list[tuple[int, int, str]]:
    """Whitespace-separated chunks with their spans; a quote opened in a chunk runs to its closing quote."""
    chunks: list[tuple[int, int, str]] = []
    pos, n = 0, len(raw)
    while pos < n:
        while pos < n and raw[pos].isspace():
            pos += 1
        if pos >= n:
            break
        start = pos
        while pos < n and not raw[pos].isspace():
            ch = raw[pos]
            if ch in QUOTES:
                close = raw.find(QUOTES[ch], pos + 1)
                if close == -1 and ch == '"':
                    close = raw.find("”", pos + 1)
                pos = n if close == -1 else close + 1
                continue
            pos += 1
        chunks.append((start, pos, raw[start:pos]))
    return chunks


def free_text(
    args: Args, options: dict[str, tuple[str, ...]], *, drop: int = 1, also_drop: tuple[str, ...] = ()
) -> str:
    """The text after the subcommand as the person wrote it (line breaks kept), without its options and
    without the first chunk equal to each of `also_drop` (e.g. a meeting's date and format), made readable."""
    keys = {alias.lower() for key, aliases in {**COMMON_OPTIONS, **options}.items() for alias in (key, *aliases)}
    raw = args.raw
    pending = list(also_drop)
    pieces: list[str] = []
    previous_end: int | None = None
    removed_since = False
    skip_next = False
    for start, end, text in _chunks(raw)[drop:]:
        key, colon, value = text.partition(":")
        if skip_next:
            skip_next = False
        elif colon and key.lower() in keys:
            skip_next = not value  # `club: NAME`: the value is the next chunk
        elif text in pending:
            pending.remove(text)
        else:
            if previous_end is not None:
                gap = raw[previous_end:start]
                pieces.append(("\n" if "\n" in gap else " ") if removed_since else gap)
            pieces.append(raw[start:end])
            previous_end, removed_since = end, False
            continue
        removed_since = True
    return readable_text("".join(pieces)).strip()


# --- requests -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpdateRequest(Request):
    text: str | None = None  # None: open the form


@dataclass(frozen=True)
class OutputRequest(Request):
    """A new output; with nothing given, the form opens (with the type chosen, if only that was given)."""

    type: OutputType | None = None
    title: str | None = None
    status: OutputStatus | None = None
    on: date | None = None
    doi: str | None = None
    url: str | None = None
    people: tuple[PersonRef, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class OutputChangeRequest(Request):
    """`/club output o7 status:accepted [date:…] [doi:…] [url:…]`: a later step of an existing output."""

    item: ItemRef
    status: str | None = None  # checked against the item's type by the service
    on: date | None = None
    doi: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class MeetingRequest(Request):
    held_on: date | None = None  # None: open the form
    format: MeetingFormat | None = None
    attendees: int | None = None
    summary: str | None = None


@dataclass(frozen=True)
class PlanRequest(Request):
    text: str | None = None


@dataclass(frozen=True)
class StatusRequest(Request):
    quarter: Quarter | None = None


@dataclass(frozen=True)
class ListRequest(Request):
    quarter: Quarter | None = None
    mine: bool = False


@dataclass(frozen=True)
class EditRequest(Request):
    item: ItemRef


@dataclass(frozen=True)
class DeleteRequest(Request):
    item: ItemRef


@dataclass(frozen=True)
class SurveyRequest(Request):
    closes_on: date | None = None


@dataclass(frozen=True)
class SurveyResultsRequest(Request):
    pass


@dataclass(frozen=True)
class OutcomeReportRequest(Request):
    """`/club outcome-report` shows where the report stands; `… submitted [date:…]` records it as submitted."""

    submitted: bool = False
    on: date | None = None


# --- parsers --------------------------------------------------------------------------------------------


P = ParamSpec("P")
T = TypeVar("T")


def _checked(args: Args, check: Callable[P, T], *values: P.args, **params: P.kwargs) -> T:
    """`check(*values)`; its `ValueProblem` as the command's error (with the subcommand's correct form)."""
    try:
        return check(*values, **params)
    except ValueProblem as problem:
        raise args.fail(problem.key, **problem.params) from None


def _option_value(args: Args, key: str) -> str | None:
    value = args.option_text(key)
    if value is not None and not value:
        raise args.fail("tracking.error.option_empty", option=key)
    return value


UPDATE_OPTIONS: dict[str, tuple[str, ...]] = {}


def _parse_update(args: Args) -> Request:
    text = free_text(args, UPDATE_OPTIONS)
    return UpdateRequest(text=text or None)


OUTPUT_OPTIONS: dict[str, tuple[str, ...]] = {
    "status": ("상태",),
    "date": ("날짜", "일자"),
    "doi": (),
    "url": ("링크", "link"),
    "with": ("공동", "함께"),
    "note": ("메모", "비고"),
}


def _parse_output(args: Args) -> Request:
    positional = list(args.positional)
    if not positional and not args.options:
        return OutputRequest()
    first = positional[0] if positional else None
    if isinstance(first, Word) and ITEM_ID.match(first.text) and first.text.lower() not in OUTPUT_TYPE_ALIASES:
        return _parse_output_change(args, parse_item_ref(first.text), positional[1:])
    if first is None or not isinstance(first, Word | Quoted):
        raise args.fail("tracking.error.missing_type", types=Localized(type_list))
    output_type = _checked(args, output_type_of, token_text(first))
    rest = positional[1:]
    if not rest and not args.options:
        return OutputRequest(type=output_type)  # `/club output paper`: the form, with the type chosen
    title, extra = _title_of(rest)
    if not title and not args.options.get("doi"):  # with a DOI, Crossref gives the title
        raise args.fail("tracking.error.missing_title")
    if extra:
        raise args.fail("tracking.error.extra_words", words=" ".join(token_text(t) for t in extra)[:200])
    status = _option_value(args, "status")
    on = _option_value(args, "date")
    doi = _option_value(args, "doi")
    url = _option_value(args, "url")
    people_option = args.options.get("with")
    note = _option_value(args, "note")
    return OutputRequest(
        type=output_type,
        title=title,
        status=_checked(args, output_status_of, status, output_type) if status else None,
        on=_checked(args, parse_day, on) if on else None,
        doi=_checked(args, normalize_doi, doi) if doi else None,
        url=_checked(args, check_url, url) if url else None,
        people=_checked(args, people_of, people_option.values) if people_option else (),
        note=note,
    )


def _title_of(tokens: list[Token]) -> tuple[str, list[Token]]:
    """A quoted title (and what follows it), or every word when the title was not quoted."""
    if not tokens:
        return "", []
    if isinstance(tokens[0], Quoted):
        return tokens[0].text.strip(), tokens[1:]
    if any(isinstance(t, Quoted) for t in tokens):
        return "", tokens
    return " ".join(token_text(t) for t in tokens).strip(), []


def _parse_output_change(args: Args, item: ItemRef, rest: list[Token]) -> Request:
    if item.kind is not ItemKind.OUTPUT:
        raise args.fail("tracking.error.not_an_output", id=str(item))
    if rest:
        raise args.fail("tracking.error.extra_words", words=" ".join(token_text(t) for t in rest)[:200])
    status = _option_value(args, "status")
    on = _option_value(args, "date")
    doi = _option_value(args, "doi")
    url = _option_value(args, "url")
    for unsupported in ("with", "note"):
        if unsupported in args.options:
            raise args.fail("tracking.error.change_use_edit", option=unsupported, id=str(item))
    if not (status or on or doi or url):
        raise args.fail("tracking.error.change_needs_something", id=str(item))
    return OutputChangeRequest(
        item=item,
        status=status,
        on=_checked(args, parse_day, on) if on else None,
        doi=_checked(args, normalize_doi, doi) if doi else None,
        url=_checked(args, check_url, url) if url else None,
    )


MEETING_OPTIONS: dict[str, tuple[str, ...]] = {"attendees": ("참석", "참석자", "인원")}


def _parse_meeting(args: Args) -> Request:
    positional = list(args.positional)
    if not positional and not args.options:
        return MeetingRequest()
    first = positional[0] if positional else None
    if not isinstance(first, Word) or not re.match(r"^\d", first.text):
        raise args.fail("tracking.error.meeting_needs_date")
    held_on = _checked(args, parse_day, first.text)
    dropped = [first.text]
    meeting_format = None
    if len(positional) > 1 and isinstance(positional[1], Word):
        meeting_format = meeting_format_of(positional[1].text)
        if meeting_format is not None:
            dropped.append(positional[1].text)
    attendees = None
    raw_attendees = _option_value(args, "attendees")
    if raw_attendees is not None:
        if not raw_attendees.isdigit():
            raise args.fail("tracking.error.bad_attendees", value=raw_attendees[:20])
        attendees = int(raw_attendees)
        if attendees > 10000:
            raise args.fail("tracking.error.bad_attendees", value=raw_attendees[:20])
    summary = free_text(args, MEETING_OPTIONS, also_drop=tuple(dropped))
    if not summary:
        raise args.fail("tracking.error.meeting_needs_summary")
    return MeetingRequest(
        held_on=held_on, format=meeting_format or MeetingFormat.OFFLINE, attendees=attendees, summary=summary
    )


def _parse_plan(args: Args) -> Request:
    text = free_text(args, {})
    return PlanRequest(text=text or None)


def _quarter(args: Args, text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except ValueError:
        raise args.fail("tracking.error.bad_quarter", quarter=text[:20]) from None


def _parse_status(args: Args) -> Request:
    words = [token_text(t) for t in args.positional]
    if len(words) > 1:
        raise args.fail("tracking.error.extra_words", words=" ".join(words[1:])[:200])
    return StatusRequest(quarter=_quarter(args, words[0]) if words else None)


MINE_WORDS = ("mine", "me", "내", "내것", "나")


def _parse_list(args: Args) -> Request:
    mine = args.take_word(MINE_WORDS) is not None
    words = [token_text(t) for t in args.positional]
    if len(words) > 1:
        raise args.fail("tracking.error.extra_words", words=" ".join(words[1:])[:200])
    return ListRequest(quarter=_quarter(args, words[0]) if words else None, mine=mine)


def _item_argument(args: Args) -> ItemRef:
    words = [token_text(t) for t in args.positional]
    if not words:
        raise args.fail("tracking.error.missing_item_id")
    if len(words) > 1:
        raise args.fail("tracking.error.extra_words", words=" ".join(words[1:])[:200])
    return _checked(args, parse_item_ref, words[0])


def _parse_edit(args: Args) -> Request:
    return EditRequest(item=_item_argument(args))


def _parse_delete(args: Args) -> Request:
    return DeleteRequest(item=_item_argument(args))


SURVEY_OPTIONS: dict[str, tuple[str, ...]] = {"closes": ("마감", "close", "until")}


def _parse_survey(args: Args) -> Request:
    if args.positional:
        word = token_text(args.positional[0])
        raise args.fail("tracking.error.survey_unknown_word", word=word[:40])
    closes = _option_value(args, "closes")
    return SurveyRequest(closes_on=_checked(args, parse_day, closes) if closes else None)


def _parse_survey_results(args: Args) -> Request:
    if args.positional:
        raise args.fail("tracking.error.extra_words", words=" ".join(token_text(t) for t in args.positional)[:200])
    return SurveyResultsRequest()


SUBMITTED_WORDS = ("submitted", "done", "filed", "제출", "제출함", "완료")
OUTCOME_OPTIONS: dict[str, tuple[str, ...]] = {"date": ("날짜", "일자")}


def _parse_outcome_report(args: Args) -> Request:
    submitted = args.take_word(SUBMITTED_WORDS) is not None
    if args.positional:
        raise args.fail("tracking.error.outcome_unknown_word", word=token_text(args.positional[0])[:40])
    on = _option_value(args, "date")
    if on and not submitted:
        raise args.fail("tracking.error.outcome_date_without_submitted")
    return OutcomeReportRequest(submitted=submitted, on=_checked(args, parse_day, on) if on else None)


register(
    Subcommand("update", Rule.MEMBER, _parse_update, club_scoped=True, aliases=("소식", "활동"), options=UPDATE_OPTIONS)
)
register(
    Subcommand(
        "output",
        Rule.MEMBER,
        _parse_output,
        club_scoped=True,
        aliases=("성과",),
        options=OUTPUT_OPTIONS,
        list_options=frozenset({"with"}),  # `with:@kim @lee` as Slack's autocomplete writes it
    )
)
register(
    Subcommand(
        "meeting", Rule.MEMBER, _parse_meeting, club_scoped=True, aliases=("회의", "모임"), options=MEETING_OPTIONS
    )
)
register(Subcommand("plan", Rule.MEMBER, _parse_plan, club_scoped=True, aliases=("계획",)))
register(Subcommand("status", Rule.MEMBER, _parse_status, club_scoped=True, aliases=("현황",)))
register(Subcommand("list", Rule.MEMBER, _parse_list, club_scoped=True, aliases=("목록",)))
register(Subcommand("edit", Rule.MEMBER, _parse_edit, club_scoped=True, aliases=("수정",)))
register(Subcommand("delete", Rule.MEMBER, _parse_delete, club_scoped=True, aliases=("삭제",)))
register(Subcommand("survey", Rule.ADMIN, _parse_survey, club_scoped=True, aliases=("설문",), options=SURVEY_OPTIONS))
register(Subcommand("survey results", Rule.ADMIN, _parse_survey_results, club_scoped=True, aliases=("설문 결과",)))
register(
    Subcommand(
        "outcome-report",
        Rule.LEADER,
        _parse_outcome_report,
        club_scoped=True,
        aliases=("성과보고서", "outcome"),
        options=OUTCOME_OPTIONS,
    )
)
