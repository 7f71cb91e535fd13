"""Reading what a person entered in a modal (`view.state.values`), whatever the input element. Pure.

Inputs are built with `action_id == block_id` (see `bot.slack.modals`), so a field is named once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.errors import UserError


class FieldErrors(UserError):
    """Problems with fields of a submitted modal: block id → (catalog key, parameters), shown on the field."""

    def __init__(self, errors: Mapping[str, tuple[str, dict[str, object]]]) -> None:
        super().__init__("error.form_has_errors")
        self.errors = dict(errors)


class FormValues:
    def __init__(self, values: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> None:
        self._values = values

    @classmethod
    def of_view(cls, view: Mapping[str, Any]) -> FormValues:
        """The view's state; an input missing from it (a button clicked in a form only carries what was changed)
        reads as its initial value."""
        values: dict[str, dict[str, Any]] = {
            block: dict(actions) for block, actions in ((view.get("state") or {}).get("values") or {}).items()
        }
        for block in view.get("blocks") or []:
            element = block.get("element") or {}
            block_id, action_id = block.get("block_id"), element.get("action_id")
            if block.get("type") != "input" or not block_id or not action_id or action_id in values.get(block_id, {}):
                continue
            initial = _initial_state(element)
            if initial:
                values.setdefault(block_id, {})[action_id] = initial
        return cls(values)

    def _element(self, block_id: str) -> Mapping[str, Any]:
        block = self._values.get(block_id) or {}
        if not block:
            return {}
        return block.get(block_id) or next(iter(block.values()))

    def text(self, block_id: str) -> str:
        """A text input's value, stripped ("" when empty)."""
        return str(self._element(block_id).get("value") or "").strip()

    def option(self, block_id: str) -> str | None:
        selected = self._element(block_id).get("selected_option")
        return str(selected["value"]) if selected else None

    def options(self, block_id: str) -> list[str]:
        return [str(o["value"]) for o in self._element(block_id).get("selected_options") or []]

    def user(self, block_id: str) -> str | None:
        return self._element(block_id).get("selected_user")

    def users(self, block_id: str) -> list[str]:
        return list(self._element(block_id).get("selected_users") or [])

    def conversation(self, block_id: str) -> str | None:
        element = self._element(block_id)
        return element.get("selected_conversation") or element.get("selected_channel")

    def date(self, block_id: str) -> date | None:
        raw = self._element(block_id).get("selected_date")
        return date.fromisoformat(raw) if raw else None

    def time(self, block_id: str) -> str | None:
        """A time picker's value, `HH:MM` (None when empty)."""
        return self._element(block_id).get("selected_time") or None

    def number(self, block_id: str) -> str:
        return str(self._element(block_id).get("value") or "").strip()


_INITIAL_STATE = {
    "initial_value": "value",
    "initial_option": "selected_option",
    "initial_options": "selected_options",
    "initial_user": "selected_user",
    "initial_users": "selected_users",
    "initial_conversation": "selected_conversation",
    "initial_channel": "selected_channel",
    "initial_date": "selected_date",
}


def _initial_state(element: Mapping[str, Any]) -> dict[str, Any]:
    for initial, selected in _INITIAL_STATE.items():
        if initial in element:
            return {"type": element.get("type"), selected: element[initial]}
    return {}


def metadata(view: Mapping[str, Any]) -> dict[str, Any]:
    """The modal's `private_metadata` (the context it was opened in), as a dict."""
    raw = view.get("private_metadata") or ""
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
