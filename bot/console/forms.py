"""Modals in the console, pure: each input listed by the name `:submit` takes, with its options and current
value, and the values a person types checked the way Slack's own inputs would (a date picker sends only real
dates, a select only one of its options), so what the console submits is something Slack could send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from bot.domain import Language
from bot.i18n import t
from bot.slack.text import mrkdwn_to_text, render_blocks

SINGLE_OPTION = {"static_select", "radio_buttons", "external_select"}
MULTI_OPTION = {"multi_static_select", "checkboxes", "multi_external_select"}
MULTI_VALUE = MULTI_OPTION | {"multi_users_select", "multi_conversations_select", "multi_channels_select"}


@dataclass(frozen=True)
class Field:
    """One input of a modal, as the console shows it."""

    name: str  # what `:submit NAME=VALUE` takes (the block's id; its action id is accepted too)
    block_id: str
    action_id: str
    kind: str
    label: str
    optional: bool
    options: tuple[tuple[str, str], ...]  # (value, label)
    current: str  # the value shown now ("" when empty), in the form `:submit` takes

    @property
    def multi(self) -> bool:
        return self.kind in MULTI_VALUE


class FieldValueError(ValueError):
    """A value Slack's input would never send (the console says so instead of submitting it)."""


def _text(obj: Any, names: dict[str, str]) -> str:
    if not isinstance(obj, dict):
        return ""
    return mrkdwn_to_text(str(obj.get("text", "")), names)


def _options(element: dict[str, Any], names: dict[str, str]) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    for option in element.get("options") or []:
        found.append((str(option.get("value")), _text(option.get("text"), names)))
    for group in element.get("option_groups") or []:
        for option in group.get("options") or []:
            found.append((str(option.get("value")), _text(option.get("text"), names)))
    return tuple(found)


def _state_value(shaped: dict[str, Any]) -> str | None:
    for key, value in shaped.items():
        if key == "type" or value in (None, [], ""):
            continue
        if key == "selected_option":
            return str(value.get("value"))
        if key == "selected_options":
            return ",".join(str(option.get("value")) for option in value)
        if isinstance(value, list):
            return ",".join(str(item) for item in value)
        return str(value)
    return None


def _initial(element: dict[str, Any]) -> str:
    for key in (
        "initial_value",
        "initial_date",
        "initial_time",
        "initial_user",
        "initial_conversation",
        "initial_channel",
    ):
        if element.get(key):
            return str(element[key])
    if element.get("initial_option"):
        return str(element["initial_option"].get("value"))
    if element.get("initial_options"):
        return ",".join(str(option.get("value")) for option in element["initial_options"])
    for key in ("initial_users", "initial_conversations", "initial_channels"):
        if element.get(key):
            return ",".join(str(item) for item in element[key])
    return ""


def fields(view: dict[str, Any], names: dict[str, str] | None = None) -> list[Field]:
    """The modal's inputs in order, each with its current value (what the person set, else the form's own)."""
    names = names or {}
    state = (view.get("state") or {}).get("values") or {}
    found: list[Field] = []
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        element = block.get("element") or {}
        block_id, action_id = str(block.get("block_id")), str(element.get("action_id"))
        shaped = (state.get(block_id) or {}).get(action_id)
        current = _state_value(shaped) if isinstance(shaped, dict) else None
        found.append(
            Field(
                name=block_id,
                block_id=block_id,
                action_id=action_id,
                kind=str(element.get("type")),
                label=_text(block.get("label"), names),
                optional=bool(block.get("optional")),
                options=_options(element, names),
                current=current if current is not None else _initial(element),
            )
        )
    return found


def find_field(view: dict[str, Any], key: str) -> Field | None:
    """The input called `key`: its block id, its action id or `block.action` (as older consoles showed it)."""
    for item in fields(view):
        if key in {item.name, item.action_id, f"{item.block_id}.{item.action_id}"}:
            return item
    return None


def check_value(item: Field, value: str, lang: Language = Language.EN) -> Any:
    """The value as the stand-in takes it (a list for multi inputs), or FieldValueError saying why Slack's input
    would not send it (said in `lang`)."""
    parts = [part.strip() for part in value.split(",") if part.strip()] if item.multi else [value.strip()]
    if item.kind == "datepicker" and value.strip():
        try:
            date.fromisoformat(parts[0])
        except ValueError:
            raise FieldValueError(t(lang, "console.form.not_a_date", value=repr(parts[0]))) from None
        if len(parts[0]) != 10:
            raise FieldValueError(t(lang, "console.form.date_form", value=repr(parts[0])))
    if item.kind == "timepicker" and value.strip():
        try:
            time.fromisoformat(parts[0])
        except ValueError:
            raise FieldValueError(t(lang, "console.form.not_a_time", value=repr(parts[0]))) from None
    if item.kind == "number_input" and value.strip():
        try:
            float(parts[0])
        except ValueError:
            raise FieldValueError(t(lang, "console.form.not_a_number", value=repr(parts[0]))) from None
    if item.options and (item.kind in SINGLE_OPTION or item.kind in MULTI_OPTION):
        known = {option for option, _label in item.options}
        unknown = [part for part in parts if part and part not in known]
        if unknown:
            choices = ", ".join(option for option, _label in item.options)
            raise FieldValueError(t(lang, "console.form.not_an_option", value=repr(unknown[0]), choices=choices))
    if item.multi:
        return parts
    return value if item.kind in {"plain_text_input"} else value.strip()


def describe(view: dict[str, Any], names: dict[str, str], lang: Language = Language.EN) -> str:
    """The modal as text: its title, non-input blocks as Slack shows them, and each input as
    `NAME (kind, required): label = current` with its options and any error Slack shows under it, in `lang`."""
    errors = view.get("errors") or {}
    by_block = {item.block_id: item for item in fields(view, names)}
    lines = [f"┌ {_text(view.get('title'), names)}"]
    for block in view.get("blocks") or []:
        item = by_block.get(str(block.get("block_id"))) if block.get("type") == "input" else None
        if item is None:
            rendered = render_blocks([block], names)
            lines.extend("│ " + line for line in rendered.splitlines())
            continue
        need = t(lang, "console.form.optional" if item.optional else "console.form.required")
        current = item.current if item.current else t(lang, "console.form.empty")
        lines.append(f"│ [{item.name}] {item.label} ({_kind(item.kind, lang)}, {need}) = {current}")
        for value, label in item.options:
            lines.append(f"│     {value:<16} {label}")
        if block.get("hint"):
            lines.append("│     " + _text(block.get("hint"), names))
        if item.block_id in errors:
            lines.append(f"│   ! {mrkdwn_to_text(str(errors[item.block_id]), names)}")
    submit = _text(view.get("submit"), names)
    if submit:
        lines.append(f"└ [{submit}]  {t(lang, 'console.form.submit_hint')}")
    else:
        lines.append("└")
    return "\n".join(lines)


def _kind(kind: str, lang: Language) -> str:
    key = f"console.form.kind.{kind}"
    return t(lang, key) if key in _KINDS else kind


_KINDS = frozenset(
    f"console.form.kind.{kind}"
    for kind in (
        "plain_text_input",
        "datepicker",
        "timepicker",
        "number_input",
        "static_select",
        "radio_buttons",
        "multi_static_select",
        "checkboxes",
        "users_select",
        "multi_users_select",
        "email_text_input",
        "url_text_input",
    )
)
