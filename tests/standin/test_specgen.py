from __future__ import annotations

import json
from pathlib import Path

from bot.standin import specgen

#: Slack's OpenAPI description of the Web API, kept in the repository (MIT, tests/fixtures/slack/LICENSE).
OPENAPI = Path(__file__).resolve().parents[1] / "fixtures" / "slack" / "slack_web_openapi_v2_without_examples.json"


def test_methods_json_is_regenerated_identically_from_slacks_openapi_file() -> None:
    assert specgen.generate_from_file(OPENAPI) == specgen.METHODS_JSON.read_text(encoding="utf-8"), (
        "bot/standin/methods.json is stale: run python -m bot.standin.specgen " + str(OPENAPI)
    )


def test_methods_json_records_scopes_required_args_and_tiers_for_implemented_methods() -> None:
    from bot.standin.webapi import METHODS

    methods = json.loads(specgen.METHODS_JSON.read_text(encoding="utf-8"))["methods"]
    for name in METHODS:
        assert name in methods, name
        assert methods[name]["tier"] in {"1", "2", "3", "4", "special"}, name
    assert methods["chat.postMessage"]["scopes"]["bot"] == ["chat:write"]  # chat:write:bot normalised
    assert methods["conversations.create"]["scopes"]["bot"][0] == "channels:manage"
    assert methods["conversations.join"]["scopes"]["bot"] == ["channels:join"]
    assert methods["conversations.invite"]["required"] == ["channel", "users"]
    assert "token" not in methods["chat.postMessage"]["required"]
    assert methods["files.completeUploadExternal"]["origin"] == "docs"
    # a real method the stand-in does not serve is still known (answers differently from a typo)
    assert "reminders.add" in methods and "reminders.add" not in METHODS


def test_check_mode_reports_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "methods.json"
    stale.write_text("{}\n", encoding="utf-8")
    assert specgen.main([str(OPENAPI), "--out", str(stale), "--check"]) == 1
    assert specgen.main([str(OPENAPI), "--out", str(stale)]) == 0
    assert specgen.main([str(OPENAPI), "--out", str(stale), "--check"]) == 0
