"""Where the console keeps its data, so the offline tools (`clubbot --console ...`) reach the same database.

The console's folder is `<data folder>/console/` (the data folder: `CLUBBOT_DATA_DIR`, default `data/`): the
local Slack workspace (`slack.json`), the stand-in's secrets, the line editor's history and, unless
`DATABASE_URL` names another database, the SQLite database `clubbot.db`."""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings


def console_dir(settings: Settings) -> Path:
    return settings.data_dir / "console"


def console_database_url(settings: Settings) -> str:
    """The console's database: `DATABASE_URL` when it is set, else `clubbot.db` in the console folder."""
    if not settings.database_url_is_default:
        return settings.database_url
    return f"sqlite:///{(console_dir(settings) / 'clubbot.db').as_posix()}"
