"""Slack channel names for clubs. Pure.

Slack's rules: lowercase, at most 80 characters, only letters, digits, hyphens and underscores. Club
names in Korean (or any script) are transliterated to Latin letters (`양자 컴퓨팅` → `yangja-keompyuting`)
so every member, in Korea or abroad, can read and type the channel's name; the full name goes into the
channel's topic and purpose in Korean and English.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from anyascii import anyascii

PREFIX = "xlab-"
MAX_LENGTH = 80
_NOT_ALLOWED = re.compile(r"[^a-z0-9_]+")


def _without_symbols(text: str) -> str:
    """The name without emoji and other pictographs (transliterated they would become words: 🧲 → `magnet`)."""
    return "".join(
        " " if unicodedata.category(ch) in {"So", "Sk", "Cs", "Co"} or ch in "\u200d\ufe0f\ufe0e" else ch for ch in text
    )


def channel_name(club_name: str, *, prefix: str = PREFIX) -> str:
    """A valid, readable Slack channel name for a club: `xlab-` and the transliterated name in kebab case."""
    text = anyascii(_without_symbols(club_name)).lower().replace("&", " and ")
    text = re.sub(r"['’`]", "", text)  # "Kim's lab" → "kims-lab"
    slug = _NOT_ALLOWED.sub("-", text).strip("-_")
    slug = re.sub(r"-{2,}", "-", slug)
    if slug.startswith(prefix.rstrip("-") + "-"):
        slug = slug[len(prefix) :]
    return _fit(prefix + (slug or "club"), MAX_LENGTH)


def name_variants(base: str, *, limit: int = 50) -> Iterator[str]:
    """`base`, then `base-2`, `base-3`… each within Slack's 80 characters."""
    yield base
    for number in range(2, limit + 1):
        suffix = f"-{number}"
        yield _fit(base, MAX_LENGTH - len(suffix)) + suffix


def _fit(name: str, length: int) -> str:
    """Cut at a word (hyphen) boundary when the name is too long."""
    if len(name) <= length:
        return name
    cut = name[:length]
    hyphen = cut.rfind("-")
    if hyphen > len(PREFIX):
        cut = cut[:hyphen]
    return cut.rstrip("-_")


def is_valid_channel_name(name: str) -> bool:
    return 0 < len(name) <= MAX_LENGTH and all(c == c.lower() and (c.isalnum() or c in "-_") for c in name)
