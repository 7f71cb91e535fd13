"""The authorization matrix: every subcommand and every form, against every role, derived from the tables in the
code (`bot.subcommands.SUBCOMMANDS` and `bot.access.FORMS`). A subcommand without an example here fails the first
test, so nothing new escapes the matrix; each entry's expected answer comes from its rule, not from this file."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

import handlers  # noqa: F401 - importing the features registers their forms
from bot.access import FORMS, Caller, allowed
from bot.domain import ClubRole
from bot.subcommands import SUBCOMMANDS
from storage.models import Participant
from tests.conftest import SESSION_SIGNING_SECRET
from tests.factories import make_club
from tests.support import post, seen_by_user, sign

#: A well-formed use of each subcommand. Club subcommands get `club:"…"` added.
EXAMPLES = {
    "help": "help",
    "new": 'new "Matrix Club" field:ai',
    "invite": "invite newcomer@example.org",
    "leader": "leader @quantum-member1",
    "members": "members",
    "member": "member",
    "language": "language",
    "archive": "archive",
    "clubs": "clubs",
    "feeds": "feeds",
    "feeds add": "feeds add https://127.0.0.1:9/feed.xml",
    "feeds remove": "feeds remove 999",
    "keywords": "keywords",
    "digest settings": "digest settings",
    "digest now": "digest now",
    "share": "share https://127.0.0.1:9/article",
    "report": "report",
    "report status": "report status",
    "update": "update matrix check",
    "output": 'output paper "Matrix paper"',
    "meeting": "meeting 2026-11-02 online matrix summary",
    "plan": "plan matrix plan",
    "status": "status",
    "list": "list",
    "edit": "edit u999",
    "delete": "delete u999",
    "survey": "survey",
    "survey results": "survey results",
    "outcome-report": "outcome-report",
    "casebook pick": "casebook pick",
    "casebook unpick": "casebook unpick",
    "casebook list": "casebook list",
    "casebook interview": "casebook interview",
    "casebook foreword": "casebook foreword",
    "report brief": "report brief",
}
ROLES = ("admin", "leader", "other_leader", "member", "non_member", "unknown")
REFUSED = "Sorry, only"


def caller_for(role: str, user_id: str) -> Caller:
    club_role = {"leader": ClubRole.LEADER, "member": ClubRole.MEMBER}.get(role)
    return Caller(user_id, is_admin=role == "admin", club_role=club_role)


def people(slack) -> tuple[object, dict[str, str], str]:
    """The club acted on, one person per role, and a neutral channel everybody is in."""
    club = make_club(slack, locale="en-US")
    other = make_club(slack, "Hydrogen Club", meeting_code="XL-2026-10", locale="en-US")
    non_member = slack.person("outsider", locale="en-US")
    with slack.db.session() as session:
        session.add(Participant(name_en="Outsider", email="outsider@example.org", slack_user_id=non_member))
    users = {
        "admin": slack.admin,
        "leader": club.leaders[0],
        "other_leader": other.leaders[0],
        "member": club.members[0],
        "non_member": non_member,
        "unknown": slack.person("stranger", locale="en-US"),  # in Slack, not in the participant database
    }
    neutral = slack.channel("random", list(users.values()))
    return club, users, neutral


def test_every_subcommand_has_an_example_in_the_matrix():
    assert set(EXAMPLES) == set(SUBCOMMANDS)


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_each_subcommand_answers_each_role_as_its_rule_says(slack, name):
    _, users, neutral = people(slack)
    spec = SUBCOMMANDS[name]
    text = EXAMPLES[name] + (' club:"Quantum Hardware Club"' if spec.club_scoped else "")
    for role in ROLES:
        delivery = slack.command(users[role], neutral, text)
        assert delivery.status == 200 and delivery.acked_in_time, (name, role)
        answer = seen_by_user(delivery) if delivery.json or delivery.body else ""
        refused = REFUSED in answer
        expected = allowed(spec.rule, caller_for(role, users[role]))
        outcome = "refused" if refused else "allowed"
        assert refused is not expected, f"/club {name} as {role}: {outcome} ({answer[:120]})"


def submit_form(slack, user_id: str, callback_id: str, metadata: dict) -> dict:
    payload = {
        "type": "view_submission",
        "team": {"id": "T0CLUBBOT", "domain": "clubbot-local"},
        "user": {"id": user_id, "username": user_id, "name": user_id, "team_id": "T0CLUBBOT"},
        "api_app_id": "A0CLUBBOT",
        "token": "legacy",
        "trigger_id": "1.2.3",
        "view": {
            "id": "VMATRIX01",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": json.dumps(metadata),
            "state": {"values": {}},
            "hash": "0",
            "title": {"type": "plain_text", "text": "Form"},
            "blocks": [],
        },
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    response = post(slack.app.events_url, body, sign(SESSION_SIGNING_SECRET, body))
    assert response.status_code == 200
    return response.json() if response.content else {}


def test_every_form_has_a_rule():
    assert {"club_new", "member_record", "digest_settings", "reports_narrative"} <= set(FORMS)
    assert {"tracking:update_form", "tracking:output_form", "tracking:survey_form"} <= set(FORMS)


@pytest.mark.parametrize("callback_id", sorted(FORMS))
def test_each_form_accepts_or_refuses_each_role_as_its_rule_says(slack, callback_id):
    club, users, _ = people(slack)
    form = FORMS[callback_id]
    metadata = {"club": club.ref.id} if form.club_scoped else {}
    for role in ROLES:
        answer = submit_form(slack, users[role], callback_id, metadata)
        refused = answer.get("response_action") == "push" and REFUSED in json.dumps(answer.get("view", {}))
        expected = allowed(form.rule, caller_for(role, users[role]))
        assert refused is not expected, f"form {callback_id} as {role}: {answer}"


def test_an_unknown_form_is_refused(slack):
    answer = submit_form(slack, slack.admin, "not_a_form_of_ours", {})
    assert answer["response_action"] == "push"
    assert "이 입력 창은 더 이상 받을 수 없습니다" in json.dumps(answer["view"], ensure_ascii=False)
