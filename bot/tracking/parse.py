"""Follow-up tracking subcommands: `/club update|output|meeting|plan|status|list|edit|delete|survey|outcome-report`.

Pure parsing into typed requests, plus the value checks the modals share (DOI, URL, dates, output types
and statuses, item IDs). A value check raises `ValueProblem(key, **params)`; the parser turns it into a
`CommandError` that also shows the subcommand's correct form, a modal into an error on its field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from urllib.parse import unquote, urlsplit

from bot.access import Rule
from bot.domain import OUTPUT_STATUSES, MeetingFormat, OutputStatus, OutputType, Quarter
from bot.errors import UserError
from bot.i18n import Localized
from bot.parsing import (
    COMMON_OPTIONS,
    Args,
    Email,
    Link,
    Mention,
    Quoted,
    Request,
    Subcommand,
    Token,
    Word,
    readable_text,
    register,
    token_text,
)
from bot.slack.forms import FieldErrors, FormValues

# --- value checks shared with the modals -----------------------------------------------------------


class ValueProblem(UserError):
    """A value a person typed that cannot be used: a catalog key and its parameters."""


class ItemKind(StrEnum):
    """What a filed item is; its letter prefixes the item's ID (`u12`, `o7`, `m3`, `p2`)."""

    UPDATE = "u"
    OUTPUT = "o"
    MEETING = "m"
    PLAN = "p"

    @property
    def entity(self) -> str:
        return {"u": "update", "o": "output", "m": "meeting", "p": "plan"}[self.value]


@dataclass(frozen=True, order=True)
class ItemRef:
    kind: ItemKind
    id: int

    def __str__(self) -> str:
        return f"{self.kind.value}{self.id}"

    @property
    def card_ref(self) -> str:
        """The outbox `ref` of the item's card in the club channel, e.g. `output:12`."""
        return f"{self.kind.entity}:{self.id}"


_ITEM = re.compile(r"^#?([uomp])-?(\d{1,9})$", re.IGNORECASE)


def parse_item_ref(text: str) -> ItemRef:
    match = _ITEM.match(text.strip())
    if not match:
        raise ValueProblem("tracking.error.bad_item_id", id=text[:40])
    return ItemRef(ItemKind(match.group(1).lower()), int(match.group(2)))


#: Output types by their English key and the names people type, Korean included.
OUTPUT_TYPE_ALIASES: dict[str, OutputType] = {
    **{t.value: t for t in OutputType},
    "논문": OutputType.PAPER,
    "공동논문": OutputType.PAPER,
    "publication": OutputType.PAPER,
    "제안서": OutputType.PROPOSAL,
    "제안": OutputType.PROPOSAL,
    "과제제안": OutputType.PROPOSAL,
    "grant": OutputType.PROPOSAL,
    "과제": OutputType.PROJECT,
    "프로젝트": OutputType.PROJECT,
    "공동연구": OutputType.PROJECT,
    "교류": OutputType.EXCHANGE,
    "방문": OutputType.EXCHANGE,
    "visit": OutputType.EXCHANGE,
    "워크숍": OutputType.WORKSHOP,
    "워크샵": OutputType.WORKSHOP,
    "세미나": OutputType.WORKSHOP,
    "seminar": OutputType.WORKSHOP,
    "특허": OutputType.PATENT,
    "정책": OutputType.POLICY,
    "정책제언": OutputType.POLICY,
    "로드맵": OutputType.ROADMAP,
    "소프트웨어": OutputType.SOFTWARE,
    "데이터": OutputType.SOFTWARE,
    "sw": OutputType.SOFTWARE,
    "data": OutputType.SOFTWARE,
    "dataset": OutputType.SOFTWARE,
    "수상": OutputType.AWARD,
    "상": OutputType.AWARD,
    "기타": OutputType.OTHER,
}

#: Statuses by their English key, spelled loosely, and their Korean names.
OUTPUT_STATUS_ALIASES: dict[str, OutputStatus] = {
    **{s.value: s for s in OutputStatus},
    **{s.value.replace("-", "_"): s for s in OutputStatus},
    **{s.value.replace("-", ""): s for s in OutputStatus},
    "canceled": OutputStatus.CANCELLED,
    "계획": OutputStatus.PLANNED,
    "진행중": OutputStatus.IN_PROGRESS,
    "작성중": OutputStatus.IN_PROGRESS,
    "투고": OutputStatus.SUBMITTED,
    "제출": OutputStatus.SUBMITTED,
    "심사중": OutputStatus.UNDER_REVIEW,
    "채택": OutputStatus.ACCEPTED,
    "게재승인": OutputStatus.ACCEPTED,
    "게재": OutputStatus.PUBLISHED,
    "출판": OutputStatus.PUBLISHED,
    "발간": OutputStatus.PUBLISHED,
    "선정": OutputStatus.FUNDED,
    "수행중": OutputStatus.ONGOING,
    "출원": OutputStatus.FILED,
    "등록": OutputStatus.GRANTED,
    "공개": OutputStatus.RELEASED,
    "배포": OutputStatus.RELEASED,
    "반영": OutputStatus.ADOPTED,
    "채택됨": OutputStatus.ADOPTED,
    "수상": OutputStatus.RECEIVED,
    "완료": OutputStatus.COMPLETED,
    "탈락": OutputStatus.REJECTED,
    "거절": OutputStatus.REJECTED,
    "게재불가": OutputStatus.REJECTED,
    "취소": OutputStatus.CANCELLED,
    "중단": OutputStatus.CANCELLED,
}

MEETING_FORMAT_ALIASES: dict[str, MeetingFormat] = {
    **{f.value: f for f in MeetingFormat},
    "온라인": MeetingFormat.ONLINE,
    "비대면": MeetingFormat.ONLINE,
    "오프라인": MeetingFormat.OFFLINE,
    "대면": MeetingFormat.OFFLINE,
    "in-person": MeetingFormat.OFFLINE,
    "하이브리드": MeetingFormat.HYBRID,
    "혼합": MeetingFormat.HYBRID,
}


def type_list(lang: str) -> str:
    """Every output type, one a line: `key` (Korean alias) — name: what it covers."""
    from bot.tracking.views import output_type_lines  # views render; this module only parses

    return output_type_lines(lang)


def output_type_of(text: str) -> OutputType:
    found = OUTPUT_TYPE_ALIASES.get(text.strip().lower())
    if found is None:
        raise ValueProblem("tracking.error.unknown_type", type=text[:40], types=Localized(type_list))
    return found


def output_status_of(text: str, output_type: OutputType) -> OutputStatus:
    """A status the type can have. Unknown or foreign to the type: the problem names the type's statuses."""
    from bot.tracking.views import status_names, type_name

    found = OUTPUT_STATUS_ALIASES.get(text.strip().lower())
    allowed = OUTPUT_STATUSES[output_type]
    if found is None or found not in allowed:
        raise ValueProblem(
            "tracking.error.bad_status",
            status=text[:40],
            type=Localized(lambda lang: type_name(lang, output_type)),
            allowed=Localized(lambda lang: status_names(lang, allowed)),
        )
    return found


def meeting_format_of(text: str) -> MeetingFormat | None:
    return MEETING_FORMAT_ALIASES.get(text.strip().lower())


_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^(?:https?://)?(?:dx\.)?doi\.org/|^doi:\s*", re.IGNORECASE)


def normalize_doi(text: str) -> str:
    """The bare, lower-cased `10.…` form of a DOI given bare, as `doi:10.…` or as a doi.org link."""
    raw = text.strip().strip("<>")
    bare = unquote(_DOI_PREFIX.sub("", raw)).strip().rstrip(".,;")
    if not _DOI.match(bare) or len(bare) > 255:
        raise ValueProblem("tracking.error.bad_doi", doi=text[:80])
    return bare.lower()


def check_url(text: str) -> str:
    url = text.strip().strip("<>")
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname or any(c.isspace() for c in url):
        raise ValueProblem("tracking.error.bad_url", url=text[:80])
    if len(url) > 2000:
        raise ValueProblem("tracking.error.url_too_long")
    return url


_DAY = re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})\.?$")


def parse_day(text: str) -> date:
    """`2026-11-20` (also `2026.11.20` and `2026/11/20`, as Korean dates are often written)."""
    match = _DAY.match(text.strip())
    if not match:
        raise ValueProblem("tracking.error.bad_date", date=text[:40])
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise ValueProblem("tracking.error.bad_date", date=text[:40]) from None


def is_day(text: str) -> bool:
    try:
        parse_day(text)
    except ValueProblem:
        return False
    return True


_EMAIL = re.compile(r"^[^@\s<>,;:\"]+@[^@\s<>,;:\"]+\.[^@\s<>,;:\"]+$")


@dataclass(frozen=True)
class PersonRef:
    """Someone an output was done with: a Slack user, an email address, or a name."""

    user_id: str | None = None
    email: str | None = None
    name: str | None = None


def people_of(tokens: tuple[Token, ...] | list[Token]) -> tuple[PersonRef, ...]:
    """`with:` values: mentions, emails and names separated by commas."""
    people: list[PersonRef] = []
    for token in tokens:
        match token:
            case Mention(user_id, _):
                people.append(PersonRef(user_id=user_id))
            case Email(address):
                people.append(PersonRef(email=address.lower()))
            case Link(url, _) if url.startswith("mailto:"):
                people.append(PersonRef(email=url[len("mailto:") :].lower()))
            case _:
                for piece in token_text(token).split(","):
                    piece = piece.strip()
                    if not piece:
                        continue
                    if "@" in piece and not piece.startswith("@"):
                        if not _EMAIL.match(piece):
                            raise ValueProblem("tracking.error.bad_email", email=piece[:80])
                        people.append(PersonRef(email=piece.lower()))
                    else:
                        people.append(PersonRef(name=piece[:200]))
    unique: list[PersonRef] = []
    for person in people:
        if person not in unique:
            unique.append(person)
    return tuple(unique)


@dataclass(frozen=True)
class OutputDraft:
    """An output as a person entered it (command or form), before it is checked."""

    type: OutputType
    title: str
    status: OutputStatus | None = None
    occurred_on: date | None = None
    doi: str | None = None
    url: str | None = None
    people: tuple[PersonRef, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class MeetingDraft:
    held_on: date
    format: MeetingFormat
    attendees: int | None
    summary: str


# --- free text as written ----------------------------------------------------------------------------

_OPEN_QUOTES = {'"': '"', "“": "”", "„": "“", "«": "»"}


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
            if ch in _OPEN_QUOTES:
                close = raw.find(_OPEN_QUOTES[ch], pos + 1)
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


def _checked(args: Args, check: object, *values: object) -> object:
    try:
        return check(*values)  # type: ignore[operator]
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
    if isinstance(first, Word) and _ITEM.match(first.text) and first.text.lower() not in OUTPUT_TYPE_ALIASES:
        return _parse_output_change(args, parse_item_ref(first.text), positional[1:])
    if first is None or not isinstance(first, Word | Quoted):
        raise args.fail("tracking.error.missing_type", types=Localized(type_list))
    output_type = _checked(args, output_type_of, token_text(first))
    assert isinstance(output_type, OutputType)
    rest = positional[1:]
    if not rest and not args.options:
        return OutputRequest(type=output_type)  # `/club output paper`: the form, with the type chosen
    title, extra = _title_of(rest)
    if not title:
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
        status=_checked(args, output_status_of, status, output_type) if status else None,  # type: ignore[arg-type]
        on=_checked(args, parse_day, on) if on else None,  # type: ignore[arg-type]
        doi=_checked(args, normalize_doi, doi) if doi else None,  # type: ignore[arg-type]
        url=_checked(args, check_url, url) if url else None,  # type: ignore[arg-type]
        people=_checked(args, people_of, people_option.values) if people_option else (),  # type: ignore[arg-type]
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
        on=_checked(args, parse_day, on) if on else None,  # type: ignore[arg-type]
        doi=_checked(args, normalize_doi, doi) if doi else None,  # type: ignore[arg-type]
        url=_checked(args, check_url, url) if url else None,  # type: ignore[arg-type]
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
    assert isinstance(held_on, date)
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
    item = _checked(args, parse_item_ref, words[0])
    assert isinstance(item, ItemRef)
    return item


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
    return SurveyRequest(closes_on=_checked(args, parse_day, closes) if closes else None)  # type: ignore[arg-type]


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
    return OutcomeReportRequest(submitted=submitted, on=_checked(args, parse_day, on) if on else None)  # type: ignore[arg-type]


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


# --- forms --------------------------------------------------------------------------------------------------


def form_text(values: FormValues, field: str, meta: dict[str, Any]) -> str:
    """A long text entered over one or more inputs (`field`, `field_2`...; see `bot.tracking.views.split_text`)."""
    joins = list((meta.get("joins") or {}).get(field) or [])
    parts = [values.text(field)]
    for index in range(len(joins)):
        parts.append(values.text(f"{field}_{index + 2}"))
    text = parts[0]
    for index, part in enumerate(parts[1:]):
        if part:
            text += (joins[index] if text else "") + part
    return text.strip()


def _form_problem(problems: dict[str, tuple[str, dict[str, object]]], field: str, check: Any, value: str) -> Any:
    if not value:
        return None
    try:
        return check(value)
    except ValueProblem as problem:
        problems[field] = (problem.key, problem.params)
        return None


def read_output_form(values: FormValues, meta: dict[str, Any]) -> tuple[OutputDraft, dict[str, Any]]:
    """The output form's values, and the problems with its fields (a bad DOI, a link that is not http(s)...):
    the service adds its own checks, so every problem shows at once. A field with a problem is left empty."""
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    raw_type = values.option("type")
    output_type = OutputType(raw_type) if raw_type in {o.value for o in OutputType} else OutputType.OTHER
    if raw_type != output_type.value:
        problems["type"] = ("tracking.error.missing_type_form", {})
    status = None
    raw_status = values.option("status")
    if raw_status:
        status = _form_problem(problems, "status", lambda v: output_status_of(v, output_type), raw_status)
    doi = _form_problem(problems, "doi", normalize_doi, values.text("doi"))
    url = _form_problem(problems, "url", check_url, values.text("url"))
    people: list[PersonRef] = [PersonRef(user_id=u) for u in values.users("with_users")]
    others = values.text("with_others")
    if others:
        found = _form_problem(problems, "with_others", people_of, [Word(others)])
        people.extend(found or ())
    draft = OutputDraft(
        type=output_type,
        title=values.text("title"),
        status=status,
        occurred_on=values.date("date"),
        doi=doi,
        url=url,
        people=tuple(dict.fromkeys(people)),
        note=form_text(values, "note", meta) or None,
    )
    return draft, problems


def read_meeting_form(values: FormValues, meta: dict[str, Any]) -> MeetingDraft:
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    held_on = values.date("held_on")
    if held_on is None:
        problems["held_on"] = ("tracking.error.meeting_needs_date", {})
    raw_format = values.option("format") or MeetingFormat.OFFLINE.value
    attendees = None
    raw_attendees = values.number("attendees")
    if raw_attendees:
        if not raw_attendees.isdigit():
            problems["attendees"] = ("tracking.error.bad_attendees", {"value": raw_attendees[:20]})
        else:
            attendees = int(raw_attendees)
    if problems:
        raise FieldErrors(problems)
    assert held_on is not None
    return MeetingDraft(
        held_on=held_on,
        format=MeetingFormat(raw_format),
        attendees=attendees,
        summary=form_text(values, "summary", meta),
    )
