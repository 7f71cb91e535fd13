"""The shipped feed catalog and field vocabulary (`bot/data/*.yaml`), loaded and validated.

Both files are edited by the secretariat; a mistake in them must fail loudly at start-up (and in the
tests), not silently leave a field without news. `load_catalog()` / `load_vocabulary()` raise
`CatalogError` naming the field and entry at fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.domain import FieldKey

FEED_KINDS = frozenset({"preprint", "journal", "news", "government"})
FEED_LANGUAGES = frozenset({"ko", "en"})
MIN_TERMS, MAX_TERMS = 15, 40
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


class CatalogError(ValueError):
    """The catalog or vocabulary file is malformed; the message names where."""


@dataclass(frozen=True)
class CatalogFeed:
    field: FieldKey
    title: str
    url: str
    language: str
    kind: str


def _data_text(name: str) -> str:
    return resources.files("bot").joinpath("data", name).read_text(encoding="utf-8")


def _load_yaml(text: str, name: str) -> dict[str, Any]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{name}: not valid YAML: {exc}") from None
    if not isinstance(document, dict):
        raise CatalogError(f"{name}: expected a mapping of field keys")
    unknown = sorted(str(k) for k in document if str(k) not in {f.value for f in FieldKey})
    if unknown:
        raise CatalogError(f"{name}: unknown field keys {unknown}")
    missing = sorted(f.value for f in FieldKey if f.value not in document)
    if missing:
        raise CatalogError(f"{name}: no entries for fields {missing}")
    return document


def parse_catalog(text: str, name: str = "feeds.yaml") -> dict[FieldKey, tuple[CatalogFeed, ...]]:
    document = _load_yaml(text, name)
    catalog: dict[FieldKey, tuple[CatalogFeed, ...]] = {}
    for field in FieldKey:
        entries = document[field.value]
        if not isinstance(entries, list) or not entries:
            raise CatalogError(f"{name}: {field.value} has no feeds")
        feeds: list[CatalogFeed] = []
        for index, entry in enumerate(entries):
            where = f"{name}: {field.value}[{index}]"
            if not isinstance(entry, dict):
                raise CatalogError(f"{where}: expected title, url, language, kind")
            title, url = str(entry.get("title") or "").strip(), str(entry.get("url") or "").strip()
            language, kind = str(entry.get("language") or ""), str(entry.get("kind") or "")
            parts = urlsplit(url)
            if not title:
                raise CatalogError(f"{where}: no title")
            if parts.scheme != "https" or not parts.hostname:
                raise CatalogError(f"{where}: URL must be https:// with a host, not {url!r}")
            if language not in FEED_LANGUAGES:
                raise CatalogError(f"{where}: language must be one of {sorted(FEED_LANGUAGES)}")
            if kind not in FEED_KINDS:
                raise CatalogError(f"{where}: kind must be one of {sorted(FEED_KINDS)}")
            if any(f.url == url for f in feeds):
                raise CatalogError(f"{where}: {url} is listed twice")
            feeds.append(CatalogFeed(field, title, url, language, kind))
        catalog[field] = tuple(feeds)
    return catalog


def parse_vocabulary(text: str, name: str = "field_vocabulary.yaml") -> dict[FieldKey, tuple[str, ...]]:
    document = _load_yaml(text, name)
    vocabulary: dict[FieldKey, tuple[str, ...]] = {}
    for field in FieldKey:
        terms = document[field.value]
        if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
            raise CatalogError(f"{name}: {field.value} must be a list of terms")
        cleaned = tuple(" ".join(t.split()) for t in terms)
        if not MIN_TERMS <= len(cleaned) <= MAX_TERMS:
            raise CatalogError(f"{name}: {field.value} has {len(cleaned)} terms; keep {MIN_TERMS} to {MAX_TERMS}")
        folded = [t.casefold() for t in cleaned]
        duplicates = sorted({t for t in folded if folded.count(t) > 1})
        if duplicates:
            raise CatalogError(f"{name}: {field.value} repeats {duplicates}")
        if not any(_HANGUL.search(t) for t in cleaned) or all(_HANGUL.search(t) for t in cleaned):
            raise CatalogError(f"{name}: {field.value} needs both Korean and English terms")
        vocabulary[field] = cleaned
    return vocabulary


@cache
def load_catalog(path: Path | None = None) -> dict[FieldKey, tuple[CatalogFeed, ...]]:
    """The feed catalog, from `path` or the shipped `bot/data/feeds.yaml`."""
    text = path.read_text(encoding="utf-8") if path else _data_text("feeds.yaml")
    return parse_catalog(text, str(path or "feeds.yaml"))


@cache
def load_vocabulary(path: Path | None = None) -> dict[FieldKey, tuple[str, ...]]:
    """The field vocabulary, from `path` or the shipped `bot/data/field_vocabulary.yaml`."""
    text = path.read_text(encoding="utf-8") if path else _data_text("field_vocabulary.yaml")
    return parse_vocabulary(text, str(path or "field_vocabulary.yaml"))
