"""Building a report's files in a folder: figures once, then each edition (Korean, English) in each format.

    <reports folder>/<period>/program/report-2026Q4-program-ko.docx   (and -en.docx, .xlsx, charts .png)
    <reports folder>/<period>/quantum-hardware-club-12/report-2026Q4-quantum-hardware-club-12-ko.docx

`build_program` and `build_club` return a `BuiltReport`: the files (relative to the reports folder, with
the title a person sees in Slack) and a JSON-able summary of the key figures for the Slack message.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from anyascii import anyascii

from bot.domain import Language
from bot.reports import charts, docx_club, docx_program, xlsx
from bot.reports.figures import program_figures
from bot.reports.results import ProgramFigures
from bot.reports.rows import Dataset
from bot.reports.settings import ReportSettings
from bot.reports.types import BuiltFile, BuiltReport

log = logging.getLogger(__name__)
LANGUAGES: tuple[Language, ...] = (Language.KO, Language.EN)


def scope_folder(scope: str) -> str:
    return scope.replace(":", "-")


def file_name_part(name: str, club_id: int) -> str:
    """A club's name as a folder or file name safe on every file system: romanised (`anyascii`), lower-case
    letters, digits and hyphens, at most 60 characters, with the club's ID so two names never collide
    (`quantum-hardware-club-1`, `yangja-keompyuting-3`)."""
    slug = re.sub(r"[^a-z0-9]+", "-", anyascii(name).lower()).strip("-")[:60].strip("-")
    return f"{slug}-{club_id}" if slug else f"club-{club_id}"


def build_program(
    dataset: Dataset,
    settings: ReportSettings,
    reports_dir: Path,
    *,
    built_at: datetime,
    langs: Sequence[Language] = LANGUAGES,
    workbook_lang: Language | None = None,
    pdf: bool = False,
) -> BuiltReport:
    """The program's report: a Word document and charts per language, and one workbook (its data, for the
    secretariat's analysis) in `workbook_lang` (default: the first language)."""
    dataset = as_of(dataset, built_at)
    program = program_figures(dataset, settings)
    workbook_lang = workbook_lang if workbook_lang in langs else langs[0]
    stem = f"report-{dataset.period.key}-program"
    folder = Path(dataset.period.key) / "program"
    (reports_dir / folder).mkdir(parents=True, exist_ok=True)
    files: list[BuiltFile] = []

    def write(name: str, data: bytes, kind: str, lang: Language, title_key: str) -> None:
        (reports_dir / folder / name).write_bytes(data)
        files.append(BuiltFile(kind, lang.value, (folder / name).as_posix(), title_key))

    for lang in langs:
        images = charts.program_charts(program, lang)
        write(
            f"{stem}-{lang}.docx",
            docx_program.program_document(program, dataset, settings, lang, images, built_at),
            "docx",
            lang,
            "reports.file.program_docx",
        )
        if lang == workbook_lang:
            write(f"{stem}-{lang}.xlsx", xlsx.write_workbook(program, dataset, lang), "xlsx", lang, "reports.file.xlsx")
        for key, png in images.items():
            write(f"{stem}-{key}-{lang}.png", png, "png", lang, f"reports.file.chart.{key}")
    if pdf:
        files += _pdfs(reports_dir, folder, [f for f in files if f.kind == "docx"])
    return BuiltReport(dataset.period, "program", None, None, tuple(files), program_summary(program))


def build_club(
    dataset: Dataset,
    settings: ReportSettings,
    club_id: int,
    reports_dir: Path,
    *,
    built_at: datetime,
    langs: Sequence[Language] = LANGUAGES,
) -> BuiltReport:
    """One club's own report (the dataset may hold only that club)."""
    dataset = as_of(dataset, built_at)
    program = program_figures(dataset, settings)
    club = next(c for c in program.clubs if c.club.id == club_id)
    scope = f"club:{club_id}"
    part = file_name_part(club.club.name, club_id)
    stem = f"report-{dataset.period.key}-{part}"
    folder = Path(dataset.period.key) / part
    (reports_dir / folder).mkdir(parents=True, exist_ok=True)
    files = []
    for lang in langs:
        images = (
            {"engagement": charts.engagement_chart(club, program.period, program.previous, lang)}
            if charts.engagement_worth_drawing(club)
            else {}
        )
        name = f"{stem}-{lang}.docx"
        (reports_dir / folder / name).write_bytes(
            docx_club.club_document(club, program, dataset, lang, images, built_at)
        )
        files.append(BuiltFile("docx", lang.value, (folder / name).as_posix(), "reports.file.club_docx"))
        if "engagement" in images:
            png = f"{stem}-engagement-{lang}.png"
            (reports_dir / folder / png).write_bytes(images["engagement"])
            files.append(BuiltFile("png", lang.value, (folder / png).as_posix(), "reports.file.chart.engagement"))
    summary = {
        "club": club.club.name,
        "score": round(club.score.total, 2),
        "members": club.member_count,
        "updates": club.updates,
        "meetings": len(club.meetings),
        "outputs_new": club.outputs_new,
        "outputs_achieved": club.outputs_achieved,
        "active_members": club.engagement.active_members,
        "share_active": round(club.engagement.share_active, 4),
        "messages": club.engagement.messages,
        "answered": club.answered,
    }
    return BuiltReport(dataset.period, scope, club_id, club.club.name, tuple(files), summary)


def as_of(dataset: Dataset, built_at: datetime) -> Dataset:
    """The dataset, marked with the day the report is built when that is before the period's end."""
    day = built_at.astimezone(dataset.tz).date()
    return replace(dataset, as_of=day) if day <= dataset.period.last else dataset


def program_summary(program: ProgramFigures) -> dict[str, Any]:
    n = program.totals
    return {
        "clubs": n.clubs,
        "members": n.members,
        "joined": n.joined,
        "left": n.left,
        "updates": n.updates,
        "meetings": n.meetings,
        "outputs_new": n.outputs_new,
        "outputs_achieved": n.outputs_achieved,
        "active_members": n.active_members,
        "previous_active_members": n.previous_active_members,
        "share_active": round(n.share_active, 4),
        "messages": n.messages,
        "previous_messages": n.previous_messages,
        "satisfaction": None if n.satisfaction is None else round(n.satisfaction, 2),
        "answered": n.answered,
        "outstanding": [[c.club.name, round(c.score.total, 1)] for c in program.outstanding],
        "casebook": len(program.casebook),
        "inactive": len(program.inactive),
        "not_answered": len(program.not_answered),
    }


def _pdfs(reports_dir: Path, folder: Path, documents: Sequence[BuiltFile]) -> list[BuiltFile]:
    """PDFs of the Word documents with LibreOffice (`soffice --headless`), when it is installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        log.warning("no LibreOffice (soffice) on this machine: no PDF made")
        return []
    made = []
    with tempfile.TemporaryDirectory() as profile:
        for document in documents:
            source = reports_dir / document.path
            subprocess.run(  # noqa: S603 - fixed program, our own file names
                [
                    soffice,
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(source.parent),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )
            pdf = Path(document.path).with_suffix(".pdf").as_posix()
            made.append(BuiltFile("pdf", document.lang, pdf, "reports.file.program_pdf"))
    return made
