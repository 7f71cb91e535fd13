"""The Crossref client against the loopback stand-in: a DOI's metadata found, an unknown DOI, the shapes read."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain import OutputType
from bot.scholarly.crossref import CrossrefClient, work_from_message
from bot.scholarly.errors import ScholarlyError, ScholarlyErrorKind
from bot.scholarly.http import Http, HttpOptions
from bot.scholarly.types import Author, DatePrecision
from bot.standin.scholarly import ScholarlyServer, make_orcid
from tests.feeds.server import FeedServer, Route


def test_a_known_doi_gives_its_title_venue_date_type_and_authors(scholarly: ScholarlyServer, http: Http):
    kim = scholarly.person("Minji", "Kim", orcid=make_orcid(1))
    lee = scholarly.person("Joon", "Lee")
    scholarly.work(
        "10.1234/Quantum.2025.7",
        [kim, lee],
        title="Error correction in superconducting qubits",
        venue="Physical Review Letters",
        published=date(2025, 3, 14),
    )
    client = CrossrefClient(scholarly.crossref_url, "team@example.org", http=http)

    work = client.work("https://doi.org/10.1234/quantum.2025.7")

    assert work is not None
    assert work.doi == "10.1234/quantum.2025.7"
    assert work.title == "Error correction in superconducting qubits"
    assert work.venue == "Physical Review Letters"
    assert work.published == date(2025, 3, 14)
    assert work.precision is DatePrecision.DAY
    assert work.crossref_type == "journal-article"
    assert work.output_type is OutputType.PAPER
    assert work.authors == (Author("Minji", "Kim", make_orcid(1)), Author("Joon", "Lee", None))
    assert work.link == "https://doi.org/10.1234/quantum.2025.7"
    (request,) = scholarly.requests
    assert request.path == "/crossref/works/10.1234/quantum.2025.7"
    assert request.query == {"mailto": "team@example.org"}


def test_an_unknown_doi_is_none(scholarly: ScholarlyServer, http: Http):
    assert CrossrefClient(scholarly.crossref_url, http=http).work("10.9999/nobody.knows") is None
    assert scholarly.count("/crossref") == 1


def test_the_contact_address_is_in_the_user_agent_when_the_client_builds_its_own_layer(scholarly: ScholarlyServer):
    client = CrossrefClient(scholarly.crossref_url, "team@example.org", options=HttpOptions(allow_private=True))
    assert client.work("10.9999/none") is None
    assert "mailto:team@example.org" in scholarly.requests[0].headers["user-agent"]


def test_a_doi_with_reserved_characters_is_sent_quoted_and_found(scholarly: ScholarlyServer, http: Http):
    doi = "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-o"
    scholarly.work(doi, [scholarly.person("A", "B")])
    work = CrossrefClient(scholarly.crossref_url, http=http).work(doi)
    assert work is not None and work.doi == doi
    assert (
        scholarly.requests[0].path
        == "/crossref/works/10.1002/%28sici%291097-4571%28199806%2949%3A8%3C693%3A%3Aaid-asi4%3E3.0.co%3B2-o"
    )


def test_several_dois_at_once(scholarly: ScholarlyServer, http: Http):
    scholarly.work("10.1234/one", [scholarly.person("A", "B")])
    found = CrossrefClient(scholarly.crossref_url, http=http).works(["10.1234/one", "10.1234/two"])
    assert found["10.1234/two"] is None
    assert found["10.1234/one"] is not None and found["10.1234/one"].doi == "10.1234/one"
    assert scholarly.count("/crossref") == 2


@pytest.mark.parametrize(
    ("crossref_type", "output_type"),
    [
        ("journal-article", OutputType.PAPER),
        ("proceedings-article", OutputType.PAPER),
        ("posted-content", OutputType.PAPER),
        ("book-chapter", OutputType.PAPER),
        ("dataset", OutputType.OTHER),
        ("grant", OutputType.PROJECT),
        ("peer-review", None),
        ("report", None),
    ],
)
def test_types_map_to_the_bots_output_types_where_they_can(crossref_type, output_type):
    work = work_from_message({"DOI": "10.1234/x", "type": crossref_type})
    assert work.output_type == output_type
    assert work.crossref_type == crossref_type


@pytest.mark.parametrize(
    ("issued", "published", "precision"),
    [
        ({"date-parts": [[2024, 5, 2]]}, date(2024, 5, 2), DatePrecision.DAY),
        ({"date-parts": [[2024, 5]]}, date(2024, 5, 1), DatePrecision.MONTH),
        ({"date-parts": [[2024]]}, date(2024, 1, 1), DatePrecision.YEAR),
        ({"date-parts": [[None]]}, None, None),
        ({"date-parts": [[2024, 13, 1]]}, None, None),
        ({}, None, None),
        ("2024", None, None),
    ],
)
def test_partial_issued_dates(issued, published, precision):
    work = work_from_message({"DOI": "10.1234/x", "issued": issued})
    assert (work.published, work.precision) == (published, precision)


def test_markup_in_titles_is_dropped_and_an_organisation_author_kept():
    work = work_from_message(
        {
            "DOI": "10.1234/X",
            "title": ["  The <i>in vivo</i> &amp; <sub>2</sub>D   case "],
            "container-title": [],
            "author": [{"name": "The ATLAS Collaboration"}, {"given": "", "family": ""}, "junk"],
        }
    )
    assert work.title == "The in vivo & 2D case"
    assert work.venue is None
    assert work.authors == (Author(name="The ATLAS Collaboration"),)
    assert work.doi == "10.1234/x"


def test_a_message_without_any_doi_is_malformed():
    with pytest.raises(ScholarlyError) as caught:
        work_from_message({"title": ["x"]})
    assert caught.value.kind is ScholarlyErrorKind.MALFORMED


def test_an_answer_without_a_message_is_malformed(scholarly: ScholarlyServer, http: Http):
    feeds = FeedServer().start()
    try:
        feeds.route("/works/10.1234/x", Route(body=b'{"status": "failed", "message": []}'))
        with pytest.raises(ScholarlyError) as caught:
            CrossrefClient(feeds.url(""), http=http).work("10.1234/x")
        assert caught.value.kind is ScholarlyErrorKind.MALFORMED
    finally:
        feeds.stop()
