"""Settings from the environment (12-factor), with a `.env` file read if present.

Every setting is parsed and validated here, once. A missing or malformed setting raises
`SettingsError` whose message is one line naming the variable; the CLI prints that line and
exits, never a traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot.hours import WorkingHours

SLACK_API_URL_DEFAULT = "https://slack.com/api/"
CROSSREF_URL_DEFAULT = "https://api.crossref.org"
OPENALEX_URL_DEFAULT = "https://api.openalex.org"
_CONTACT_EMAIL = re.compile(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[^@\s<>(),;:\"]+$")
LANGUAGES = ("ko", "en")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")


class SettingsError(ValueError):
    """A setting is missing or malformed. `str(error)` is the one line shown to the operator."""


def default_data_dir() -> Path:
    """The local data folder: `CLUBBOT_DATA_DIR` or `./data`."""
    return Path(os.environ.get("CLUBBOT_DATA_DIR", "data"))


def default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'clubbot.db').as_posix()}"


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment, already validated."""

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = SLACK_API_URL_DEFAULT
    database_url: str = ""
    port: int = 3000
    admins: frozenset[str] = field(default_factory=frozenset)
    secretariat_channel: str | None = None
    timezone: str = "Asia/Seoul"
    language: str = "ko"
    data_dir: Path = Path("data")
    allow_private_feeds: bool = False
    #: Invite people outside the workspace with Slack Connect (`conversations.inviteShared`) instead of
    #: asking the secretariat to invite them as guests.
    slack_connect: bool = False
    #: Open each club's satisfaction survey by itself the day after its X-Lab Day meeting ends.
    survey_auto: bool = True
    #: Whether `database_url` was given explicitly (an implicit embedded SQLite is upgraded automatically).
    database_url_is_default: bool = True
    #: Crossref's REST API (DOI metadata) and OpenAlex's API (works by ORCID iD); no trailing slash.
    crossref_url: str = CROSSREF_URL_DEFAULT
    openalex_url: str = OPENALEX_URL_DEFAULT
    #: OpenAlex's free API key (required since February 2026), sent as its `api_key` parameter.
    openalex_api_key: str | None = None
    #: The operator's address, sent as Crossref's and OpenAlex's `mailto` (their polite pools).
    contact_email: str | None = None
    #: When direct messages may reach a person, in their own time zone (`bot.hours`).
    working_hours: WorkingHours = field(default_factory=WorkingHours)
    #: How many finished quarters of stored reports `clubbot reports prune` keeps (None: every quarter).
    reports_keep_quarters: int | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.admins

    def require(self, *names: str) -> Settings:
        """Check that the settings a process needs are present; raise `SettingsError` naming the first missing."""
        env_names = {
            "slack_bot_token": "SLACK_BOT_TOKEN",
            "slack_signing_secret": "SLACK_SIGNING_SECRET",
            "slack_app_token": "SLACK_APP_TOKEN",
            "secretariat_channel": "CLUBBOT_SECRETARIAT_CHANNEL",
        }
        for name in names:
            if not getattr(self, name):
                raise SettingsError(f"{env_names.get(name, name.upper())} is not set: it is required for this command.")
        return self

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _env(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _parse_bool(name: str, raw: str | None) -> bool:
    if raw is None:
        return False
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be 1 or 0 (got {raw!r}).")


def load_settings(environ: Mapping[str, str] | None = None, *, env_file: Path | None = Path(".env")) -> Settings:
    """Read and validate settings from `environ` (default: the process environment) and a `.env` file.

    Values in the real environment win over the `.env` file.
    """
    merged: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    merged.update(os.environ if environ is None else environ)

    bot_token = _env(merged, "SLACK_BOT_TOKEN")
    if bot_token is not None and not bot_token.startswith("xoxb-"):
        raise SettingsError("SLACK_BOT_TOKEN must be a bot token starting with 'xoxb-'.")
    app_token = _env(merged, "SLACK_APP_TOKEN")
    if app_token is not None and not app_token.startswith("xapp-"):
        raise SettingsError("SLACK_APP_TOKEN must be an app-level token starting with 'xapp-'.")

    api_url = _env(merged, "SLACK_API_URL") or SLACK_API_URL_DEFAULT
    if not re.match(r"^https?://[^/\s]+", api_url):
        raise SettingsError(f"SLACK_API_URL must be an http(s) URL (got {api_url!r}).")
    if not api_url.endswith("/"):
        api_url += "/"

    data_dir = Path(_env(merged, "CLUBBOT_DATA_DIR") or "data")
    database_url = _env(merged, "DATABASE_URL")
    if database_url is not None:
        from storage.db import normalize_database_url  # local import: storage imports settings-free code only

        try:
            normalize_database_url(database_url)
        except ValueError as exc:
            raise SettingsError(f"DATABASE_URL is malformed: {exc}") from None

    raw_port = _env(merged, "PORT") or "3000"
    if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
        raise SettingsError(f"PORT must be a TCP port number between 1 and 65535 (got {raw_port!r}).")

    admins_raw = _env(merged, "CLUBBOT_ADMINS") or ""
    admins = frozenset(a.strip() for a in admins_raw.split(",") if a.strip())
    for admin in admins:
        if not _USER_ID.match(admin):
            raise SettingsError(f"CLUBBOT_ADMINS must list Slack user IDs like U012ABCDEF (got {admin!r}).")

    secretariat = _env(merged, "CLUBBOT_SECRETARIAT_CHANNEL")
    if secretariat is not None and not _CHANNEL_ID.match(secretariat):
        raise SettingsError(
            f"CLUBBOT_SECRETARIAT_CHANNEL must be a Slack channel ID like C012ABCDEF (got {secretariat!r})."
        )

    timezone = _env(merged, "CLUBBOT_TIMEZONE") or "Asia/Seoul"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"CLUBBOT_TIMEZONE must be an IANA time zone such as Asia/Seoul (got {timezone!r})."
        ) from None

    language = (_env(merged, "CLUBBOT_LANGUAGE") or "ko").lower()
    if language not in LANGUAGES:
        raise SettingsError(f"CLUBBOT_LANGUAGE must be 'ko' or 'en' (got {language!r}).")

    return Settings(
        slack_bot_token=bot_token,
        slack_signing_secret=_env(merged, "SLACK_SIGNING_SECRET"),
        slack_app_token=app_token,
        slack_api_url=api_url,
        database_url=database_url
        or default_database_url(
            data_dir / "console" if _env(merged, "CLUBBOT_USE_CONSOLE_DATA") else data_dir  # `clubbot --console`
        ),
        database_url_is_default=database_url is None,
        port=int(raw_port),
        admins=admins,
        secretariat_channel=secretariat,
        timezone=timezone,
        language=language,
        data_dir=data_dir,
        allow_private_feeds=_parse_bool("CLUBBOT_ALLOW_PRIVATE_FEEDS", _env(merged, "CLUBBOT_ALLOW_PRIVATE_FEEDS")),
        slack_connect=_parse_bool("CLUBBOT_SLACK_CONNECT", _env(merged, "CLUBBOT_SLACK_CONNECT")),
        survey_auto=_parse_bool("CLUBBOT_SURVEY_AUTO", _env(merged, "CLUBBOT_SURVEY_AUTO") or "1"),
        crossref_url=_service_url(merged, "CLUBBOT_CROSSREF_URL", CROSSREF_URL_DEFAULT),
        openalex_url=_service_url(merged, "CLUBBOT_OPENALEX_URL", OPENALEX_URL_DEFAULT),
        openalex_api_key=_env(merged, "CLUBBOT_OPENALEX_API_KEY"),
        contact_email=_contact_email(_env(merged, "CLUBBOT_CONTACT_EMAIL")),
        working_hours=_working_hours(merged),
        reports_keep_quarters=_keep_quarters(_env(merged, "CLUBBOT_REPORTS_KEEP_QUARTERS")),
    )


def _working_hours(environ: Mapping[str, str]) -> WorkingHours:
    hours = _env(environ, "CLUBBOT_WORKING_HOURS") or "09:00-18:00"
    days = _env(environ, "CLUBBOT_WORKING_DAYS") or "mon-fri"
    try:
        return WorkingHours.parse(hours, days)
    except ValueError as error:
        raise SettingsError(
            f"CLUBBOT_WORKING_HOURS and CLUBBOT_WORKING_DAYS must read like 09:00-18:00 and mon-fri ({error})."
        ) from None


def _keep_quarters(raw: str | None) -> int | None:
    if raw is None or raw.strip().lower() in {"", "all"}:
        return None
    if not raw.strip().isdigit() or int(raw) < 1:
        raise SettingsError(
            f"CLUBBOT_REPORTS_KEEP_QUARTERS must be a number of quarters (1 or more) or 'all' (got {raw!r})."
        )
    return int(raw)


def _service_url(environ: Mapping[str, str], name: str, default: str) -> str:
    """An http(s) base URL without its trailing slash."""
    url = _env(environ, name) or default
    if not re.match(r"^https?://[^/\s?#]+(/[^\s?#]*)?$", url):
        raise SettingsError(f"{name} must be an http(s) URL (got {url!r}).")
    return url.rstrip("/")


def _contact_email(raw: str | None) -> str | None:
    if raw is not None and (not _CONTACT_EMAIL.match(raw) or len(raw) > 320):
        raise SettingsError(f"CLUBBOT_CONTACT_EMAIL must be an email address like team@example.org (got {raw!r}).")
    return raw
