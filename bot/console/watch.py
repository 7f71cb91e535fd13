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
from bot.domain import Language
from bot.i18n import t
from bot.slack.text import mrkdwn_to_text, render_message

QUIET = 0.8  # seconds without anything new before the console prompts again
LIMIT = 20.0  # at most this long after a command


def indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


class Watcher:
    """Prints new Web API calls and response-URL answers, once each, from any thread."""

    def __init__(
        self,
        standin: Any,
        say: Callable[[str], None],
        names: Callable[[], dict[str, str]],
        lang: Callable[[], Language] = lambda: Language.EN,
    ) -> None:
        self.standin = standin
        self.lang = lang  # the language of the person the console acts as
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
                self.say(t(self.lang(), "console.watch.failed", error=repr(error)))

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
                line = describe_call(call, names, self.standin, self.lang())
                if line:
                    self.say(line)
                    shown = True
            for index, (delivery, count) in enumerate(self._deliveries):
                responses = delivery.responses
                for response in responses[count:]:
                    self.say(describe_response(response, names, self.lang()))
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
        names, lang = self.names(), self.lang()
        if delivery.error or delivery.status is None:
            error = delivery.error or t(lang, "console.watch.no_response")
            self.say(t(lang, "console.watch.no_answer", error=error))
            return
        if delivery.status != 200:
            self.say(t(lang, "console.watch.http", status=delivery.status))
            return
        body = delivery.json
        if not isinstance(body, dict):
            return
        if body.get("text") or body.get("blocks"):
            where = "" if body.get("response_type") == "in_channel" else t(lang, "console.watch.only_you")
            self.say(f"clubbot{where}:")
            self.say(indent(render_message(body.get("text"), body.get("blocks"), names)))
        elif body.get("response_action") == "errors":
            for block_id, problem in (body.get("errors") or {}).items():
                self.say(f"  ! [{block_id}] {mrkdwn_to_text(str(problem), names)}")
        elif body.get("response_action") in {"update", "push"} and body.get("view"):
            self.say(indent(forms.describe(body["view"], names, lang)))
        elif body.get("response_action") == "clear":
            self.say(t(lang, "console.view.closed"))


def describe_response(response: dict[str, Any], names: dict[str, str], lang: Language = Language.EN) -> str:
    public = response.get("response_type") == "in_channel"
    verb = t(lang, "console.watch.replacing") if response.get("replace_original") else ""
    where = "" if public else t(lang, "console.watch.only_you")
    if response.get("delete_original"):
        return t(lang, "console.watch.removed")
    return f"clubbot{where}{verb}:\n{indent(render_message(response.get('text'), response.get('blocks'), names))}"


def where(channel_id: str, names: dict[str, str], standin: Any, lang: Language = Language.EN) -> str:
    """`#channel`, or `@clubbot → @person (direct message)` for the bot's DM with someone."""
    channel = standin.ws.channels.get(channel_id)
    if channel is not None and channel.is_im:
        person = names.get(channel.im_user or "", channel.im_user or "?")
        return t(lang, "console.watch.dm", name=person)
    return "#" + names.get(channel_id, channel_id)


def describe_call(call: Any, names: dict[str, str], standin: Any, lang: Language = Language.EN) -> str | None:
    if not call.ok:
        return t(lang, "console.watch.refused", method=call.method, error=call.error)
    args = call.args
    channel_id = str(args.get("channel", "") or args.get("channel_id", ""))
    place = where(channel_id, names, standin, lang) if channel_id else ""
    if call.method == "chat.postMessage":
        thread = t(lang, "console.watch.in_thread") if args.get("thread_ts") else ""
        body = render_message(args.get("text"), args.get("blocks"), names)
        return f"\n{place}{thread}  clubbot:\n{indent(body)}"
    if call.method == "chat.postEphemeral":
        body = render_message(args.get("text"), args.get("blocks"), names)
        viewer = names.get(args.get("user", ""), args.get("user"))
        return f"\n{place}  {t(lang, 'console.watch.only_viewer', name=viewer)}\n{indent(body)}"
    if call.method == "chat.update":
        body = render_message(args.get("text"), args.get("blocks"), names)
        return f"\n{place}  {t(lang, 'console.watch.edited')}\n{indent(body)}"
    if call.method == "chat.delete":
        return t(lang, "console.watch.deleted", place=place)
    if call.method in {"views.open", "views.push", "views.update"}:
        # the view as Slack answered it: with what the person typed (kept on views.update) in its state
        view = (call.response or {}).get("view") or args.get("view") or {}
        verb = {
            "views.open": "console.watch.modal_opened",
            "views.push": "console.watch.modal_pushed",
            "views.update": "console.watch.modal_updated",
        }[call.method]
        return "\n" + t(lang, verb) + "\n" + indent(forms.describe(view, names, lang))
    if call.method == "views.publish":
        return t(lang, "console.watch.home", name=names.get(args.get("user_id", ""), args.get("user_id")))
    if call.method == "conversations.create":
        return t(lang, "console.watch.created", name=args.get("name"))
    if call.method == "conversations.archive":
        return t(lang, "console.watch.archived", place=place)
    if call.method == "conversations.rename":
        return t(lang, "console.watch.renamed", place=place, name=args.get("name"))
    if call.method == "conversations.setTopic":
        return t(lang, "console.watch.topic", place=place, topic=args.get("topic"))
    if call.method == "conversations.invite":
        users = ", ".join("@" + names.get(u, u) for u in str(args.get("users", "")).split(",") if u)
        return t(lang, "console.watch.invited", people=users, place=place)
    if call.method == "conversations.kick":
        return t(lang, "console.watch.kicked", name=names.get(str(args.get("user")), args.get("user")), place=place)
    if call.method == "files.completeUploadExternal":
        return t(lang, "console.watch.file", place=place)
    if call.method == "pins.add":
        return t(lang, "console.watch.pinned", place=place)
    if call.method == "reactions.add":
        return t(lang, "console.watch.reacted", name=args.get("name"), place=place)
    return None
