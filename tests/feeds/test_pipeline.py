"""Fetching and parsing together: bodies parsed in worker processes as they arrive read exactly as parsed here."""

from __future__ import annotations

from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

from bot.digests.feeds.errors import FeedErrorKind
from bot.digests.feeds.fetch import fetch_one
from bot.digests.feeds.pipeline import MIN_BATCH_FOR_WORKERS, ParsePool, fetch_and_parse
from bot.digests.feeds.types import FetchRequest
from tests.feeds.server import SAMPLES


def _requests(feed_server):
    samples = [f"/samples/{p.name}" for p in sorted(SAMPLES.iterdir()) if p.suffix in {".xml", ".json"}]
    paths = [*samples, "/html", "/status/404", "/binary", "/gzip/pet_atom.xml"]
    requests = [FetchRequest(feed_server.url(p)) for p in paths]
    assert len(requests) >= MIN_BATCH_FOR_WORKERS  # large enough to use the workers
    return requests


def test_worker_processes_read_every_feed_as_this_process_would(feed_server, options):
    requests = _requests(feed_server)
    here = fetch_and_parse(requests, options, workers=0)
    workers = fetch_and_parse(requests, options, workers=2)
    assert [f.result.url for f in workers] == [r.url for r in requests]  # one per request, in order
    assert [(f.feed, f.error, f.alternates) for f in workers] == [(f.feed, f.error, f.alternates) for f in here]
    assert all(f.result.body == b"" for f in workers)  # bodies are not kept once read
    by_path = {f.result.url.split(str(feed_server.port), 1)[1]: f for f in workers}
    assert by_path["/samples/pet_atom.xml"].feed.title == "Pet Secret Shopper"
    assert by_path["/gzip/pet_atom.xml"].feed == by_path["/samples/pet_atom.xml"].feed
    assert by_path["/html"].alternates == (feed_server.url("/samples/pet_atom.xml"),)
    assert by_path["/status/404"].error.status == 404
    assert by_path["/binary"].error.kind is FeedErrorKind.NOT_A_FEED


def test_a_conditional_request_answered_304_reads_as_not_modified(feed_server, options):
    url = feed_server.url("/samples/SamRuby.xml")
    etag = fetch_one(url, options).etag
    (fetched,) = fetch_and_parse([FetchRequest(url, etag=etag)], options)
    assert fetched.not_modified and fetched.feed is None and fetched.error is None


def test_a_body_whose_worker_died_is_parsed_in_this_process(feed_server, options):
    result = fetch_one(feed_server.url("/samples/pet_atom.xml"), options)
    died: Future = Future()
    died.set_exception(BrokenProcessPool("worker killed"))
    fetched = ParsePool.finish(result, died)
    assert fetched.feed is not None and fetched.feed.title == "Pet Secret Shopper"
