"""Modals: a person submits or closes a view; the app's response_action is applied as Slack does."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from . import blockkit
from .base import StandInBase
from .delivery import Delivery
from .types import StandInUsageError, View
from .validator import view_errors
from .webapi.context import CallContext
from .webapi.views import MAX_VIEW_STACK, new_view, replace_view


class Modals(StandInBase):
    """Submit and close views, with Slack's input checks and response actions."""

    def _view_state(self, view: View, values: dict[str, dict[str, Any]]) -> dict[str, Any]:
        state: dict[str, dict[str, Any]] = copy.deepcopy(view.state.get("values", {}))
        known: dict[str, set[str]] = {}
        for block, element in blockkit.iter_elements(view.blocks):
            block_id = block.get("block_id")
            action_id = element.get("action_id")
            if not block_id or not action_id:
                continue
            known.setdefault(block_id, set()).add(action_id)
            provided = values.get(block_id, {})
            if action_id in provided:
                if element.get("type") == "datepicker" and not _real_date(provided[action_id]):
                    raise StandInUsageError(
                        f"input {block_id}/{action_id}: {provided[action_id]!r} is not a date on the calendar; "
                        "Slack's date picker only sends real dates (YYYY-MM-DD)"
                    )
                shaped = {"type": element.get("type"), **blockkit.selection(element, provided[action_id])}
                state.setdefault(block_id, {})[action_id] = shaped
            elif block.get("type") == "input" and action_id not in state.get(block_id, {}):
                initial = _initial_value(element)
                state.setdefault(block_id, {})[action_id] = {
                    "type": element.get("type"),
                    **blockkit.selection(element, initial),
                }
            if block.get("type") == "input" and not block.get("optional", False):
                shaped_now = state.get(block_id, {}).get(action_id, {})
                if blockkit.is_empty_selection(shaped_now):
                    raise StandInUsageError(
                        f"input {block_id}/{action_id} is required; Slack would not let the user submit"
                    )
        for block_id, actions in values.items():
            for action_id in actions:
                if action_id not in known.get(block_id, set()):
                    raise StandInUsageError(f"view {view.id} has no input {block_id}/{action_id}")
        return {"values": state}

    def submit_view(
        self,
        user_id: str,
        view_id: str,
        values: dict[str, dict[str, Any]] | None = None,
        *,
        signature: str | None = None,
        timestamp: str | int | None = None,
    ) -> Delivery:
        """A person fills in the modal's inputs ({block_id: {action_id: value}}) and presses submit."""
        with self.ws.lock:
            user = self._user(user_id)
            stack = self.ws.modal_stacks.get(user_id) or []
            if not stack or stack[-1] != view_id:
                raise StandInUsageError(f"view {view_id} is not the modal on top of {user_id}'s screen")
            view = self.ws.views[view_id]
            view.state = self._view_state(view, values or {})
            trigger_id = self.ws.new_trigger(user_id, view.id)
            payload = {
                "type": "view_submission",
                "team": self._team(),
                "user": user.summary(self.team_id),
                "api_app_id": self.app_id,
                "token": self.verification_token,
                "trigger_id": trigger_id,
                "view": view.to_api(),
                "response_urls": [],
                "is_enterprise_install": False,
                "enterprise": None,
            }
        delivery = Delivery(kind="view_submission", payload=payload, trigger_id=trigger_id)
        self._post_interaction(delivery, signature=signature, timestamp=None if timestamp is None else str(timestamp))
        self._apply_submission_ack(delivery, user_id, view_id)
        self._save()
        return delivery

    def _apply_submission_ack(self, delivery: Delivery, user_id: str, view_id: str) -> None:
        if not delivery.ok or not delivery.acked_in_time:
            self._notice(user_id, None, "We had some trouble connecting. Try again?", "view_submission_error")
            return
        data = delivery.json if delivery.body.strip() else {}
        if not isinstance(data, dict):
            data = {}
        action = data.get("response_action")
        with self.ws.lock:
            stack = self.ws.modal_stacks.get(user_id) or []
            view = self.ws.views[view_id]
            ctx = CallContext(self, self.ws.users[self.bot_user_id], True, self.bot_token, {})
            if not action:
                self._close_views(user_id, [view_id])
            elif action == "errors":
                errors = data.get("errors")
                inputs = {b.get("block_id") for b in view.blocks if b.get("type") == "input"}
                bad = ["(not an object)"]
                unknown = sorted(set(errors) - inputs) if isinstance(errors, dict) else bad
                if not errors or unknown:
                    # Slack refuses the answer; the person sees a generic error and the modal stays as it was
                    delivery.error = f"invalid_response_action: errors for unknown input blocks {unknown}"
                    return
                view.errors = dict(errors)
            elif action == "update":
                answered = data.get("view")
                errors = view_errors(answered, expected=("modal",))
                if errors or not isinstance(answered, dict):
                    delivery.error = "invalid_response_action: " + "; ".join(errors)
                    return
                replace_view(ctx, view, answered)
                view.errors = {}
            elif action == "push":
                answered = data.get("view")
                errors = view_errors(answered, expected=("modal",))
                if errors or len(stack) >= MAX_VIEW_STACK or not isinstance(answered, dict):
                    delivery.error = "invalid_response_action: " + ("; ".join(errors) or "push_limit_reached")
                    return
                pushed = new_view(ctx, answered, user_id)
                pushed.root_view_id = stack[0]
                pushed.previous_view_id = stack[-1]
                stack.append(pushed.id)
            elif action == "clear":
                self._close_views(user_id, list(stack))
            else:
                delivery.error = f"invalid_response_action: {action!r}"

    def _close_views(self, user_id: str, view_ids: list[str]) -> None:
        stack = self.ws.modal_stacks.get(user_id) or []
        for view_id in view_ids:
            if view_id in stack:
                stack.remove(view_id)
            if view_id in self.ws.views:
                self.ws.views[view_id].closed = True

    def close_view(self, user_id: str, view_id: str) -> Delivery | None:
        """A person closes the modal (the X or the close button); view_closed only if notify_on_close."""
        with self.ws.lock:
            user = self._user(user_id)
            stack = self.ws.modal_stacks.get(user_id) or []
            if view_id not in stack:
                raise StandInUsageError(f"view {view_id} is not open for {user_id}")
            view = self.ws.views[view_id]
            cleared = view.clear_on_close
            self._close_views(user_id, list(stack) if cleared else [view_id])
            if not view.notify_on_close:
                return None
            payload = {
                "type": "view_closed",
                "team": self._team(),
                "user": user.summary(self.team_id),
                "api_app_id": self.app_id,
                "token": self.verification_token,
                "view": view.to_api(),
                "is_cleared": cleared,
                "is_enterprise_install": False,
                "enterprise": None,
            }
        delivery = Delivery(kind="view_closed", payload=payload)
        self._post_interaction(delivery)
        return delivery


def _initial_value(element: dict[str, Any]) -> Any:
    for key in (
        "initial_value",
        "initial_option",
        "initial_options",
        "initial_user",
        "initial_users",
        "initial_conversation",
        "initial_conversations",
        "initial_channel",
        "initial_channels",
        "initial_date",
        "initial_time",
        "initial_date_time",
    ):
        if key in element:
            return element[key]
    return None


def _real_date(value: Any) -> bool:
    """What a date picker can send: nothing, or a real date written YYYY-MM-DD."""
    if value in (None, ""):
        return True
    try:
        return len(str(value)) == 10 and date.fromisoformat(str(value)) is not None
    except ValueError:
        return False
