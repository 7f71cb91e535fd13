"""Normalising links and titles so the same article from two places is recognised (table-driven)."""

from __future__ import annotations

import pytest

from bot.digests.feeds.normalize import (
    doi_of,
    is_distinctive_title,
    normalize_title,
    normalize_url,
    title_key,
    unwrap_redirector,
    url_key,
)


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("HTTP://WWW.Example.ORG/Path/", "https://example.org/Path"),
        ("https://example.org:443/a", "https://example.org/a"),
        ("http://example.org:80/a", "https://example.org/a"),
        ("https://example.org:8443/a", "https://example.org:8443/a"),
        ("https://example.org/a?utm_source=rss&utm_medium=feed&id=7", "https://example.org/a?id=7"),
        ("https://example.org/a?b=2&a=1&fbclid=x&gclid=y&mc_cid=1&mc_eid=2", "https://example.org/a?a=1&b=2"),
        ("https://example.org/a?ref=hn&source=twitter&page=2", "https://example.org/a?page=2"),
        ("https://example.org/a#section-2", "https://example.org/a"),
        ("https://example.org/", "https://example.org"),
        ("https://example.org//a//b/", "https://example.org/a/b"),
        ("https://example.org/%7Euser/a%20b", "https://example.org/~user/a%20b"),
        (
            "https://www.google.com/url?rct=j&sa=t&url=https://www.nature.com/articles/s41586-024-0001-x"
            "&ct=ga&cd=CAIy&usg=AFQ",
            "https://nature.com/articles/s41586-024-0001-x",
        ),
        ("https://doi.org/10.1038/S41586-024-0001-X", "https://doi.org/10.1038/s41586-024-0001-x"),
        ("http://dx.doi.org/10.1103/PhysRevLett.130.010601", "https://doi.org/10.1103/physrevlett.130.010601"),
        ("doi:10.1103/PhysRevLett.130.010601", "https://doi.org/10.1103/physrevlett.130.010601"),
        ("https://arxiv.org/abs/2401.01234v3", "https://arxiv.org/abs/2401.01234"),
        ("http://export.arxiv.org/pdf/2401.01234v1.pdf", "https://arxiv.org/abs/2401.01234"),
        ("https://arxiv.org/abs/quant-ph/0101001v2", "https://arxiv.org/abs/quant-ph/0101001"),
        ("  https://example.org/a  ", "https://example.org/a"),
        ("mailto:someone@example.org", "mailto:someone@example.org"),
    ],
)
def test_normalize_url(given, normal):
    assert normalize_url(given) == normal


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("http://www.example.org/news/1/?utm_campaign=x", "https://example.org/news/1"),
        ("https://doi.org/10.1038/nature12373", "https://dx.doi.org/10.1038/NATURE12373"),
        ("https://arxiv.org/abs/2401.01234", "https://arxiv.org/pdf/2401.01234v2"),
    ],
)
def test_url_keys_match_for_the_same_article(a, b):
    assert url_key(a) == url_key(b) and len(url_key(a)) == 64


def test_url_key_of_nothing_is_none():
    assert url_key(None) is None and url_key("  ") is None


def test_redirector_unwrapping_leaves_other_google_links_alone():
    assert unwrap_redirector("https://www.google.com/search?q=x") == "https://www.google.com/search?q=x"
    assert unwrap_redirector("https://www.google.co.kr/url?q=https://kaist.ac.kr/news") == "https://kaist.ac.kr/news"
    assert unwrap_redirector("https://www.google.com/url?url=javascript:alert(1)").startswith("https://www.google")


@pytest.mark.parametrize(
    ("given", "doi"),
    [
        ("10.1038/nature12373", "10.1038/nature12373"),
        ("https://doi.org/10.1000/xyz%2F123", "10.1000/xyz/123"),
        ("https://example.org/10.1038/x", None),
    ],
)
def test_doi_of(given, doi):
    assert doi_of(given) == doi


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Quantum   Error-Correction: A Review.", "quantum error correction — a review"),
        ("ＦＵＬＬＷＩＤＴＨ Ｔｉｔｌｅ", "fullwidth title"),
        ("Straße der Qubits", "STRASSE DER QUBITS"),
        ("양자 컴퓨터의 오류 정정!", "양자 컴퓨터의 오류 정정"),
        ("Topological qubits (arXiv:2401.01234v1 [quant-ph])", "Topological qubits"),
    ],
)
def test_titles_that_are_the_same_normalise_the_same(a, b):
    assert normalize_title(a) == normalize_title(b)
    assert title_key(a) == title_key(b)


def test_different_titles_differ():
    assert title_key("Solid-state batteries at scale") != title_key("Solid-state batteries at small scale")


def test_generic_titles_are_not_distinctive():
    assert not is_distinctive_title("News")
    assert not is_distinctive_title("Weekly update")
    assert is_distinctive_title("Room-temperature superconductivity claims revisited")
