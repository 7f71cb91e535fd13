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
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

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
        return out.stdout.split(",")[0].strip() or "PostgreSQL"
    except (OSError, subprocess.SubprocessError):
        return "PostgreSQL"


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
