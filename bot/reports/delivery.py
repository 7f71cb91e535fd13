"""Sending a report: its summary message and files go through the outbox (`enqueue`, `enqueue_file`), in
the same transaction as the `Report` row."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from bot.domain import Language
from bot.reports.types import StoredReport, Upload
from bot.slack.blocks import Message
from bot.slack.outbox import enqueue, enqueue_dm, enqueue_file
from bot.standing import club_leaders
from storage.models import Club


def report_ref(report: StoredReport) -> str:
    """The outbox reference of everything sent about a report."""
    return f"report:{report.period.key}:{report.scope}"


def uploads(report: StoredReport, *, kinds: tuple[str, ...], langs: tuple[str, ...]) -> list[Upload]:
    """The report's files of these kinds in these languages, languages first."""
    chosen = []
    for lang in langs:
        for kind in kinds:
            for file in report.files:
                if file.kind == kind and file.lang == lang and file.file_id is not None:
                    chosen.append(
                        Upload(
                            file_id=file.file_id,
                            filename=Path(file.path).name,
                            title=file.title(report.period, report.club_name or ""),
                        )
                    )
    return chosen


def enqueue_delivery(
    session: Session,
    report: StoredReport,
    *,
    channel: str,
    dm: bool,
    summary: Message,
    files: list[Upload],
    key: str | None,
) -> int:
    """The summary message, then each file, through the outbox (deduplicated by `key` when given)."""
    ref = report_ref(report)
    post = enqueue_dm if dm else enqueue
    post(session, channel, summary, ref=ref, dedupe_key=f"{key}:summary" if key else None)
    for upload in files:
        enqueue_file(
            session,
            channel,
            file_id=upload.file_id,
            filename=upload.filename,
            title=upload.title,
            dm=dm,
            ref=ref,
            dedupe_key=f"{key}:{upload.filename}" if key else None,
        )
    return 1 + len(files)


def enqueue_files_dm(session: Session, user_id: str, report: StoredReport, files: list[Upload]) -> None:
    """Files only, privately to one person (a report asked for with `/club report`)."""
    for upload in files:
        enqueue_file(
            session,
            user_id,
            file_id=upload.file_id,
            filename=upload.filename,
            title=upload.title,
            dm=True,
            ref=report_ref(report),
        )


def club_leader_ids(session: Session, club_id: int) -> list[tuple[str, Language]]:
    """Each leader's Slack user and stored language (the club's when they have none)."""
    club = session.get(Club, club_id)
    default = club.language if club else "ko"
    return [
        (str(p.slack_user_id), Language(p.language if p.language in ("ko", "en") else default))
        for p in club_leaders(session, club_id)
    ]
