"""Parsing the clubs subcommands: every bad form gets its own message and the correct form."""

from __future__ import annotations

import pytest

from bot.clubs.parse import InviteRequest, LanguageRequest, MemberRecordRequest, NewClubRequest
from bot.domain import FieldKey, Language
from bot.refs import PersonRef
from bot.subcommands import CommandError, parse_command


def test_new_with_everything():
    request = parse_command(
        'new "Quantum Hardware Club" field:quantum meeting:XL-2026-09 leaders:<@U1|kim> <@U2|park> '
        "members:<mailto:a@x.org|a@x.org>, b@y.org <@U3|lee> lang:en private"
    ).request
    assert request == NewClubRequest(
        name="Quantum Hardware Club",
        field=FieldKey.QUANTUM,
        meeting="XL-2026-09",
        leaders=(PersonRef(user_id="U1"), PersonRef(user_id="U2")),
        members=(PersonRef(email="a@x.org"), PersonRef(email="b@y.org"), PersonRef(user_id="U3")),
        private=True,
        language=Language.EN,
    )


@pytest.mark.parametrize("field", ["quantum", "Quantum", "양자", "QUANTUM"])
def test_field_by_key_or_korean_or_english_name(field):
    assert parse_command(f"new 양자 클럽 field:{field}").request.field is FieldKey.QUANTUM


def test_new_without_arguments_asks_for_the_form():
    assert parse_command("new").request == NewClubRequest(open_form=True)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("new field:ai", "clubs.error.name_missing"),
        ("new AI Club", "clubs.error.field_missing"),
        ("new AI Club field:biology", "clubs.error.unknown_field"),
        ("new AI Club field:ai lang:fr", "clubs.error.bad_language"),
        ("new AI Club field:ai leaders:kim", "clubs.error.not_a_person"),
        ("new AI Club field:ai leaders:@ghost", "clubs.error.unknown_mention"),
        ("new AI Club @ghost field:ai", "clubs.error.unknown_mention"),
        ("new AI Club <@U1|kim> field:ai", "clubs.error.unexpected"),
        ("new AI Club field:ai field:quantum", "error.option_repeated"),
        ("invite", "clubs.error.nobody_named"),
        ("leader <@U1|a> <@U2|b>", "clubs.error.one_person"),
        ("member a@b.org", "clubs.error.one_mention"),
        ("language fr", "clubs.error.bad_language"),
        ("members everyone", "clubs.error.no_arguments_expected"),
    ],
)
def test_each_bad_form_has_its_own_message_and_names_the_subcommand(text, key):
    with pytest.raises(CommandError) as caught:
        parse_command(text)
    assert caught.value.key == key
    assert caught.value.usage == text.split()[0]


def test_unknown_field_lists_every_field_in_both_languages():
    with pytest.raises(CommandError) as caught:
        parse_command("new AI Club field:biology")
    fields = caught.value.params["fields"]
    assert "`secondary-battery` (이차전지 / Secondary Battery)" in fields
    assert fields.count("`") == 2 * 13


def test_other_subcommands():
    assert parse_command("invite <@U1|kim> lee@x.org").request == InviteRequest(
        people=(PersonRef(user_id="U1"), PersonRef(email="lee@x.org"))
    )
    assert parse_command("member").request == MemberRecordRequest()
    assert parse_command("회원정보 <@U7|kim>").request == MemberRecordRequest(user_id="U7")
    assert parse_command("언어 한국어").request == LanguageRequest(language=Language.KO)
    assert parse_command('members club:"Quantum Hardware Club"').request.club == "Quantum Hardware Club"
