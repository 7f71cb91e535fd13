"""Report files reach Slack exactly once through the outbox, even when the answer to the sharing call is lost."""

from __future__ import annotations

import time

from sqlalchemy import select

from bot.domain import OutboxStatus
from bot.slack import outbox
from bot.standin import FaultPlan
from storage import files
from storage.models import OutboxMessage
from tests.support import deliver_all as deliver


def write_file(world, name: str, data: bytes) -> int:
    """A file stored in the database (as a report's files are), as the outbox reads it."""
    with world.db.session() as session:
        return files.save_file(session, data, name=name, kind="docx", lang="ko", period="test", scope="program").id


def shared_files(world, channel: str) -> list[tuple[str, bytes]]:
    files = [f for f in world.standin.files(channel) if f.completed]
    return [(f.title, f.data) for f in files]


def test_a_file_is_uploaded_and_shared_in_the_channel(slack):
    path = write_file(slack, "a.docx", b"report bytes")
    with slack.db.session() as session:
        row_id = outbox.enqueue_file(
            session, slack.secretariat, file_id=path, filename="report-2026Q4-ko.docx", title="2026년 4분기 보고서"
        ).id
    deliver(slack)
    assert shared_files(slack, slack.secretariat) == [("2026년 4분기 보고서", b"report bytes")]
    with slack.db.session() as session:
        row = session.get(OutboxMessage, row_id)
        assert row.status is OutboxStatus.SENT and row.ts == row.payload["file_id"]


def test_a_file_whose_sharing_answer_was_lost_is_found_in_history_not_uploaded_twice(slack):
    path = write_file(slack, "b.xlsx", b"workbook")
    with slack.db.session() as session:
        outbox.enqueue_file(session, slack.secretariat, file_id=path, filename="b.xlsx", title="Workbook")
    slack.standin.inject(FaultPlan(kind="drop_after", rate=1.0, methods={"files.completeUploadExternal"}, count=1))
    report = slack.runtime.outbox.dispatcher.dispatch_due()
    assert report.recovered == 1 and report.sent == 0
    assert shared_files(slack, slack.secretariat) == [("Workbook", b"workbook")]
    assert len(slack.standin.calls_to("files.getUploadURLExternal")) == 1  # never uploaded a second time
    with slack.db.session() as session:
        [row] = session.scalars(select(OutboxMessage)).all()
        assert row.status is OutboxStatus.SENT


def test_a_file_whose_sharing_never_happened_is_uploaded_again(slack):
    path = write_file(slack, "c.docx", b"again")
    with slack.db.session() as session:
        outbox.enqueue_file(session, slack.secretariat, file_id=path, filename="c.docx", title="Again")
    slack.standin.inject(FaultPlan(kind="drop_before", rate=1.0, methods={"files.completeUploadExternal"}, count=1))
    deliver(slack)
    assert shared_files(slack, slack.secretariat) == [("Again", b"again")]  # once
    assert len(slack.standin.calls_to("files.getUploadURLExternal")) == 2


def test_a_file_sent_to_a_person_goes_to_their_direct_messages(slack):
    kim = slack.person("kim")
    path = write_file(slack, "d.docx", b"club report")
    with slack.db.session() as session:
        outbox.enqueue_file(session, kim, file_id=path, filename="d.docx", title="Club report", dm=True)
    deliver(slack)
    assert shared_files(slack, slack.standin.dm_channel(kim)) == [("Club report", b"club report")]


def test_a_missing_file_is_retried_then_given_up_and_reported(slack):
    with slack.db.session() as session:
        row_id = outbox.enqueue_file(session, slack.secretariat, file_id=999999, filename="none.docx",
                                     title="Missing").id  # fmt: skip
    dispatcher = slack.runtime.outbox.dispatcher
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        dispatcher.dispatch_due()
        with slack.db.session() as session:
            if session.get(OutboxMessage, row_id).status is OutboxStatus.DEAD:
                break
        time.sleep(0.05)
    with slack.db.session() as session:
        row = session.get(OutboxMessage, row_id)
        assert row.status is OutboxStatus.DEAD and row.last_error.startswith("file_unreadable")
    assert not slack.standin.calls_to("files.getUploadURLExternal")
