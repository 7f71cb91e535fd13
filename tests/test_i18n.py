"""Message catalogs: every text in both languages, with the same placeholders, and every key the code uses exists."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

from bot.access import Rule
from bot.domain import FieldKey, Language, ReviewArea
from bot.i18n import catalog, format_date, format_number, is_valid_key, placeholders, t
from bot.i18n.plural import blocks
from bot.subcommands import SUBCOMMANDS

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("bot", "handlers", "jobs")  # storage holds no texts a person reads


def test_both_languages_have_the_same_keys_and_no_empty_text():
    ko, en = catalog(Language.KO), catalog(Language.EN)
    assert set(ko) == set(en), sorted(set(ko) ^ set(en))
    empty = [key for key in ko if not ko[key].strip() or not en[key].strip()]
    assert not empty


def test_placeholders_match_between_languages():
    """Both languages use the same parameters, except a number that only chooses a plural form (English "row" or
    "rows") and that a language without plurals need not say."""
    ko, en = catalog(Language.KO), catalog(Language.EN)
    mismatched = {
        key: (placeholders(ko[key]), placeholders(en[key]))
        for key in ko
        if (placeholders(ko[key]) ^ placeholders(en[key])) - _selectors_only(en[key]) - _selectors_only(ko[key])
    }
    assert not mismatched


def _selectors_only(text: str) -> set[str]:
    """Parameters a text uses only to choose a plural branch, never shown (`{count, plural, one {row} …}`)."""
    names = {block.name for block in blocks(text) if not any("#" in branch for branch in block.branches.values())}
    return names - placeholders(plural_skeleton_outside(text))


def plural_skeleton_outside(text: str) -> str:
    """The text without its plural blocks."""
    pieces, last = [], 0
    for block in blocks(text):
        pieces.append(text[last : block.start])
        last = block.end
    return "".join(pieces) + text[last:]


def test_keys_are_well_formed():
    assert all(is_valid_key(key) for key in catalog(Language.EN))


def _string_literals() -> set[str]:
    found: set[str] = set()
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            if {"standin", "migrations"} & set(path.relative_to(ROOT).parts):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            not_messages = _foreign_key_targets(tree)
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and id(node) not in not_messages
                    and not node.value.endswith(_FILE_SUFFIXES)
                ):
                    found.add(node.value)
    return found


_FILE_SUFFIXES = (".yaml", ".yml", ".json", ".po", ".py")


def _foreign_key_targets(tree: ast.AST) -> set[int]:
    """`ForeignKey("feeds.id")` names a table column, not a message (the `feeds.*` keys share the prefix)."""
    targets: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "ForeignKey":
            targets.update(id(arg) for arg in node.args if isinstance(arg, ast.Constant))
    return targets


def test_every_message_key_literal_in_the_code_is_in_the_catalogs():
    namespaces = {key.split(".", 1)[0] for key in catalog(Language.EN)}
    used = {s for s in _string_literals() if is_valid_key(s) and s.split(".", 1)[0] in namespaces}
    missing = sorted(key for key in used if key not in catalog(Language.EN))
    assert not missing
    assert "error.unknown_subcommand" in used  # the scan does see the code's keys


def test_generated_keys_exist():
    for field in FieldKey:
        assert f"field.{field.value}" in catalog(Language.KO)
    for area in ReviewArea:
        assert f"area.{area.value}" in catalog(Language.KO)
    for rule in Rule:
        assert f"rule.{rule.value}" in catalog(Language.KO)
        assert f"help.group.{rule.value}" in catalog(Language.KO)
    for spec in SUBCOMMANDS.values():
        assert spec.usage_key in catalog(Language.KO) and spec.summary_key in catalog(Language.KO)


def test_texts_are_filled_and_localised():
    assert (
        t("ko", "error.not_allowed", role=t("ko", "rule.admin"))
        == "죄송합니다. 이 작업은 사무국 담당자만 할 수 있습니다."
    )
    assert (
        t(Language.EN, "error.not_allowed", role=t("en", "rule.leader"))
        == "Sorry, only a leader of the club may do this."
    )
    assert t("ko", "field.quantum") == "양자" and t("en", "field.quantum") == "Quantum"


def test_dates_and_numbers_follow_the_language():
    assert format_date(date(2026, 11, 21), "ko") == "2026. 11. 21."
    assert format_date(date(2026, 11, 21), "en") == "Nov 21, 2026"
    assert format_number(12345.678, "en", digits=1) == "12,345.7"
    assert format_number(12345, "ko") == "12,345"
