"""Parsing `/club` text: Slack's escapes, quotes, options, and the errors a person sees."""

from __future__ import annotations

import pytest

from bot.subcommands import (
    SUBCOMMANDS,
    ChannelRef,
    CommandError,
    Email,
    HelpRequest,
    Link,
    Mention,
    Quoted,
    Word,
    parse_command,
    token_text,
    tokenize,
)


def test_slack_escapes_become_typed_tokens():
    tokens = tokenize(
        "with <@U123ABC|jiwoo> <#C0CLUB|quantum> <https://doi.org/10.1/x|the paper> "
        "<mailto:A.Kim@Uni.example|A.Kim@Uni.example>"
    )
    assert tokens == [
        Word("with"),
        Mention("U123ABC", "jiwoo"),
        ChannelRef("C0CLUB", "quantum"),
        Link("https://doi.org/10.1/x", "the paper"),
        Email("a.kim@uni.example"),
    ]


def test_html_entities_are_unescaped_in_plain_words():
    assert tokenize("R&amp;D &lt;3 a&gt;b") == [Word("R&D"), Word("<3"), Word("a>b")]


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ('"Quantum error correction on chip"', "Quantum error correction on chip"),
        ("“양자 오류 정정” rest", "양자 오류 정정"),
        ('"unclosed title runs to the end', "unclosed title runs to the end"),
        ('"mixed quotes”', "mixed quotes"),
    ],
)
def test_double_quotes_straight_or_curly_group_words(text, quoted):
    assert tokenize(text)[0] == Quoted(quoted)


def test_quoted_text_keeps_escaped_links_readable():
    (token,) = tokenize('"see <https://x.example/a|our site> now"')
    assert token == Quoted("see our site (https://x.example/a) now")


def test_korean_and_emoji_are_plain_words():
    assert tokenize("양자 컴퓨팅 :tada: 🎉") == [Word("양자"), Word("컴퓨팅"), Word(":tada:"), Word("🎉")]


def test_token_text_reads_like_the_original():
    assert token_text(Mention("U1", "kim")) == "@kim"
    assert token_text(Link("https://a.example", None)) == "https://a.example"
    assert token_text(ChannelRef("C1", None)) == "<#C1>"


def test_empty_text_and_help_and_korean_alias_show_help():
    assert parse_command("").request == HelpRequest()
    assert parse_command("   ").spec.name == "help"
    assert parse_command("HELP").spec.name == "help"
    assert parse_command("도움말").spec.name == "help"
    assert parse_command("help Output").request == HelpRequest(topic="output")


def test_unknown_subcommand_names_it_and_suggests_the_closest():
    with pytest.raises(CommandError) as caught:
        parse_command("hlep me")
    assert caught.value.key == "error.unknown_subcommand"
    assert caught.value.params == {"subcommand": "hlep", "suggestion": "help"}


def test_unknown_subcommand_with_nothing_close_suggests_nothing():
    with pytest.raises(CommandError) as caught:
        parse_command("<@U1|kim>")
    assert caught.value.params["suggestion"] == ""
    assert caught.value.params["subcommand"] == "@kim"


def test_every_subcommand_has_a_rule_and_texts():
    from bot.i18n import has

    for name, spec in SUBCOMMANDS.items():
        assert spec.rule is not None, name
        assert has(spec.usage_key), spec.usage_key
        assert has(spec.summary_key), spec.summary_key
