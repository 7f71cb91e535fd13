"""`clubbot console`: use the bot locally with no Slack account; this module is the person's side.

`bot.console.run` starts the local Slack stand-in and the real app (the same Bolt app, over HTTP, signed
requests) on loopback; here the person types `/club ...` as a chosen person in a chosen channel (or the DM
with @clubbot), fills in modals (`bot.console.forms`) and presses buttons, and `bot.console.watch` prints what
the bot does in Slack as it happens. The workspace and the database persist under `data/console/`
(`--fresh` starts over).
"""

from __future__ import annotations

import shlex
import sys
import threading
from dataclasses import dataclass
from typing import Any, TextIO

from bot.console import forms
from bot.console.clock import ClockError, ConsoleClock, parse_target
from bot.console.editor import clean
from bot.console.watch import Watcher, indent
from bot.settings import Settings
from bot.slack.text import render_message, render_view
from bot.standin import StandInUsageError

CONSOLE_HELP = """Console commands:
  /club ...              run the slash command as the current person in the current channel
  :as NAME               act as another person (:people lists them)
  :in CHANNEL            move to another channel (:channels lists them); :in @clubbot = :dm
  :dm                    go to your direct messages with @clubbot (surveys and reminders arrive there)
  :say TEXT              post a message in the current channel as the current person
  :view                  show the modal open for you: each field's NAME, options and current value
  :type NAME=VALUE       type (or paste) into a text field of that modal and press Enter; a field that
                         reacts as it is filled (the output form's DOI) is answered at once (then :view)
  :submit NAME=VALUE ..  fill in and submit that modal (NAME as :view shows it; a,b for several values)
  :close                 close the modal (Cancel)
  :click ACTION [VALUE]  press a button in the modal or the latest bot message of the channel
  :history               the channel's latest messages
  :home                  open your App Home tab and show it (its buttons work with :click, e.g. home_away)
  :clock [+3h | +2d | 2026-12-08 09:00]
                         the console's time; move it forward (an hour at a time: the clock's jobs run and
                         each message shows under the hour it reaches its reader)
  :people                everyone, with their own local time and zone, and whether they are away
  :channels  :help  :quit
Tab completes commands; ↑/↓ recall earlier lines; a pasted block of lines runs line by line."""

COMMANDS = (
    "help",
    "quit",
    "exit",
    "people",
    "channels",
    "as",
    "in",
    "dm",
    "say",
    "view",
    "type",
    "submit",
    "close",
    "click",
    "history",
    "clock",
    "home",
)


@dataclass
class ConsoleState:
    user_id: str
    channel_id: str


class Console:
    """The interactive loop over a running stand-in and app. Nothing typed can end it but :quit or EOF."""

    def __init__(
        self,
        standin: Any,
        settings: Settings,
        stdout: TextIO | None,
        *,
        user_id: str,
        channel_id: str,
        clock: ConsoleClock | None = None,
    ) -> None:
        self.standin = standin
        self.clock = clock
        self.settings = settings
        self._out = stdout  # None: whatever sys.stdout is when printing (the line editor patches it)
        self.state = ConsoleState(user_id=user_id, channel_id=channel_id)
        self._lock = threading.Lock()
        self.watcher = Watcher(standin, self.say, self.names)

    # --- output ---------------------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        out = self._out or sys.stdout
        with self._lock:
            out.write(text + "\n")
            out.flush()

    def names(self) -> dict[str, str]:
        workspace = self.standin.ws
        names = {user.id: user.name for user in workspace.users.values()}
        for channel in workspace.channels.values():
            if channel.is_im:
                names[channel.id] = "clubbot"  # as the person sees it: the DM is "@clubbot"
            elif channel.name:
                names[channel.id] = channel.name
        return names

    def name_of(self, object_id: str) -> str:
        return self.names().get(object_id, object_id)

    def here(self) -> str:
        channel = self.standin.ws.channels.get(self.state.channel_id)
        if channel is not None and channel.is_im:
            return "@clubbot"
        return "#" + self.name_of(self.state.channel_id)

    def prompt(self) -> str:
        return f"[{self.name_of(self.state.user_id)} in {self.here()}]> "

    def _after(self, delivery: Any) -> None:
        self.watcher.follow(delivery)
        self.watcher.settle()

    # --- input ----------------------------------------------------------------------------------

    def handle(self, line: str) -> bool:
        """Act on one input line; False means quit. A problem is said, never raised."""
        try:
            return self._handle(clean(line))
        except StandInUsageError as error:
            self.say(f"  (Slack would not allow that: {error})")
        except Exception as error:  # noqa: BLE001 - a typo or a bot failure must not throw the person out
            self.say(f"  (the console could not do that: {type(error).__name__}: {error})")
        return True

    def _handle(self, line: str) -> bool:
        line = line.strip()
        if not line:
            return True
        if line.startswith("/club"):
            delivery = self.standin.slash_command(
                self.state.user_id, self.state.channel_id, line[len("/club") :].strip()
            )
            self._after(delivery)
            return True
        if not line.startswith(":"):
            self.say("Type /club ... or a console command (:help).")
            return True
        command, _, rest = line[1:].partition(" ")
        rest = rest.strip()
        handler = {
            "help": lambda: self.say(CONSOLE_HELP),
            "quit": None,
            "exit": None,
            "people": self.list_people,
            "channels": self.list_channels,
            "as": lambda: self.switch_user(rest),
            "in": lambda: self.switch_channel(rest),
            "dm": self.to_dm,
            "say": lambda: self.post(rest),
            "view": self.show_view,
            "type": lambda: self.type_into(rest),
            "submit": lambda: self.submit(rest),
            "close": self.close,
            "click": lambda: self.click(rest),
            "history": self.history,
            "clock": lambda: self.move_clock(rest),
            "home": self.show_home,
        }
        if command not in handler:
            self.say(f"Unknown console command :{command}. Type :help.")
            return True
        action = handler[command]
        if action is None:
            return False
        action()
        return True

    def list_people(self) -> None:
        users = [u for u in sorted(self.standin.ws.users.values(), key=lambda u: u.name) if not u.is_bot]
        clocks = self.clock.people((u.id, u.tz) for u in users) if self.clock is not None else {}
        for user in users:
            admin = "  (secretariat admin)" if self.settings.is_admin(user.id) else ""
            when = away = ""
            if (clock := clocks.get(user.id)) is not None:
                when = f" {clock.local:%a %H:%M} {clock.zone:<20}"
                away = f"  away until {clock.away_until.isoformat()}" if clock.away_until else ""
            self.say(
                f"  @{user.name:<12} {user.real_name or '':<20} {user.locale or '':<6}{when} {user.id}{admin}{away}"
            )

    def show_home(self) -> None:
        self.standin.open_home(self.state.user_id)
        self.watcher.settle()
        home = self.standin.home(self.state.user_id)
        if home is None:
            self.say("  (the app has not published a Home tab for you)")
            return
        self.say(
            f"App Home of @{self.name_of(self.state.user_id)}:\n{indent(render_view(_as_dict(home), self.names()))}"
        )

    def move_clock(self, text: str) -> None:
        if self.clock is None:
            self.say("This console has no clock.")
            return
        now = self.clock.now()
        if not text:
            self.say(f"  The console's clock: {self.clock.label(now)} ({now:%Y-%m-%d %H:%M} UTC)")
            return
        try:
            target = parse_target(text, now, self.clock.zone)
        except ClockError as error:
            self.say(f"  (cannot move the clock: {error})")
            return
        self.say(f"  Moving the clock from {self.clock.label(now)} to {self.clock.label(target)} …")
        sent = self.clock.advance(target, say=self.say, settle=self.watcher.settle)
        self.say(f"  It is now {self.clock.label(target)}; {sent} message(s) went out on the way.")

    def list_channels(self) -> None:
        for channel in sorted(self.standin.ws.channels.values(), key=lambda c: c.name or ""):
            if channel.is_im:
                continue
            kind = "private" if channel.is_private else "public"
            archived = "  (archived)" if channel.is_archived else ""
            self.say(f"  #{channel.name:<28} {kind:<8} {len(channel.members)} members  {channel.id}{archived}")
        self.say("  @clubbot                      your direct messages with the bot (:dm)")

    def _find_user(self, text: str) -> str | None:
        wanted = text.lstrip("@").lower()
        for user in self.standin.ws.users.values():
            if wanted in {user.id.lower(), user.name.lower(), (user.real_name or "").lower()}:
                return user.id
        return None

    def switch_user(self, text: str) -> None:
        user_id = self._find_user(text)
        if user_id is None or user_id == self.standin.bot_user_id:
            self.say(f"No person called {text!r}; :people lists them.")
            return
        was_dm = self.here() == "@clubbot"
        self.state.user_id = user_id
        if was_dm:
            self.to_dm(quiet=True)  # "in @clubbot" means one's own DM with the bot
        self.say(f"You are now @{self.name_of(user_id)}.")

    def to_dm(self, quiet: bool = False) -> None:
        channel = self.standin.ws.im_with(self.state.user_id, self.standin.bot_user_id)
        self.state.channel_id = channel.id
        if not quiet:
            self.say("You are now in your direct messages with @clubbot.")

    def switch_channel(self, text: str) -> None:
        wanted = text.strip().lower()
        if wanted in {"@clubbot", "clubbot", "dm", "@dm"}:
            self.to_dm()
            return
        wanted = wanted.lstrip("#")
        for channel in self.standin.ws.channels.values():
            if channel.is_im:
                continue
            if wanted in {channel.id.lower(), (channel.name or "").lower()}:
                self.state.channel_id = channel.id
                self.say(f"You are now in #{channel.name}.")
                return
        self.say(f"No channel called {text!r}; :channels lists them (and :dm goes to @clubbot).")

    def post(self, text: str) -> None:
        if not text:
            self.say("Usage: :say TEXT")
            return
        self.standin.post_message(self.state.user_id, self.state.channel_id, text)
        self.watcher.settle()

    def history(self) -> None:
        names = self.names()
        for message in self.standin.messages(self.state.channel_id)[-10:]:
            who = "clubbot" if message.bot_id else "@" + names.get(message.user or "", message.user or "?")
            self.say(f"{who}:\n{indent(render_message(message.text, message.blocks, names))}")

    def _open_view(self) -> dict[str, Any] | None:
        views = self.standin.views(self.state.user_id)
        return _as_dict(views[-1]) if views else None

    def show_view(self) -> None:
        view = self._open_view()
        if view is None:
            self.say("No modal is open for you.")
            return
        self.say(forms.describe(view, self.names()))

    def close(self) -> None:
        view = self._open_view()
        if view is None:
            self.say("No modal is open for you.")
            return
        delivery = self.standin.close_view(self.state.user_id, view["id"])
        self.say("  (the modal closed)")
        if delivery is not None:
            self._after(delivery)

    def submit(self, text: str) -> None:
        view = self._open_view()
        if view is None:
            self.say("No modal is open for you.")
            return
        values: dict[str, dict[str, Any]] = {}
        try:
            pairs = shlex.split(text)
        except ValueError as error:
            self.say(f"Could not read the values: {error}")
            return
        for pair in pairs:
            key, sep, value = pair.partition("=")
            if not sep:
                self.say(f"Expected NAME=VALUE, got {pair!r} (:view shows the names).")
                return
            item = forms.find_field(view, key)
            if item is None:
                known = ", ".join(f.name for f in forms.fields(view))
                self.say(f"The modal has no field {key!r}; its fields: {known}.")
                return
            try:
                checked = forms.check_value(item, self._people_ids(item, value))
            except forms.FieldValueError as problem:
                self.say(f"  ! [{item.name}] {problem} — Slack's input would not send that; nothing was submitted.")
                return
            values.setdefault(item.block_id, {})[item.action_id] = checked
        missing = [f for f in forms.fields(view) if not f.optional and not f.current and not _given(values, f)]
        if missing:
            for item in missing:
                self.say(f"  ! [{item.name}] {item.label}: this field is required (Slack shows this under the field)")
            self.say("  (nothing was submitted; the modal is still open)")
            return
        delivery = self.standin.submit_view(self.state.user_id, view["id"], values)
        self._after(delivery)

    def type_into(self, text: str) -> None:
        """Type into one text field of the open modal and press Enter: Slack sends block_actions only for an
        input with `dispatch_action` (the bot then updates the modal); other fields keep the text for :submit."""
        view = self._open_view()
        if view is None:
            self.say("No modal is open for you.")
            return
        key, sep, value = text.strip().partition("=")
        item = forms.find_field(view, key.strip()) if sep else None
        if item is None or item.kind not in TEXT_FIELDS:
            known = ", ".join(f.name for f in forms.fields(view) if f.kind in TEXT_FIELDS)
            self.say(f"Usage: :type NAME=VALUE, NAME one of the modal's text fields: {known}.")
            return
        delivery = self.standin.type_text(
            self.state.user_id, view["id"], item.block_id, value.strip(), action_id=item.action_id, press_enter=True
        )
        if delivery is None:
            self.say(f"  (typed into [{item.name}]; Slack sends it with the form when you :submit)")
            return
        self._after(delivery)
        self.say("  (:view shows the form as the bot left it)")

    def _people_ids(self, item: forms.Field, value: str) -> str:
        """`@name` for people pickers: the console knows people by name, Slack's pickers send IDs."""
        if item.kind not in {"users_select", "multi_users_select"}:
            return value
        ids = []
        for part in value.split(","):
            found = self._find_user(part.strip()) if part.strip() else None
            ids.append(found or part.strip())
        return ",".join(ids)

    def click(self, text: str) -> None:
        parts = text.split(maxsplit=1)
        if not parts:
            self.say("Usage: :click ACTION [VALUE]")
            return
        action_id = parts[0]
        value = parts[1] if len(parts) > 1 else None
        view = self._open_view()
        if view is not None and _has_action(view.get("blocks") or [], action_id):
            delivery = self.standin.click(self.state.user_id, action_id=action_id, value=value, view_id=view["id"])
        else:
            message = next(
                (
                    m
                    for m in reversed(self.standin.messages(self.state.channel_id))
                    if _has_action(m.blocks or [], action_id)
                ),
                None,
            )
            if message is None:
                try:  # a button in a message only this person sees (an answer to a command)
                    delivery = self.standin.click(self.state.user_id, action_id=action_id, value=value)
                except StandInUsageError:
                    self.say(f"No button {action_id!r} in the modal or the channel's recent messages.")
                    return
                self._after(delivery)
                return
            delivery = self.standin.click(
                self.state.user_id,
                action_id=action_id,
                value=value,
                channel_id=self.state.channel_id,
                message_ts=message.ts,
            )
        self._after(delivery)


TEXT_FIELDS = frozenset({"plain_text_input", "email_text_input", "url_text_input", "number_input"})


def _given(values: dict[str, dict[str, Any]], item: forms.Field) -> bool:
    value = values.get(item.block_id, {}).get(item.action_id)
    return value not in (None, "", [])


def _as_dict(view: Any) -> dict[str, Any]:
    return view if isinstance(view, dict) else view.to_api()


def _has_action(blocks: list[dict[str, Any]], action_id: str) -> bool:
    for block in blocks:
        elements = list(block.get("elements") or [])
        if block.get("accessory"):
            elements.append(block["accessory"])
        if any(isinstance(e, dict) and e.get("action_id") == action_id for e in elements):
            return True
    return False
