"""The Slack app manifest (`manifest.yml` at the project root): scopes, events and the command the app declares.

The local Slack stand-in grants the app exactly these, so code that needs more fails in tests as it
would in Slack.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

MANIFEST_PATH = Path(__file__).resolve().parents[2] / "manifest.yml"


@dataclass(frozen=True)
class Manifest:
    bot_scopes: frozenset[str]
    bot_events: frozenset[str]
    commands: frozenset[str]
    interactivity: bool
    should_escape: bool
    #: The `features.slash_commands` entries as written (the stand-in escapes text as they ask).
    slash_commands: tuple[dict[str, object], ...]


@cache
def load_manifest(path: Path = MANIFEST_PATH) -> Manifest:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    features = data.get("features") or {}
    settings = data.get("settings") or {}
    commands = features.get("slash_commands") or []
    return Manifest(
        bot_scopes=frozenset(((data.get("oauth_config") or {}).get("scopes") or {}).get("bot") or []),
        bot_events=frozenset((settings.get("event_subscriptions") or {}).get("bot_events") or []),
        commands=frozenset(c["command"] for c in commands),
        interactivity=bool((settings.get("interactivity") or {}).get("is_enabled")),
        should_escape=all(bool(c.get("should_escape")) for c in commands),
        slash_commands=tuple(commands),
    )
