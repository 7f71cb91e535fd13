"""manifest.yml declares /club, interactivity, the events the app handles and exactly the bot scopes the code uses."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.slack.manifest import load_manifest
from bot.slack.methods import METHODS

ROOT = Path(__file__).resolve().parent.parent
_FAMILY = r"(auth|users|chat|conversations|views|pins|files|team|reactions|bookmarks)_([a-zA-Z]+(?:_v2)?)"
#: A Web API call: slack_sdk's method on a client (`client.chat_postMessage(`) or named for the gateway's `_call`.
SDK_CALL = re.compile(rf"(?:client|\))\.{_FAMILY}\(|_call\(\s*[\w.]+,\s*\"{_FAMILY}\"")
#: slack_sdk helpers that call more than one Web API method.
COMPOSITE = {"files.upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal")}


def calls_by_file() -> dict[Path, set[str]]:
    """Web API methods called in each product code file (not the stand-in)."""
    found: dict[Path, set[str]] = {}
    for folder in ("bot", "handlers", "jobs"):
        for path in (ROOT / folder).rglob("*.py"):
            if "standin" in path.relative_to(ROOT).parts:
                continue
            for match in SDK_CALL.findall(path.read_text(encoding="utf-8")):
                family, name = (match[0], match[1]) if match[0] else (match[2], match[3])
                method = f"{family}.{name}"
                found.setdefault(path, set()).update(COMPOSITE.get(method, (method,)))
    return found


def methods_called_by_the_code() -> set[str]:
    return set().union(*calls_by_file().values())


def test_only_the_gateway_calls_slacks_web_api():
    assert set(calls_by_file()) == {ROOT / "bot" / "slack" / "gateway.py"}


def test_the_code_calls_only_methods_in_the_gateways_table():
    called = methods_called_by_the_code()
    assert "chat.postMessage" in called and "users.info" in called  # the scan sees the gateway
    assert called <= set(METHODS), sorted(called - set(METHODS))


def test_the_gateways_scopes_and_tiers_agree_with_slacks_description():
    published = json.loads((ROOT / "bot" / "standin" / "methods.json").read_text(encoding="utf-8"))["methods"]
    for method, info in METHODS.items():
        assert method in published, method
        assert info.scopes <= set(published[method]["scopes"]["bot"]), method
        if published[method].get("tier") and info.tier is not None:
            assert str(info.tier) == str(published[method]["tier"]), method


def test_manifest_asks_for_exactly_the_scopes_the_code_uses():
    manifest = load_manifest()
    needed = {"commands"}.union(*(info.all_scopes for info in METHODS.values()))
    needed |= event_scopes(manifest.bot_events)
    assert manifest.bot_scopes == needed


EVENT_SCOPES = {
    "app_home_opened": set(),
    "member_joined_channel": {"channels:read", "groups:read"},
    "member_left_channel": {"channels:read", "groups:read"},
    "channel_rename": {"channels:read"},
    "channel_archive": {"channels:read"},
    "channel_unarchive": {"channels:read"},
    "group_rename": {"groups:read"},
    "group_archive": {"groups:read"},
    "group_unarchive": {"groups:read"},
    "message.channels": {"channels:history"},
    "message.groups": {"groups:history"},
    "reaction_added": {"reactions:read"},
    "team_join": {"users:read"},
}


def event_scopes(events: frozenset[str]) -> set[str]:
    assert events <= set(EVENT_SCOPES), sorted(events - set(EVENT_SCOPES))
    return set().union(*(EVENT_SCOPES[e] for e in events)) if events else set()


def test_manifest_declares_the_command_interactivity_and_escaping():
    manifest = load_manifest()
    assert manifest.commands == {"/club"}
    assert manifest.interactivity
    assert manifest.should_escape  # mentions arrive as <@U…|name>, which the parser expects


def test_manifest_subscribes_to_exactly_the_events_the_app_handles(served_app):
    from handlers import SUBSCRIBED_EVENTS

    assert load_manifest().bot_events == SUBSCRIBED_EVENTS
