"""The `clubbot` command as an operator meets it: help in one language, which database each command uses,
commands that only read need no Slack token, clear answers for unknown IDs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def clubbot(tmp_path: Path, *args: str, lang: str | None = None, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "CLUBBOT_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
        **({"CLUBBOT_LANGUAGE": lang} if lang else {}),
        **extra,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["import", "participants", "--help"],
        ["outbox", "retry", "--help"],
    ],
)
def test_help_is_in_the_configured_language_at_every_level(tmp_path, args):
    korean = clubbot(tmp_path, *args, lang="ko")
    english = clubbot(tmp_path, *args, lang="en")
    assert korean.returncode == english.returncode == 0
    assert "사용법:" in korean.stdout and "옵션:" in korean.stdout
    assert "usage:" not in korean.stdout and "show this help" not in korean.stdout
    assert "usage:" in english.stdout and not any("\uac00" <= ch <= "\ud7a3" for ch in english.stdout)


def test_listing_jobs_needs_no_slack_token_and_names_the_database(tmp_path):
    listing = clubbot(tmp_path, "jobs", lang="en")
    assert listing.returncode == 0, listing.stderr
    first = listing.stdout.splitlines()[0]
    assert first == f"clubbot: database sqlite:///{tmp_path}/data/clubbot.db"
    run = clubbot(tmp_path, "jobs", "run", "outbox", lang="en")
    assert run.returncode == 2 and "SLACK_BOT_TOKEN is not set" in run.stderr


def test_the_console_flag_uses_the_consoles_database(tmp_path):
    result = clubbot(tmp_path, "--console", "outbox", lang="en")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"clubbot: database sqlite:///{tmp_path}/data/console/clubbot.db"


def test_a_password_in_the_database_url_is_hidden(tmp_path):
    result = clubbot(tmp_path, "outbox", lang="en", DATABASE_URL="postgresql://bot:s3cret@127.0.0.1:9/none")
    assert "s3cret" not in result.stdout + result.stderr


def test_retrying_a_post_that_does_not_exist_says_so(tmp_path):
    result = clubbot(tmp_path, "outbox", "retry", "999", lang="en")
    assert result.returncode == 2
    assert "there is no post 999 in the outbox" in result.stderr
