"""Property-based: whatever a person, a partner file or a feed puts in a text, no view of the bot lets it reach
Slack as markup. Every public function of every view module (and `bot.help`) that returns a Slack payload is
called with values built from its type hints, where every free text is hostile (`<!channel>`, `<@U…>`,
`<#C…>`, `<!subteam^…>`, `<https://evil.example|click>`, `&`, `<`, `>`); the whole payload is walked
(`text`, blocks, fields, elements, options, view titles…) and no special mention, user or channel mention or
link from those texts may survive unescaped.

Identifiers that come from Slack itself (user, channel and team IDs), URLs a person gave as a link, email
addresses and catalog keys are given plausible values instead: the bot renders those as markup on purpose.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import importlib
import inspect
import re
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bot
from bot.domain import Language
from bot.i18n import catalog
from bot.slack.blocks import Message

HOSTILE = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!channel|everyone>",
    "<@UEVIL01>",
    "<@WEVIL01|boss>",
    "<#CEVIL01>",
    "<#CEVIL01|general>",
    "<!subteam^SEVIL01|@all-staff>",
    "<https://evil.example|click>",
    "<http://evil.example>",
    "<mailto:evil@evil.example|mail me>",
    "&",
    "<",
    ">",
    "&lt;!channel&gt;",
]
hostile_text = st.lists(st.sampled_from([*HOSTILE, "hi ", " ", "양자 ", "Dr. "]), min_size=1, max_size=6).map("".join)

# What must never be found in a text the bot sends: any of the hostile pieces as live markup.
LIVE = re.compile(
    r"<!(?:channel|here|everyone|subteam)|<@[UW]EVIL|<#CEVIL|<https?://evil\.example|<mailto:evil@", re.IGNORECASE
)

# Keys whose values Slack never renders as markup, or which are identifiers of the bot's own.
NOT_RENDERED = {
    "action_id",
    "block_id",
    "callback_id",
    "private_metadata",
    "value",
    "url",
    "image_url",
    "type",
    "style",
    "initial_value",  # an editable input: a person's own text, shown back to them as they typed it
    "external_id",
    "response_type",
    "unfurl_links",
    "unfurl_media",
    "initial_date",
    "initial_time",
    "initial_user",
    "initial_users",
    "initial_conversation",
    "initial_channel",
    "dispatch_action",
}

# Views whose string arguments are texts already rendered by other views or catalog keys (their callers are
# covered), not values from people.
SKIPPED = {
    "bot.tracking.views.common.ok_message",
    "bot.tracking.views.common.note_message",
    "bot.tracking.views.answers.plain_note",
    "bot.tracking.views.modals.saved_view",
    "bot.clubs.views.simple",
    "bot.slack.modals.notice",
    "bot.slack.modals.field_errors",
    "bot.reports.views.narrative_problem",
    "bot.casebook.views.saved_modal",
}


ROOT = Path(bot.__file__).parent


def _modules(*patterns: str) -> Iterator[Any]:
    """The bot's modules whose files match (found on disk: importing every package could configure logging)."""
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            relative = path.relative_to(ROOT.parent).with_suffix("")
            if relative.parts[1] == "standin" or path.name == "__init__.py":
                continue  # the stand-in plays Slack; it is not the bot
            yield importlib.import_module(".".join(relative.parts))


def _view_modules() -> Iterator[Any]:
    yield from _modules("*/views.py", "*/views/*.py", "help.py")


PURE = ("refs", "domain", "access", "errors", "due", "parsing", "subcommands")


def _namespace() -> dict[str, Any]:
    """Names the views import only for type checking."""
    names: dict[str, Any] = {}
    modules = [*_modules("*/types.py"), *(importlib.import_module(f"bot.{name}") for name in PURE)]
    for module in modules:
        names.update({key: value for key, value in vars(module).items() if not key.startswith("_")})
    from sqlalchemy.orm import Session

    from storage.models import Participant

    names.update(
        Session=Session,
        Participant=Participant,
        datetime=datetime,
        date=date,
        ZoneInfo=ZoneInfo,
        Any=Any,
        Message=Message,
    )
    return names


NAMES = _namespace()


def hints_of(target: Any) -> dict[str, Any]:
    return typing.get_type_hints(target, localns=NAMES)


def _returns_payload(function: Callable[..., Any]) -> bool:
    hints = hints_of(function)
    returned = hints.get("return")
    return returned is Message or returned == dict[str, Any] or returned == tuple[str, str]


def view_functions() -> list[tuple[str, Callable[..., Any]]]:
    found: dict[str, Callable[..., Any]] = {}
    for module in _view_modules():
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function) or function.__module__ != module.__name__:
                continue
            qualified = f"{module.__name__}.{name}"
            if qualified not in SKIPPED and _returns_payload(function):
                found[qualified] = function
    return sorted(found.items())


# --- values from type hints -----------------------------------------------------------------------------

SLACK_ID = re.compile(r"(^|_)(user|channel|team|bot|message|enterprise)(_ids?)?$|_ids?$|^ts$|_ts$")


def _text_for(name: str) -> st.SearchStrategy[str]:
    lowered = name.lower()
    if SLACK_ID.search(lowered) or lowered in {"leader_ids", "user", "channel"}:
        prefix = "C" if "channel" in lowered else "U"
        return st.sampled_from([f"{prefix}0LEGIT1", f"{prefix}0LEGIT2"])
    if "url" in lowered or lowered in {"link", "href", "permalink"}:
        return st.sampled_from(["https://example.org/paper?id=1&v=2", "https://doi.org/10.1000/x"])
    if "email" in lowered:
        return st.just("kim@example.org")
    if lowered == "question":
        from bot.tracking.views.surveys import QUESTION_KEYS

        return st.sampled_from(sorted(QUESTION_KEYS))
    if lowered == "files_to":
        return st.sampled_from(["dm", "C0LEGIT1"])
    if lowered in {"step", "stage"}:
        prefix = "reports.ask." if lowered == "step" else "reports.progress."
        return st.sampled_from(
            sorted(key[len(prefix) :].replace("_", "-") for key in catalog(Language.EN) if key.startswith(prefix))
        )
    if lowered in {"text_key", "due_key"}:
        return st.sampled_from(["tracking.due.outcome_report", "tracking.due.survey", "reports.due.narrative"])
    if lowered in {"period", "quarter", "period_label"}:
        return st.sampled_from(["2026Q3", "2025Q4"])
    if lowered.endswith("_by") or lowered in {"by", "leader", "requested_by"}:
        return st.sampled_from(["U0LEGIT1", "U0LEGIT2"])
    if lowered in {"timezone", "tz", "zone"}:
        return st.just("Asia/Seoul")
    if lowered in {"lang", "language"}:
        return st.sampled_from([language.value for language in Language])
    return hostile_text


def strategy_for(hint: Any, name: str = "") -> st.SearchStrategy[Any]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is Callable or hint is Callable:
        return st.none()
    if hint is Any or hint is object:
        return hostile_text
    if origin in (typing.Union, types.UnionType):
        concrete = [arg for arg in args if arg is not type(None)]
        return st.one_of(*(strategy_for(arg, name) for arg in concrete))
    if origin is typing.Literal:
        return st.sampled_from(args)
    if hint is str:
        return _text_for(name)
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers(min_value=0, max_value=6 if "weekday" in name else 23 if "hour" in name else 40)
    if hint is float:
        return st.floats(min_value=0, max_value=100, allow_nan=False)
    if hint is Decimal:
        return st.decimals(min_value=0, max_value=100, places=2)
    if hint is datetime:
        return st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC))
    if hint is date:
        return st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
    if hint is time:
        return st.times()
    if hint is timedelta:
        return st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30))
    if hint is ZoneInfo or hint is tzinfo:
        return st.just(ZoneInfo("Asia/Seoul"))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(list(hint))
    if origin in (list, Sequence, typing.Sequence, set, frozenset, typing.AbstractSet) or hint in (list, Sequence):
        item = args[0] if args else str
        return st.lists(strategy_for(item, name.rstrip("s")), max_size=3)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(strategy_for(args[0], name), max_size=3).map(tuple)
        return st.tuples(*(strategy_for(arg, name) for arg in args))
    if name == "params":  # catalog parameters of a due item or a reminder: what their texts use
        return st.fixed_dictionaries(dict.fromkeys(("club", "meeting", "period", "due"), hostile_text))
    if origin in (dict, Mapping, typing.Mapping) or hint in (dict, Mapping):
        key, value = args if args else (str, Any)
        return st.dictionaries(strategy_for(key, name), strategy_for(value, name), max_size=3)
    if isinstance(hint, typing.NewType):
        return strategy_for(hint.__supertype__, name)
    if isinstance(hint, type) and hint in _examples():
        return _examples()[hint]
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _dataclass_strategy(hint)
    raise NotImplementedError(f"no strategy for {hint!r} ({name})")


@functools.cache
def _examples() -> dict[type, st.SearchStrategy[Any]]:
    from bot.digests.types import DraftItem
    from bot.domain import Quarter
    from bot.errors import UserError
    from bot.parsing import CommandError
    from bot.reports.period import Period
    from bot.slack.blocks import escape
    from bot.subcommands import SUBCOMMANDS, Subcommand
    from bot.tracking.reminders import KINDS
    from bot.tracking.types import Filed, OutputItem, ReminderKind

    def draft(item: DraftItem) -> DraftItem:  # documented as escaped by the drafting store
        sharer = escape(item.sharer) if item.sharer else None
        source = escape(item.source) if item.source else None
        return dataclasses.replace(
            item, title=escape(item.title), summary=escape(item.summary), source=source, sharer=sharer
        )

    return {
        DraftItem: _dataclass_strategy(DraftItem).map(draft),
        ReminderKind: st.sampled_from(list(KINDS.values())),
        Filed: st.one_of(
            _dataclass_strategy(Filed),
            st.builds(Filed, item=_dataclass_strategy(OutputItem), duplicate=st.just(True)),
        ).filter(lambda filed: not filed.duplicate or isinstance(filed.item, OutputItem)),
        Subcommand: st.sampled_from(list(SUBCOMMANDS.values())),
        Quarter: st.sampled_from([Quarter(2026, 3), Quarter(2025, 4)]),
        Period: st.sampled_from([Period.of_quarter(Quarter(2026, 3))]),
        CommandError: st.builds(lambda text: CommandError("error.unknown_subcommand", subcommand=text), hostile_text),
        UserError: st.builds(lambda text: UserError("error.unknown_subcommand", subcommand=text), hostile_text),
    }


def _dataclass_strategy(cls: type) -> st.SearchStrategy[Any]:
    hints = hints_of(cls)
    fields = {
        field.name: st.deferred(lambda hint=hints[field.name], name=field.name: strategy_for(hint, name))
        for field in dataclasses.fields(cls)
        if field.init
    }
    if cls.__name__ == "PersonRef":
        # A name written as a Slack mention is a co-author the person named on purpose.
        fields["name"] = st.none() | hostile_text.map(lambda text: "Dr. " + text)
    return st.builds(cls, **fields)


def _arguments(function: Callable[..., Any]) -> st.SearchStrategy[dict[str, Any]]:
    hints = hints_of(function)
    signature = inspect.signature(function)
    params: dict[str, st.SearchStrategy[Any]] = {}
    for name, parameter in signature.parameters.items():
        if parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
            continue
        hint = hints[name]
        if name == "lang" or hint in (Language, Language | str):
            params[name] = st.sampled_from(list(Language))
        else:
            params[name] = strategy_for(hint, name)
    return st.fixed_dictionaries(params)


# --- walking a payload ------------------------------------------------------------------------------------


def rendered_texts(payload: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every string of a payload Slack would render, with the path to it."""
    if isinstance(payload, Message):
        yield from rendered_texts({"text": payload.text, "blocks": payload.blocks})
    elif isinstance(payload, Mapping):
        for name, value in payload.items():
            if name not in NOT_RENDERED:
                yield from rendered_texts(value, f"{key}.{name}")
    elif isinstance(payload, (list, tuple)):
        for index, value in enumerate(payload):
            yield from rendered_texts(value, f"{key}[{index}]")
    elif isinstance(payload, str):
        yield key, payload


VIEWS = view_functions()


def test_the_views_are_found() -> None:
    names = {name for name, _ in VIEWS}
    assert "bot.tracking.views.cards.item_card" in names
    assert "bot.help.help_index" in names
    assert len(names) > 40


@pytest.mark.parametrize(("name", "function"), VIEWS, ids=[name for name, _ in VIEWS])
def test_no_hostile_markup_survives(name: str, function: Callable[..., Any]) -> None:
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(arguments=_arguments(function))
    def check(arguments: dict[str, Any]) -> None:
        payload = function(**arguments)
        for path, text in rendered_texts(payload):
            assert not LIVE.search(text), f"{name}: {path} = {text!r}"

    check()
