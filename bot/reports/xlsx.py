"""The Excel workbook of a report: one sheet per table, for the secretariat's own analysis.

Numbers are numbers (so the reader can sum and filter); every text cell, titles and names typed by
members included, goes through `bot.participants.tables.xlsx_cell`, so none can become a formula.
Personal contact data (emails, affiliations) is not in the report at all.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from bot.domain import Language
from bot.i18n import t
from bot.participants.tables import xlsx_cell, xlsx_value
from bot.reports import text
from bot.reports.results import ClubFigures, OutputFigure, ProgramFigures
from bot.reports.rows import Dataset

#: Sheets and their columns (catalog keys `reports.col.<column>`), in order.
SHEETS: dict[str, tuple[str, ...]] = {
    "clubs": (
        "rank",
        "club",
        "field",
        "area",
        "meeting",
        "leaders",
        "age_days",
        "members",
        "joined",
        "left",
        "pending",
        "updates",
        "meetings",
        "outputs",
        "outputs_new",
        "outputs_moved",
        "outputs_achieved",
        "output_points",
        "active_members",
        "share_active",
        "messages",
        "satisfaction",
        "answered",
        "inactive",
        "outstanding",
        "score",
        "papers_filed",
        "papers_filed_international",
        "papers_discovered",
        "papers_discovered_international",
        "members_with_orcid",
    ),
    "score": ("club", "component", "raw", "value", "weight", "points"),
    "fields": (
        "field",
        "area",
        "clubs",
        "members",
        "updates",
        "meetings",
        "outputs_new",
        "outputs_achieved",
        "active_members",
        "share_active",
        "mean_score",
    ),
    "members": ("club", "name", "country", "career_stage", "overseas_korean", "role", "joined_on"),
    "outputs": (
        "club",
        "type",
        "title",
        "status",
        "new",
        "moved",
        "confirmed",
        "people",
        "doi",
        "url",
        "points",
        "casebook",
    ),
    "activities": ("club", "kind", "date", "by", "format", "attendees", "summary"),
    "engagement": (
        "club",
        "members_in_period",
        "active_members",
        "share_active",
        "messages",
        "files",
        "reactions",
        "previous_active_members",
        "previous_messages",
        "away_members",
        "silent_members",
    ),
    "survey": ("club", "responses", "overall", "program", "speakers", "networking"),
    "narratives": ("club", "highlights", "difficulties", "plans", "support", "updated_on"),
    # The survey promises its comments to the secretariat only: they are in this workbook (the secretariat's
    # edition), never in a club's report, which goes to its leaders.
    "survey_comments": ("club", "comment"),
}


def sheet_rows(program: ProgramFigures, dataset: Dataset, lang: Language) -> dict[str, list[Sequence[object]]]:
    """The rows of each sheet (without headers), values as they go into the cells. Pure."""
    tz = dataset.tz
    outstanding = {c.club.id for c in program.outstanding}
    rows: dict[str, list[Sequence[object]]] = {name: [] for name in SHEETS}
    for rank, club in enumerate(program.clubs, start=1):
        name = club.club.name
        rows["clubs"].append(
            (
                rank,
                name,
                text.field_name(club.club.field.value, lang),
                text.area_name(club.club.field.review_area.value, lang),
                _meeting(club, lang),
                ", ".join(p.name(lang) for p in club.leaders),
                club.age_days,
                club.member_count,
                len(club.joined),
                len(club.left),
                club.pending,
                club.updates,
                len(club.meetings),
                len(club.outputs),
                club.outputs_new,
                club.outputs_moved,
                club.outputs_achieved,
                round(club.output_points, 4),
                club.engagement.active_members,
                round(club.engagement.share_active, 4),
                club.engagement.messages,
                round(club.survey.overall, 4) if club.survey else None,
                text.yes_no(club.answered, lang),
                text.yes_no(club.inactive, lang),
                text.yes_no(club.club.id in outstanding, lang),
                round(club.score.total, 2),
                club.papers.filed,
                club.papers.filed_international,
                club.papers.discovered,
                club.papers.discovered_international,
                club.papers.members_with_orcid,
            )
        )
        for component in club.score.components:
            rows["score"].append(
                (
                    name,
                    text.component_name(component, lang),
                    None if component.raw is None else round(component.raw, 4),
                    None if component.value is None else round(component.value, 4),
                    component.weight,
                    round(component.points, 4),
                )
            )
        for person, member in club.members:
            rows["members"].append(
                (
                    name,
                    person.name(lang),
                    text.country(person.country or "", lang),
                    text.stage_name(person.career_stage or "", lang),
                    text.yes_no(person.overseas_korean, lang),
                    text.role_name(member.role, lang),
                    member.joined_at.astimezone(tz).date() if member.joined_at else None,
                )
            )
        for item in club.outputs:
            output = item.output
            rows["outputs"].append(
                (
                    name,
                    text.type_name(output.type.value, lang),
                    output.title,
                    text.status_name(item.status, lang),
                    text.yes_no(item.is_new, lang),
                    text.yes_no(item.moved, lang),
                    text.yes_no(item.confirmed, lang),
                    people_text(item, dataset, lang),
                    output.doi,
                    output.url,
                    round(item.points, 4),
                    text.yes_no(item.casebook, lang),
                )
            )
        kind_update = t(lang, "reports.doc.kind_update")
        for update in club.update_items:  # its text in the summary column
            author = dataset.people.get(update.author_id)
            rows["activities"].append(
                (
                    name,
                    kind_update,
                    update.created_at.astimezone(tz).date(),
                    author.name(lang) if author else None,
                    None,
                    None,
                    update.text,
                )
            )
        for meeting in club.meetings:
            rows["activities"].append(
                (
                    name,
                    t(lang, "reports.doc.kind_meeting"),
                    meeting.held_on,
                    None,
                    text.format_name(meeting.format, lang),
                    meeting.attendees,
                    meeting.summary,
                )
            )
        now, before = club.engagement, club.previous_engagement
        rows["engagement"].append(
            (
                name,
                now.members,
                now.active_members,
                round(now.share_active, 4),
                now.messages,
                now.files,
                now.reactions,
                before.active_members,
                before.messages,
                now.away_members,
                now.silent_members,
            )
        )
        if club.survey:
            s = club.survey
            rows["survey"].append(
                (
                    name,
                    s.responses,
                    round(s.overall, 4),
                    round(s.program, 4),
                    round(s.speakers, 4),
                    round(s.networking, 4),
                )
            )
            rows["survey_comments"].extend((name, comment) for comment in s.comments)
        if club.narrative:
            n = club.narrative
            rows["narratives"].append(
                (name, n.highlights, n.difficulties, n.plans, n.support, n.updated_at.astimezone(tz).date())
            )
    for field in program.fields:
        rows["fields"].append(
            (
                text.field_name(field.field.value, lang),
                text.area_name(field.area.value, lang),
                field.clubs,
                field.members,
                field.updates,
                field.meetings,
                field.outputs_new,
                field.outputs_achieved,
                field.active_members,
                round(field.share_active, 4),
                round(field.mean_score, 2),
            )
        )
    return rows


def people_text(item: OutputFigure, dataset: Dataset, lang: Language) -> str:
    """The people an output was done with, by name (a participant's registered name, else the name given)."""
    names = []
    for person in item.people:
        if person.person_id is not None and person.person_id in dataset.people:
            names.append(dataset.people[person.person_id].name(lang))
        elif person.name:
            names.append(person.name)
    return ", ".join(names)


def _meeting(club: ClubFigures, lang: Language) -> str | None:
    meeting = club.club.meeting
    if meeting is None:
        return None
    title = (meeting.title_ko or meeting.title_en) if lang == "ko" else (meeting.title_en or meeting.title_ko)
    return f"{meeting.code} {title or ''}".strip()


#: Columns holding a share (0–1), shown as a percentage; and those holding a day.
PERCENT_COLUMNS = frozenset({"share_active"})
DATE_COLUMNS = frozenset({"joined_on", "date", "updated_on"})
WIDTH_SAMPLE = 300  # rows looked at to size a column


def _kind(column: str, values: Sequence[object]) -> str:
    if column in PERCENT_COLUMNS:
        return "percent"
    if column in DATE_COLUMNS:
        return "date"
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "number"
    return "text"


def _width(values: Sequence[object]) -> float:
    """A column's width in characters: its longest sampled value (Hangul counts double), within 8–60."""
    longest = max((text.display_width(str(v)) for v in values if v is not None), default=0)
    return float(min(60, max(8, longest + 2)))


def write_workbook(program: ProgramFigures, dataset: Dataset, lang: Language) -> bytes:
    """The workbook: a first sheet saying what each sheet and column holds, then one sheet per table, each with
    its header frozen, an autofilter, columns sized to their content, dates as dates and shares as
    percentages."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    tables = sheet_rows(program, dataset, lang)
    about = workbook.create_sheet(title=t(lang, "reports.sheet.about")[:31])
    about.freeze_panes = "A2"
    for index, width in enumerate((24, 28, 90), start=1):
        about.column_dimensions[get_column_letter(index)].width = width
    about.append([xlsx_cell(about, t(lang, f"reports.col.{c}"), font=bold) for c in ("sheet", "column", "meaning")])
    for name, rows in tables.items():
        title = t(lang, f"reports.sheet.{name}")[:31]
        about.append([xlsx_cell(about, title, font=bold), None, xlsx_cell(about, t(lang, f"reports.sheethelp.{name}"))])
        for i, column in enumerate(SHEETS[name]):
            kind = _kind(column, [r[i] for r in rows[:WIDTH_SAMPLE] if i < len(r)])
            about.append([title, t(lang, f"reports.col.{column}"), t(lang, f"reports.colkind.{kind}")])
    for name, rows in tables.items():
        sheet = workbook.create_sheet(title=t(lang, f"reports.sheet.{name}")[:31])
        sheet.freeze_panes = "A2"
        columns = SHEETS[name]
        header = [t(lang, f"reports.col.{c}") for c in columns]
        sample = rows[:WIDTH_SAMPLE]
        for i, label in enumerate(header):
            values = [label, *(r[i] for r in sample if i < len(r))]
            sheet.column_dimensions[get_column_letter(i + 1)].width = _width(values)
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
        sheet.append([xlsx_cell(sheet, label, font=bold) for label in header])
        # dates need no style of their own (openpyxl writes a date cell as a date); shares do
        special = {i: "0.0%" for i, c in enumerate(columns) if c in PERCENT_COLUMNS}
        for row in rows:
            sheet.append(
                [
                    xlsx_cell(sheet, value, number_format=special[i]) if i in special else xlsx_value(sheet, value)
                    for i, value in enumerate(row)
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
