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
from bot.console.clock import ClockError, ConsoleClock, parse_target, weekday
from bot.console.editor import clean
from bot.console.watch import Watcher, indent
from bot.domain import Language, language_for_locale
from bot.i18n import t
from bot.reports.text import display_width
from bot.settings import Settings
from bot.slack.text import render_message, render_view
from bot.standin import StandInUsageError

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
        self.watcher = Watcher(standin, self.say, self.names, lambda: self.lang)

    @property
    def lang(self) -> Language:
        """The language of the person the console acts as (their Slack locale), which the console speaks too."""
        user = self.standin.ws.users.get(self.state.user_id)
        return language_for_locale(user.locale if user is not None else None, default=self.settings.language)

    def text(self, key: str, **params: object) -> str:
        """A console text in the language of the person it acts as."""
        return t(self.lang, key, **params)

    def help_text(self) -> str:
        return self.text("console.help")

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
            self.say(self.text("console.slack_refused", error=error))
        except Exception as error:  # noqa: BLE001 - a typo or a bot failure must not throw the person out
            self.say(self.text("console.failed", error=f"{type(error).__name__}: {error}"))
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
            self.say(self.text("console.not_a_command"))
            return True
        command, _, rest = line[1:].partition(" ")
        rest = rest.strip()
        handler = {
            "help": lambda: self.say(self.help_text()),
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
            self.say(self.text("console.unknown_command", command=command))
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
            admin = self.text("console.people.admin") if self.settings.is_admin(user.id) else ""
            when = away = ""
            if (clock := clocks.get(user.id)) is not None:
                when = f" {_pad(weekday(clock.local, self.lang), 3)} {clock.local:%H:%M} {clock.zone:<20}"
                away = self.text("console.people.away", day=clock.away_until.isoformat()) if clock.away_until else ""
            real_name = _pad(user.real_name or "", 20)
            self.say(f"  @{user.name:<12} {real_name} {user.locale or '':<6}{when} {user.id}{admin}{away}")

    def show_home(self) -> None:
        self.standin.open_home(self.state.user_id)
        self.watcher.settle()
        home = self.standin.home(self.state.user_id)
        if home is None:
            self.say(self.text("console.home.none"))
            return
        self.say(
            self.text("console.home.title", name=self.name_of(self.state.user_id))
            + "\n"
            + indent(render_view(_as_dict(home), self.names()))
        )

    def move_clock(self, text: str) -> None:
        if self.clock is None:
            self.say(self.text("console.clock.none"))
            return
        now = self.clock.now()
        if not text:
            self.say(
                self.text("console.clock.now", label=self.clock.label(now, self.lang), utc=f"{now:%Y-%m-%d %H:%M}")
            )
            return
        try:
            target = parse_target(text, now, self.clock.zone, self.lang)
        except ClockError as error:
            self.say(self.text("console.clock.refused", error=error))
            return
        self.say(
            self.text(
                "console.clock.moving", start=self.clock.label(now, self.lang), end=self.clock.label(target, self.lang)
            )
        )
        sent = self.clock.advance(target, say=self.say, settle=self.watcher.settle, lang=self.lang)
        self.say(self.text("console.clock.moved", label=self.clock.label(target, self.lang), count=sent))

    def list_channels(self) -> None:
        for channel in sorted(self.standin.ws.channels.values(), key=lambda c: c.name or ""):
            if channel.is_im:
                continue
            kind = self.text("console.channels.private" if channel.is_private else "console.channels.public")
            archived = self.text("console.channels.archived") if channel.is_archived else ""
            members = self.text("console.channels.members", count=len(channel.members))
            self.say(f"  #{channel.name:<28} {kind:<8} {members}  {channel.id}{archived}")
        self.say(f"  {'@clubbot':<29} {self.text('console.channels.dm')}")

    def _find_user(self, text: str) -> str | None:
        wanted = text.lstrip("@").lower()
        for user in self.standin.ws.users.values():
            if wanted in {user.id.lower(), user.name.lower(), (user.real_name or "").lower()}:
                return user.id
        return None

    def switch_user(self, text: str) -> None:
        user_id = self._find_user(text)
        if user_id is None or user_id == self.standin.bot_user_id:
            self.say(self.text("console.as.unknown", name=repr(text)))
            return
        was_dm = self.here() == "@clubbot"
        self.state.user_id = user_id
        if was_dm:
            self.to_dm(quiet=True)  # "in @clubbot" means one's own DM with the bot
        self.say(self.text("console.as.done", name=self.name_of(user_id)))

    def to_dm(self, quiet: bool = False) -> None:
        channel = self.standin.ws.im_with(self.state.user_id, self.standin.bot_user_id)
        self.state.channel_id = channel.id
        if not quiet:
            self.say(self.text("console.dm.done"))

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
                self.say(self.text("console.in.done", name=channel.name))
                return
        self.say(self.text("console.in.unknown", name=repr(text)))

    def post(self, text: str) -> None:
        if not text:
            self.say(self.text("console.say.usage"))
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
            self.say(self.text("console.view.none"))
            return
        self.say(forms.describe(view, self.names(), self.lang))

    def close(self) -> None:
        view = self._open_view()
        if view is None:
            self.say(self.text("console.view.none"))
            return
        delivery = self.standin.close_view(self.state.user_id, view["id"])
        self.say(self.text("console.view.closed"))
        if delivery is not None:
            self._after(delivery)

    def submit(self, text: str) -> None:
        view = self._open_view()
        if view is None:
            self.say(self.text("console.view.none"))
            return
        values: dict[str, dict[str, Any]] = {}
        try:
            pairs = shlex.split(text)
        except ValueError as error:
            self.say(self.text("console.submit.unreadable", error=error))
            return
        for pair in pairs:
            key, sep, value = pair.partition("=")
            if not sep:
                self.say(self.text("console.submit.not_pair", pair=repr(pair)))
                return
            item = forms.find_field(view, key)
            if item is None:
                known = ", ".join(f.name for f in forms.fields(view))
                self.say(self.text("console.submit.no_field", name=repr(key), known=known))
                return
            try:
                checked = forms.check_value(item, self._people_ids(item, value), self.lang)
            except forms.FieldValueError as problem:
                self.say(self.text("console.submit.refused", name=item.name, problem=problem))
                return
            values.setdefault(item.block_id, {})[item.action_id] = checked
        missing = [f for f in forms.fields(view) if not f.optional and not f.current and not _given(values, f)]
        if missing:
            for item in missing:
                self.say(self.text("console.submit.required", name=item.name, label=item.label))
            self.say(self.text("console.submit.nothing"))
            return
        delivery = self.standin.submit_view(self.state.user_id, view["id"], values)
        self._after(delivery)

    def type_into(self, text: str) -> None:
        """Type into one text field of the open modal and press Enter: Slack sends block_actions only for an
        input with `dispatch_action` (the bot then updates the modal); other fields keep the text for :submit."""
        view = self._open_view()
        if view is None:
            self.say(self.text("console.view.none"))
            return
        key, sep, value = text.strip().partition("=")
        item = forms.find_field(view, key.strip()) if sep else None
        if item is None or item.kind not in TEXT_FIELDS:
            known = ", ".join(f.name for f in forms.fields(view) if f.kind in TEXT_FIELDS)
            self.say(self.text("console.type.usage", known=known))
            return
        delivery = self.standin.type_text(
            self.state.user_id, view["id"], item.block_id, value.strip(), action_id=item.action_id, press_enter=True
        )
        if delivery is None:
            self.say(self.text("console.type.kept", name=item.name))
            return
        self._after(delivery)
        self.say(self.text("console.type.then_view"))

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
            self.say(self.text("console.click.usage"))
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
                    self.say(self.text("console.click.none", action=repr(action_id)))
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


def _pad(text: str, columns: int) -> str:
    """`text` padded to `columns` as a terminal shows it (a Korean character takes two columns)."""
    return text + " " * max(0, columns - display_width(text))


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
