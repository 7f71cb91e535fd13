"""Building a report's files: figures once, then each edition (Korean, English) in each format, each file handed to
a `FileSink` as soon as it is made (the database's, `bot.reports.store.DatabaseSink`, or a folder's, `FolderSink`):

    <period>/program/report-2026Q4-program-ko.docx   (and -en.docx, .xlsx, charts .png)
    <period>/quantum-hardware-club-12/report-2026Q4-quantum-hardware-club-12-ko.docx

`build_program` and `build_club` return a `BuiltReport`: the files (their path names as above, the sink's id
of each, the title a person sees in Slack) and a JSON-able summary of the key figures for the Slack message.
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
from typing import Any, Protocol

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


class FileSink(Protocol):
    """Where built files go: `put` keeps one file's bytes and returns its id (None when it has none)."""

    def put(self, path: str, data: bytes, *, kind: str, lang: str) -> int | None: ...


class FolderSink:
    """Files written under a folder (`clubbot report --out DIR`, an export)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, path: str, data: bytes, *, kind: str, lang: str) -> int | None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return None


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
    sink: FileSink,
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
    files: list[BuiltFile] = []
    documents: dict[str, bytes] = {}  # for the PDFs only

    def write(name: str, data: bytes, kind: str, lang: Language, title_key: str) -> None:
        path = (folder / name).as_posix()
        file_id = sink.put(path, data, kind=kind, lang=lang.value)
        files.append(BuiltFile(kind, lang.value, path, title_key, file_id))
        if pdf and kind == "docx":
            documents[path] = data

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
        files += _pdfs(sink, [(f, documents[f.path]) for f in files if f.kind == "docx"])
    return BuiltReport(dataset.period, "program", None, None, tuple(files), program_summary(program))


def build_club(
    dataset: Dataset,
    settings: ReportSettings,
    club_id: int,
    sink: FileSink,
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
    files = []
    for lang in langs:
        images = (
            {"engagement": charts.engagement_chart(club, program.period, program.previous, lang)}
            if charts.engagement_worth_drawing(club)
            else {}
        )
        name = (folder / f"{stem}-{lang}.docx").as_posix()
        data = docx_club.club_document(club, program, dataset, lang, images, built_at)
        file_id = sink.put(name, data, kind="docx", lang=lang.value)
        files.append(BuiltFile("docx", lang.value, name, "reports.file.club_docx", file_id))
        if "engagement" in images:
            png = (folder / f"{stem}-engagement-{lang}.png").as_posix()
            file_id = sink.put(png, images["engagement"], kind="png", lang=lang.value)
            files.append(BuiltFile("png", lang.value, png, "reports.file.chart.engagement", file_id))
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
        "members_with_orcid": program.papers.members_with_orcid,
        "papers_filed": program.papers.filed,
        "papers_filed_international": program.papers.filed_international,
        "papers_discovered": program.papers.discovered,
        "papers_discovered_international": program.papers.discovered_international,
    }


def _pdfs(
    sink: FileSink, documents: Sequence[tuple[BuiltFile, bytes]], title_key: str = "reports.file.program_pdf"
) -> list[BuiltFile]:
    """PDFs of the Word documents with LibreOffice (`soffice --headless`), when it is installed (converted in a
    temporary folder, then handed to the sink)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        log.info("no LibreOffice (soffice) on this machine: no PDF made")  # `clubbot report` says so itself
        return []
    made = []
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as work:
        for document, data in documents:
            source = Path(work) / Path(document.path).name
            source.write_bytes(data)
            subprocess.run(  # noqa: S603 - fixed program, our own file names
                [
                    soffice,
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    work,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )
            pdf = Path(document.path).with_suffix(".pdf").as_posix()
            file_id = sink.put(pdf, source.with_suffix(".pdf").read_bytes(), kind="pdf", lang=document.lang)
            made.append(BuiltFile("pdf", document.lang, pdf, title_key, file_id))
    return made


def pdf_editions(sink: FileSink, documents: Sequence[tuple[BuiltFile, bytes]], title_key: str) -> list[BuiltFile]:
    """PDFs of other Word documents (the casebook's), as `_pdfs` makes the report's, titled with `title_key`."""
    return [replace(made, title_key=title_key) for made in _pdfs(sink, documents)]
