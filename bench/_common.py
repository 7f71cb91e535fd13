"""What every benchmark script shares: the machine's description, percentiles, and writing its figures into
`docs/benchmarks.md` (or `docs/reliability.md`) between its own markers, so figures are produced by the
scripts and never typed by hand."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.standin import SlackStandIn
    from storage.models import Club

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def machine() -> str:
    """CPU model and count, memory, OS and Python: enough to compare runs."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(
            next(
                line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
            ).split()[1]
        )
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu} × {os.cpu_count()}{memory}; {system}; Python {platform.python_version()}"


def postgres_version(url: str) -> str:
    try:
        out = subprocess.run(["psql", url, "-Atc", "select version()"], capture_output=True, text=True, timeout=10)
        words = out.stdout.split()
        return " ".join(words[:2]) if len(words) >= 2 else "PostgreSQL"
    except (OSError, subprocess.SubprocessError):
        return "PostgreSQL"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on `host` just now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def scratch_database(url: str | None, folder: Path) -> Iterator[str]:
    """The URL of a database for one run. No URL: a new SQLite file in `folder`; an SQLite URL: that file; a
    PostgreSQL URL: a new database created on that server for the run and dropped after it (even with connections
    left open). The schema is not created here: each script migrates or fills it as it needs."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from storage import db as storage_db

    if not url or url.startswith("sqlite"):
        yield url or f"sqlite:///{folder / 'bench.db'}"
        return
    admin = make_url(storage_db.normalize_database_url(url))
    name = f"clubbot_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield admin.set(database=name).render_as_string(hide_password=False)
        finally:
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


@contextlib.contextmanager
def manifest_standin(
    signing_secret: str, bot_token: str, *, events: bool = False, **options: object
) -> Iterator[SlackStandIn]:
    """The local Slack stand-in, started, with the scopes and slash commands of `manifest.yml` (and its event
    subscriptions with `events=True`; `options` go to `SlackStandIn`); stopped at the end."""
    from bot.slack.manifest import load_manifest
    from bot.standin import SlackStandIn

    manifest = load_manifest()
    standin = SlackStandIn(
        signing_secret=signing_secret,
        bot_token=bot_token,
        scopes=manifest.bot_scopes,
        bot_events=manifest.bot_events if events else frozenset(),
        slash_commands=manifest.slash_commands,
        **options,  # type: ignore[arg-type]
    )
    standin.start()
    try:
        yield standin
    finally:
        standin.stop()


def seed_club(
    session: Session,
    standin: SlackStandIn,
    club: Club,
    *,
    handle: str,
    number: int,
    email_domain: str,
    pick_locale: Callable[[list[str]], str] | None = None,
    since: datetime | None = None,
) -> list[str]:
    """Add `club` to `session` with its channel (named `club.channel_name`) in the stand-in, and three members in
    Slack and in the database, the first its leader: Slack users `<handle>p0`..`<handle>p2` named "Member
    <number>.<i>", emails at `email_domain`, locales chosen by `pick_locale` (else Slack's default), rows dated
    `since` when given. Returns the members' Slack user IDs, the leader first."""
    from bot.domain import ClubRole, MembershipStatus
    from storage.models import Membership, Participant

    people = [
        standin.add_user(
            f"{handle}p{i}",
            real_name=f"Member {number}.{i}",
            email=f"{handle}p{i}@{email_domain}",
            **({"locale": pick_locale(["ko-KR", "en-US"])} if pick_locale else {}),
        )
        for i in range(3)
    ]
    club.channel_id = standin.add_channel(club.channel_name, members=[*people, standin.bot_user_id])
    session.add(club)
    dated = {"invited_at": since, "joined_at": since} if since else {}
    for i, user_id in enumerate(people):
        person = Participant(
            name_en=f"Member {number}.{i}",
            email=f"{handle}p{i}@{email_domain}",
            slack_user_id=user_id,
            **({"created_at": since} if since else {}),
        )
        role = ClubRole.LEADER if i == 0 else ClubRole.MEMBER
        session.add_all(
            [person, Membership(club=club, participant=person, status=MembershipStatus.ACTIVE, role=role, **dated)]
        )
    return people


def app_env(
    database_url: str, standin: SlackStandIn, folder: Path, *, secret: str, token: str, workers: int, threads: int
) -> dict[str, str]:
    """The environment `start_server` gives the app: its database, the stand-in as Slack, gunicorn's size, and
    `folder` for its files."""
    return {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": token,
        "SLACK_SIGNING_SECRET": secret,
        "SLACK_API_URL": standin.api_url,
        "WEB_CONCURRENCY": str(workers),
        "WEB_THREADS": str(threads),
        "CLUBBOT_DATA_DIR": str(folder),
        "CLUBBOT_WORKING_HOURS": "always",  # direct messages at once: the benchmarks count them, not their hour
    }


def start_server(
    target: str, port: int, env: dict[str, str], *, log: Path | None = None, log_level: str = "warning"
) -> subprocess.Popen[bytes]:
    """Serve the WSGI `target` as the Procfile does (gunicorn with `bot.gunicorn_config`) on 127.0.0.1:`port`, and
    wait until it answers `/healthz`; its log goes to `log` when given (else to this process's stderr)."""
    import httpx

    output = log.open("ab") if log is not None else None
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:bot.gunicorn_config",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "--log-level",
            log_level,
            target,
        ],
        cwd=ROOT,
        env={**os.environ, **env, "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}"},
        stdout=output,
        stderr=subprocess.STDOUT if output is not None else None,
    )
    if output is not None:
        output.close()  # the child has its own copy
    where = f" (see {log})" if log is not None else ""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{target} exited at start{where}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{target} did not start{where}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Stop a server started by `start_server` as a platform would (SIGTERM), killing it if it lingers."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def write_section(document: str, name: str, body: str, *, command: str) -> Path:
    """Replace (or append) the section `name` of `docs/<document>` with `body`, stamped with the command that
    produced it, the machine and the date."""
    path = ROOT / "docs" / document
    text = path.read_text(encoding="utf-8") if path.exists() else f"# {document.removesuffix('.md').title()}\n"
    stamped = (
        f"<!-- bench:{name} -->\n{body.rstrip()}\n\n"
        f"*Produced by `{command}` on {datetime.now(UTC):%Y-%m-%d} — {machine()}.*\n"
        f"<!-- /bench:{name} -->"
    )
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S)
    text = pattern.sub(lambda _: stamped, text) if pattern.search(text) else text.rstrip() + "\n\n" + stamped + "\n"
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    return path


class _Tee(io.TextIOBase):
    def __init__(self, *streams: TextIO) -> None:
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


def documented(name: str, document: str = "benchmarks.md") -> Callable[[Callable[[], int | None]], Callable[[], int]]:
    """Give a script's `main` a `--write-docs` flag: what it prints becomes its section of `docs/<document>`, under
    the first paragraph of the script's docstring (one section per database when `--database-url` names one)."""

    def decorate(main: Callable[[], int | None]) -> Callable[[], int]:
        @functools.wraps(main)
        def wrapper() -> int:
            write = "--write-docs" in sys.argv
            if write:
                sys.argv.remove("--write-docs")
            command = "python " + " ".join([Path(sys.argv[0]).resolve().relative_to(ROOT).as_posix(), *sys.argv[1:]])
            captured = io.StringIO()
            with contextlib.redirect_stdout(_Tee(sys.stdout, captured)):
                status = main() or 0
            if write and status == 0:
                module = sys.modules[main.__module__]
                about = (module.__doc__ or "").strip().split("\n\n")[0]
                section = name + ("-postgresql" if any("postgresql" in a for a in sys.argv) else "")
                database = "PostgreSQL" if section.endswith("-postgresql") else "SQLite"
                body = f"### {about.splitlines()[0]} ({database})\n\n```text\n{captured.getvalue().strip()}\n```"
                write_section(document, section, body, command=command + " --write-docs")
            return status

        return wrapper

    return decorate
