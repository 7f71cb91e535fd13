"""Block Kit builders for modals: the view itself, a loading view, and input blocks.

Inputs use `action_id == block_id` so a field has one name (see `bot.slack.forms.FormValues`). Slack's limits
are respected here once: a modal title of 24 characters, labels of 2,000, options of 75 characters, at most
100 options in a select menu and 10 radio buttons (callers that can have more say so beside the menu), a
notice of 3,000 characters.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.domain import Language
from bot.i18n import t
from bot.slack.blocks import shorten

TITLE_LIMIT = 24
OPTION_TEXT_LIMIT = 75
PLAIN_INPUT_LIMIT = 3000
#: Slack's most options in a select menu (static or multi-static) and in radio buttons.
SELECT_OPTIONS_LIMIT = 100
RADIO_OPTIONS_LIMIT = 10
SECTION_TEXT_LIMIT = 3000


def plain(text: str, limit: int | None = None) -> dict[str, Any]:
    return {"type": "plain_text", "text": shorten(text, limit) if limit else text, "emoji": True}


def modal(
    callback_id: str,
    title: str,
    blocks: list[dict[str, Any]],
    *,
    submit: str | None = None,
    close: str | None = None,
    metadata: dict[str, Any] | None = None,
    notify_on_close: bool = False,
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, TITLE_LIMIT),
        "blocks": blocks,
    }
    if submit:
        view["submit"] = plain(submit, TITLE_LIMIT)
    if close:
        view["close"] = plain(close, TITLE_LIMIT)
    if metadata:
        view["private_metadata"] = json.dumps(metadata, separators=(",", ":"))
    if notify_on_close:
        view["notify_on_close"] = True
    return view


def loading(lang: Language, title: str) -> dict[str, Any]:
    """Shown at once while the real form is prepared (the trigger expires after 3 s)."""
    return modal(
        "loading",
        title,
        [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": ":hourglass_flowing_sand: " + t(lang, "modal.loading")},
            }
        ],
        close=t(lang, "modal.close"),
    )


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool, hint: str | None) -> dict[str, Any]:
    element = {**element, "action_id": block_id}
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def text_input(
    block_id: str,
    label: str,
    *,
    initial: str | None = None,
    multiline: bool = False,
    optional: bool = False,
    placeholder: str | None = None,
    max_length: int = PLAIN_INPUT_LIMIT,
    hint: str | None = None,
    dispatch: Sequence[str] = (),
) -> dict[str, Any]:
    """A text input; with `dispatch` (`on_enter_pressed`, `on_character_entered`) the input block has
    `dispatch_action` and Slack sends a `block_actions` payload as the person types, pastes or presses Enter."""
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline, "max_length": max_length}
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    if dispatch:
        element["dispatch_action_config"] = {"trigger_actions_on": list(dispatch)}
    block = _input(block_id, label, element, optional=optional, hint=hint)
    if dispatch:
        block["dispatch_action"] = True
    return block


def _option(value: str, text: str) -> dict[str, Any]:
    return {"text": plain(text, OPTION_TEXT_LIMIT), "value": value}


def select(
    block_id: str,
    label: str,
    options: Sequence[tuple[str, str]],
    *,
    initial: str | None = None,
    optional: bool = False,
    hint: str | None = None,
) -> dict[str, Any]:
    options = list(options)[:SELECT_OPTIONS_LIMIT]
    element: dict[str, Any] = {"type": "static_select", "options": [_option(v, text) for v, text in options]}
    chosen = [_option(v, text) for v, text in options if v == initial]
    if chosen:
        element["initial_option"] = chosen[0]
    return _input(block_id, label, element, optional=optional, hint=hint)


def multi_select(
    block_id: str,
    label: str,
    options: Sequence[tuple[str, str]],
    *,
    initial: Sequence[str] = (),
    optional: bool = False,
    hint: str | None = None,
) -> dict[str, Any]:
    options = list(options)[:SELECT_OPTIONS_LIMIT]
    element: dict[str, Any] = {"type": "multi_static_select", "options": [_option(v, text) for v, text in options]}
    chosen = [_option(v, text) for v, text in options if v in set(initial)]
    if chosen:
        element["initial_options"] = chosen
    return _input(block_id, label, element, optional=optional, hint=hint)


def users_input(
    block_id: str,
    label: str,
    *,
    initial: Sequence[str] = (),
    multiple: bool = True,
    optional: bool = False,
    hint: str | None = None,
) -> dict[str, Any]:
    if multiple:
        element: dict[str, Any] = {"type": "multi_users_select"}
        if initial:
            element["initial_users"] = list(initial)
    else:
        element = {"type": "users_select"}
        if initial:
            element["initial_user"] = initial[0]
    return _input(block_id, label, element, optional=optional, hint=hint)


def date_input(
    block_id: str, label: str, *, initial: date | None = None, optional: bool = False, hint: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "datepicker"}
    if initial:
        element["initial_date"] = initial.isoformat()
    return _input(block_id, label, element, optional=optional, hint=hint)


def time_input(
    block_id: str, label: str, *, initial: str | None = None, optional: bool = False, hint: str | None = None
) -> dict[str, Any]:
    """A time picker; `initial` and the value read back (`FormValues.time`) are `HH:MM`."""
    element: dict[str, Any] = {"type": "timepicker"}
    if initial:
        element["initial_time"] = initial
    return _input(block_id, label, element, optional=optional, hint=hint)


def number_input(
    block_id: str,
    label: str,
    *,
    initial: int | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
    optional: bool = False,
    hint: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "number_input", "is_decimal_allowed": False}
    if initial is not None:
        element["initial_value"] = str(initial)
    if minimum is not None:
        element["min_value"] = str(minimum)
    if maximum is not None:
        element["max_value"] = str(maximum)
    return _input(block_id, label, element, optional=optional, hint=hint)


def radio(
    block_id: str,
    label: str,
    options: Sequence[tuple[str, str]],
    *,
    initial: str | None = None,
    optional: bool = False,
    hint: str | None = None,
) -> dict[str, Any]:
    options = list(options)[:RADIO_OPTIONS_LIMIT]
    element: dict[str, Any] = {"type": "radio_buttons", "options": [_option(v, text) for v, text in options]}
    chosen = [_option(v, text) for v, text in options if v == initial]
    if chosen:
        element["initial_option"] = chosen[0]
    return _input(block_id, label, element, optional=optional, hint=hint)


def field_errors(lang: Language, errors: dict[str, tuple[str, dict[str, object]]]) -> dict[str, Any]:
    """The ack body that shows each problem under its field (`response_action: errors`)."""
    return {
        "response_action": "errors",
        "errors": {block: t(lang, key, **params) for block, (key, params) in errors.items()},
    }


def notice(lang: Language, text: str) -> dict[str, Any]:
    """A small modal pushed on top of a form to say why it was not accepted (closing it returns to the form)."""
    return modal(
        "notice",
        t(lang, "modal.notice_title"),
        [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": shorten(":information_source: " + text, SECTION_TEXT_LIMIT)},
            }
        ],
        close=t(lang, "modal.close"),
    )
