"""Settings: read from the environment and .env, validated, with one clear line per problem."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings
from storage.db import normalize_database_url

GOOD = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "s3cret"}


def load(**env: str):
    return load_settings({**GOOD, **env}, env_file=None)


def test_defaults_are_the_programs():
    settings = load()
    assert settings.timezone == "Asia/Seoul"
    assert settings.language == "ko"
    assert settings.port == 3000
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url == "sqlite:///data/clubbot.db"
    assert settings.database_url_is_default
    assert settings.admins == frozenset()
    assert not settings.allow_private_feeds


def test_values_are_parsed():
    settings = load(
        CLUBBOT_ADMINS=" U012ABCDEF, W0XYZ12 ",
        CLUBBOT_SECRETARIAT_CHANNEL="C0SECRET1",
        CLUBBOT_TIMEZONE="Europe/Berlin",
        CLUBBOT_LANGUAGE="EN",
        PORT="8080",
        SLACK_API_URL="http://127.0.0.1:9999/api",
        CLUBBOT_ALLOW_PRIVATE_FEEDS="1",
        DATABASE_URL="postgres://u:p@db.example:5432/clubs",
    )
    assert settings.admins == {"U012ABCDEF", "W0XYZ12"}
    assert settings.is_admin("U012ABCDEF") and not settings.is_admin("U999")
    assert settings.secretariat_channel == "C0SECRET1"
    assert settings.tz.key == "Europe/Berlin"
    assert settings.language == "en"
    assert settings.port == 8080
    assert settings.slack_api_url == "http://127.0.0.1:9999/api/"
    assert settings.allow_private_feeds
    assert not settings.database_url_is_default


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_APP_TOKEN": "xoxb-not-app"}, "SLACK_APP_TOKEN"),
        ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"CLUBBOT_ADMINS": "alice,bob"}, "CLUBBOT_ADMINS"),
        ({"CLUBBOT_SECRETARIAT_CHANNEL": "#secretariat"}, "CLUBBOT_SECRETARIAT_CHANNEL"),
        ({"CLUBBOT_TIMEZONE": "Seoul"}, "CLUBBOT_TIMEZONE"),
        ({"CLUBBOT_LANGUAGE": "jp"}, "CLUBBOT_LANGUAGE"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"CLUBBOT_ALLOW_PRIVATE_FEEDS": "maybe"}, "CLUBBOT_ALLOW_PRIVATE_FEEDS"),
    ],
)
def test_malformed_setting_names_the_variable_in_one_line(env, names):
    with pytest.raises(SettingsError) as caught:
        load(**env)
    message = str(caught.value)
    assert names in message
    assert "\n" not in message


def test_required_settings_are_named_when_missing():
    settings = load_settings({}, env_file=None)
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        settings.with_overrides(slack_bot_token="xoxb-x").require("slack_bot_token", "slack_signing_secret")


def test_dotenv_file_is_read_and_the_environment_wins(tmp_path: Path):
    env_file = tmp_path / ".env"
    env_file.write_text("SLACK_BOT_TOKEN=xoxb-from-file\nCLUBBOT_LANGUAGE=en\nPORT=4000\n", encoding="utf-8")
    settings = load_settings({"PORT": "5000"}, env_file=env_file)
    assert settings.slack_bot_token == "xoxb-from-file"
    assert settings.language == "en"
    assert settings.port == 5000


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/d", "postgresql+psycopg://u:p@h:5432/d"),
        ("postgresql://u@h/d?sslmode=require", "postgresql+psycopg://u@h/d?sslmode=require"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///data/x.db", "sqlite:///data/x.db"),
    ],
)
def test_platform_database_urls_use_psycopg3(given, expected):
    assert normalize_database_url(given) == expected


def _run_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(cwd),
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
            **env,
        },
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("command", "env", "named"),
    [
        (["serve"], {}, "SLACK_BOT_TOKEN"),
        (["serve"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        (["serve"], {**GOOD, "CLUBBOT_TIMEZONE": "Mars/Olympus"}, "CLUBBOT_TIMEZONE"),
        (["clock"], {"SLACK_BOT_TOKEN": "xoxb-1", "PORT": "x"}, "PORT"),
        (["socket"], GOOD, "SLACK_APP_TOKEN"),
    ],
)
def test_cli_stops_with_one_line_and_no_traceback(tmp_path, command, env, named):
    result = _run_cli(command, env, tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["socket"]])
def test_an_unreachable_slack_ends_start_up_with_a_clear_line_not_a_traceback(tmp_path, command):
    env = {
        **GOOD,
        "SLACK_APP_TOKEN": "xapp-1",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
        "CLUBBOT_DATA_DIR": str(tmp_path),
    }
    result = _run_cli(command, env, tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "clubbot: cannot reach Slack at http://127.0.0.1:9/api/: <urlopen error [Errno 111] Connection refused>"
    )
    assert "Traceback" not in result.stderr
