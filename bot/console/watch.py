"""What the bot does in the console's Slack, shown as it arrives and marked with where it went.

The watcher looks at the stand-in's recorded Web API calls and at the answers the app posts to the
response URLs of the person's commands and clicks; a background thread prints them as they come, and after
each command the console waits until the bot has been quiet for a moment before it prompts again."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from bot.console import forms
from bot.slack.text import mrkdwn_to_text, render_message

QUIET = 0.8  # seconds without anything new before the console prompts again
LIMIT = 20.0  # at most this long after a command


def indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


class Watcher:
    """Prints new Web API calls and response-URL answers, once each, from any thread."""

    def __init__(self, standin: Any, say: Callable[[str], None], names: Callable[[], dict[str, str]]) -> None:
        self.standin = standin
        self.say = say
        self.names = names
        self.calls_seen = len(standin.calls)
        self._deliveries: list[tuple[Any, int]] = []  # (delivery, responses shown)
        self._lock = threading.RLock()
        self._last_activity = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- background ----------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="console-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            try:
                self.poll()
            except Exception as error:  # noqa: BLE001 - the console must keep running whatever the bot did
                self.say(f"  (the console could not show something: {error!r})")

    # --- one look ------------------------------------------------------------------------------------

    def follow(self, delivery: Any) -> None:
        """Show the app's immediate answer to `delivery`, then watch its response URL."""
        with self._lock:
            self._show_ack(delivery)
            self._deliveries.append((delivery, 0))
            self._deliveries = self._deliveries[-20:]
            self._last_activity = time.monotonic()

    def poll(self) -> bool:
        """Print what is new; True if anything was."""
        with self._lock:
            names = self.names()
            shown = False
            calls = self.standin.calls
            new, self.calls_seen = calls[self.calls_seen :], len(calls)
            for call in new:
                line = describe_call(call, names, self.standin)
                if line:
                    self.say(line)
                    shown = True
            for index, (delivery, count) in enumerate(self._deliveries):
                responses = delivery.responses
                for response in responses[count:]:
                    self.say(describe_response(response, names))
                    shown = True
                self._deliveries[index] = (delivery, len(responses))
            if shown or new:
                self._last_activity = time.monotonic()
            return shown

    def settle(self, quiet: float = QUIET, limit: float = LIMIT) -> None:
        """Wait until nothing new has come for `quiet` seconds (at most `limit`), printing what comes."""
        self.standin.wait_for_events(timeout=5.0)
        deadline = time.monotonic() + limit
        self._last_activity = max(self._last_activity, time.monotonic())
        while time.monotonic() < deadline:
            self.poll()
            if time.monotonic() - self._last_activity >= quiet:
                return
            time.sleep(0.05)

    def _show_ack(self, delivery: Any) -> None:
        names = self.names()
        if delivery.error or delivery.status is None:
            self.say(f"  (the app did not answer: {delivery.error or 'no response'})")
            return
        if delivery.status != 200:
            self.say(f"  (the app answered HTTP {delivery.status})")
            return
        body = delivery.json
        if not isinstance(body, dict):
            return
        if body.get("text") or body.get("blocks"):
            where = "" if body.get("response_type") == "in_channel" else " (only you see this)"
            self.say(f"clubbot{where}:")
            self.say(indent(render_message(body.get("text"), body.get("blocks"), names)))
        elif body.get("response_action") == "errors":
            for block_id, problem in (body.get("errors") or {}).items():
                self.say(f"  ! [{block_id}] {mrkdwn_to_text(str(problem), names)}")
        elif body.get("response_action") in {"update", "push"} and body.get("view"):
            self.say(indent(forms.describe(body["view"], names)))
        elif body.get("response_action") == "clear":
            self.say("  (the modal closed)")


def describe_response(response: dict[str, Any], names: dict[str, str]) -> str:
    public = response.get("response_type") == "in_channel"
    verb = " (replacing its earlier answer)" if response.get("replace_original") else ""
    where = "" if public else " (only you see this)"
    if response.get("delete_original"):
        return "  (clubbot removed its earlier answer)"
    return f"clubbot{where}{verb}:\n{indent(render_message(response.get('text'), response.get('blocks'), names))}"


def where(channel_id: str, names: dict[str, str], standin: Any) -> str:
    """`#channel`, or `@clubbot → @person (direct message)` for the bot's DM with someone."""
    channel = standin.ws.channels.get(channel_id)
    if channel is not None and channel.is_im:
        person = names.get(channel.im_user or "", channel.im_user or "?")
        return f"@clubbot → @{person} (direct message)"
    return "#" + names.get(channel_id, channel_id)


def describe_call(call: Any, names: dict[str, str], standin: Any) -> str | None:
    if not call.ok:
        return f"  (Slack refused {call.method}: {call.error})"
    args = call.args
    channel_id = str(args.get("channel", "") or args.get("channel_id", ""))
    place = where(channel_id, names, standin) if channel_id else ""
    if call.method == "chat.postMessage":
        thread = " (in a thread)" if args.get("thread_ts") else ""
        body = render_message(args.get("text"), args.get("blocks"), names)
        return f"\n{place}{thread}  clubbot:\n{indent(body)}"
    if call.method == "chat.postEphemeral":
        body = render_message(args.get("text"), args.get("blocks"), names)
        viewer = names.get(args.get("user", ""), args.get("user"))
        return f"\n{place}  clubbot (only @{viewer} sees this):\n{indent(body)}"
    if call.method == "chat.update":
        body = render_message(args.get("text"), args.get("blocks"), names)
        return f"\n{place}  clubbot (edited a message):\n{indent(body)}"
    if call.method == "chat.delete":
        return f"  (clubbot deleted a message in {place})"
    if call.method in {"views.open", "views.push", "views.update"}:
        # the view as Slack answered it: with what the person typed (kept on views.update) in its state
        view = (call.response or {}).get("view") or args.get("view") or {}
        verb = {"views.open": "opened", "views.push": "opened on top", "views.update": "updated"}[call.method]
        return f"\n  (a modal {verb})\n" + indent(forms.describe(view, names))
    if call.method == "views.publish":
        return f"  (Home tab of @{names.get(args.get('user_id', ''), args.get('user_id'))} updated)"
    if call.method == "conversations.create":
        return f"  (channel #{args.get('name')} created)"
    if call.method == "conversations.archive":
        return f"  ({place} archived)"
    if call.method == "conversations.rename":
        return f"  ({place} renamed to #{args.get('name')})"
    if call.method == "conversations.setTopic":
        return f"  ({place} topic set: {args.get('topic')})"
    if call.method == "conversations.invite":
        users = ", ".join("@" + names.get(u, u) for u in str(args.get("users", "")).split(",") if u)
        return f"  ({users} invited to {place})"
    if call.method == "conversations.kick":
        return f"  (@{names.get(str(args.get('user')), args.get('user'))} removed from {place})"
    if call.method == "files.completeUploadExternal":
        return f"  (file shared in {place})"
    if call.method == "pins.add":
        return f"  (message pinned in {place})"
    if call.method == "reactions.add":
        return f"  (clubbot reacted :{args.get('name')}: in {place})"
    return None
