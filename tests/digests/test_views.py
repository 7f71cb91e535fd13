"""The digest's Block Kit: Slack's limits hold whatever the feeds contain, and texts are escaped exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.digests.feeds.text import slack_escape
from bot.digests.types import DigestSchedule, DraftItem, FeedView
from bot.digests.views import digest_post, feed_list
from bot.domain import FeedStatus, FieldKey, Language
from bot.slack.text import render_message
from bot.standin.blockkit import MAX_MESSAGE_BLOCKS, validate_blocks

NOW = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)


def schedule(language: Language = Language.KO) -> DigestSchedule:
    return DigestSchedule(1, "Quantum <Hardware> & Co", "C1", language, FieldKey.QUANTUM, "Asia/Seoul", 0, 9, 0, 20)


def item(n: int, *, sharer: str | None = None, url_length: int = 40, summary: str = "A short summary") -> DraftItem:
    return DraftItem(
        title=slack_escape(f"Result {n}: qubits & <ions>"),
        url="https://journal.example/" + "p" * url_length + f"/{n}",
        source=slack_escape("Journal & Letters") if sharer is None else None,
        date=NOW - timedelta(days=1),
        summary=slack_escape(summary),
        sharer=slack_escape(sharer) if sharer else None,
        score=1.0,
        reasons=(),
    )


def test_a_full_digest_of_long_items_stays_within_slacks_limits():
    items = [item(n, url_length=1900, summary="& " * 120) for n in range(20)]
    message = digest_post(schedule(), items, NOW)
    assert validate_blocks(message.blocks, max_blocks=MAX_MESSAGE_BLOCKS) == []
    assert all(len(b["text"]["text"]) <= 3000 for b in message.blocks if b["type"] == "section")
    assert sum(1 for b in message.blocks if b["type"] == "section") == 20  # every item is there


def test_texts_from_the_draft_are_not_escaped_twice():
    message = digest_post(schedule(), [item(1)], NOW)
    raw = str(message.blocks)
    assert "qubits &amp; &lt;ions&gt;" in raw and "&amp;amp;" not in raw
    readable = render_message(message.text, message.blocks)
    assert "Result 1: qubits & <ions>" in readable and "Journal & Letters" in readable
    assert "Quantum <Hardware> & Co 이번 주 소식" in readable  # the header is plain text, the club's language


def test_shared_items_come_first_with_the_sharers_name_then_a_divider():
    items = [item(1, sharer="김지우"), item(2, sharer="Alice"), item(3), item(4)]
    message = digest_post(schedule(Language.EN), items, NOW)
    kinds = [b["type"] for b in message.blocks]
    assert kinds == ["header", "context", "section", "section", "divider", "section", "section", "context"]
    readable = render_message(message.text, message.blocks)
    assert "shared by 김지우" in readable and "shared by Alice" in readable
    assert readable.index("shared by Alice") < readable.index("Journal & Letters")
    assert "4 new items for Quantum · Nov 23, 2026" in readable


def test_a_long_feed_list_stays_within_slacks_limits():
    feeds = [
        FeedView(
            feed_id=n,
            url=f"https://feeds.example/{n}",
            title=f"Feed {n} & more",
            status=FeedStatus.UNHEALTHY,
            is_catalog=n % 2 == 0,
            keywords="ion, qubit",
            last_success_at=NOW - timedelta(days=2),
            consecutive_failures=7,
            error=None,
            problem="x" * 500,
            last_fetched_at=NOW - timedelta(hours=1),
            failing_since=NOW - timedelta(days=1),
        )
        for n in range(60)
    ]
    message = feed_list(Language.EN, "Quantum", feeds, schedule().tz, NOW)
    assert validate_blocks(message.blocks, max_blocks=MAX_MESSAGE_BLOCKS) == []
    assert "…and 20 more feeds." in render_message(message.text, message.blocks)
