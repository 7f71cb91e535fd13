"""The HTTP layer's politeness and reliability through the stand-in: retries honouring Retry-After, backoff,
timeouts, malformed JSON, the run's request budget, and the feeds' private-address guard."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.scholarly.clients import clients_from_settings
from bot.scholarly.crossref import CrossrefClient
from bot.scholarly.errors import BudgetSpent, ScholarlyError, ScholarlyErrorKind
from bot.scholarly.http import Http, HttpOptions, RequestBudget
from bot.scholarly.openalex import OpenAlexClient
from bot.settings import load_settings
from bot.standin.scholarly import ScholarlyServer, make_orcid
from tests.scholarly.conftest import Waits


def _seed(server: ScholarlyServer) -> None:
    server.work("10.1234/a", [server.person("A", "B", orcid=make_orcid(1))])


def test_a_429_is_asked_again_after_its_retry_after(scholarly: ScholarlyServer, http: Http, waits: Waits):
    _seed(scholarly)
    scholarly.fault("/crossref", "429", times=2, retry_after="3")
    work = CrossrefClient(scholarly.crossref_url, http=http).work("10.1234/a")
    assert work is not None
    assert scholarly.count("/crossref") == 3
    assert waits.seconds == [3.0, 3.0]


def test_a_500_is_asked_again_with_a_growing_backoff(scholarly: ScholarlyServer, http: Http, waits: Waits):
    _seed(scholarly)
    scholarly.fault("/openalex/works", "500", times=2)
    works = OpenAlexClient(scholarly.openalex_url, http=http).works([make_orcid(1)], date(2020, 1, 1))
    assert [w.doi for w in works] == ["10.1234/a"]
    assert scholarly.count("/openalex/works") == 3
    assert len(waits.seconds) == 2
    assert 0.25 <= waits.seconds[0] <= 0.5 and 0.5 <= waits.seconds[1] <= 1.0


def test_a_service_still_failing_after_the_attempts_is_a_server_error(scholarly: ScholarlyServer, http: Http):
    scholarly.fault("/crossref", "500", times=10)
    with pytest.raises(ScholarlyError) as caught:
        CrossrefClient(scholarly.crossref_url, http=http).work("10.1234/a")
    assert caught.value.kind is ScholarlyErrorKind.SERVER_ERROR
    assert caught.value.status == 500
    assert scholarly.count("/crossref") == 4


def test_a_retry_after_longer_than_the_run_waits_fails_at_once_with_it(scholarly: ScholarlyServer, http: Http):
    scholarly.fault("/crossref", "429", retry_after="3600")
    with pytest.raises(ScholarlyError) as caught:
        CrossrefClient(scholarly.crossref_url, http=http).work("10.1234/a")
    assert caught.value.kind is ScholarlyErrorKind.RATE_LIMITED
    assert caught.value.retry_after == 3600.0
    assert scholarly.count("/crossref") == 1


def test_a_slow_answer_times_out_and_is_asked_again(scholarly: ScholarlyServer, http: Http):
    _seed(scholarly)
    scholarly.fault("/crossref", "slow", delay=1.5)
    assert CrossrefClient(scholarly.crossref_url, http=http).work("10.1234/a") is not None
    assert scholarly.count("/crossref") == 2


def test_only_slow_answers_is_a_timeout(scholarly: ScholarlyServer, options: HttpOptions, waits: Waits):
    scholarly.fault("/crossref", "slow", times=2, delay=1.5)
    http = Http(replace(options, attempts=2), sleep=waits)
    with pytest.raises(ScholarlyError) as caught:
        CrossrefClient(scholarly.crossref_url, http=http).work("10.1234/a")
    assert caught.value.kind is ScholarlyErrorKind.TIMEOUT


def test_malformed_json_is_a_typed_error_not_retried(scholarly: ScholarlyServer, http: Http):
    scholarly.fault("/openalex/works", "malformed")
    with pytest.raises(ScholarlyError) as caught:
        OpenAlexClient(scholarly.openalex_url, http=http).works([make_orcid(1)], date(2020, 1, 1))
    assert caught.value.kind is ScholarlyErrorKind.MALFORMED
    assert scholarly.count("/openalex/works") == 1


def test_a_refused_key_is_an_http_status_error(scholarly: ScholarlyServer, http: Http):
    scholarly.require_api_key = "right"
    with pytest.raises(ScholarlyError) as caught:
        OpenAlexClient(scholarly.openalex_url, "wrong", http=http).authors([make_orcid(1)])
    assert (caught.value.kind, caught.value.status) == (ScholarlyErrorKind.HTTP_STATUS, 403)
    assert "wrong" not in str(caught.value)  # the key is never in an error's text
    assert OpenAlexClient(scholarly.openalex_url, "right", http=http).authors([make_orcid(1)]) == {}


def test_the_budget_is_shared_and_stops_the_run_before_sending(scholarly: ScholarlyServer, options: HttpOptions):
    people = [scholarly.person("G", str(i), orcid=make_orcid(i)) for i in range(1, 121)]
    http = Http(replace(options, concurrency=1), RequestBudget(2))  # one at a time: which ones are sent is fixed
    client = OpenAlexClient(scholarly.openalex_url, http=http)
    with pytest.raises(BudgetSpent) as caught:
        client.authors([p.orcid for p in people])  # 3 batches
    assert caught.value.kind is ScholarlyErrorKind.BUDGET_SPENT
    assert scholarly.count() == 2
    with pytest.raises(BudgetSpent):
        CrossrefClient(scholarly.crossref_url, http=http).work("10.1234/a")
    assert scholarly.count() == 2
    assert http.budget.remaining == 0


def test_retries_spend_the_budget_too(scholarly: ScholarlyServer, options: HttpOptions, waits: Waits):
    scholarly.fault("/crossref", "500", times=5)
    http = Http(options, RequestBudget(3), sleep=waits)
    with pytest.raises(BudgetSpent):
        CrossrefClient(scholarly.crossref_url, http=http).work("10.1234/a")
    assert scholarly.count() == 3


def test_a_loopback_base_url_is_refused_unless_allowed(scholarly: ScholarlyServer, options: HttpOptions):
    guarded = Http(replace(options, allow_private=False))
    with pytest.raises(ScholarlyError) as caught:
        CrossrefClient(scholarly.crossref_url, http=guarded).work("10.1234/a")
    assert caught.value.kind is ScholarlyErrorKind.BLOCKED_ADDRESS
    named = scholarly.crossref_url.replace("127.0.0.1", "localhost")
    with pytest.raises(ScholarlyError) as caught:
        CrossrefClient(named, http=guarded).work("10.1234/a")
    assert caught.value.kind is ScholarlyErrorKind.BLOCKED_ADDRESS
    assert scholarly.count() == 0


def test_an_allowed_network_is_trusted(scholarly: ScholarlyServer, options: HttpOptions):
    trusted = Http(replace(options, allow_private=False, allowed_networks=("127.0.0.0/8",)))
    assert CrossrefClient(scholarly.crossref_url, http=trusted).work("10.1234/a") is None


def test_the_clients_from_settings_follow_the_feeds_private_address_setting(scholarly: ScholarlyServer):
    _seed(scholarly)
    env = {
        "CLUBBOT_CROSSREF_URL": scholarly.crossref_url,
        "CLUBBOT_OPENALEX_URL": scholarly.openalex_url + "/",
        "CLUBBOT_OPENALEX_API_KEY": "key-2",
        "CLUBBOT_CONTACT_EMAIL": "team@example.org",
    }
    refused = clients_from_settings(load_settings(env, env_file=None))
    with pytest.raises(ScholarlyError) as caught:
        refused.crossref.work("10.1234/a")
    assert caught.value.kind is ScholarlyErrorKind.BLOCKED_ADDRESS

    allowed = clients_from_settings(load_settings({**env, "CLUBBOT_ALLOW_PRIVATE_FEEDS": "1"}, env_file=None), budget=5)
    assert allowed.crossref.work("10.1234/a") is not None
    assert allowed.openalex.authors([make_orcid(1)])
    assert allowed.budget.used == 2
    assert all("mailto:team@example.org" in r.headers["user-agent"] for r in scholarly.requests)
    assert scholarly.requests[-1].query["api_key"] == "key-2"


def test_a_base_url_that_is_not_http_is_refused():
    with pytest.raises(ScholarlyError) as caught:
        CrossrefClient("file:///etc")
    assert caught.value.kind is ScholarlyErrorKind.INVALID_URL
