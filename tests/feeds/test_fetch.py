"""Fetching over real HTTP on loopback: every documented ending, and one bad feed never stops the others."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import httpcore
import pytest

from bot import net
from bot.digests.feeds import fetch as fetch_module
from bot.digests.feeds.addresses import AddressPolicy, is_public_address
from bot.digests.feeds.errors import FeedErrorKind
from bot.digests.feeds.fetch import fetch_many, fetch_one
from bot.digests.feeds.types import USER_AGENT, FetchOptions, FetchRequest
from tests.feeds.server import SAMPLES


def test_a_feed_is_fetched_with_its_validators_and_a_descriptive_user_agent(feed_server, options):
    result = fetch_one(feed_server.url("/samples/pet_atom.xml"), options)
    assert result.ok and result.status == 200
    assert result.body == (SAMPLES / "pet_atom.xml").read_bytes()
    assert result.etag and result.last_modified and result.content_type.startswith("application/atom+xml")
    assert not result.not_modified and not result.permanent_redirect
    _, headers = feed_server.requests[-1]
    assert headers["user-agent"] == USER_AGENT and "clubbot" in USER_AGENT and "X-Lab" in USER_AGENT
    assert "application/rss+xml" in headers["accept"]


def test_conditional_request_with_the_stored_etag_costs_a_304(feed_server, options):
    first = fetch_one(feed_server.url("/samples/SamRuby.xml"), options)
    second = fetch_one(feed_server.url("/samples/SamRuby.xml"), options, etag=first.etag)
    assert second.ok and second.not_modified and second.status == 304 and second.body == b""
    assert second.etag == first.etag
    assert feed_server.conditional_requests("/samples/SamRuby.xml") == 1


def test_conditional_request_with_last_modified_only(feed_server, options):
    first = fetch_one(feed_server.url("/samples/TypePadNews.xml"), options)
    second = fetch_one(feed_server.url("/samples/TypePadNews.xml"), options, last_modified=first.last_modified)
    assert second.not_modified
    _, headers = feed_server.requests[-1]
    assert headers["if-modified-since"] == first.last_modified and "if-none-match" not in headers


@pytest.mark.parametrize(
    ("code", "permanent"),
    [(301, True), (308, True), (302, False), (307, False)],
)
def test_redirects_are_followed_and_only_permanent_ones_reported(feed_server, options, code, permanent):
    target = feed_server.url("/samples/HuffPostCanada.xml")
    result = fetch_one(feed_server.url(f"/redirect/{code}?to={target}"), options)
    assert result.ok and result.status == 200 and result.final_url == target and result.redirects == 1
    assert result.permanent_redirect is permanent
    assert result.permanent_url == (target if permanent else None)


def test_a_permanent_redirect_after_a_temporary_one_does_not_move_the_stored_url(feed_server, options):
    final = feed_server.url("/samples/HuffPostCanada.xml")
    middle = feed_server.url(f"/redirect/301?to={final}")
    result = fetch_one(feed_server.url(f"/redirect/302?to={middle}"), options)
    assert result.ok and result.redirects == 2 and result.permanent_url is None


def test_redirect_chain_within_and_over_the_limit(feed_server, options):
    within = fetch_one(feed_server.url("/chain/5"), options)
    assert within.ok and within.redirects == 5
    over = fetch_one(feed_server.url("/chain/6"), options)
    assert over.error is not None and over.error.kind is FeedErrorKind.TOO_MANY_REDIRECTS
    assert feed_server.hits["/samples/pet_atom.xml"] == 1  # the sixth hop was never followed


@pytest.mark.parametrize("code", [404, 410, 500, 503])
def test_http_errors_are_typed_with_their_status(feed_server, options, code):
    result = fetch_one(feed_server.url(f"/status/{code}"), options)
    assert result.error is not None and result.error.kind is FeedErrorKind.HTTP_STATUS
    assert result.error.status == code and result.status == code


def test_a_server_that_does_not_answer_in_time_is_a_timeout(feed_server, options):
    result = fetch_one(feed_server.url("/slow-headers?delay=10"), options)
    assert result.error is not None and result.error.kind is FeedErrorKind.TIMEOUT


def test_an_endless_slow_body_is_ended_by_the_overall_deadline(feed_server, options):
    # each byte arrives well within the read timeout, so only the per-fetch deadline can end it
    result = fetch_one(feed_server.url("/slow-body"), replace(options, read_timeout=2.0, deadline=1.5))
    assert result.error is not None and result.error.kind is FeedErrorKind.TIMEOUT


def test_an_oversized_body_is_cut_off(feed_server, options):
    result = fetch_one(feed_server.url("/huge?mb=50"), options)
    assert result.error is not None and result.error.kind is FeedErrorKind.TOO_LARGE and result.body == b""
    declared = fetch_one(feed_server.url("/huge-declared"), options)
    assert declared.error is not None and declared.error.kind is FeedErrorKind.TOO_LARGE


@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw-deflate"])
def test_compressed_bodies_are_decompressed(feed_server, options, coding):
    result = fetch_one(feed_server.url(f"/{coding}/SamRuby.xml"), options)
    assert result.ok and result.body == (SAMPLES / "SamRuby.xml").read_bytes()
    _, headers = feed_server.requests[-1]
    assert headers["accept-encoding"] == "gzip, deflate"  # only what the bot decodes itself


def test_a_gzip_bomb_is_refused_without_ever_holding_its_expansion(feed_server, options):
    import tracemalloc

    from tests.feeds.server import gzip_bomb

    gzip_bomb()  # the server's copy, built before memory is traced (tracing slows the building past the deadline)
    tracemalloc.start()
    try:
        result = fetch_one(feed_server.url("/gzip-bomb"), options)  # 200 KB that would become 200 MB
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.error is not None and result.error.kind is FeedErrorKind.TOO_LARGE
    assert peak < 4 * options.max_bytes  # bounded by the 5 MB cap, not by what the bytes expand to


def test_a_single_compressed_chunk_is_inflated_only_up_to_the_cap():
    from tests.feeds.server import gzip_bomb

    decoder = fetch_module._BoundedDecoder("gzip", limit=1024 * 1024)
    with pytest.raises(fetch_module._Failure) as caught:
        decoder.decode(gzip_bomb(8))  # one chunk, 8 MB once inflated
    assert caught.value.error.kind is FeedErrorKind.TOO_LARGE
    assert decoder.size == 1024 * 1024 + 1  # it stopped one byte past the cap


def test_an_unsupported_content_encoding_is_refused_with_its_reason(feed_server, options):
    result = fetch_one(feed_server.url("/brotli"), options)
    assert result.error is not None and result.error.kind is FeedErrorKind.UNSUPPORTED_ENCODING


@pytest.mark.parametrize("code", [429, 503])
def test_retry_after_is_reported_on_429_and_503(feed_server, options, code):
    result = fetch_one(feed_server.url(f"/retry/{code}?after=120"), options)
    assert result.error.status == code and result.retry_after == 120.0


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("Mon, 23 Nov 2026 00:10:00 GMT", 600.0),
        ("Sun, 22 Nov 2026 23:00:00 GMT", 0.0),  # a date in the past: ask again now
        ("99999999", net.MAX_RETRY_AFTER),  # capped
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_header_values(header, seconds):
    from datetime import UTC, datetime

    now = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    assert net.retry_after_seconds(header, now) == seconds


def test_a_binary_content_type_is_not_a_feed(feed_server, options):
    result = fetch_one(feed_server.url("/image"), options)
    assert result.error is not None and result.error.kind is FeedErrorKind.NOT_A_FEED


def test_only_http_and_https_are_fetched(options):
    for url in ("ftp://example.org/feed", "file:///etc/passwd", "gopher://x/", "not a url"):
        result = fetch_one(url, options)
        assert result.error is not None and result.error.kind is FeedErrorKind.INVALID_URL, url


def test_connection_refused_is_a_connection_failure(options):
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = fetch_one(f"http://127.0.0.1:{port}/feed", options)
    assert result.error is not None and result.error.kind is FeedErrorKind.CONNECTION_FAILED


# --- SSRF ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("127.0.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),  # noqa: S104 - a string to classify, not a bind
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("fec0::1", False),
        ("ff02::1", False),
        ("::ffff:10.0.0.1", False),  # IPv4-mapped
        ("::ffff:127.0.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("2002:0a00:0001::1", False),  # 6to4 around 10.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 around 169.254.169.254
    ],
)
def test_address_classification(address, public):
    assert is_public_address(ipaddress.ip_address(address)) is public


def test_allowed_networks_trust_only_what_they_name():
    policy = AddressPolicy.from_options(FetchOptions(allowed_networks=("127.0.0.1/32",)))
    assert policy.allows(ipaddress.ip_address("127.0.0.1"))
    assert not policy.allows(ipaddress.ip_address("127.0.0.2"))
    assert not policy.allows(ipaddress.ip_address("10.0.0.1"))
    assert AddressPolicy(allow_private=True).allows(ipaddress.ip_address("10.0.0.1"))


@pytest.fixture
def connections(monkeypatch):
    """Every address the fetcher really opens a TCP connection to."""
    opened: list[str] = []
    original = httpcore.AnyIOBackend.connect_tcp

    async def spy(self, host, port, *args, **kwargs):
        opened.append(host)
        return await original(self, host, port, *args, **kwargs)

    monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", spy)
    return opened


@pytest.mark.parametrize(
    "target", ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::ffff:10.0.0.1]/"]
)
def test_private_addresses_are_refused_before_connecting(connections, target):
    result = fetch_one(target, FetchOptions(allow_private=False))
    assert result.error is not None and result.error.kind is FeedErrorKind.BLOCKED_ADDRESS
    assert connections == []


def test_loopback_host_names_are_refused_after_resolution(feed_server, connections):
    result = fetch_one(feed_server.url("/samples/pet_atom.xml", host="localhost"), FetchOptions())
    assert result.error is not None and result.error.kind is FeedErrorKind.BLOCKED_ADDRESS
    assert connections == [] and feed_server.hits["/samples/pet_atom.xml"] == 0


@pytest.mark.parametrize("target", ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/"])
def test_a_redirect_to_a_private_address_is_refused_on_that_hop(feed_server, connections, target):
    trusted_loopback = FetchOptions(allow_private=False, allowed_networks=("127.0.0.1/32",))
    result = fetch_one(feed_server.url(f"/redirect/302?to={target}"), trusted_loopback)
    assert result.error is not None and result.error.kind is FeedErrorKind.BLOCKED_ADDRESS
    assert result.redirects == 1
    assert connections == ["127.0.0.1"]  # the first hop only; nothing was sent towards the private address


def test_the_connection_goes_to_the_address_that_was_checked(feed_server, connections, monkeypatch):
    """DNS rebinding: the name is resolved once, checked, and the socket opened to that very address."""
    answers = iter(["127.0.0.1", "10.0.0.1"])  # a rebinding resolver would answer differently the second time
    resolved: list[str] = []

    async def rebinding_resolve(self, host, port, timeout):
        address = next(answers)
        resolved.append(address)
        return [ipaddress.ip_address(address)]

    monkeypatch.setattr(net.GuardedBackend, "resolve", rebinding_resolve)
    result = fetch_one(
        feed_server.url("/samples/pet_atom.xml", host="feeds.example.test"),
        FetchOptions(allowed_networks=("127.0.0.1/32",)),
    )
    assert result.ok
    assert resolved == ["127.0.0.1"] and connections == ["127.0.0.1"]
    _, headers = feed_server.requests[-1]
    assert headers["host"] == f"feeds.example.test:{feed_server.port}"  # still the name, for virtual hosting


# --- many at once -----------------------------------------------------------------------------------------


def test_one_bad_feed_never_stops_the_others(feed_server, options):
    good = ["/samples/" + p.name for p in sorted(SAMPLES.iterdir()) if p.suffix in {".xml", ".json"}]
    bad = {
        "/status/404": FeedErrorKind.HTTP_STATUS,
        "/status/410": FeedErrorKind.HTTP_STATUS,
        "/status/500": FeedErrorKind.HTTP_STATUS,
        "/slow-headers?delay=10": FeedErrorKind.TIMEOUT,
        "/slow-body": FeedErrorKind.TIMEOUT,
        "/huge?mb=50": FeedErrorKind.TOO_LARGE,
        "/chain/9": FeedErrorKind.TOO_MANY_REDIRECTS,
        "/image": FeedErrorKind.NOT_A_FEED,
    }
    urls = [feed_server.url(p) for p in good] + [feed_server.url(p) for p in bad]
    urls.append("ftp://example.org/feed")
    results = fetch_many([FetchRequest(u) for u in urls], replace(options, per_host=4))
    assert [r.url for r in results] == urls  # one result per request, in order
    for path, result in zip(good, results, strict=False):
        assert result.ok and result.body == (SAMPLES / path.rsplit("/", 1)[1]).read_bytes(), path
    for (path, kind), result in zip(bad.items(), results[len(good) :], strict=False):
        assert result.error is not None and result.error.kind is kind, path
    assert results[-1].error is not None and results[-1].error.kind is FeedErrorKind.INVALID_URL


def test_fetch_many_works_from_inside_a_running_event_loop(feed_server, options):
    import asyncio

    async def caller():
        return fetch_many([FetchRequest(feed_server.url("/samples/pet_atom.xml"))], options)

    (result,) = asyncio.run(caller())
    assert result.ok


def test_per_host_limit_caps_simultaneous_requests(feed_server, options, monkeypatch):
    import asyncio

    active: dict[str, int] = {"*": 0}
    peak: dict[str, int] = {}
    original = fetch_module._Limiter.slot

    def counting_slot(self, host):
        context = original(self, host)

        class Counted:
            async def __aenter__(self_inner):
                await context.__aenter__()
                for name in (host, "*"):
                    active[name] = active.get(name, 0) + 1
                    peak[name] = max(peak.get(name, 0), active[name])
                await asyncio.sleep(0.01)

            async def __aexit__(self_inner, *exc):
                active[host] -= 1
                active["*"] -= 1
                return await context.__aexit__(*exc)

        return Counted()

    monkeypatch.setattr(fetch_module._Limiter, "slot", counting_slot)
    urls = [feed_server.url("/samples/pet_atom.xml", host=host) for host in ("127.0.0.1", "localhost")] * 6
    results = fetch_many([FetchRequest(u) for u in urls], replace(options, per_host=2, total=3))
    assert all(r.ok for r in results)
    assert peak["127.0.0.1"] <= 2 and peak["localhost"] <= 2 and peak["*"] <= 3
    assert max(peak["127.0.0.1"], peak["localhost"]) == 2
