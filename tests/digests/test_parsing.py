"""Parsing the digest subcommands: Slack's link escapes, keywords, numbers, and each error's key."""

from __future__ import annotations

import pytest

from bot.digests.parse import (
    AddFeedRequest,
    DigestNowRequest,
    DigestSettingsRequest,
    FeedsRequest,
    KeywordsRequest,
    RemoveFeedRequest,
    ShareRequest,
    web_url,
)
from bot.subcommands import CommandError, Link, Word, parse_command


@pytest.mark.parametrize(
    ("text", "request_"),
    [
        ("feeds", FeedsRequest()),
        ("피드", FeedsRequest()),
        ("feeds club:quantum-hw", FeedsRequest(club="quantum-hw")),
        ("feeds add <https://rss.arxiv.org/rss/quant-ph>", AddFeedRequest(url="https://rss.arxiv.org/rss/quant-ph")),
        ("feeds add <http://lab.example/rss|lab.example/rss>", AddFeedRequest(url="http://lab.example/rss")),
        ("feeds add lab.example/feed.xml", AddFeedRequest(url="https://lab.example/feed.xml")),
        (
            "feeds add <https://x.example/rss> keywords:trapped ion, 오류 정정",
            AddFeedRequest(url="https://x.example/rss", keywords="trapped ion, 오류 정정"),
        ),
        (
            'feeds add keywords:"error correction, ions" <https://x.example/rss>',
            AddFeedRequest(url="https://x.example/rss", keywords="error correction, ions"),
        ),
        ("피드 추가 <https://x.example/rss> 키워드:양자", AddFeedRequest(url="https://x.example/rss", keywords="양자")),
        ("feeds remove 3", RemoveFeedRequest(feed_id=3)),
        ("feeds remove #12", RemoveFeedRequest(feed_id=12)),
        ("피드 삭제 7", RemoveFeedRequest(feed_id=7)),
        ("keywords", KeywordsRequest()),
        ("keywords qubit; 양자 센서 / Qubit", KeywordsRequest(keywords=("qubit", "양자 센서"))),
        ("keywords clear", KeywordsRequest(keywords=(), clear=True)),
        ("키워드 지우기", KeywordsRequest(keywords=(), clear=True)),
        ("digest settings", DigestSettingsRequest()),
        ("다이제스트 설정", DigestSettingsRequest()),
        ("digest now", DigestNowRequest()),
        ("share <https://doi.org/10.1/x>", ShareRequest(url="https://doi.org/10.1/x")),
        (
            "공유 <https://doi.org/10.1/x> 다음 모임 때 같이 봐요",
            ShareRequest(url="https://doi.org/10.1/x", note="다음 모임 때 같이 봐요"),
        ),
    ],
)
def test_commands_parse_into_requests(text, request_):
    assert parse_command(text).request == request_


@pytest.mark.parametrize(
    ("text", "key", "usage"),
    [
        ("feeds add", "digests.error.url_missing", "feeds add"),
        ("feeds add ftp://lab.example/rss", "digests.error.url_invalid", "feeds add"),
        ("feeds add <https://x.example/rss> extra words", "digests.error.unexpected_text", "feeds add"),
        ("feeds remove", "digests.error.feed_id_missing", "feeds remove"),
        ("feeds remove three", "digests.error.feed_id_invalid", "feeds remove"),
        ("feeds remove 0", "digests.error.feed_id_invalid", "feeds remove"),
        ("feeds remove 3 4", "digests.error.feed_id_invalid", "feeds remove"),
        ("feeds everything", "digests.error.feeds_unexpected", "feeds"),
        ("keywords " + ", ".join(f"k{i}" for i in range(31)), "digests.error.too_many_keywords", "keywords"),
        ("keywords " + "x" * 61, "digests.error.keyword_too_long", "keywords"),
        ("digest now please", "digests.error.unexpected_text", "digest now"),
        ("digest settings weekly", "digests.error.unexpected_text", "digest settings"),
        ("share", "digests.error.share_url_missing", "share"),
        ("share just some words", "digests.error.url_invalid", "share"),
        ("share <https://x.example> " + "n" * 501, "digests.error.note_too_long", "share"),
    ],
)
def test_bad_commands_name_the_problem_and_the_form_to_show(text, key, usage):
    with pytest.raises(CommandError) as caught:
        parse_command(text)
    assert (caught.value.key, caught.value.usage) == (key, usage)


@pytest.mark.parametrize(
    ("token", "url"),
    [
        (Link("https://rss.arxiv.org/rss/quant-ph"), "https://rss.arxiv.org/rss/quant-ph"),
        (Link("http://127.0.0.1:8080/feed"), "http://127.0.0.1:8080/feed"),
        (Word("www.nature.com/nphys.rss"), "https://www.nature.com/nphys.rss"),
        (Word("example.org"), "https://example.org"),
        (Word("https://user:secret@example.org/feed"), None),  # no credentials in addresses
        (Word("mailto:kim@example.org"), None),
        (Word("javascript:alert(1)"), None),
        (Word("file:///etc/passwd"), None),
        (Word("qubits"), None),
        (Word("v1.2"), None),
        (Link("https://" + "a" * 2000 + ".example"), None),
    ],
)
def test_web_addresses_are_recognised(token, url):
    assert web_url(token) == url
