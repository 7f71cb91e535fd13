"""bot.digests.feeds.doi: where a DOI is found and its one normal form."""

from __future__ import annotations

import pytest

from bot.digests.feeds.doi import (
    canonical_url,
    doi_from_text,
    doi_from_url,
    doi_key,
    doi_url,
    doi_url_key,
    entry_doi,
    normalize_doi,
)
from bot.digests.feeds.normalize import url_key


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.1126/science.abc1234", "10.1126/science.abc1234"),
        ("doi:10.1126/Science.ABC1234", "10.1126/science.abc1234"),
        ("DOI: 10.1038/s41586-024-07000-1", "10.1038/s41586-024-07000-1"),
        ("info:doi/10.1103/PhysRevLett.132.010801", "10.1103/physrevlett.132.010801"),
        ("urn:doi:10.1000/xyz", "10.1000/xyz"),
        ("https://doi.org/10.1126/science.abc1234", "10.1126/science.abc1234"),
        ("http://dx.doi.org/10.1016/S0140-6736(20)30183-5", "10.1016/s0140-6736(20)30183-5"),
        ("https://doi.org/10.1002%2Fanie.202401234", "10.1002/anie.202401234"),
        ("10.1126/science.abc1234.", "10.1126/science.abc1234"),
        ("10.1126/science.abc1234,", "10.1126/science.abc1234"),
        ("(10.1000/xyz)", None),
        ("10.1000/xyz)", "10.1000/xyz"),
        ("10.1016/S0140-6736(20)30183-5).", "10.1016/s0140-6736(20)30183-5"),
        ("https://doi.org/10.1000/xyz?utm_source=rss#top", "10.1000/xyz"),
        ("oai:arXiv.org:2401.01234v1", "10.48550/arxiv.2401.01234"),
        ("arXiv:2401.01234", "10.48550/arxiv.2401.01234"),
        ("10.48550/arXiv.2401.01234", "10.48550/arxiv.2401.01234"),
        ("10.48550/ARXIV.2401.01234v3", "10.48550/arxiv.2401.01234"),
        ("tag:example.org,2024:1", None),
        ("https://example.org/post/10.5/x", None),
        ("10.12/too-short-prefix", None),
        ("", None),
    ],
)
def test_doi_from_text(value: str, expected: str | None) -> None:
    assert doi_from_text(value) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.science.org/doi/abs/10.1126/science.adk1234", "10.1126/science.adk1234"),
        ("https://www.science.org/doi/full/10.1126/science.adk1234", "10.1126/science.adk1234"),
        ("https://www.science.org/doi/pdf/10.1126/science.adk1234", "10.1126/science.adk1234"),
        ("https://www.science.org/doi/10.1126/sciadv.adk1234?af=R", "10.1126/sciadv.adk1234"),
        ("https://www.nature.com/articles/s41586-024-07000-1", "10.1038/s41586-024-07000-1"),
        ("https://www.nature.com/articles/s41586-024-07000-1.pdf", "10.1038/s41586-024-07000-1"),
        ("http://nature.com/articles/nphys1234", "10.1038/nphys1234"),
        ("https://www.nature.com/nature/articles", None),
        ("https://link.springer.com/article/10.1007/s00220-024-04950-1", "10.1007/s00220-024-04950-1"),
        ("https://link.springer.com/chapter/10.1007/978-3-031-12345-6_7", "10.1007/978-3-031-12345-6_7"),
        ("https://onlinelibrary.wiley.com/doi/10.1002/anie.202401234", "10.1002/anie.202401234"),
        ("https://onlinelibrary.wiley.com/doi/full/10.1002/anie.202401234", "10.1002/anie.202401234"),
        ("https://onlinelibrary.wiley.com/doi/epdf/10.1002/anie.202401234", "10.1002/anie.202401234"),
        ("https://pubs.acs.org/doi/10.1021/jacs.4c01234", "10.1021/jacs.4c01234"),
        ("https://pubs.acs.org/doi/abs/10.1021/jacs.4c01234", "10.1021/jacs.4c01234"),
        ("https://journals.aps.org/prl/abstract/10.1103/PhysRevLett.132.010801", "10.1103/physrevlett.132.010801"),
        ("https://journals.aps.org/prb/pdf/10.1103/PhysRevB.109.014101", "10.1103/physrevb.109.014101"),
        ("https://iopscience.iop.org/article/10.1088/1742-6596/2727/1/012001", "10.1088/1742-6596/2727/1/012001"),
        ("https://iopscience.iop.org/article/10.1088/1742-6596/2727/1/012001/pdf", "10.1088/1742-6596/2727/1/012001"),
        ("https://iopscience.iop.org/article/10.1088/1361-6633/ad1234/meta", "10.1088/1361-6633/ad1234"),
        ("https://www.tandfonline.com/doi/full/10.1080/00107514.2024.2301234", "10.1080/00107514.2024.2301234"),
        ("https://arxiv.org/abs/2401.01234v2", "10.48550/arxiv.2401.01234"),
        ("http://arxiv.org/abs/2401.01234", "10.48550/arxiv.2401.01234"),
        ("https://arxiv.org/pdf/2401.01234v1.pdf", "10.48550/arxiv.2401.01234"),
        ("https://arxiv.org/html/2401.01234v3", "10.48550/arxiv.2401.01234"),
        ("https://export.arxiv.org/abs/hep-th/9901001v1", "10.48550/arxiv.hep-th/9901001"),
        ("https://arxiv.org/list/cs.AI/recent", None),
        ("https://example.com/blog/10.1126/science", None),
        ("ftp://doi.org/10.1000/xyz", None),
        ("https://[broken", None),
    ],
)
def test_doi_from_url(url: str, expected: str | None) -> None:
    assert doi_from_url(url) == expected


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"prism_doi": "10.1126/science.adk1234", "link": "https://example.org/x"}, "10.1126/science.adk1234"),
        ({"dc_identifier": "doi:10.1038/s41586-024-07000-1"}, "10.1038/s41586-024-07000-1"),
        ({"dc_identifier": "ISSN 0028-0836", "link": "https://doi.org/10.1000/xyz"}, "10.1000/xyz"),
        (
            {"id": "oai:arXiv.org:2401.01234v1", "link": "https://arxiv.org/abs/2401.01234v1"},
            "10.48550/arxiv.2401.01234",
        ),
        ({"id": "https://www.science.org/doi/abs/10.1126/science.adk1234"}, "10.1126/science.adk1234"),
        ({"link": "https://example.org/", "links": [{"href": "https://doi.org/10.1/x"}]}, None),
        ({"link": "https://example.org/", "links": [{"href": "https://doi.org/10.1000/x"}]}, "10.1000/x"),
        ({"url": "https://pubs.acs.org/doi/10.1021/jacs.4c01234", "id": {"x": 1}}, "10.1021/jacs.4c01234"),
        ({"title": "no identifier", "link": "https://example.org/post"}, None),
    ],
)
def test_entry_doi(entry: dict[str, object], expected: str | None) -> None:
    assert entry_doi(entry) == expected


def test_the_same_paper_gives_the_same_key() -> None:
    spellings = [
        "https://www.science.org/doi/abs/10.1126/science.adk1234",
        "https://doi.org/10.1126/SCIENCE.ADK1234",
        "doi:10.1126/science.adk1234",
        "info:doi/10.1126/science.adk1234",
        "10.1126/science.adk1234.",
    ]
    assert len({doi_key(doi_from_text(spelling) or spelling) for spelling in spellings}) == 1
    assert doi_key("10.1126/Science.ADK1234") == "doi:10.1126/science.adk1234"
    assert (
        doi_key("arXiv:2401.01234v2") == doi_key("https://arxiv.org/abs/2401.01234") == "doi:10.48550/arxiv.2401.01234"
    )
    assert doi_url("10.1126/Science.ADK1234") == "https://doi.org/10.1126/science.adk1234"


def test_normalize_doi_refuses_what_is_not_a_doi() -> None:
    assert normalize_doi("science.adk1234") is None
    assert normalize_doi("10.1126/") is None


@pytest.mark.parametrize(
    ("doi", "link", "canonical"),
    [
        (
            "10.1126/Science.ADK1234",
            "https://doi.org/10.1126/science.adk1234",
            "https://doi.org/10.1126/science.adk1234",
        ),
        ("10.48550/arXiv.2401.01234", "https://arxiv.org/abs/2401.01234v2", "https://arxiv.org/abs/2401.01234"),
        (
            "arXiv:quant-ph/0101001",
            "http://export.arxiv.org/pdf/quant-ph/0101001v1.pdf",
            "https://arxiv.org/abs/quant-ph/0101001",
        ),
    ],
)
def test_doi_url_key_equals_the_url_key_stored_for_the_same_link(doi: str, link: str, canonical: str) -> None:
    assert canonical_url(doi) == canonical
    assert doi_url_key(doi) == url_key(link)


def test_a_publisher_page_and_its_doi_link_get_one_url_key() -> None:
    found = doi_from_url("https://www.science.org/doi/abs/10.1126/science.adk1234")
    assert found is not None
    assert doi_url_key(found) == url_key("https://doi.org/10.1126/science.adk1234")
