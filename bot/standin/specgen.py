"""Derive ``bot/standin/methods.json`` from Slack's published description of the Web API.

Source data: ``slack_web_openapi_v2_without_examples.json``, Slack's OpenAPI 2.0 description of the
Web API (v1.7.0, October 2020 edition), from https://github.com/slackapi/slack-api-specs, published by
Slack under the MIT licence ("Copyright (c) 2017 SlackAPI"; the licence text
travels with the data as ``LICENSE`` beside it). Only facts are extracted: method names, which
arguments are required, which OAuth scopes a method needs and which error codes it documents (the
``error`` enum of each method's error response schema).

Run it as::

    python -m bot.standin.specgen PATH_TO_OPENAPI_JSON            # rewrites methods.json
    python -m bot.standin.specgen PATH_TO_OPENAPI_JSON --check    # exit 1 if methods.json is stale

Four things the 2020 file does not say, or says in a way that is no longer current, are supplied by
hand in clearly separated sections below, each taken from Slack's current method reference
(docs.slack.dev/reference/methods/<name>):

* ``RATE_TIERS``: the rate-limit tier of every method the stand-in implements;
* ``REQUIRED_FROM_CURRENT_DOCS``: required arguments the 2020 file forgot to mark (for example
  ``conversations.invite`` needs ``channel`` and ``users``);
* ``ERRORS_FROM_CURRENT_DOCS``: error codes the current reference lists ("Errors") that the 2020 file
  lacks (Block Kit errors such as ``invalid_blocks`` and ``msg_blocks_too_long``, the views methods,
  the newer files methods);
* ``NEWER_METHODS``: methods published after October 2020 that slack_sdk 3.47 calls
  (``files.getUploadURLExternal``, ``files.completeUploadExternal``, ``conversations.inviteShared``)
  and a few other newer real methods, so that they are known rather than ``unknown_method``.

Scope names are normalised to today's names: the legacy ``chat:write:bot``/``chat:write:user`` are
``chat:write`` and ``files:write:user`` is ``files:write``. Bot tokens use granular bot scopes, which
differ from user scopes for channel management: where a user token needs ``channels:write`` a bot
token needs ``channels:manage`` (and ``channels:join`` for ``conversations.join``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

METHODS_JSON = Path(__file__).with_name("methods.json")

# Legacy scope names in the 2020 file -> the names Slack uses (and app manifests list) today.
LEGACY_SCOPES: dict[str, str] = {
    "chat:write:bot": "chat:write",
    "chat:write:user": "chat:write",
    "files:write:user": "files:write",
}

# User scope -> granular bot scope with the same power, where they differ.
BOT_SCOPE_EQUIVALENTS: dict[str, str] = {
    "channels:write": "channels:manage",
}

# ---------------------------------------------------------------------------------------------
# Hand-maintained section 1: bot scopes that differ per method (docs.slack.dev method reference,
# "Bot token scopes").
# ---------------------------------------------------------------------------------------------
BOT_SCOPE_OVERRIDES: dict[str, list[str]] = {
    "conversations.join": ["channels:join"],
}

# ---------------------------------------------------------------------------------------------
# Hand-maintained section 2: rate-limit tiers ("Rate limits" fact of each method's reference page).
# "special" methods have their own rules (chat.postMessage: about one message per second per
# channel with short bursts; auth.test and chat.getPermalink: several hundred per minute).
# ---------------------------------------------------------------------------------------------
RATE_TIERS: dict[str, str] = {
    "auth.test": "special",
    "chat.delete": "3",
    "chat.getPermalink": "special",
    "chat.postEphemeral": "4",
    "chat.postMessage": "special",
    "chat.update": "3",
    "conversations.archive": "2",
    "conversations.create": "2",
    "conversations.history": "3",
    "conversations.info": "3",
    "conversations.invite": "3",
    "conversations.inviteShared": "2",
    "conversations.join": "3",
    "conversations.kick": "3",
    "conversations.leave": "3",
    "conversations.list": "2",
    "conversations.members": "4",
    "conversations.open": "3",
    "conversations.rename": "2",
    "apps.connections.open": "1",
    "conversations.replies": "3",
    "conversations.setPurpose": "2",
    "conversations.setTopic": "2",
    "conversations.unarchive": "2",
    "files.completeUploadExternal": "4",
    "files.getUploadURLExternal": "4",
    "pins.add": "2",
    "pins.list": "2",
    "reactions.add": "3",
    "reactions.remove": "2",
    "team.info": "3",
    "users.conversations": "3",
    "users.info": "4",
    "users.list": "2",
    "users.lookupByEmail": "3",
    "views.open": "4",
    "views.publish": "4",
    "views.push": "4",
    "views.update": "4",
}

# ---------------------------------------------------------------------------------------------
# Hand-maintained section 3: required arguments the 2020 file does not mark as required but the
# current reference does ("Required arguments"). Merged with what the file says.
# ---------------------------------------------------------------------------------------------
REQUIRED_FROM_CURRENT_DOCS: dict[str, list[str]] = {
    "chat.delete": ["channel", "ts"],
    "conversations.archive": ["channel"],
    "conversations.create": ["name"],
    "conversations.history": ["channel"],
    "conversations.info": ["channel"],
    "conversations.invite": ["channel", "users"],
    "conversations.join": ["channel"],
    "conversations.kick": ["channel"],
    "conversations.leave": ["channel"],
    "conversations.members": ["channel"],
    "conversations.rename": ["channel", "name"],
    "conversations.replies": ["channel", "ts"],
    "conversations.setPurpose": ["channel", "purpose"],
    "conversations.setTopic": ["channel", "topic"],
    "conversations.unarchive": ["channel"],
    "users.info": ["user"],
    "views.update": ["view"],
}

# ---------------------------------------------------------------------------------------------
# Hand-maintained section 3b: error codes of the current reference ("Errors" table of
# docs.slack.dev/reference/methods/<name>) missing from the 2020 file. Merged with what the file says.
# ---------------------------------------------------------------------------------------------
_BLOCK_ERRORS = ["invalid_blocks", "invalid_blocks_format", "msg_blocks_too_long", "invalid_arguments"]
_VIEW_ERRORS = ["invalid_arguments", "duplicate_external_id", "view_too_large", "not_found"]
_TRIGGER_ERRORS = ["expired_trigger_id", "exchanged_trigger_id", "invalid_trigger_id"]
ERRORS_FROM_CURRENT_DOCS: dict[str, list[str]] = {
    "apps.connections.open": ["invalid_auth", "not_allowed_token_type", "not_authed"],
    "chat.postEphemeral": [*_BLOCK_ERRORS, "not_in_channel", "user_not_found"],
    "chat.postMessage": [
        *_BLOCK_ERRORS,
        "restricted_action",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "ratelimited",
    ],
    "chat.update": [*_BLOCK_ERRORS, "is_archived"],
    "conversations.inviteShared": [
        "channel_archived",
        "channel_not_found",
        "not_in_channel",
        "cannot_share_mandatory_channel",
        "invalid_channel_type",
        "invalid_email",
        "recipients_not_specified",
        "restricted_action",
        "too_many_emails",
        "user_not_found",
    ],
    "files.completeUploadExternal": [
        "access_denied",
        "channel_not_found",
        "channels_limit_exceeded",
        "file_not_found",
        "file_update_failed",
        "invalid_arguments",
        "is_archived",
        "not_in_channel",
    ],
    "files.getUploadURLExternal": ["alt_txt_too_large", "invalid_arguments", "missing_argument"],
    "views.open": [*_VIEW_ERRORS, *_TRIGGER_ERRORS],
    "views.publish": [*_VIEW_ERRORS, "hash_conflict", "user_not_found"],
    "views.push": [*_VIEW_ERRORS, *_TRIGGER_ERRORS, "push_limit_reached"],
    "views.update": [*_VIEW_ERRORS, "hash_conflict"],
}

# ---------------------------------------------------------------------------------------------
# Hand-maintained section 4: methods newer than the October 2020 file (docs.slack.dev reference
# and the method list of slack_sdk 3.47's WebClient).
# ---------------------------------------------------------------------------------------------
NEWER_METHODS: dict[str, dict[str, Any]] = {
    "apps.connections.open": {"required": [], "scopes": ["connections:write"]},
    "bookmarks.add": {"required": ["channel_id", "title", "type"], "scopes": ["bookmarks:write"]},
    "bookmarks.edit": {"required": ["bookmark_id", "channel_id"], "scopes": ["bookmarks:write"]},
    "bookmarks.list": {"required": ["channel_id"], "scopes": ["bookmarks:read"]},
    "bookmarks.remove": {"required": ["bookmark_id", "channel_id"], "scopes": ["bookmarks:write"]},
    "conversations.inviteShared": {"required": ["channel"], "scopes": ["conversations.connect:write"]},
    "files.completeUploadExternal": {"required": ["files"], "scopes": ["files:write"]},
    "files.getUploadURLExternal": {"required": ["filename", "length"], "scopes": ["files:write"]},
}


def _normalise(scope: str) -> str:
    return LEGACY_SCOPES.get(scope, scope)


def _dedupe(items: list[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def _bot_scopes(method: str, user_scopes: list[str]) -> list[str]:
    if method in BOT_SCOPE_OVERRIDES:
        return list(BOT_SCOPE_OVERRIDES[method])
    return _dedupe([BOT_SCOPE_EQUIVALENTS.get(s, s) for s in user_scopes])


def _entry(
    method: str, required: list[str], scopes: list[str], origin: str, errors: list[str] | None = None
) -> dict[str, Any]:
    scopes = _dedupe([_normalise(s) for s in scopes if s != "none"])
    required = _dedupe([r for r in required if r != "token"] + REQUIRED_FROM_CURRENT_DOCS.get(method, []))
    return {
        "errors": _dedupe(list(errors or []) + ERRORS_FROM_CURRENT_DOCS.get(method, [])),
        "origin": origin,
        "required": required,
        "scopes": {"bot": _bot_scopes(method, scopes), "user": scopes},
        "tier": RATE_TIERS.get(method),
    }


def _documented_errors(op: dict[str, Any]) -> list[str]:
    """The ``error`` enum of an operation's error response schema (empty when it lists none)."""
    schema = op.get("responses", {}).get("default", {}).get("schema", {})
    enum = schema.get("properties", {}).get("error", {}).get("enum") or []
    return [str(e) for e in enum]


def generate(spec: dict[str, Any]) -> dict[str, Any]:
    """Build the methods.json document from a parsed OpenAPI 2.0 description."""
    methods: dict[str, dict[str, Any]] = {}
    for path, operations in spec["paths"].items():
        name = path.lstrip("/")
        for op in operations.values():
            required = [p["name"] for p in op.get("parameters", []) if p.get("required")]
            scopes: list[str] = []
            for requirement in op.get("security", []):
                for names in requirement.values():
                    scopes.extend(names)
            methods[name] = _entry(name, required, scopes, "openapi-2020", _documented_errors(op))
    for name, facts in NEWER_METHODS.items():
        if name in methods:
            raise ValueError(f"{name} is in the OpenAPI file; remove it from NEWER_METHODS")
        methods[name] = _entry(name, facts["required"], facts["scopes"], "docs")
    unknown = sorted(set(ERRORS_FROM_CURRENT_DOCS) - set(methods))
    if unknown:
        raise ValueError(f"ERRORS_FROM_CURRENT_DOCS names unknown methods: {unknown}")
    missing_tier = sorted(set(RATE_TIERS) - set(methods))
    if missing_tier:
        raise ValueError(f"RATE_TIERS names unknown methods: {missing_tier}")
    info = spec.get("info", {})
    return {
        "_generated_by": "python -m bot.standin.specgen (do not edit by hand)",
        "source": {
            "file": "slack_web_openapi_v2_without_examples.json",
            "title": info.get("title"),
            "version": info.get("version"),
            "licence": "MIT, Copyright (c) 2017 SlackAPI; see bot/standin/specgen.py",
        },
        "methods": dict(sorted(methods.items())),
    }


def render(document: dict[str, Any]) -> str:
    """Serialise deterministically, one method per line (the committed file is compared byte for byte)."""
    lines = ["{"]
    for key, value in document.items():
        if key != "methods":
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},")
    lines.append('  "methods": {')
    entries = [
        f"    {json.dumps(name)}: {json.dumps(facts, ensure_ascii=False)}"
        for name, facts in document["methods"].items()
    ]
    lines.append(",\n".join(entries))
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def generate_from_file(openapi_path: Path) -> str:
    with openapi_path.open(encoding="utf-8") as fh:
        return render(generate(json.load(fh)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("openapi", type=Path, help="path to slack_web_openapi_v2_without_examples.json")
    parser.add_argument("--out", type=Path, default=METHODS_JSON)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when stale")
    args = parser.parse_args(argv)
    text = generate_from_file(args.openapi)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is stale; regenerate it with python -m bot.standin.specgen", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({text.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
