"""Every view function of the bot, with realistic and extreme data in both languages, through the stand-in's
Block Kit validator: a view that can exceed one of Slack's limits fails here, not in Slack.

The walk is complete by construction: every public function of the view modules (`bot/*/views*.py`,
`bot/tracking/views/*.py`, `bot/help.py`, the builders of `bot/slack/modals.py`) that returns a message or
a view must have an entry in CASES, or the first test fails. An entry is `AUTO` (every argument built
from its annotation by tests.extremes.Maker), a function returning the surfaces to check, or `NOT_A_SURFACE`
with the reason (a text object, an ack body).
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy.orm import Session

import bot.casebook.views
import bot.clubs.views
import bot.digests.views
import bot.help
import bot.reports.views
import bot.scholarly.form
import bot.scholarly.views
import bot.slack.blocks
import bot.slack.modals
import bot.tracking.views.answers
import bot.tracking.views.cards
import bot.tracking.views.common
import bot.tracking.views.deadlines
import bot.tracking.views.lists
import bot.tracking.views.modals
import bot.tracking.views.status
import bot.tracking.views.surveys
import storage.models
from bot import due, refs
from bot.domain import Language
from bot.errors import UserError
from bot.slack.blocks import Message
from bot.standin.validator import validate_message, validate_view
from bot.subcommands import SUBCOMMANDS, CommandError
from tests.extremes import NOW, SEOUL, Maker

MODULES: list[ModuleType] = [
    bot.casebook.views,
    bot.clubs.views,
    bot.digests.views,
    bot.reports.views,
    bot.tracking.views.answers,
    bot.tracking.views.cards,
    bot.tracking.views.common,
    bot.tracking.views.deadlines,
    bot.tracking.views.lists,
    bot.tracking.views.modals,
    bot.tracking.views.status,
    bot.tracking.views.surveys,
    bot.scholarly.views,
    bot.scholarly.form,
    bot.help,
    bot.slack.modals,
]
NAMESPACE: dict[str, Any] = {**vars(due), **vars(refs), **vars(storage.models), "Session": Session}


class Surface(typing.NamedTuple):
    """One thing the bot sends: a message, or a view of a `kind` (modal, home)."""

    value: Message | dict[str, Any]
    kind: str = "message"


Case = Callable[[Maker], list[Surface]]
AUTO = "auto"


def auto(name: str, **overrides: Callable[[Maker], Any]) -> Case:
    """Every argument from its annotation, except those named in `overrides` (argument or field names)."""

    def case(maker: Maker) -> list[Surface]:
        for key, make in overrides.items():
            maker.overrides[key] = lambda seed, make=make: make(maker)
        fn = FUNCTIONS[name]
        value = fn(**maker.arguments(fn))
        return [Surface(value) if isinstance(value, Message) else Surface(value, VIEW_KINDS.get(name, "modal"))]

    return case


def _year_summary(maker: Maker) -> list[Surface]:
    """The annual report's summary (a year's period), with every outstanding club's name at its longest."""
    from bot.reports.period import Period
    from bot.reports.types import StoredReport

    summary = {"clubs": 16, "members": 640, "updates": 250, "meetings": 48, "outputs_achieved": 41, "papers": 17,
               "papers_international": 9, "share_active": 0.6123, "met": ["clubs", "updates"], "targets": 9,
               "outstanding": [[maker.string("name"), 71.25] for _ in range(maker.items)]}  # fmt: skip
    report = StoredReport(Period.of_year(2026), "program", None, None, (), summary)
    return [Surface(bot.reports.views.report_summary(report, maker.lang))]


def _long_blocks(maker: Maker) -> list[dict[str, Any]]:
    return [bot.slack.blocks.section(maker.string("text")) for _ in range(maker.items)]


class NotASurface(str):
    """A public function of a view module whose result Slack does not validate as a surface (the reason)."""


def _returns_surface(fn: Callable[..., Any]) -> bool:
    hints = typing.get_type_hints(fn, localns=NAMESPACE)
    ret = hints.get("return")
    return ret is Message or ret == dict[str, Any]


def view_functions() -> Iterator[tuple[str, Callable[..., Any]]]:
    for module in MODULES:
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            if _returns_surface(fn):
                yield f"{module.__name__}.{name}", fn


def _in_modal(block: dict[str, Any]) -> list[Surface]:
    return [Surface(bot.slack.modals.modal("walk", "Walk", [block], submit="OK"), "modal")]


def _options(maker: Maker) -> list[tuple[str, str]]:
    # more than Slack's 100 options, values and texts longer than Slack's 150 and 75 characters
    count = 150 if maker.extreme else 3
    return [(maker.string("value") + str(i), maker.string("title")) for i in range(count)]


def _input_case(builder: Callable[..., dict[str, Any]], **extra: Callable[[Maker], Any]) -> Case:
    def case(maker: Maker) -> list[Surface]:
        label = maker.string("label") if not maker.extreme else "L" * 3000
        given = {name: make(maker) for name, make in extra.items()}
        hint = maker.string("hint")
        block = builder("field", label, hint=hint, **given)
        return _in_modal(block)

    return case


def _simple(fn: Callable[..., Message], key: str) -> Case:
    def case(maker: Maker) -> list[Surface]:
        return [Surface(fn(maker.lang, key))]

    return case


def _help_index(maker: Maker) -> list[Surface]:
    return [Surface(bot.help.help_index(maker.lang, list(SUBCOMMANDS.values())))]


def _help_topic(maker: Maker) -> list[Surface]:
    return [Surface(bot.help.help_topic(maker.lang, spec)) for spec in SUBCOMMANDS.values()]


def _command_error(maker: Maker) -> list[Surface]:
    spec = next(iter(SUBCOMMANDS.values()))
    error = CommandError("error.unknown_subcommand", subcommand=maker.string("name"))
    return [
        Surface(bot.help.command_error(maker.lang, error, spec)),
        Surface(bot.help.command_error(maker.lang, error, None)),
    ]


def _user_error(maker: Maker) -> list[Surface]:
    error = UserError("clubs.error.name_too_long", limit=120)
    return [Surface(bot.help.user_error(maker.lang, error))]


def _home(maker: Maker) -> list[Surface]:
    args = maker.arguments(bot.clubs.views.home)
    return [Surface(bot.clubs.views.home(**args), "home")]


def _filled_form(maker: Maker) -> list[Surface]:
    """The output form filled from a DOI's answer (long title, venue, many authors, another type), and the
    form saying the DOI is unknown, that Crossref was out of reach, and that the text is not a DOI."""
    from datetime import date

    from bot.domain import OutputType
    from bot.scholarly.types import DoiAnswer, DoiKnown

    view = {**bot.tracking.views.modals.output_form(maker.lang, {"club": 1, "channel": "C1"}), "state": {}}
    doi = maker.string("doi")
    found = DoiAnswer(
        doi,
        DoiKnown.FOUND,
        title=maker.string("title"),
        venue=maker.string("venue"),
        published=date(2026, 9, 14),
        crossref_type=maker.string("crossref_type"),
        output_type=OutputType.OTHER,
        authors=tuple(maker.string("name") for _ in range(maker.items)),
    )
    answers = [found, DoiAnswer(doi, DoiKnown.UNKNOWN), DoiAnswer(doi, DoiKnown.FAILED), None]
    return [Surface(bot.scholarly.form.filled_form(maker.lang, view, doi, answer), "modal") for answer in answers]


CASES: dict[str, str | Case | NotASurface] = {
    # clubs
    "bot.clubs.views.welcome": AUTO,
    "bot.clubs.views.provision_summary": AUTO,
    "bot.clubs.views.invite_summary": AUTO,
    "bot.clubs.views.guests_to_invite": AUTO,
    "bot.clubs.views.guests_to_add": AUTO,
    "bot.clubs.views.members_list": AUTO,
    "bot.clubs.views.clubs_list": AUTO,
    "bot.clubs.views.members_modal": AUTO,
    "bot.clubs.views.simple": _simple(bot.clubs.views.simple, "clubs.error.name_too_long"),
    "bot.clubs.views.home": _home,
    "bot.clubs.views.new_club_form": AUTO,
    "bot.clubs.views.record_form": AUTO,
    "bot.clubs.views.archive_confirm": AUTO,
    "bot.clubs.views.away_form": AUTO,
    # the casebook and the December brief
    "bot.casebook.views.listing_message": AUTO,
    "bot.casebook.views.pick_answer": AUTO,
    "bot.casebook.views.unpick_answer": AUTO,
    "bot.casebook.views.consent_message": AUTO,
    "bot.casebook.views.consent_answer": AUTO,
    "bot.casebook.views.interview_modal": AUTO,
    "bot.casebook.views.foreword_modal": AUTO,
    "bot.casebook.views.saved_modal": AUTO,
    "bot.casebook.views.brief_message": AUTO,
    # outputs found through OpenAlex
    "bot.scholarly.views.suggestion_message": AUTO,
    "bot.scholarly.views.decision_answer": AUTO,
    "bot.scholarly.form.filled_form": _filled_form,
    # digests
    "bot.digests.views.digest_post": AUTO,
    "bot.digests.views.digest_parent": AUTO,
    "bot.digests.views.digest_reply": AUTO,
    "bot.digests.views.preview_preparing": AUTO,
    "bot.digests.views.digest_preview": AUTO,
    "bot.digests.views.feed_list": AUTO,
    "bot.digests.views.feed_checking": AUTO,
    "bot.digests.views.feed_added": AUTO,
    "bot.digests.views.feed_removed": AUTO,
    "bot.digests.views.feed_problem_dm": AUTO,
    "bot.digests.views.keywords_shown": AUTO,
    "bot.digests.views.keywords_saved": AUTO,
    "bot.digests.views.settings_modal": AUTO,
    "bot.digests.views.settings_saved_modal": AUTO,
    "bot.digests.views.share_queued": AUTO,
    # reports
    "bot.reports.views.narrative_request": AUTO,
    "bot.reports.views.narrative_modal": AUTO,
    "bot.reports.views.narrative_saved": AUTO,
    "bot.reports.views.narrative_problem": AUTO,
    "bot.reports.views.narrative_status": AUTO,
    "bot.reports.views.report_progress": AUTO,
    "bot.reports.views.report_summary": lambda maker: [
        *auto("bot.reports.views.report_summary")(maker),
        *_year_summary(maker),
    ],
    "bot.reports.views.report_ready": AUTO,
    # tracking
    "bot.tracking.views.answers.filed": auto("bot.tracking.views.answers.filed", duplicate=lambda m: False),
    "bot.tracking.views.answers.output_changed": AUTO,
    "bot.tracking.views.answers.edited": AUTO,
    "bot.tracking.views.answers.deleted": AUTO,
    "bot.tracking.views.answers.confirmed": AUTO,
    "bot.tracking.views.answers.plain_note": auto(
        "bot.tracking.views.answers.plain_note", key=lambda m: "tracking.error.no_meeting_for_report"
    ),
    "bot.tracking.views.answers.modal_expired": AUTO,
    "bot.tracking.views.answers.outcome_report": AUTO,
    "bot.tracking.views.cards.item_card": AUTO,
    "bot.tracking.views.common.ok_message": AUTO,
    "bot.tracking.views.common.note_message": AUTO,
    "bot.tracking.views.deadlines.reminder_message": AUTO,
    "bot.tracking.views.lists.item_list": AUTO,
    "bot.tracking.views.modals.text_form": AUTO,
    "bot.tracking.views.modals.meeting_form": AUTO,
    "bot.tracking.views.modals.output_form": AUTO,
    "bot.tracking.views.modals.edit_form": AUTO,
    "bot.tracking.views.modals.saved_view": AUTO,
    "bot.tracking.views.status.status_card": AUTO,
    "bot.tracking.views.surveys.survey_invitation": AUTO,
    "bot.tracking.views.surveys.survey_form": AUTO,
    "bot.tracking.views.surveys.survey_thanks": AUTO,
    "bot.tracking.views.surveys.survey_opened": AUTO,
    "bot.tracking.views.surveys.survey_results": AUTO,
    # help
    "bot.help.help_index": _help_index,
    "bot.help.help_topic": _help_topic,
    "bot.help.command_error": _command_error,
    "bot.help.refusal": AUTO,
    "bot.help.user_error": _user_error,
    "bot.help.try_again": AUTO,
    # modal builders
    "bot.slack.modals.plain": NotASurface("a text object; its callers' surfaces are walked"),
    "bot.slack.modals.field_errors": NotASurface("an ack body (response_action: errors), not a view"),
    "bot.slack.modals.modal": auto("bot.slack.modals.modal", blocks=_long_blocks),
    "bot.slack.modals.loading": AUTO,
    "bot.slack.modals.notice": AUTO,
    "bot.slack.modals.text_input": _input_case(bot.slack.modals.text_input, initial=lambda m: m.string("initial")),
    "bot.slack.modals.select": _input_case(bot.slack.modals.select, options=_options, initial=lambda m: "none"),
    "bot.slack.modals.multi_select": _input_case(bot.slack.modals.multi_select, options=_options),
    "bot.slack.modals.users_input": _input_case(
        bot.slack.modals.users_input, initial=lambda m: [f"U{i:09d}" for i in range(m.items)]
    ),
    "bot.slack.modals.date_input": _input_case(bot.slack.modals.date_input, initial=lambda m: NOW.date()),
    "bot.slack.modals.time_input": _input_case(bot.slack.modals.time_input, initial=lambda m: "09:30"),
    "bot.slack.modals.number_input": _input_case(
        bot.slack.modals.number_input, initial=lambda m: 3, minimum=lambda m: 0, maximum=lambda m: 10
    ),
    "bot.slack.modals.radio": _input_case(bot.slack.modals.radio, options=_options),
}

FUNCTIONS = dict(view_functions())
VIEW_KINDS = {"bot.clubs.views.home": "home"}


def test_every_view_function_has_a_case() -> None:
    missing = sorted(set(FUNCTIONS) - set(CASES))
    gone = sorted(set(CASES) - set(FUNCTIONS))
    assert not missing, f"view functions without a case in CASES: {missing}"
    assert not gone, f"CASES names functions that are gone or no longer return a surface: {gone}"


def _surfaces(name: str, maker: Maker) -> list[Surface]:
    case = CASES[name]
    fn = FUNCTIONS[name]
    if case == AUTO:
        value = fn(**maker.arguments(fn))
        if isinstance(value, Message):
            return [Surface(value)]
        return [Surface(value, VIEW_KINDS.get(name, "modal"))]
    assert callable(case)
    return case(maker)


def _check(surface: Surface) -> list[str]:
    if isinstance(surface.value, Message):
        verdict = validate_message(surface.value.blocks or None, surface.value.text)
    else:
        verdict = validate_view(surface.value, expected=(surface.kind,))
    return [] if verdict.ok else [str(verdict.error), *verdict.messages[:5]]


VARIANTS = 4
WALKED = sorted(name for name, case in CASES.items() if not isinstance(case, NotASurface))


@pytest.mark.parametrize("extreme", [False, True], ids=["realistic", "extreme"])
@pytest.mark.parametrize("lang", list(Language), ids=lambda lang: lang.value)
@pytest.mark.parametrize("name", WALKED)
def test_view_fits_slack(name: str, lang: Language, extreme: bool) -> None:
    surfaces = []
    for variant in range(VARIANTS if extreme else 2):  # enum members, literals and kinds of items in turn
        maker = Maker(lang, extreme=extreme, namespace=NAMESPACE, variant=variant)
        surfaces.extend(_surfaces(name, maker))
    assert surfaces
    problems = [(i, _check(surface)) for i, surface in enumerate(surfaces)]
    bad = [(i, p) for i, p in problems if p]
    assert not bad, f"{name} ({lang.value}, {'extreme' if extreme else 'realistic'}): {bad}"


def test_the_walk_uses_seoul_time() -> None:
    # the makers' datetimes are aware, in the program's zone, as the views expect
    assert NOW.tzinfo is SEOUL


@pytest.mark.parametrize("lang", list(Language), ids=lambda lang: lang.value)
def test_a_long_member_list_is_split_not_cut(lang: Language) -> None:
    # 100 members with the longest affiliations and emails: every one of them is still listed
    from bot.clubs.types import MemberLine
    from bot.domain import MembershipStatus

    maker = Maker(lang, extreme=True, namespace=NAMESPACE)
    maker.overrides["status"] = lambda seed: MembershipStatus.ACTIVE
    args = maker.arguments(bot.clubs.views.members_list, emails_shown=True)
    members: list[MemberLine] = args["members"]
    message = bot.clubs.views.members_list(**args)
    assert validate_message(message.blocks, message.text).ok
    shown = "\n".join(b["text"]["text"] for b in message.blocks if b["type"] == "section")
    assert all(f"<@{m.user_id}>" in shown for m in members if m.user_id)
