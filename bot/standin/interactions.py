"""Block actions and shortcuts: a person clicks in a message, a modal or the Home tab, or runs a shortcut."""

from __future__ import annotations

import time
from typing import Any

from . import blockkit
from .delivery import Delivery
from .responses import ResponseUrls
from .types import Message, StandInUsageError, View
from .webapi.render import message_api


class Interactions(ResponseUrls):
    """Find the element a person clicks and send block_actions / shortcut payloads."""

    def _find_action(
        self, user_id: str, action_id: str, channel_id: str | None, message_ts: str | None, view_id: str | None
    ) -> tuple[dict, dict, View | None, Message | None]:
        def in_message(message: Message) -> tuple[dict, dict] | None:
            return blockkit.find_element(message.blocks, action_id)

        if view_id is not None:
            view = self.ws.views.get(view_id)
            if view is None:
                raise StandInUsageError(f"no view {view_id!r}")
            found = blockkit.find_element(view.blocks, action_id)
            if found is None:
                raise StandInUsageError(f"view {view_id} has no element with action_id {action_id!r}")
            return found[0], found[1], view, None
        if message_ts is not None:
            candidates = [m for m in self.ws.ephemerals if m.ts == message_ts and m.visible_to == user_id]
            channels = [channel_id] if channel_id else list(self.ws.history)
            for cid in channels:
                message = self.ws.find_message(cid, message_ts)
                if message is not None:
                    candidates.insert(0, message)
            for message in candidates:
                found = in_message(message)
                if found is not None:
                    return found[0], found[1], None, message
            raise StandInUsageError(f"no message {message_ts} with an element {action_id!r}")
        stack = self.ws.modal_stacks.get(user_id) or []
        views = [self.ws.views[stack[-1]]] if stack else []
        if user_id in self.ws.homes:
            views.append(self.ws.views[self.ws.homes[user_id]])
        for view in views:
            found = blockkit.find_element(view.blocks, action_id)
            if found is not None:
                return found[0], found[1], view, None
        messages = [m for m in self.ws.ephemerals if m.visible_to == user_id and not m.replaced]
        for cid, history in self.ws.history.items():
            if channel_id is None or cid == channel_id:
                channel = self.ws.channels.get(cid)
                if channel is not None and channel.visible_to(user_id):
                    messages.extend(history)
        for message in sorted(messages, key=lambda m: float(m.ts), reverse=True):
            found = in_message(message)
            if found is not None:
                return found[0], found[1], None, message
        raise StandInUsageError(f"nothing on screen for {user_id} has an element with action_id {action_id!r}")

    def click(
        self,
        user_id: str,
        *,
        action_id: str,
        value: Any = None,
        channel_id: str | None = None,
        message_ts: str | None = None,
        view_id: str | None = None,
        selected_option: Any = None,
        signature: str | None = None,
        timestamp: str | int | None = None,
    ) -> Delivery:
        """A person clicks a button (or picks an option) in a message, a modal or the Home tab.

        ``value`` is the picked value for selects/pickers (option value, user id, date...) or overrides a
        button's value; without channel/message/view the element is searched on the person's screen."""
        rid = None
        with self.ws.lock:
            user = self._user(user_id)
            block, element, view, message = self._find_action(user_id, action_id, channel_id, message_ts, view_id)
            action = blockkit.action_payload(block, element, value, selected_option)
            payload: dict[str, Any] = {
                "type": "block_actions",
                "user": user.summary(self.team_id),
                "api_app_id": self.app_id,
                "token": self.verification_token,
            }
            if view is not None:
                if element.get("type") != "button" and block.get("block_id"):
                    shaped = {
                        "type": element.get("type"),
                        **{k: v for k, v in action.items() if k.startswith(("selected_", "value"))},
                    }
                    view.state.setdefault("values", {}).setdefault(block["block_id"], {})[element.get("action_id")] = (
                        shaped
                    )
                trigger_id = self._in_view(payload, user_id, view)
                url = None
            else:
                assert message is not None
                channel = self.ws.channels.get(message.channel)
                trigger_id = self.ws.new_trigger(user_id)
                payload["container"] = {
                    "type": "message",
                    "message_ts": message.ts,
                    "channel_id": message.channel,
                    "is_ephemeral": message.ephemeral,
                }
                payload["trigger_id"] = trigger_id
                payload["team"] = self._team()
                payload["enterprise"] = None
                payload["is_enterprise_install"] = False
                name = channel.name if channel and not channel.is_im else "directmessage"
                payload["channel"] = {"id": message.channel, "name": name}
                if not message.ephemeral:
                    payload["message"] = message_api(self, message)
                payload["state"] = {"values": {}}
                rid, url = self._new_response_url(
                    user_id, message.channel, "block_actions", message_ts=message.ts, is_ephemeral=message.ephemeral
                )
                payload["response_url"] = url
            payload["actions"] = [action]
        delivery = Delivery(kind="block_actions", payload=payload, trigger_id=trigger_id, response_url=url)
        if rid is not None:
            with self._lock:
                self._response_deliveries[rid] = delivery
        self._post_interaction(delivery, signature=signature, timestamp=None if timestamp is None else str(timestamp))
        self._save()
        return delivery

    def _in_view(self, payload: dict[str, Any], user_id: str, view: View) -> str:
        """The parts of a block_actions payload from a view (a modal or the Home tab); its new trigger id."""
        trigger_id = self.ws.new_trigger(user_id, view.id)
        payload["container"] = {"type": "view", "view_id": view.id}
        payload["trigger_id"] = trigger_id
        payload["team"] = self._team()
        payload["enterprise"] = None
        payload["is_enterprise_install"] = False
        payload["view"] = view.to_api()
        return trigger_id

    def type_text(
        self,
        user_id: str,
        view_id: str,
        block_id: str,
        text: str,
        *,
        action_id: str | None = None,
        press_enter: bool = False,
    ) -> Delivery | None:
        """A person types (or pastes) `text` into a text input of the modal on top of their screen, and presses
        Enter if `press_enter`. What is typed stays in the view's state (sent with the submission and with any
        block_actions from the view). Only an input block with `dispatch_action: true` sends a `block_actions`
        payload, as Slack does: on each change when its element's `dispatch_action_config.trigger_actions_on`
        has `on_character_entered`, on Enter when it has `on_enter_pressed` (the default). Returns the delivery,
        or None when nothing was sent."""
        with self.ws.lock:
            user = self._user(user_id)
            stack = self.ws.modal_stacks.get(user_id) or []
            if not stack or stack[-1] != view_id:
                raise StandInUsageError(f"view {view_id} is not the modal on top of {user_id}'s screen")
            view = self.ws.views[view_id]
            found = next(
                (
                    (b, e)
                    for b, e in blockkit.iter_elements(view.blocks)
                    if b.get("block_id") == block_id and (action_id is None or e.get("action_id") == action_id)
                ),
                None,
            )
            if found is None or found[0].get("type") != "input":
                raise StandInUsageError(f"view {view_id} has no input block {block_id!r}")
            block, element = found
            if element.get("type") not in blockkit.VALUE_INPUTS:
                raise StandInUsageError(f"input {block_id} is a {element.get('type')}, not a text input")
            max_length = element.get("max_length")
            if isinstance(max_length, int) and len(text) > max_length:
                raise StandInUsageError(f"input {block_id} takes at most {max_length} characters (Slack stops typing)")
            shaped = {"type": element.get("type"), **blockkit.selection(element, text)}
            view.state.setdefault("values", {}).setdefault(block_id, {})[element.get("action_id")] = shaped
            triggers = (element.get("dispatch_action_config") or {}).get("trigger_actions_on") or ["on_enter_pressed"]
            sends = block.get("dispatch_action") is True and (
                "on_character_entered" in triggers or (press_enter and "on_enter_pressed" in triggers)
            )
            if not sends:
                self._save()
                return None
            action = blockkit.action_payload(block, element, text)
            action.pop("placeholder", None)
            payload: dict[str, Any] = {
                "type": "block_actions",
                "user": user.summary(self.team_id),
                "api_app_id": self.app_id,
                "token": self.verification_token,
            }
            trigger_id = self._in_view(payload, user_id, view)
            payload["actions"] = [action]
        delivery = Delivery(kind="block_actions", payload=payload, trigger_id=trigger_id)
        self._post_interaction(delivery)
        self._save()
        return delivery

    def message_shortcut(self, user_id: str, channel_id: str, message_ts: str, callback_id: str) -> Delivery:
        """A person picks the app's shortcut from a message's "More actions" menu."""
        with self.ws.lock:
            user = self._user(user_id)
            channel = self._channel(channel_id)
            message = self.ws.find_message(channel_id, message_ts)
            if message is None:
                raise StandInUsageError(f"no message {message_ts} in {channel_id}")
            trigger_id = self.ws.new_trigger(user_id)
            rid, url = self._new_response_url(user_id, channel_id, "message_action", message_ts=message_ts)
            payload = {
                "type": "message_action",
                "token": self.verification_token,
                "action_ts": f"{time.time():.6f}",
                "team": self._team(),
                "user": user.summary(self.team_id),
                "channel": {"id": channel.id, "name": channel.name if not channel.is_im else "directmessage"},
                "is_enterprise_install": False,
                "enterprise": None,
                "callback_id": callback_id,
                "trigger_id": trigger_id,
                "response_url": url,
                "message_ts": message_ts,
                "message": message_api(self, message),
            }
        delivery = Delivery(kind="message_action", payload=payload, trigger_id=trigger_id, response_url=url)
        with self._lock:
            self._response_deliveries[rid] = delivery
        return self._post_interaction(delivery)

    def global_shortcut(self, user_id: str, callback_id: str) -> Delivery:
        """A person runs the app's global shortcut (from the composer or search)."""
        with self.ws.lock:
            user = self._user(user_id)
            trigger_id = self.ws.new_trigger(user_id)
            payload = {
                "type": "shortcut",
                "token": self.verification_token,
                "action_ts": f"{time.time():.6f}",
                "team": self._team(),
                "user": user.summary(self.team_id),
                "is_enterprise_install": False,
                "enterprise": None,
                "callback_id": callback_id,
                "trigger_id": trigger_id,
            }
        delivery = Delivery(kind="shortcut", payload=payload, trigger_id=trigger_id)
        return self._post_interaction(delivery)
