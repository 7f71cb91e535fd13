"""Property-based: whatever a person types after `/club`, the parser either understands it or says what is
wrong in words from the catalogs — never an exception. Korean text, emoji and Slack's escapes included."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import Language
from bot.i18n import catalog, placeholders, t
from bot.subcommands import SUBCOMMANDS, CommandError, parse_command, tokenize

# Pieces people (and Slack) put in command text.
slack_escapes = st.sampled_from(
    [
        "<@U012ABCDEF>",
        "<@U012ABCDEF|kim>",
        "<@W0ABC|박 데이비드>",
        "<#C012CLUB|xlab-quantum>",
        "<#C012CLUB>",
        "<https://doi.org/10.1038/s41586-024-00001-x>",
        "<https://example.org/a?b=1&amp;c=2|the paper>",
        "<mailto:kim@kaist.example|kim@kaist.example>",
        "<!here>",
        "<!subteam^S123|@quantum-team>",
        "&lt;",
        "&gt;",
        "&amp;",
        "<",
        ">",
        "|",
    ]
)
words = st.sampled_from(
    [
        *SUBCOMMANDS,
        "update",
        "output",
        "paper",
        "status:",
        "status:submitted",
        "doi:",
        "doi:10.1000/xyz",
        "date:2026-13-45",
        "with:",
        "club:",
        'club:"Quantum Club"',
        "field:양자",
        "leaders:",
        "members:a@b.org,",
        "양자",
        "컴퓨팅",
        "논문",
        "🎉",
        ":tada:",
        '"',
        "“",
        "”",
        "'",
        ",",
        ":",
        "2026Q4",
        "x" * 300,
    ]
)
piece = st.one_of(slack_escapes, words, st.text(min_size=1, max_size=12))
command_text = st.lists(piece, max_size=12).map(" ".join)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command_text)
def test_any_text_parses_or_gets_a_clear_error(text):
    try:
        parsed = parse_command(text)
    except CommandError as error:
        # the message exists in both languages and every placeholder in it is filled
        for lang in ("ko", "en"):
            assert placeholders(catalog(Language(lang))[error.key]) <= set(error.params)
            assert t(lang, error.key, **error.params)
        if error.usage is not None:
            assert error.usage in SUBCOMMANDS
        return
    assert parsed.spec.name in SUBCOMMANDS


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_the_tokenizer_never_fails_on_arbitrary_unicode(text):
    tokens = tokenize(text)
    assert isinstance(tokens, list)
