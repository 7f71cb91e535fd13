"""Tracking's value checks, shared by the command parsers, the forms and the services: item IDs, output
types and statuses (as people type them, Korean included), meeting formats, DOIs, links, dates and the
people an output was done with.

A check raises `ValueProblem(key, **params)`: the command parser turns it into a `CommandError` that also
shows the subcommand's correct form, a form into an error on its field.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from urllib.parse import urlsplit

from bot.doi import bare_doi
from bot.domain import OUTPUT_STATUSES, MeetingFormat, OutputStatus, OutputType
from bot.errors import UserError
from bot.i18n import Localized
from bot.parsing import EMAIL_PATTERN, Email, Link, Mention, Token, token_text
from bot.refs import PersonRef
from bot.tracking.names import output_type_lines, status_names, type_name
from bot.tracking.types import ItemKind, ItemRef


class ValueProblem(UserError):
    """A value a person typed that cannot be used: a catalog key and its parameters."""


#: An item's ID as people type it: `o7`, `#o7`, `o-7`.
ITEM_ID = re.compile(r"^#?([uomp])-?(\d{1,9})$", re.IGNORECASE)


def parse_item_ref(text: str) -> ItemRef:
    match = ITEM_ID.match(text.strip())
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
    return output_type_lines(lang)


def output_type_of(text: str) -> OutputType:
    found = OUTPUT_TYPE_ALIASES.get(text.strip().lower())
    if found is None:
        raise ValueProblem("tracking.error.unknown_type", type=text[:40], types=Localized(type_list))
    return found


def output_status_of(text: str, output_type: OutputType) -> OutputStatus:
    """A status the type can have. Unknown or foreign to the type: the problem names the type's statuses."""
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


def normalize_doi(text: str) -> str:
    """The bare, lower-cased `10.…` form of a DOI given bare, as `doi:10.…` or as a doi.org link (`bot.doi`)."""
    bare = bare_doi(text.strip().strip("<>"))
    if bare is None:
        raise ValueProblem("tracking.error.bad_doi", doi=text[:80])
    return bare


#: The longest text a person may file: what one of Slack's text inputs holds (so a filed text fits the form that
#: edits it); a title less, as it is shown whole on the card and in the reports.
TEXT_LIMIT = 3000
TITLE_LIMIT = 500

TextProblem = tuple[str, dict[str, object]]


def length_problem(text: str | None, limit: int = TEXT_LIMIT) -> TextProblem | None:
    """A text longer than `limit` characters, said with both numbers (nothing is cut without the person knowing)."""
    if text is not None and len(text) > limit:
        return "tracking.error.too_long", {"limit": f"{limit:,}", "length": f"{len(text):,}"}
    return None


def text_problems(field: str, text: str | None, limit: int = TEXT_LIMIT) -> dict[str, TextProblem]:
    problem = length_problem(text, limit)
    return {field: problem} if problem else {}


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
    except ValueError:  # written right, but no such day (2026-13-45, 2026-02-30)
        raise ValueProblem("tracking.error.impossible_date", date=text[:40]) from None


def is_day(text: str) -> bool:
    try:
        parse_day(text)
    except ValueProblem:
        return False
    return True


def people_of(tokens: Sequence[Token]) -> tuple[PersonRef, ...]:
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
                        if not EMAIL_PATTERN.match(piece):
                            raise ValueProblem("tracking.error.bad_email", email=piece[:80])
                        people.append(PersonRef(email=piece.lower()))
                    else:
                        people.append(PersonRef(name=piece[:200]))
    unique: list[PersonRef] = []
    for person in people:
        if person not in unique:
            unique.append(person)
    return tuple(unique)
