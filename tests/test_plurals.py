"""Plural forms: each language counts in its own way ("1 new item", "2 new items"; Korean "새 소식 1건")."""

from __future__ import annotations

import re

import pytest

from bot.domain import Language
from bot.i18n import catalog, placeholders, t
from bot.i18n.plural import PluralSyntaxError, blocks, resolve

EN_RULE = {1.0: "one"}.get


def _en(amount: float) -> str:
    return EN_RULE(amount, "other")


@pytest.mark.parametrize(
    ("text", "params", "expected"),
    [
        ("{n, plural, one {# item} other {# items}}", {"n": 1}, "1 item"),
        ("{n, plural, one {# item} other {# items}}", {"n": 0}, "0 items"),
        ("{n, plural, one {# item} other {# items}}", {"n": 2}, "2 items"),
        ("{n, plural, one {# item} other {# items}}", {"n": 1234}, "<1234> items"),
        ("{n, plural, one {# item} other {# items}}", {"n": "1,234"}, "1,234 items"),
        ("{n, plural, one {# item} other {# items}}", {"n": "1"}, "1 item"),
        ("{n, plural, =0 {no items} one {# item} other {# items}}", {"n": 0}, "no items"),
        ("{n, plural, one {# item} other {# items}} for {field}", {"n": 1, "field": "x"}, "1 item for {field}"),
        ("{a, plural, one {# club} other {# clubs}}, {b, plural, one {# member} other {# members}}",
         {"a": 1, "b": 3}, "1 club, 3 members"),
        ("{n, plural, one {# item in {place}} other {# items in {place}}}", {"n": 1}, "1 item in {place}"),
        ("{n, plural, one {# item} other {# items}}", {}, "{n} items"),
        ("no plural here {n}", {"n": 1}, "no plural here {n}"),
    ],
)
def test_the_branch_follows_the_number(text: str, params: dict[str, object], expected: str) -> None:
    assert resolve(text, params, _en, lambda n: f"<{n}>" if n >= 1000 else str(n)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "{n, plural, one {# item}}",  # no other
        "{n, plural, one {# item} other {# items}",  # not closed
        "{n, plural, one {# item other {# items}}",  # unbalanced branch
    ],
)
def test_a_broken_block_is_refused(text: str) -> None:
    with pytest.raises(PluralSyntaxError):
        list(blocks(text))


@pytest.mark.parametrize(
    ("key", "params", "en", "ko"),
    [
        ("digests.post.intro", {"count": 1, "field": "양자", "date": "D"}, "1 new item for 양자 · D", None),
        ("digests.post.intro", {"count": 3, "field": "Q", "date": "D"}, "3 new items for Q · D", None),
        ("reports.doc.days", {"count": 1}, "1 day", "1일"),
        ("reports.doc.days", {"count": 12}, "12 days", "12일"),
        ("participants.cli.rejected", {"count": 1}, "1 row has a problem, so nothing", None),
        ("participants.cli.rejected", {"count": 4}, "4 rows have problems, so nothing", None),
        ("clubs.members.title", {"name": "Q", "count": 1}, "Q: 1 member", None),
        ("feeds.notice.unhealthy", {"count": 1, "title": "T", "reason": "R"}, "has failed once: R", None),
        ("feeds.notice.unhealthy", {"count": 5, "title": "T", "reason": "R"}, "has failed 5 times in a row", None),
    ],
)
def test_catalog_texts_count_properly(key: str, params: dict[str, object], en: str, ko: str | None) -> None:
    assert en in t(Language.EN, key, **params)
    korean = t(Language.KO, key, **params)
    assert "plural" not in korean and "#" not in korean
    if ko is not None:
        assert ko in korean


def test_every_plural_block_in_the_catalogs_is_well_formed() -> None:
    for lang in (Language.KO, Language.EN):
        for key, text in catalog(lang).items():
            for block in blocks(text):  # raises on a broken block
                assert block.name in placeholders(text), key


#: Counted nouns: a number placeholder right before one of them must sit in a plural block. Settings-like
#: bounds (`{limit}`, `{max}`) are never one and keep the plain form.
_COUNTED = re.compile(
    r"\{(?!limit\}|max\}|year\})(\w+)\}\s+(?:new |more |active |unusable |progress |club |news |casebook )?"
    r"(?:items?|members?|clubs?|updates?|meetings?|outputs?|days|rows?|files?|attendees?|responses?|"
    r"attempts?|feeds?|participants?|values?|people|candidates?|papers?|messages?|keywords?|characters)\b"
    r"|\(s\)"
)


def test_english_texts_count_with_plural_blocks() -> None:
    plain = {
        key: text
        for key, text in catalog(Language.EN).items()
        if _COUNTED.search(re.sub(r"\{\w+, plural,.*\}\}", "", text))
    }
    assert not plain, "count these with {n, plural, one {# …} other {# …}}: " + ", ".join(sorted(plain))
