"""Reading tracking's forms: the values a person entered in an item's or a survey's modal, as drafts.

Pure: a form's values (`FormValues`) and its metadata in, a draft (or an answer) out, with the problems
found on its fields. A long text entered over several inputs is joined again here (see
`bot.tracking.views.modals.split_text`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.domain import MeetingFormat, OutputType
from bot.parsing import Word
from bot.refs import PersonRef
from bot.slack.forms import FieldErrors, FormValues
from bot.tracking.types import QUESTIONS, Answer, MeetingDraft, OutputDraft
from bot.tracking.values import ValueProblem, check_url, normalize_doi, output_status_of, people_of, text_problems


def form_text(values: FormValues, field: str, meta: dict[str, Any]) -> str:
    """A long text entered over one or more inputs (`field`, `field_2`...; see
    `bot.tracking.views.modals.split_text`)."""
    joins = list((meta.get("joins") or {}).get(field) or [])
    parts = [values.text(field)]
    for index in range(len(joins)):
        parts.append(values.text(f"{field}_{index + 2}"))
    text = parts[0]
    for index, part in enumerate(parts[1:]):
        if part:
            text += (joins[index] if text else "") + part
    return text.strip()


V = TypeVar("V")
T = TypeVar("T")


def _form_problem(
    problems: dict[str, tuple[str, dict[str, object]]], field: str, check: Callable[[V], T], value: V
) -> T | None:
    """`check(value)` for a value entered; its `ValueProblem` noted on the field (and None)."""
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


def read_survey_form(values: FormValues) -> Answer:
    """The survey form's answers (radio buttons 1-5 and an optional comment)."""
    scores: dict[str, int] = {}
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    for question in QUESTIONS:
        raw = values.option(question)
        if raw is None or not raw.isdigit() or not 1 <= int(raw) <= 5:
            problems[question] = ("tracking.error.survey_score", {})
        else:
            scores[question] = int(raw)
    problems.update(text_problems("comment", values.text("comment")))
    if problems:
        raise FieldErrors(problems)
    return Answer(**scores, comment=values.text("comment") or None)


# --- switching a message shortcut's form between an update and an output -------------------------------


@dataclass(frozen=True)
class OutputPrefill:
    """An output form's fields guessed from an update's text: its first line, the rest, a link and a DOI."""

    title: str | None
    note: str | None
    url: str | None
    doi: str | None


def _first(pattern: str, text: str) -> str | None:
    match = re.search(pattern, text)
    return match.group(0).rstrip(".,;") if match else None


def output_prefill(text: str) -> OutputPrefill:
    title, _, note = text.partition("\n")
    return OutputPrefill(
        title=title.strip()[:300] or None,
        note=note.strip() or None,
        url=_first(r"https?://[^\s)>|]+", text),
        doi=_first(r"\b10\.\d{4,9}/[^\s)>|]+", text),
    )


def update_text_of_output_form(values: FormValues, meta: dict[str, Any]) -> str:
    """An output form's title and note, as the text of an update."""
    return "\n".join(part for part in (values.text("title"), form_text(values, "note", meta)) if part)
