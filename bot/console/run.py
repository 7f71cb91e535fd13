"""Starting the console: the stand-in and the app on loopback, the console's people and channels (and the demo's),
then the input loop. Everything persists in the console folder (`place.console_dir`)."""

from __future__ import annotations

import io
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bot.app import create_app, discover_outputs
from bot.clubs.provisioning import provision_club
from bot.console.clock import ConsoleClock
from bot.console.demo import DEMO_ADMIN, DEMO_PEOPLE, demo_club_request, seed_database, seed_scholarly
from bot.console.editor import PlainInput, TerminalInput, completion_words
from bot.console.place import console_database_url, console_dir
from bot.console.shell import COMMANDS, Console
from bot.server import LocalServer
from bot.settings import Settings
from bot.slack.manifest import load_manifest
from bot.standin import SlackStandIn
from bot.standin.scholarly import ScholarlyServer
from bot.startup import prepare
from bot.subcommands import SUBCOMMANDS
from bot.web import WebApp


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
        overrides["database_url"] = console_database_url(settings)
        scholarly = ScholarlyServer().start() if demo else None  # the demo's Crossref and OpenAlex, on loopback
        if scholarly is not None:
            seed_scholarly(scholarly)
            overrides |= {"crossref_url": scholarly.crossref_url, "openalex_url": scholarly.openalex_url}
        console_settings = settings.with_overrides(**overrides)
        runtime = prepare("console", console_settings, outbox_interval=2.0)  # no clock here: retry posts itself
        server = LocalServer(WebApp(create_app(runtime), runtime)).start()
        standin.app_url = server.url + "/slack/events"
        try:
            found = io.StringIO()
            if demo:
                _seed_demo(runtime, world)
                discover_outputs(runtime, None, dry_run=False, out=found)  # the leaders get a joint paper by DM
            interactive = stdin.isatty() and stdout.isatty()
            console = Console(
                standin,
                console_settings,
                None if interactive else stdout,
                user_id=world.admin_id,
                channel_id=world.start_channel_id,
                clock=ConsoleClock(runtime),
            )
            console.say(console.text("console.start.where", slack=standin.api_url, app=f"{server.url}/slack/events"))
            console.say(console.text("console.start.folder", folder=folder))
            database = runtime.db.engine.url.render_as_string(hide_password=True)
            console.say(console.text("console.start.database", url=database))
            console.say(console.text("console.start.tools"))
            if demo:
                console.say(console.text("console.start.discovered") + "\n" + found.getvalue().rstrip())
            console.say(console.text("console.start.ready"))
            _loop(console, stdin, folder, interactive=interactive)
        finally:
            server.stop()
            runtime.close()
            if scholarly is not None:
                scholarly.stop()
    finally:
        standin.stop()
    return 0


def _loop(console: Console, stdin: TextIO, folder: Path, *, interactive: bool) -> None:
    words = completion_words(SUBCOMMANDS, COMMANDS)
    reader: PlainInput | TerminalInput = (
        TerminalInput(folder / "history.txt", lambda: words)
        if interactive
        else PlainInput(stdin, console.say, lambda: console.text("console.unreadable_line"))
    )
    with reader.output():
        console.watcher.start()
        try:
            for line in reader.lines(console.prompt):
                if not console.handle(line):
                    break
            console.watcher.settle(limit=5.0)  # what the last command set going, before the console closes
        finally:
            console.watcher.stop()


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
                person.handle,
                real_name=person.name_ko or person.name_en,
                email=person.email,
                locale=person.locale,
                tz=person.tz,
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
