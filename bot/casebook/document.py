"""The casebook as a Word document, in one language: pure, from a `Casebook` to DOCX bytes.

Cover, the foreword page, the table of contents, one chapter per picked club (the meeting it grew from, the people
who agreed to be named, the timeline of what it did, its outputs with DOIs, the leaders' own words, the interview),
and an appendix with every club's one line. Consent is applied here, once, through `bot.casebook.printing`.
The page layout (A4, running header, page numbers, tables, the contents' page numbers) is the reports'.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK

from bot.casebook.printing import shown_name, withheld, words_printable
from bot.casebook.types import Casebook, Chapter, Event, Person
from bot.domain import Language, Quarter
from bot.i18n import format_date, format_number, t
from bot.reports import docx as rdocx
from bot.reports import docx_layout as layout
from bot.reports import text
from bot.reports.period import Period

TIMELINE_TEXT = 400
WORDS_TEXT = 3000


def _page_break(document: DocxDocument) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _short(value: str, limit: int) -> str:
    value = value.strip()
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _by(person: Person | None, lang: Language) -> str:
    if person is None:
        return ""
    name = shown_name(person, lang)
    return f" — {name}" if name else ""


def _meeting(document: DocxDocument, chapter: Chapter, lang: Language) -> None:
    document.add_heading(t(lang, "cases.doc.h_meeting"), level=2)
    meeting = chapter.meeting
    if meeting is None:
        rdocx.paragraph(document, t(lang, "cases.doc.no_meeting"))
        return
    title = (meeting.title_ko or meeting.title_en) if lang == "ko" else (meeting.title_en or meeting.title_ko)
    rdocx.paragraph(
        document,
        t(
            lang,
            "cases.doc.meeting",
            code=meeting.code,
            title=title or meeting.code,
            venue=meeting.venue or t(lang, "reports.doc.unknown"),
            first=format_date(meeting.starts_on, lang),
            last=format_date(meeting.ends_on, lang),
        ),
    )


def _people(document: DocxDocument, chapter: Chapter, lang: Language) -> None:
    document.add_heading(t(lang, "cases.doc.h_people"), level=2)
    rows = []
    for person in chapter.people:
        name = shown_name(person, lang)
        if name is not None:
            rows.append((name, t(lang, f"reports.role.{person.role}")))
    if rows:
        rdocx.table(document, (t(lang, "cases.doc.c_name"), t(lang, "cases.doc.c_role")), rows)
    else:
        rdocx.paragraph(document, t(lang, "cases.doc.no_people"))
    declined, silent = withheld(chapter)
    notes = []
    if declined:
        notes.append(t(lang, "cases.doc.declined", count=declined))
    if silent:
        notes.append(t(lang, "cases.doc.no_answer", count=silent))
    if notes:
        rdocx.paragraph(document, " ".join(notes) + " " + t(lang, "cases.doc.withheld"))


def _event_line(event: Event, lang: Language) -> str | None:
    if not words_printable(event.author):
        return None
    return (
        f"{format_date(event.day, lang)} · {t(lang, f'cases.doc.kind.{event.kind}')} · "
        + _short(event.text, TIMELINE_TEXT)
        + _by(event.author, lang)
    )


def _timeline(document: DocxDocument, chapter: Chapter, lang: Language) -> None:
    document.add_heading(t(lang, "cases.doc.h_timeline"), level=2)
    lines = [line for event in chapter.timeline if (line := _event_line(event, lang))]
    left_out = len(chapter.timeline) - len(lines)
    if not chapter.timeline:
        rdocx.paragraph(document, t(lang, "cases.doc.no_timeline"))
    for line in lines:
        rdocx.paragraph(document, line, style="List Bullet")
    if left_out:
        rdocx.paragraph(document, t(lang, "cases.doc.timeline_left_out", count=left_out))


def _outputs(document: DocxDocument, chapter: Chapter, lang: Language) -> None:
    document.add_heading(t(lang, "cases.doc.h_outputs"), level=2)
    if not chapter.outputs:
        rdocx.paragraph(document, t(lang, "cases.doc.no_outputs"))
        return
    rows = [
        (
            text.type_name(o.type, lang),
            o.title,
            text.status_name(o.status, lang),
            format_date(o.day, lang) if o.day else "—",
            f"https://doi.org/{o.doi}" if o.doi else "—",
        )
        for o in chapter.outputs
    ]
    header = tuple(
        t(lang, key)
        for key in (
            "cases.doc.c_type",
            "cases.doc.c_title",
            "cases.doc.c_status",
            "cases.doc.c_date",
            "cases.doc.c_doi",
        )
    )
    rdocx.table(document, header, rows, title=t(lang, "cases.doc.t_outputs", club=chapter.club_name))


def _words(document: DocxDocument, chapter: Chapter, lang: Language) -> None:
    document.add_heading(t(lang, "cases.doc.h_words"), level=2)
    printed = [w for w in chapter.words if words_printable(w.author) and (w.highlights.strip() or w.plans.strip())]
    if not printed:
        rdocx.paragraph(document, t(lang, "cases.doc.no_words"))
    for words in printed:
        document.add_heading(text.period_label(_quarter_period(words.quarter), lang) + _by(words.author, lang), level=3)
        if words.highlights.strip():
            rdocx.paragraph(document, _short(words.highlights, WORDS_TEXT))
        if words.plans.strip():
            rdocx.paragraph(document, t(lang, "cases.doc.plans") + " " + _short(words.plans, WORDS_TEXT))
    left_out = sum(1 for w in chapter.words if not words_printable(w.author))
    if left_out:
        rdocx.paragraph(document, t(lang, "cases.doc.words_left_out", count=left_out))


def _quarter_period(key: str) -> Period:
    return Period.of_quarter(Quarter.parse(key))


def _interview(document: DocxDocument, chapter: Chapter, lang: Language) -> None:
    document.add_heading(t(lang, "cases.doc.h_interview"), level=2)
    interview = chapter.interview
    if interview is None or not interview.pairs:
        rdocx.paragraph(document, t(lang, "cases.doc.no_interview"))
        return
    if not words_printable(interview.interviewee):
        rdocx.paragraph(document, t(lang, "cases.doc.interview_withheld"))
        return
    if interview.interviewee is not None:
        rdocx.paragraph(document, t(lang, "cases.doc.interviewee", name=shown_name(interview.interviewee, lang)))
    for question, answer in interview.pairs:
        paragraph = document.add_paragraph()
        paragraph.add_run(layout.clean(question)).bold = True
        rdocx.paragraph(document, answer)


def _chapter(document: DocxDocument, number: int, chapter: Chapter, lang: Language) -> None:
    document.add_heading(f"{number}. {layout.clean(chapter.club_name)}", level=1)
    rdocx.paragraph(document, t(lang, "cases.doc.field", field=text.field_name(chapter.field, lang)))
    _meeting(document, chapter, lang)
    _people(document, chapter, lang)
    _timeline(document, chapter, lang)
    _outputs(document, chapter, lang)
    _words(document, chapter, lang)
    _interview(document, chapter, lang)
    _page_break(document)


def _appendix(document: DocxDocument, casebook: Casebook, lang: Language) -> None:
    document.add_heading(t(lang, "cases.doc.h_appendix"), level=1)
    rdocx.paragraph(document, t(lang, "cases.doc.appendix_intro", year=casebook.year))
    n = lambda value: format_number(value, lang)  # noqa: E731
    rows = [
        (
            line.club_name + (" *" if line.picked else ""),
            text.field_name(line.field, lang),
            t(
                lang,
                "cases.doc.summary",
                members=n(line.members),
                meetings=n(line.meetings),
                outputs=n(line.outputs),
                achieved=n(line.achieved),
            ),
        )
        for line in casebook.appendix
    ]
    header = (t(lang, "cases.doc.c_club"), t(lang, "cases.doc.c_field"), t(lang, "cases.doc.c_summary"))
    if rows:
        rdocx.table(document, header, rows, title=t(lang, "cases.doc.t_appendix", year=casebook.year))
        rdocx.paragraph(document, t(lang, "cases.doc.picked_mark"))
    else:
        rdocx.paragraph(document, t(lang, "cases.doc.no_clubs"))


def casebook_docx(casebook: Casebook, lang: Language) -> bytes:
    """The casebook's edition in `lang`."""
    title = t(lang, "cases.doc.title", year=casebook.year)
    document = rdocx.new_document(lang, running_header=title)
    built = format_date(casebook.built_at.date(), lang)
    lines = [
        t(lang, "reports.doc.cover_program"),
        t(lang, "cases.doc.cover_chapters", count=len(casebook.chapters)),
        t(lang, "reports.doc.cover_built", built=built),
    ]
    layout.cover(document, title, lines, None)
    document.add_heading(t(lang, "cases.doc.h_foreword"), level=2)
    foreword = casebook.forewords.get(str(lang), "")
    for part in (foreword or t(lang, "cases.doc.no_foreword")).split("\n\n"):
        rdocx.paragraph(document, part.strip())
    _page_break(document)
    layout.contents(document, t(lang, "reports.doc.contents"))
    for number, chapter in enumerate(casebook.chapters, start=1):
        _chapter(document, number, chapter, lang)
    _appendix(document, casebook, lang)
    return rdocx.save(document)
