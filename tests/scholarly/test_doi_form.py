"""End to end: the output form fills itself as the DOI is pasted. The DOI input has `dispatch_action`; the
stand-in sends its `block_actions` as Slack does, the bot looks the DOI up in the Crossref stand-in and updates
the form (`views.update` with the view's hash): the empty fields filled, what was typed kept, an unknown or
malformed DOI said under the field; the submission files the output with the metadata."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage.models import DoiMetadata, Output
from tests.factories import make_club
from tests.tracking.support import top_view, view_text


def _inputs(view) -> dict[str, dict]:
    return {b["block_id"]: b for b in view.blocks if b.get("type") == "input"}


def _refilled(world, user_id: str, hash_before: str):
    """The form once the bot has updated it (its hash changed)."""
    assert world.standin.wait_for(lambda: top_view(world, user_id).hash != hash_before, timeout=10), "not updated"
    return top_view(world, user_id)


def _publish(scholarly) -> None:
    ada = scholarly.person("Ada", "Kim", country="KR")
    bo = scholarly.person("Bo", "Lee", country="DE")
    scholarly.work(
        "10.5555/form.1",
        [ada, bo],
        title="Spin <i>qubits</i> in silicon",
        venue="Physical Review X",
        published=date(2026, 9, 14),
    )


def test_a_pasted_doi_fills_the_empty_fields_and_the_submission_files_them(slack, scholarly):
    club = make_club(slack, language="en")
    member = club.members[0]
    _publish(scholarly)
    slack.command(member, club.channel, "output")
    view = top_view(slack, member)
    doi = _inputs(view)["doi"]
    assert doi["dispatch_action"] is True
    assert doi["element"]["dispatch_action_config"] == {
        "trigger_actions_on": ["on_enter_pressed", "on_character_entered"]
    }

    before = view.hash
    delivery = slack.standin.type_text(member, view.id, "doi", "https://doi.org/10.5555/FORM.1")
    assert delivery is not None and delivery.ok  # pasted: one block_actions, sent as the person pastes
    payload = delivery.payload
    assert payload["container"]["type"] == "view" and payload["view"]["id"] == view.id
    assert payload["actions"][0]["type"] == "plain_text_input"
    assert payload["actions"][0]["value"] == "https://doi.org/10.5555/FORM.1"
    assert payload["view"]["state"]["values"]["doi"]["doi"]["value"] == "https://doi.org/10.5555/FORM.1"

    form = _refilled(slack, member, before)
    fields = _inputs(form)
    assert fields["title"]["element"]["initial_value"] == "Spin qubits in silicon"
    assert fields["type"]["element"]["initial_option"]["value"] == "paper"
    assert fields["status"]["element"]["initial_option"]["value"] == "published"
    assert fields["date"]["element"]["initial_date"] == "2026-09-14"
    shown = view_text(slack, form)
    assert "Physical Review X" in shown and "Ada Kim, Bo Lee" in shown
    assert form.id == view.id  # the same form, updated in place

    delivery = slack.standin.submit_view(member, form.id, {"note": {"note": "Our first joint paper"}})
    assert delivery.ok and not (delivery.json or {}).get("response_action")
    with slack.db.session() as session:
        output = session.scalars(select(Output)).one()
        assert (output.type.value, output.title, output.status, output.occurred_on, output.doi) == (
            "paper",
            "Spin qubits in silicon",
            "published",
            date(2026, 9, 14),
            "10.5555/form.1",
        )
        assert output.note == "Our first joint paper"


def test_what_the_member_typed_is_kept_and_a_second_paste_asks_crossref_no_more(slack, scholarly):
    club = make_club(slack)
    member = club.members[0]
    _publish(scholarly)
    slack.command(member, club.channel, "output")
    view = top_view(slack, member)
    assert (
        slack.standin.type_text(member, view.id, "title", "Our own title") is None
    )  # no dispatch_action: nothing sent
    before = view.hash
    slack.standin.type_text(member, view.id, "doi", "10.5555/form.1")
    form = _refilled(slack, member, before)
    fields = _inputs(form)
    assert "initial_value" not in fields["title"]["element"] and fields["title"]["element"]["action_id"] == "title"
    assert fields["type"]["element"]["initial_option"]["value"] == "paper"
    assert "Spin qubits in silicon" in view_text(slack, form)  # said under the DOI
    assert "Empty fields were filled in; what you typed is kept." in view_text(slack, form)
    crossref_calls = len(scholarly.requests)

    before = form.hash
    slack.standin.type_text(member, form.id, "doi", "10.5555/form.1", press_enter=True)
    again = _refilled(slack, member, before)
    assert len(scholarly.requests) == crossref_calls  # the cached answer
    delivery = slack.standin.submit_view(member, again.id, {})
    assert delivery.ok
    with slack.db.session() as session:
        output = session.scalars(select(Output)).one()
        assert output.title == "Our own title" and output.doi == "10.5555/form.1"


def test_an_unknown_or_malformed_doi_is_said_on_the_form_and_nothing_typed_is_lost(slack, scholarly):
    club = make_club(slack, language="en")
    member = club.members[0]
    slack.command(member, club.channel, "output paper")
    view = top_view(slack, member)
    slack.standin.type_text(member, view.id, "title", "Still a draft")
    before = view.hash
    slack.standin.type_text(member, view.id, "doi", "10.5555/nobody-knows")
    form = _refilled(slack, member, before)
    assert "Crossref does not know this DOI" in view_text(slack, form)
    with slack.db.session() as session:  # typed character by character, every prefix would be an unknown DOI
        assert session.get(DoiMetadata, "10.5555/nobody-knows") is None

    before = form.hash  # (the stand-in's view object is live: read its hash before the next change)
    slack.standin.type_text(member, form.id, "doi", "not a doi", press_enter=True)
    bad = _refilled(slack, member, before)
    shown = view_text(slack, bad)
    assert "`not a doi` is not a DOI. A DOI looks like `10.1038/s41586-020-2649-2`" in shown
    assert "Crossref does not know" not in shown  # the line under the DOI says what is true now
    state = bad.state["values"]
    assert state["title"]["title"]["value"] == "Still a draft"  # what was typed is still there
    assert state["doi"]["doi"]["value"] == "not a doi"


def test_the_stand_in_checks_dispatch_action_as_slack_does():
    from bot.standin.validator import validate_view

    def modal(block_extra: dict, element_extra: dict) -> dict:
        element = {"type": "plain_text_input", "action_id": "doi", **element_extra}
        block = {"type": "input", "block_id": "doi", "label": {"type": "plain_text", "text": "DOI"}, "element": element}
        return {
            "type": "modal",
            "title": {"type": "plain_text", "text": "t"},
            "submit": {"type": "plain_text", "text": "s"},
            "blocks": [{**block, **block_extra}],
        }

    ok = modal({"dispatch_action": True}, {"dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]}})
    assert validate_view(ok).error is None
    bad = validate_view(modal({"dispatch_action": "yes"}, {"dispatch_action_config": {"trigger_actions_on": ["x"]}}))
    assert bad.error == "invalid_arguments"
    assert any("dispatch_action" in m for m in bad.messages) and any("trigger_actions_on/0" in m for m in bad.messages)


def test_crossref_out_of_reach_is_said_on_the_form_and_the_filing_is_filled_later(slack, scholarly):
    from tests.scholarly.test_doi_retry import _filed_an_hour_ago, _retry

    club = make_club(slack, language="en")
    member = club.members[0]
    _publish(scholarly)
    scholarly.fault("/crossref/works", "500", times=6)  # the form's two tries and the lookup after the filing
    slack.command(member, club.channel, "output")
    view = top_view(slack, member)
    before = view.hash
    slack.standin.type_text(member, view.id, "doi", "10.5555/form.1")
    form = _refilled(slack, member, before)
    assert "Crossref could not be reached just now" in view_text(slack, form)
    assert "initial_value" not in _inputs(form)["title"]["element"]  # nothing filled, nothing lost
    slack.standin.submit_view(member, form.id, {"type": {"type": "paper"}, "title": {"title": "Draft title"}})
    assert slack.standin.wait_for(lambda: scholarly.count("/crossref/works") >= 6, timeout=20)
    _filed_an_hour_ago(slack)
    assert _retry(slack, scholarly, "2026-12-06T10:00:00Z") == "done"
    with slack.db.session() as session:
        output = session.scalars(select(Output)).one()
        assert output.doi_looked_up_at is not None and output.title == "Draft title"
