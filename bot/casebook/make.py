"""Building the year's casebook: each edition (Korean, English) as DOCX, and PDF through LibreOffice when it is
installed, stored in the database like the reports' files (a `Report` of the year with scope `casebook`), and
sent to the secretariat's channel through the outbox on request.

    2026/casebook/casebook-2026-ko.docx   (and -en.docx, .pdf)

Building makes the consent answers final: a person's answer cannot change after the build (`consents.answer`).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.casebook.document import casebook_docx
from bot.casebook.gather import gather
from bot.casebook.types import CASEBOOK_SCOPE, Casebook, year_period
from bot.domain import Language
from bot.i18n import t
from bot.reports.build import LANGUAGES, FileSink, pdf_editions
from bot.reports.delivery import enqueue_delivery, uploads
from bot.reports.settings import ReportSettings
from bot.reports.store import DatabaseSink, record_report
from bot.reports.types import BuiltFile, BuiltReport, StoredReport
from bot.slack.blocks import Message


def file_path(year: int, lang: str, kind: str) -> str:
    return f"{year}/casebook/casebook-{year}-{lang}.{kind}"


def build_files(
    casebook: Casebook, sink: FileSink, *, langs: tuple[Language, ...] = LANGUAGES, pdf: bool = True
) -> tuple[BuiltFile, ...]:
    """Each edition handed to `sink` as soon as it is made."""
    made = []
    for lang in langs:
        data = casebook_docx(casebook, lang)
        path = file_path(casebook.year, lang.value, "docx")
        made.append(
            (
                BuiltFile(
                    "docx", lang.value, path, "cases.file.docx", sink.put(path, data, kind="docx", lang=lang.value)
                ),
                data,
            )
        )
    files = [file for file, _ in made]
    if pdf:
        files += pdf_editions(sink, made, "cases.file.pdf")
    return tuple(files)


def summary(casebook: Casebook) -> dict[str, object]:
    return {"year": casebook.year, "chapters": len(casebook.chapters), "clubs": len(casebook.appendix)}


def build_and_store(
    session: Session, year: int, tz: ZoneInfo, settings: ReportSettings, *, now: datetime, pdf: bool = True
) -> tuple[Casebook, StoredReport]:
    """Build the year's casebook from the record and store it (replacing an earlier build)."""
    casebook = gather(session, year, tz, settings, now=now)
    period = year_period(year)
    sink = DatabaseSink(session, period=period.key, scope=CASEBOOK_SCOPE, club_id=None)
    files = build_files(casebook, sink, pdf=pdf)
    built = BuiltReport(period, CASEBOOK_SCOPE, None, None, files, summary(casebook))
    return casebook, record_report(session, built, now)


def send_to_secretariat(session: Session, report: StoredReport, channel: str, lang: Language) -> int:
    """The casebook's files to the secretariat's channel, through the outbox (sent again on a new build)."""
    year = report.period.first.year
    chapters = int(report.summary.get("chapters") or 0)
    message = Message(text=t(lang, "cases.built.message", count=chapters, year=year))
    files = uploads(report, kinds=("pdf", "docx"), langs=tuple(code.value for code in LANGUAGES))
    return enqueue_delivery(
        session,
        report,
        channel=channel,
        dm=False,
        summary=message,
        files=files,
        key=f"casebook:{year}:{report.built_at:%Y%m%dT%H%M%S}" if report.built_at else None,
    )
