"""views.*: modals (open, push, update) and the Home tab (publish)."""

from __future__ import annotations

import time
from typing import Any

from .. import blockkit
from ..types import View
from ..validator import view_errors
from ..workspace import TRIGGER_TTL
from .context import CallContext, SlackError, invalid_arguments
from .render import ID_ALPHABET

MAX_VIEW_STACK = 3


def _view_arg(ctx: CallContext) -> dict[str, Any]:
    view = ctx.args.get("view")
    if isinstance(view, str):
        raise invalid_arguments("[ERROR] failed to parse view as JSON [json-pointer:/view]")
    if not isinstance(view, dict):
        raise invalid_arguments("[ERROR] missing required field: view")
    return view


def _exchange_trigger(ctx: CallContext) -> str:
    trigger_id = ctx.str_arg("trigger_id") or ctx.str_arg("interactivity_pointer")
    trigger = ctx.ws.triggers.get(trigger_id or "")
    if trigger is None:
        raise SlackError("invalid_trigger_id")
    if trigger.used:
        raise SlackError("exchanged_trigger_id")
    if time.time() - trigger.created > TRIGGER_TTL:
        raise SlackError("expired_trigger_id")
    trigger.used = True
    return trigger.user_id


def _check_view(ctx: CallContext, payload: dict[str, Any], expected: tuple[str, ...]) -> None:
    errors = view_errors(payload, expected=expected)
    if errors:
        raise SlackError("invalid_arguments", response_metadata={"messages": errors})
    external_id = payload.get("external_id")
    if external_id:
        for view in ctx.ws.views.values():
            if view.external_id == external_id and not view.closed:
                raise SlackError("duplicate_external_id")


def new_view(ctx: CallContext, payload: dict[str, Any], user_id: str) -> View:
    view = View(
        id=ctx.ws.ids.next("V"),
        type=payload.get("type", "modal"),
        user_id=user_id,
        team_id=ctx.standin.team_id,
        app_id=ctx.standin.app_id,
        bot_id=ctx.standin.bot_id,
    )
    view.load(payload)
    view.root_view_id = view.id
    stamp_view(ctx, view)
    ctx.ws.views[view.id] = view
    return view


def stamp_view(ctx: CallContext, view: View) -> None:
    view.hash = f"{int(time.time())}.{ctx.ws.ids.token(8, ID_ALPHABET)}"


def views_open(ctx: CallContext) -> dict[str, Any]:
    payload = _view_arg(ctx)
    user_id = _exchange_trigger(ctx)
    _check_view(ctx, payload, ("modal",))
    for old in ctx.ws.modal_stacks.get(user_id, []):
        ctx.ws.views[old].closed = True
    view = new_view(ctx, payload, user_id)
    ctx.ws.modal_stacks[user_id] = [view.id]
    return {"view": view.to_api()}


def views_push(ctx: CallContext) -> dict[str, Any]:
    payload = _view_arg(ctx)
    user_id = _exchange_trigger(ctx)
    _check_view(ctx, payload, ("modal",))
    stack = ctx.ws.modal_stacks.get(user_id) or []
    if not stack:
        raise SlackError("not_found")
    if len(stack) >= MAX_VIEW_STACK:
        raise SlackError("push_limit_reached")
    view = new_view(ctx, payload, user_id)
    view.root_view_id = stack[0]
    view.previous_view_id = stack[-1]
    stack.append(view.id)
    return {"view": view.to_api()}


def replace_view(ctx: CallContext, view: View, payload: dict[str, Any]) -> None:
    """views.update / response_action update: same id, new content and hash; state kept where the
    same block_id and action_id still exist (as the Slack client keeps typed values, "Preserving input entry":
    an input whose block_id or action_id changed shows its new initial value)."""
    old_values = view.state.get("values", {})
    view.load(payload)
    keep: dict[str, Any] = {}
    for block, element in blockkit.iter_elements(view.blocks):
        block_id, action_id = block.get("block_id"), element.get("action_id")
        if isinstance(block_id, str) and action_id in (old_values.get(block_id) or {}):
            keep.setdefault(block_id, {})[action_id] = old_values[block_id][action_id]
    view.state = {"values": keep}
    stamp_view(ctx, view)


def views_update(ctx: CallContext) -> dict[str, Any]:
    payload = _view_arg(ctx)
    view_id = ctx.str_arg("view_id")
    external_id = ctx.str_arg("external_id")
    if not view_id and not external_id:
        raise invalid_arguments("[ERROR] either view_id or external_id is required")
    view = (
        ctx.ws.views.get(view_id)
        if view_id
        else next((v for v in ctx.ws.views.values() if v.external_id == external_id and not v.closed), None)
    )
    if view is None or view.closed:
        raise SlackError("not_found")
    view_hash = ctx.str_arg("hash")
    if view_hash and view_hash != view.hash:
        raise SlackError("hash_conflict")
    if payload.get("external_id") and payload["external_id"] != view.external_id:
        _check_view(ctx, payload, (view.type,))  # also refuses an external_id another view holds
    else:
        errors = view_errors(payload, expected=(view.type,))
        if errors:
            raise SlackError("invalid_arguments", response_metadata={"messages": errors})
    replace_view(ctx, view, payload)
    return {"view": view.to_api()}


def views_publish(ctx: CallContext) -> dict[str, Any]:
    payload = _view_arg(ctx)
    user = ctx.user(ctx.str_arg("user_id"))
    errors = view_errors(payload, expected=("home",))
    if errors:
        raise SlackError("invalid_arguments", response_metadata={"messages": errors})
    view_id = ctx.ws.homes.get(user.id)
    if view_id and view_id in ctx.ws.views:
        view = ctx.ws.views[view_id]
        view_hash = ctx.str_arg("hash")
        if view_hash and view_hash != view.hash:
            raise SlackError("hash_conflict")
        replace_view(ctx, view, payload)
    else:
        view = new_view(ctx, payload, user.id)
        ctx.ws.homes[user.id] = view.id
    return {"view": view.to_api()}
