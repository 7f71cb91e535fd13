"""The OpenAlex client against the loopback stand-in: batching, cursor paging, the shapes read."""

from __future__ import annotations

from datetime import date

from bot.scholarly.http import Http
from bot.scholarly.openalex import OpenAlexClient, batches, work_from_result
from bot.scholarly.types import Authorship
from bot.standin.scholarly import ScholarlyServer, make_orcid


def _people(server: ScholarlyServer, count: int, country: str = "KR"):
    return [server.person(f"G{i}", f"F{i}", orcid=make_orcid(i), country=country) for i in range(1, count + 1)]


def test_120_orcid_ids_take_3_author_requests(scholarly: ScholarlyServer, http: Http):
    people = _people(scholarly, 120)
    client = OpenAlexClient(scholarly.openalex_url, "key-1", "team@example.org", http=http)

    found = client.authors([p.orcid for p in people] + ["https://orcid.org/" + people[0].orcid])

    assert len(found) == 120
    assert found[people[5].orcid][0].id == people[5].openalex_id
    assert found[people[5].orcid][0].countries == ("KR",)
    assert scholarly.count("/openalex/authors") == 3
    for request in scholarly.requests:
        assert request.query["api_key"] == "key-1"
        assert request.query["mailto"] == "team@example.org"
        assert request.query["filter"].startswith("orcid:")
        assert len(request.query["filter"].removeprefix("orcid:").split("|")) <= 50


def test_an_orcid_id_openalex_does_not_know_is_left_out(scholarly: ScholarlyServer, http: Http):
    (known,) = _people(scholarly, 1)
    found = OpenAlexClient(scholarly.openalex_url, http=http).authors([known.orcid, make_orcid(999)])
    assert list(found) == [known.orcid]


def test_works_are_listed_per_50_ids_per_page_following_cursors(scholarly: ScholarlyServer, http: Http):
    people = _people(scholarly, 120)
    for index, person in enumerate(people):  # 5 works each: 250 works per batch of 50 iDs, 100 for the last
        for k in range(5):
            scholarly.work(f"10.5555/{index}.{k}", [person], published=date(2025, 1 + k, 1))
    scholarly.work("10.5555/old", [people[0]], published=date(2023, 1, 1))
    client = OpenAlexClient(scholarly.openalex_url, "key-1", http=http, per_page=100)

    works = client.works([p.orcid for p in people], since=date(2024, 6, 1))

    assert len(works) == 600
    assert "10.5555/old" not in {w.doi for w in works}
    # 250 works -> 3 pages, 250 -> 3, 100 -> 1 page (its cursor ends there)
    assert scholarly.count("/openalex/works") == 7
    first = [r for r in scholarly.requests if r.query["cursor"] == "*"]
    assert len(first) == 3
    for request in scholarly.requests:
        filters = dict(clause.split(":", 1) for clause in request.query["filter"].split(","))
        assert len(filters["author.orcid"].split("|")) <= 50
        assert filters["from_publication_date"] == "2024-06-01"
        assert request.query["per-page"] == "100"
        assert "authorships" in request.query["select"]


def test_a_joint_work_of_two_batches_comes_back_once_with_its_authorships(scholarly: ScholarlyServer, http: Http):
    people = _people(scholarly, 60)
    outsider = scholarly.person("Out", "Side", country="DE")
    scholarly.work("10.5555/joint", [people[0], people[59], outsider], title="Together", venue="Nature")

    (work,) = OpenAlexClient(scholarly.openalex_url, http=http).works([p.orcid for p in people], date(2025, 1, 1))

    assert scholarly.count("/openalex/works") == 2
    assert work.doi == "10.5555/joint"
    assert work.title == "Together"
    assert work.venue == "Nature"
    assert work.published == date(2025, 6, 1)
    assert work.type == "article"
    assert work.openalex_id.startswith("W")
    assert work.authorships == (
        Authorship(people[0].openalex_id, people[0].orcid, "G1 F1", ("KR",)),
        Authorship(people[59].openalex_id, people[59].orcid, "G60 F60", ("KR",)),
        Authorship(outsider.openalex_id, None, "Out Side", ("DE",)),
    )


def test_no_ids_no_request(scholarly: ScholarlyServer, http: Http):
    client = OpenAlexClient(scholarly.openalex_url, http=http)
    assert client.works([], date(2025, 1, 1)) == []
    assert client.authors(["not an orcid"]) == {}
    assert scholarly.requests == []


def test_batches_are_sorted_deduplicated_and_bounded():
    assert batches(["c", "a", "b", "a"], 2) == [("a", "b"), ("c",)]
    assert batches([], 50) == []


def test_a_work_result_with_missing_parts_still_reads():
    work = work_from_result(
        {
            "id": "https://openalex.org/W123",
            "doi": None,
            "display_name": None,
            "title": "Fallback title",
            "publication_date": "not a date",
            "primary_location": None,
            "authorships": [{"author": None, "institutions": None, "raw_author_name": "Someone"}, "junk"],
        }
    )
    assert work is not None
    assert (work.openalex_id, work.doi, work.title, work.venue, work.published) == (
        "W123",
        None,
        "Fallback title",
        None,
        None,
    )
    assert work.authorships == (Authorship(None, None, "Someone", ()),)
    assert work_from_result({"doi": "https://doi.org/10.1/x"}) is None
