"""Posts reach Slack exactly once, whatever Slack does in between: 429s, 500s, dropped connections."""

from __future__ import annotations

import time

from sqlalchemy import select

from bot.domain import OutboxStatus
from bot.slack import outbox
from bot.slack.blocks import Message
from bot.slack.outbox import EVENT_TYPE
from bot.standin import FaultPlan
from storage.models import OutboxMessage
from tests.support import deliver_all as dispatch_until_done


def enqueue_posts(world, channels: list[str], per_channel: int) -> list[int]:
    ids = []
    with world.db.session() as session:
        for channel in channels:
            for n in range(per_channel):
                ids.append(outbox.enqueue(session, channel, Message(text=f"post {channel} {n}")).id)
    return ids


def posted_outbox_ids(world, channel: str) -> list[int]:
    return [
        m.metadata["event_payload"]["outbox_id"]
        for m in world.standin.messages(channel)
        if m.metadata and m.metadata.get("event_type") == EVENT_TYPE
    ]


def test_every_post_arrives_exactly_once_through_429s_500s_and_dropped_connections(slack):
    people = [slack.person(f"p{i}") for i in range(3)]
    channels = [slack.channel(f"club-{i}", people) for i in range(4)]
    ids = enqueue_posts(slack, channels, per_channel=10)
    for kind in ("ratelimited", "server_error", "drop_before", "drop_after"):  # together, 30% of posts fail
        slack.standin.inject(FaultPlan(kind=kind, rate=0.075, methods={"chat.postMessage"}, retry_after=1))
    dispatch_until_done(slack)

    delivered = [i for channel in channels for i in posted_outbox_ids(slack, channel)]
    assert sorted(delivered) == sorted(ids)  # each post once: none lost, none twice
    failures = [c for c in slack.standin.calls_to("chat.postMessage") if not c.ok]
    assert failures, "the faults did happen"
    posted_ts = {
        m.metadata["event_payload"]["outbox_id"]: m.ts for channel in channels for m in slack.standin.messages(channel)
    }
    with slack.db.session() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert {r.status for r in rows} == {OutboxStatus.SENT}
        assert {r.id: r.ts for r in rows} == posted_ts  # each row knows the ts of its message


def test_a_post_whose_answer_was_lost_is_found_in_history_not_sent_again(slack):
    channel = slack.channel("club", [slack.person("kim")])
    [row_id] = enqueue_posts(slack, [channel], per_channel=1)
    slack.standin.inject(FaultPlan(kind="drop_after", rate=1.0, methods={"chat.postMessage"}, count=1))
    report = slack.runtime.outbox.dispatcher.dispatch_due()
    assert report.recovered == 1 and report.sent == 0
    assert posted_outbox_ids(slack, channel) == [row_id]
    assert len(slack.standin.calls_to("chat.postMessage")) == 1  # it was never posted a second time
    with slack.db.session() as session:
        row = session.get(OutboxMessage, row_id)
        assert row.status is OutboxStatus.SENT
        assert row.ts == slack.standin.messages(channel)[-1].ts


def test_a_post_left_sending_by_a_dead_process_is_resolved_from_history(slack):
    channel = slack.channel("club", [slack.person("kim")])
    first, second = enqueue_posts(slack, [channel], per_channel=2)
    dispatcher = slack.runtime.outbox.dispatcher
    # the process claimed both and died: the first had reached Slack, the second had not
    for row_id in (first, second):
        assert dispatcher._claim(row_id) is not None
    slack.runtime.slack.post_message(
        channel, text="post 0", metadata={"event_type": EVENT_TYPE, "event_payload": {"outbox_id": first}}
    )
    time.sleep(1.1)  # stale_after is 1 s in the test app
    dispatch_until_done(slack)
    assert sorted(posted_outbox_ids(slack, channel)) == [first, second]


def test_a_post_slack_keeps_refusing_is_given_up_listed_and_reported_to_the_secretariat(slack):
    # a refusal that may pass (unlike channel_not_found or msg_too_long, given up at once: test_slack_refusals)
    channel = slack.channel("club", [slack.person("kim")])
    slack.standin.inject(
        FaultPlan(kind="error", error="not_in_channel", methods={"chat.postMessage"}, match={"channel": channel})
    )
    with slack.db.session() as session:
        row_id = outbox.enqueue(session, channel, Message(text="lost")).id
    dispatcher = slack.runtime.outbox.dispatcher
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        dispatcher.dispatch_due()
        with slack.db.session() as session:
            if session.get(OutboxMessage, row_id).status is OutboxStatus.DEAD:
                break
        time.sleep(0.05)
    [dead] = [r for r in outbox.undelivered(slack.db) if r.id == row_id]
    assert dead.status == "dead" and dead.attempts == dispatcher.max_attempts
    assert dead.last_error == "not_in_channel"
    dispatcher.dispatch_due()  # sends the alert
    alerts = [m.text for m in slack.standin.messages(slack.secretariat)]
    assert any(f"{row_id}번 메시지" in text and "not_in_channel" in text for text in alerts)
    # the operator can give it another round
    assert outbox.retry_dead(slack.db, row_id)
    assert [r.status for r in outbox.undelivered(slack.db) if r.id == row_id] == ["pending"]


def test_a_posted_message_can_be_updated_and_pinned(slack):
    channel = slack.channel("club", [slack.person("kim")])
    with slack.db.session() as session:
        card = outbox.enqueue(session, channel, Message(text="v1"), pin=True, ref="output:1")
    slack.runtime.outbox.dispatcher.dispatch_due()
    with slack.db.session() as session:
        outbox.enqueue_update(session, session.get(OutboxMessage, card.id), Message(text="v2"))
    slack.runtime.outbox.dispatcher.dispatch_due()
    [message] = slack.standin.messages(channel)
    assert message.text == "v2"
    assert message.pinned


def test_direct_messages_go_to_the_persons_im(slack):
    kim = slack.person("kim")
    with slack.db.session() as session:
        outbox.enqueue_dm(session, kim, Message(text="reminder"))
    slack.runtime.outbox.dispatcher.dispatch_due()
    assert [m.text for m in slack.standin.messages(slack.standin.dm_channel(kim))] == ["reminder"]


def test_a_post_waiting_out_a_rate_limit_is_not_taken_for_stale_and_sent_twice(slack):
    import threading

    channel = slack.channel("club", [slack.person("kim")])
    [row_id] = enqueue_posts(slack, [channel], per_channel=1)
    # two 1-second Retry-After waits: longer than the test app's stale_after (1 s)
    slack.standin.inject(FaultPlan(kind="ratelimited", rate=1.0, methods={"chat.postMessage"}, count=2, retry_after=1))
    dispatcher = slack.runtime.outbox.dispatcher
    sender = threading.Thread(target=dispatcher.dispatch_due)
    sender.start()
    while sender.is_alive():  # meanwhile the same process keeps resolving stale claims
        dispatcher.dispatch_due()
        time.sleep(0.05)
    sender.join()
    dispatch_until_done(slack)
    assert posted_outbox_ids(slack, channel) == [row_id]


def enqueue_thread(world, channel: str, replies: int) -> tuple[int, list[int]]:
    with world.db.session() as session:
        head = outbox.enqueue_thread(
            session, channel, Message(text="summary"), [Message(text=f"line {n}") for n in range(replies)]
        )
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.id != head.id).order_by(OutboxMessage.id))
        return head.id, [r.id for r in rows]


def thread_of(world, channel: str) -> tuple[list[str], list[str]]:
    """(top-level texts, reply texts in the first post's thread, in order)."""
    messages = world.standin.messages(channel)
    top = [m for m in messages if not m.is_reply]
    replies = [m.text for m in messages if m.is_reply and top and m.thread_ts == top[0].ts]
    return [m.text for m in top], replies


def test_a_thread_goes_as_one_parent_and_its_replies_in_order_exactly_once_through_faults(slack):
    channel = slack.channel("club", [slack.person("kim")])
    head, replies = enqueue_thread(slack, channel, replies=8)
    for kind in ("ratelimited", "server_error", "drop_before", "drop_after"):
        slack.standin.inject(FaultPlan(kind=kind, rate=0.1, methods={"chat.postMessage"}, retry_after=1))
    dispatch_until_done(slack)
    top, in_thread = thread_of(slack, channel)
    assert top == ["summary"]
    assert in_thread == [f"line {n}" for n in range(8)]  # none lost, none twice, in order
    assert sorted(posted_outbox_ids(slack, channel)) == sorted([head, *replies])


def test_a_reply_waits_for_its_parent_and_a_lost_answer_is_found_in_the_thread(slack):
    channel = slack.channel("club", [slack.person("kim")])
    _, [first, second] = enqueue_thread(slack, channel, replies=2)
    dispatcher = slack.runtime.outbox.dispatcher
    dispatcher.dispatch([second, first])  # the replies alone, before their parent: neither may go
    assert slack.standin.messages(channel) == []
    slack.standin.inject(FaultPlan(kind="drop_after", rate=1.0, methods={"chat.postMessage"}, count=2))
    dispatch_until_done(slack)  # the parent's and the first reply's answers are lost: both found, not resent
    top, in_thread = thread_of(slack, channel)
    assert top == ["summary"] and in_thread == ["line 0", "line 1"]
    assert len([c for c in slack.standin.calls_to("chat.postMessage") if c.ok]) == 3
