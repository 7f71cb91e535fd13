"""Normalising names and affiliations so the same person is recognised across two databases.

A name is compared as its *tokens*: NFKC, case-folded, accents removed, punctuation and hyphens
dropped inside words (`Seo-yeon` = `Seoyeon`), words split on spaces and commas. Because one list
writes the family name first (`KIM Seoyeon`, `김서연`) and another last (`Seoyeon Kim`), a name has
up to three keys: its words joined in order, with the first word moved last, and with the last word
moved first. Two names match when they share a key, so `Kim Seo Yeon`, `Seo Yeon Kim`, `Seoyeon Kim`
and `KIM, Seoyeon` all match, and `김 서연` matches `김서연`. Hangul is never romanised (that would
guess): a Korean name matches a Korean name, a Latin one a Latin one.

An affiliation is compared as one string: NFKC, case-folded, accents removed, `&` read as `and`,
a leading `the` dropped, then everything but letters and digits removed. Abbreviations stay as they
are (`KAIST` is not expanded), so `KAIST` and `K.A.I.S.T.` match each other but not the full name.
"""

from __future__ import annotations

import re
import unicodedata


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return unicodedata.normalize("NFC", "".join(ch for ch in folded if unicodedata.category(ch) != "Mn"))


def name_tokens(name: str) -> tuple[str, ...]:
    words = re.split(r"[\s,;/]+", _fold(name))
    tokens = ("".join(ch for ch in word if ch.isalnum()) for word in words)
    return tuple(token for token in tokens if token)


def name_keys(name: str | None) -> frozenset[str]:
    """The keys under which `name` matches another name (empty when there is nothing to match on)."""
    if not name:
        return frozenset()
    tokens = name_tokens(name)
    if not tokens:
        return frozenset()
    orders = {tokens, tokens[1:] + tokens[:1], tokens[-1:] + tokens[:-1]}
    return frozenset("".join(order) for order in orders)


def affiliation_key(affiliation: str | None) -> str:
    """One string per affiliation; "" when there is nothing to match on."""
    if not affiliation:
        return ""
    text = _fold(affiliation).replace("&", " and ")
    text = re.sub(r"^\s*the\s+", "", text)
    return "".join(ch for ch in text if ch.isalnum())


def person_keys(names: tuple[str | None, ...], affiliation: str | None) -> frozenset[tuple[str, str]]:
    """(name key, affiliation key) pairs for a person: the third matching rule needs both."""
    place = affiliation_key(affiliation)
    if not place:
        return frozenset()
    return frozenset((key, place) for name in names for key in name_keys(name))


def both_names(name_ko: str | None, name_en: str | None) -> str:
    """A person's names in both scripts, as the secretariat's lists show them (`김서연 / Seoyeon Kim`);
    `-` when there is none. Not `bot.people.display_name`, which picks one name for one reader's language."""
    return " / ".join(name for name in (name_ko, name_en) if name) or "-"
