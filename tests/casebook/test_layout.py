"""The casebook's printed pages, read from the PDF LibreOffice makes of each edition: every page after the cover is
numbered "n / N", the contents give the page each chapter starts on, and consent holds in print too (a declined
person's name and words are on no page; an anonymised one is shown as such)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.casebook.document import casebook_docx
from bot.casebook.types import (
    Casebook,
    Chapter,
    Consent,
    Event,
    Interview,
    MeetingOrigin,
    Person,
    PrintedOutput,
    SummaryLine,
    Words,
)
from bot.domain import Language
from bot.i18n import t

pdfplumber = pytest.importorskip("pdfplumber")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
if SOFFICE is None:
    if os.environ.get("CLUBBOT_REQUIRE_LIBREOFFICE") == "1":
        raise RuntimeError("CLUBBOT_REQUIRE_LIBREOFFICE=1 but LibreOffice (soffice) is not installed")
    pytestmark = pytest.mark.skip(reason="LibreOffice (soffice) is not installed: the PDF layout is not checked")

AGREED = Person(1, "박민지", "Minji Park", "KR", Consent.AGREE, "leader")
ANONYMOUS = Person(2, "앨리스 모로", "Alice Moreau", "FR", Consent.ANONYMISE, "leader")
DECLINED = Person(3, "다니엘 베버", "Daniel Weber", "DE", Consent.DECLINE)
SILENT = Person(4, "라비 파텔", "Ravi Patel", "IN", Consent.PENDING)
NAMES = ("Quantum Hardware Club", "자원·환경·건설·에너지 연구회", "Neuromorphic Computing Working Group")


def chapter(index: int, name: str) -> Chapter:
    events = tuple(
        Event(
            date(2026, 1 + n % 12, 1 + n % 27),
            ("update", "meeting", "output")[n % 3],
            f"Step {n} of {name}",
            (AGREED, ANONYMOUS, DECLINED, SILENT, None)[n % 5],
        )
        for n in range(24)
    )
    outputs = tuple(
        PrintedOutput("paper", f"Joint paper {n} on cryogenic control", "published", date(2026, 8, 20), f"10.1234/x{n}")
        for n in range(6)
    )
    words = (
        Words("2026Q1", AGREED, "We found our common problem. " * 20, "More joint work."),
        Words("2026Q2", DECLINED, "Weber's own words", "none"),
        Words("2026Q3", ANONYMOUS, "The paper came together.", ""),
    )
    interview = Interview(AGREED, (("How did it start?", "Over coffee in Gyeongju. " * 30), ("Next?", "A joint lab.")))
    meeting = MeetingOrigin(
        f"XL-2026-0{index}", "양자 하드웨어", "Quantum hardware", "Gyeongju", date(2026, 9, 14), date(2026, 9, 16)
    )
    return Chapter(
        index, name, "quantum", meeting, (AGREED, ANONYMOUS, DECLINED, SILENT), events, outputs, words, interview
    )


CASEBOOK = Casebook(
    2026,
    tuple(chapter(i, name) for i, name in enumerate(NAMES, start=1)),
    tuple(SummaryLine(f"Club {n}", "ai", 12, 3, 4, 1, n < 3) for n in range(40)),
    {"ko": "머리말입니다.", "en": "The foreword."},
    datetime(2027, 1, 4, 10, tzinfo=UTC),
)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[Language, Path]:
    folder = tmp_path_factory.mktemp("casebook")
    made = {}
    for lang in Language:
        source = folder / f"casebook-{lang.value}.docx"
        source.write_bytes(casebook_docx(CASEBOOK, lang))
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation=file://{folder}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        made[lang] = source.with_suffix(".pdf")
    return made


@pytest.mark.parametrize("lang", list(Language))
def test_pages_are_numbered_and_the_contents_give_each_chapters_page(pdfs, lang):
    with pdfplumber.open(pdfs[lang]) as document:
        pages = [page.extract_text() or "" for page in document.pages]
    total = len(pages)
    for number, text in enumerate(pages[1:], start=2):
        assert f"{number} / {total}" in text, number
    contents_page = next(i for i, text in enumerate(pages) if t(lang, "reports.doc.contents") in text)
    contents = pages[contents_page]
    for index, name in enumerate(NAMES, start=1):
        heading = f"{index}. {name}"
        match = re.search(re.escape(heading) + r"[ .…]*(\d+)", contents)
        assert match, (heading, contents)
        listed = int(match.group(1))
        starts = next(i for i, text in enumerate(pages) if i > contents_page and heading in text)
        assert listed == starts + 1, (heading, listed, starts + 1)
    assert t(lang, "cases.doc.h_appendix") in contents


@pytest.mark.parametrize("lang", list(Language))
def test_consent_holds_on_every_printed_page(pdfs, lang):
    with pdfplumber.open(pdfs[lang]) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    flat = re.sub(r"\s+", " ", text)
    shown, hidden = (
        (("박민지", "앨리스 모로"), ("다니엘 베버", "라비 파텔"))
        if lang is Language.KO
        else (("Minji Park", "Alice Moreau"), ("Daniel Weber", "Ravi Patel"))
    )
    assert shown[0] in flat and shown[1] not in flat
    assert all(name not in flat for name in hidden)
    assert "Weber's own words" not in flat
    assert t(lang, "cases.doc.anonymous", country="프랑스" if lang is Language.KO else "France") in flat
