"""`clubbot console`: use the bot locally with no Slack account.

It starts the local Slack stand-in and the real app (the same Bolt app, over HTTP, signed requests)
on loopback, lets you type `/club ...` as a chosen person in a chosen channel, and prints what the
bot does in Slack, readably. The workspace and the database persist under `data/console/`
(`--fresh` starts over).
"""

from __future__ import annotations

import io
import secrets
import shlex
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from bot.app import create_app, discover_outputs
from bot.clubs.provisioning import provision_club
from bot.console.demo import DEMO_ADMIN, DEMO_PEOPLE, demo_club_request, seed_database, seed_scholarly
from bot.server import LocalServer
from bot.settings import Settings
from bot.slack.manifest import load_manifest
from bot.slack.text import mrkdwn_to_text, render_message, render_view
from bot.standin import SlackStandIn
from bot.standin.scholarly import ScholarlyServer
from bot.startup import prepare
from bot.web import WebApp

CONSOLE_HELP = """Console commands:
  /club ...              run the slash command as the current person in the current channel
  :as NAME               act as another person (:people lists them)
  :in CHANNEL            move to another channel (:channels lists them)
  :say TEXT              post a message in the current channel as the current person
  :view                  show the modal open for the current person
  :submit FIELD=VALUE .. submit that modal (FIELD is the block or action id shown in brackets)
  :click ACTION [VALUE]  press a button in the modal or the latest bot message of the channel
  :history               the channel's latest messages
  :people  :channels  :help  :quit"""


@dataclass
class ConsoleState:
    user_id: str
    channel_id: str
    calls_seen: int = 0
    seen_ephemerals: set[int] = field(default_factory=set)


class Console:
    """The interactive loop over a running stand-in and app."""

    def __init__(self, standin: Any, settings: Settings, stdout: TextIO, *, user_id: str, channel_id: str) -> None:
        self.standin = standin
        self.settings = settings
        self.out = stdout
        self.state = ConsoleState(user_id=user_id, channel_id=channel_id)
        self._lock = threading.Lock()

    # --- output ---------------------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        with self._lock:
            self.out.write(text + "\n")
            self.out.flush()

    def names(self) -> dict[str, str]:
        workspace = self.standin.ws
        names = {user.id: user.name for user in workspace.users.values()}
        names.update({channel.id: channel.name for channel in workspace.channels.values() if channel.name})
        return names

    def name_of(self, object_id: str) -> str:
        return self.names().get(object_id, object_id)

    def prompt(self) -> str:
        return f"[{self.name_of(self.state.user_id)} in #{self.name_of(self.state.channel_id)}]> "

    def show_activity(self) -> None:
        """Print what the bot did in Slack since the last look, waiting briefly for it to settle."""
        self.standin.wait_for_events(timeout=5.0)
        self._settle()
        calls = self.standin.calls
        new = calls[self.state.calls_seen :]
        self.state.calls_seen = len(calls)
        names = self.names()
        for call in new:
            line = self._describe_call(call, names)
            if line:
                self.say(line)

    def _settle(self, quiet: float = 0.4, limit: float = 5.0) -> None:
        """Wait until the stand-in has seen no new call for `quiet` seconds (at most `limit`)."""
        deadline = time.monotonic() + limit
        count = len(self.standin.calls)
        last_change = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            now_count = len(self.standin.calls)
            if now_count != count:
                count = now_count
                last_change = time.monotonic()
            elif time.monotonic() - last_change >= quiet:
                return

    def _describe_call(self, call: Any, names: dict[str, str]) -> str | None:
        if not call.ok:
            return f"  (Slack refused {call.method}: {call.error})"
        args = call.args
        channel = names.get(str(args.get("channel", "")), str(args.get("channel", "")))
        if call.method == "chat.postMessage":
            body = render_message(args.get("text"), args.get("blocks"), names)
            return f"\n#{channel}  clubbot:\n{_indent(body)}"
        if call.method == "chat.postEphemeral":
            body = render_message(args.get("text"), args.get("blocks"), names)
            viewer = names.get(args.get("user", ""), args.get("user"))
            return f"\n#{channel}  clubbot (only @{viewer} sees this):\n{_indent(body)}"
        if call.method == "chat.update":
            body = render_message(args.get("text"), args.get("blocks"), names)
            return f"\n#{channel}  clubbot (edited):\n{_indent(body)}"
        if call.method in {"views.open", "views.push", "views.update"}:
            view = args.get("view") or {}
            return "\n" + _indent(render_view(view, names))
        if call.method == "views.publish":
            return f"  (Home tab of @{names.get(args.get('user_id', ''), args.get('user_id'))} updated)"
        if call.method == "conversations.create":
            return f"  (channel #{args.get('name')} created)"
        if call.method == "conversations.invite":
            users = ", ".join("@" + names.get(u, u) for u in str(args.get("users", "")).split(",") if u)
            return f"  ({users} invited to #{channel})"
        if call.method == "files.completeUploadExternal":
            return f"  (file shared in #{names.get(str(args.get('channel_id', '')), args.get('channel_id'))})"
        if call.method == "pins.add":
            return f"  (message pinned in #{channel})"
        return None

    def show_delivery(self, delivery: Any) -> None:
        names = self.names()
        if delivery.status != 200:
            self.say(f"  (the app answered HTTP {delivery.status})")
            return
        body = delivery.json
        if isinstance(body, dict) and (body.get("text") or body.get("blocks")):
            self.say("clubbot (only you see this):")
            self.say(_indent(render_message(body.get("text"), body.get("blocks"), names)))
        elif isinstance(body, dict) and body.get("response_action") == "errors":
            for block_id, problem in (body.get("errors") or {}).items():
                self.say(f"  ! {block_id}: {mrkdwn_to_text(problem)}")
        for response in delivery.wait_for_responses(n=1, timeout=1.5) if not body else delivery.responses:
            self.say("clubbot (only you see this):" if response.get("response_type") != "in_channel" else "clubbot:")
            self.say(_indent(render_message(response.get("text"), response.get("blocks"), names)))

    # --- input ----------------------------------------------------------------------------------

    def handle(self, line: str) -> bool:
        """Act on one input line; False means quit."""
        line = line.strip()
        if not line:
            return True
        if line.startswith("/club"):
            delivery = self.standin.slash_command(
                self.state.user_id, self.state.channel_id, line[len("/club") :].strip()
            )
            self.show_delivery(delivery)
            self.show_activity()
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
            "say": lambda: self.post(rest),
            "view": self.show_view,
            "submit": lambda: self.submit(rest),
            "click": lambda: self.click(rest),
            "history": self.history,
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
        for user in sorted(self.standin.ws.users.values(), key=lambda u: u.name):
            if user.is_bot:
                continue
            admin = "  (secretariat admin)" if self.settings.is_admin(user.id) else ""
            self.say(f"  @{user.name:<12} {user.real_name or '':<20} {user.locale or '':<6} {user.id}{admin}")

    def list_channels(self) -> None:
        for channel in sorted(self.standin.ws.channels.values(), key=lambda c: c.name or ""):
            if channel.is_im:
                continue
            kind = "private" if channel.is_private else "public"
            self.say(f"  #{channel.name:<28} {kind:<8} {len(channel.members)} members  {channel.id}")

    def _find_user(self, text: str) -> str | None:
        wanted = text.lstrip("@").lower()
        for user in self.standin.ws.users.values():
            if wanted in {user.id.lower(), user.name.lower(), (user.real_name or "").lower()}:
                return user.id
        return None

    def switch_user(self, text: str) -> None:
        user_id = self._find_user(text)
        if user_id is None:
            self.say(f"No person called {text!r}; :people lists them.")
            return
        self.state.user_id = user_id
        self.say(f"You are now @{self.name_of(user_id)}.")

    def switch_channel(self, text: str) -> None:
        wanted = text.lstrip("#").lower()
        for channel in self.standin.ws.channels.values():
            if wanted in {channel.id.lower(), (channel.name or "").lower()}:
                self.state.channel_id = channel.id
                self.say(f"You are now in #{channel.name}.")
                return
        self.say(f"No channel called {text!r}; :channels lists them.")

    def post(self, text: str) -> None:
        if not text:
            self.say("Usage: :say TEXT")
            return
        self.standin.post_message(self.state.user_id, self.state.channel_id, text)
        self.show_activity()

    def history(self) -> None:
        names = self.names()
        for message in self.standin.messages(self.state.channel_id)[-10:]:
            who = "clubbot" if message.bot_id else "@" + names.get(message.user or "", message.user or "?")
            self.say(f"{who}:\n{_indent(render_message(message.text, message.blocks, names))}")

    def _open_view(self) -> Any | None:
        views = self.standin.views(self.state.user_id)
        return views[-1] if views else None

    def show_view(self) -> None:
        view = self._open_view()
        if view is None:
            self.say("No modal is open for you.")
            return
        self.say(render_view(_as_dict(view), self.names()))

    def submit(self, text: str) -> None:
        view = self._open_view()
        if view is None:
            self.say("No modal is open for you.")
            return
        view_dict = _as_dict(view)
        values: dict[str, dict[str, Any]] = {}
        try:
            pairs = shlex.split(text)
        except ValueError as error:
            self.say(f"Could not read the values: {error}")
            return
        for pair in pairs:
            key, sep, value = pair.partition("=")
            if not sep:
                self.say(f"Expected FIELD=VALUE, got {pair!r}")
                return
            located = _locate_input(view_dict, key)
            if located is None:
                self.say(f"The modal has no field {key!r}.")
                return
            block_id, action_id, multi = located
            values.setdefault(block_id, {})[action_id] = value.split(",") if multi else value
        delivery = self.standin.submit_view(self.state.user_id, view_dict["id"], values)
        self.show_delivery(delivery)
        self.show_activity()

    def click(self, text: str) -> None:
        parts = text.split(maxsplit=1)
        if not parts:
            self.say("Usage: :click ACTION [VALUE]")
            return
        action_id = parts[0]
        value = parts[1] if len(parts) > 1 else None
        view = self._open_view()
        if view is not None and _has_action(_as_dict(view).get("blocks") or [], action_id):
            delivery = self.standin.click(
                self.state.user_id, action_id=action_id, value=value, view_id=_as_dict(view)["id"]
            )
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
                self.say(f"No button {action_id!r} in the modal or the channel's recent messages.")
                return
            delivery = self.standin.click(
                self.state.user_id,
                action_id=action_id,
                value=value,
                channel_id=self.state.channel_id,
                message_ts=message.ts,
            )
        self.show_delivery(delivery)
        self.show_activity()


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _as_dict(view: Any) -> dict[str, Any]:
    return view if isinstance(view, dict) else view.to_api()


def _locate_input(view: dict[str, Any], key: str) -> tuple[str, str, bool] | None:
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        element = block.get("element") or {}
        if key in {block.get("block_id"), element.get("action_id")}:
            multi = str(element.get("type", "")).startswith("multi_") or element.get("type") == "checkboxes"
            return block["block_id"], element["action_id"], multi
    return None


def _has_action(blocks: list[dict[str, Any]], action_id: str) -> bool:
    for block in blocks:
        elements = list(block.get("elements") or [])
        if block.get("accessory"):
            elements.append(block["accessory"])
        if any(isinstance(e, dict) and e.get("action_id") == action_id for e in elements):
            return True
    return False


# --- start-up ------------------------------------------------------------------------------------


def console_dir(settings: Settings) -> Path:
    return settings.data_dir / "console"


def run_console(settings: Settings, *, demo: bool, fresh: bool, stdin: TextIO, stdout: TextIO) -> int:
    """Start the stand-in and the app, optionally seed the demo, and read commands until :quit or EOF."""
    folder = console_dir(settings)
    if fresh and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = load_manifest()
    secret_file = folder / "secrets.txt"
    if not secret_file.exists():
        secret_file.write_text(f"{secrets.token_hex(16)}\nxoxb-console-{secrets.token_hex(12)}\n", encoding="utf-8")
    signing_secret, bot_token = secret_file.read_text(encoding="utf-8").split()

    standin = SlackStandIn(
        signing_secret=signing_secret,
        bot_token=bot_token,
        scopes=manifest.bot_scopes,
        bot_events=manifest.bot_events,
        slash_commands=manifest.slash_commands,
        state_file=folder / "slack.json",
    )
    standin.start()
    try:
        world = _prepare_workspace(standin, demo=demo)
        overrides: dict[str, Any] = {
            "slack_bot_token": bot_token,
            "slack_signing_secret": signing_secret,
            "slack_api_url": standin.api_url,
            "admins": settings.admins | {world.admin_id},
            "secretariat_channel": world.secretariat_channel_id,
            "allow_private_feeds": True,
        }
        if settings.database_url_is_default:
            overrides["database_url"] = f"sqlite:///{(folder / 'clubbot.db').as_posix()}"
        scholarly = ScholarlyServer().start() if demo else None  # the demo's Crossref and OpenAlex, on loopback
        if scholarly is not None:
            seed_scholarly(scholarly)
            overrides |= {"crossref_url": scholarly.crossref_url, "openalex_url": scholarly.openalex_url}
        console_settings = settings.with_overrides(**overrides)
        runtime = prepare("console", console_settings, outbox_interval=2.0)  # no clock here: retry posts itself
        server = LocalServer(WebApp(create_app(runtime), runtime)).start()
        standin.app_url = server.url + "/slack/events"
        try:
            if demo:
                _seed_demo(runtime, world)
                found = io.StringIO()
                discover_outputs(runtime, None, dry_run=False, out=found)  # the leaders get a joint paper by DM
            console = Console(
                standin, console_settings, stdout, user_id=world.admin_id, channel_id=world.start_channel_id
            )
            console.state.calls_seen = len(standin.calls)
            console.say(f"clubbot console: local Slack at {standin.api_url}, app at {server.url}/slack/events")
            console.say(f"Database: {runtime.db.engine.url.render_as_string(hide_password=True)}")
            if demo:
                console.say("Joint papers discovered (OpenAlex stand-in):\n" + found.getvalue().rstrip())
            console.say("Type /club help to start, :help for console commands, :quit to leave.")
            _loop(console, stdin)
        finally:
            server.stop()
            runtime.close()
            if scholarly is not None:
                scholarly.stop()
    finally:
        standin.stop()
    return 0


def _loop(console: Console, stdin: TextIO) -> None:
    interactive = stdin.isatty()
    while True:
        if interactive:
            console.out.write(console.prompt())
            console.out.flush()
        line = stdin.readline()
        if not line:
            break
        if not interactive:
            console.say(console.prompt() + line.rstrip("\n"))
        if not console.handle(line):
            break


@dataclass
class _World:
    admin_id: str
    secretariat_channel_id: str
    start_channel_id: str
    people: dict[str, str]  # handle -> Slack user id


def _prepare_workspace(standin: Any, *, demo: bool) -> _World:
    """The console's people and channels: the secretariat admin and channel always; the demo's people if asked."""
    workspace = standin.ws
    by_name = {user.name: user.id for user in workspace.users.values()}
    admin_id = by_name.get(DEMO_ADMIN.handle) or standin.add_user(
        DEMO_ADMIN.handle,
        real_name=DEMO_ADMIN.name_ko or DEMO_ADMIN.name_en,
        email=DEMO_ADMIN.email,
        locale=DEMO_ADMIN.locale,
        tz="Asia/Seoul",
    )
    channels = {channel.name: channel.id for channel in workspace.channels.values()}
    secretariat = channels.get("secretariat") or standin.add_channel(
        "secretariat", is_private=True, members=[admin_id, standin.bot_user_id]
    )
    people = {DEMO_ADMIN.handle: admin_id}
    if demo:
        for person in DEMO_PEOPLE:
            if not person.in_workspace:
                continue
            people[person.handle] = by_name.get(person.handle) or standin.add_user(
                person.handle, real_name=person.name_ko or person.name_en, email=person.email, locale=person.locale
            )
    return _World(admin_id=admin_id, secretariat_channel_id=secretariat, start_channel_id=secretariat, people=people)


def _seed_demo(runtime: Any, world: _World) -> None:
    """The demo meeting and people, then the club created the way the secretariat would (`/club new`)."""
    with runtime.db.session() as session:
        seed_database(session, slack_ids=world.people)
    result = provision_club(
        runtime.db, runtime.slack, runtime.settings, demo_club_request(world.people, world.admin_id)
    )
    runtime.outbox.dispatcher.dispatch_due()
    world.start_channel_id = result.club.channel_id or world.start_channel_id
