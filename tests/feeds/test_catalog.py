"""The shipped catalog and vocabulary load, cover every field, and malformed edits fail loudly."""

from __future__ import annotations

import pytest

from bot.digests.feeds.catalog import CatalogError, load_catalog, load_vocabulary, parse_catalog, parse_vocabulary
from bot.domain import FieldKey


def test_every_field_has_https_feeds_with_a_korean_or_english_label():
    catalog = load_catalog()
    assert set(catalog) == set(FieldKey)
    for field, feeds in catalog.items():
        assert len(feeds) >= 4, field
        assert all(f.url.startswith("https://") and f.title and f.language in {"ko", "en"} for f in feeds)
        assert any(f.kind == "preprint" or f.kind == "journal" for f in feeds), field
    assert any(f.language == "ko" for feeds in catalog.values() for f in feeds)


def test_every_field_has_15_to_40_terms_in_both_languages():
    vocabulary = load_vocabulary()
    assert set(vocabulary) == set(FieldKey)
    for terms in vocabulary.values():
        assert 15 <= len(terms) <= 40


def _catalog_text(overrides: dict[str, str]) -> str:
    lines = []
    for field in FieldKey:
        body = overrides.get(field.value, '  - {title: "X", url: "https://example.org/feed", language: en, kind: news}')
        lines.append(f"{field.value}:\n{body}")
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ('  - {title: "X", url: "http://example.org/feed", language: en, kind: news}', "https"),
        ('  - {title: "X", url: "https://example.org/feed", language: fr, kind: news}', "language"),
        ('  - {title: "X", url: "https://example.org/feed", language: en, kind: blog}', "kind"),
        ('  - {title: "", url: "https://example.org/feed", language: en, kind: news}', "title"),
        ("  []", "no feeds"),
    ],
)
def test_malformed_catalog_entries_are_named(override, message):
    with pytest.raises(CatalogError, match=message):
        parse_catalog(_catalog_text({"quantum": override}))


def test_a_missing_or_unknown_field_is_an_error():
    text = _catalog_text({})
    with pytest.raises(CatalogError, match="unknown field keys"):
        parse_catalog(text.replace("quantum:", "quantum-typo:"))
    with pytest.raises(CatalogError, match="no entries for fields"):
        parse_catalog(_without_field(text, "quantum"))


def _without_field(text: str, field: str) -> str:
    lines = text.split("\n")
    index = lines.index(f"{field}:")
    return "\n".join(lines[:index] + lines[index + 2 :])


def test_vocabulary_needs_both_languages_and_no_repeats():
    base = {f.value: [f"term{i}" for i in range(14)] + ["한글"] for f in FieldKey}

    def text(vocab):
        return "\n".join(f"{k}: [{', '.join(v)}]" for k, v in vocab.items())

    assert parse_vocabulary(text(base))[FieldKey.AI][-1] == "한글"
    with pytest.raises(CatalogError, match="Korean and English"):
        parse_vocabulary(text({**base, "ai": [f"term{i}" for i in range(15)]}))
    with pytest.raises(CatalogError, match="repeats"):
        parse_vocabulary(text({**base, "ai": [*[f"term{i}" for i in range(14)], "TERM1", "한글"]}))
    with pytest.raises(CatalogError, match="terms; keep"):
        parse_vocabulary(text({**base, "ai": ["a", "한글"]}))
