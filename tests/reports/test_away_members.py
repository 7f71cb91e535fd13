"""Away, not silent: a member who posted nothing and was away (the App Home's "away until", kept as spans of days)
for the whole period is counted *away* in the report's engagement figures, beside the active and the silent, and
the club's Word document and the workbook's engagement sheet show both counts (ko, en)."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from docx import Document

from bot.domain import Language, is_away_member
from bot.i18n import t
from bot.reports.docx_club import club_document
from bot.reports.figures import program_figures
from bot.reports.rows import ActivityRow, AwayRow, Dataset, MemberRow, PersonRow
from bot.reports.settings import load_report_settings
from bot.reports.xlsx import SHEETS, sheet_rows
from tests.reports.data import AI, Q4, SEOUL, seoul

SETTINGS = load_report_settings()
PEOPLE = {n: PersonRow(n, None, f"Member {n}", slack_user_id=f"U{n}") for n in (1, 2, 3)}
OCT, DEC = date(2026, 10, 1), date(2026, 12, 31)


def _dataset(away: tuple[AwayRow, ...], activity: tuple[ActivityRow, ...] = (), as_of: date | None = None) -> Dataset:
    return Dataset(
        period=Q4,
        tz=SEOUL,
        clubs=(AI,),
        people=PEOPLE,
        members=tuple(MemberRow(AI.id, n, "member", "active", seoul(2026, 9, 1, 9), None) for n in PEOPLE),
        activity=activity,
        away=away,
        as_of=as_of,
    )


@pytest.mark.parametrize(
    ("away", "posts_by", "as_of", "active", "away_count", "silent"),
    [
        ((), (), None, 0, 0, 3),  # nobody away: all silent
        ((AwayRow(1, OCT, DEC),), (), None, 0, 1, 2),  # away the whole quarter
        ((AwayRow(1, date(2026, 9, 1), date(2027, 2, 1)),), (), None, 0, 1, 2),  # a longer span around it
        ((AwayRow(1, OCT, date(2026, 11, 15)), AwayRow(1, date(2026, 11, 16), DEC)), (), None, 0, 1, 2),  # two
        ((AwayRow(1, OCT, date(2026, 11, 14)), AwayRow(1, date(2026, 11, 16), DEC)), (), None, 0, 0, 3),  # a gap
        ((AwayRow(1, date(2026, 10, 2), DEC),), (), None, 0, 0, 3),  # back only from the 2nd: silent on the 1st
        ((AwayRow(1, OCT, DEC),), (1,), None, 1, 0, 2),  # posted while away: active, not away
        ((AwayRow(1, OCT, date(2026, 11, 30)),), (), date(2026, 11, 20), 0, 1, 2),  # provisional: up to today
        ((AwayRow(1, OCT, DEC), AwayRow(2, OCT, DEC)), (3,), None, 1, 2, 0),
    ],
)
def test_members_away_the_whole_period_are_counted_away_not_silent(away, posts_by, as_of, active, away_count, silent):
    activity = tuple(ActivityRow(AI.id, f"U{n}", date(2026, 11, 2), 1, 0, 0, 0) for n in posts_by)
    figures = program_figures(_dataset(away, activity, as_of), SETTINGS).clubs[0].engagement
    assert (figures.members, figures.active_members, figures.away_members, figures.silent_members) == (
        3,
        active,
        away_count,
        silent,
    )


@pytest.mark.parametrize(
    ("posts", "spans", "expected"),
    [
        (0, [], False),
        (0, [(OCT, DEC)], True),
        (1, [(OCT, DEC)], False),
        (0, [(date(2026, 11, 1), DEC), (OCT, date(2026, 10, 31))], True),  # in any order
        (0, [(OCT, date(2026, 12, 30))], False),
    ],
)
def test_the_one_rule_of_an_away_member(posts, spans, expected):
    assert is_away_member(posts=posts, away=spans, first_day=OCT, last_day=DEC) is expected


@pytest.mark.parametrize(
    ("lang", "away_label", "silent_label"),
    [
        (Language.EN, "Away members (away the whole period)", "Silent members"),
        (Language.KO, "부재 회원(기간 내내 부재)", "조용한 회원"),
    ],
)
def test_the_documents_show_away_and_silent_members(lang, away_label, silent_label):
    dataset = _dataset((AwayRow(1, OCT, DEC),))
    program = program_figures(dataset, SETTINGS)
    columns = SHEETS["engagement"]
    [row] = sheet_rows(program, dataset, lang)["engagement"]
    assert (row[columns.index("away_members")], row[columns.index("silent_members")]) == (1, 2)
    assert t(lang, "reports.col.away_members") and t(lang, "reports.col.silent_members")

    built = club_document(program.clubs[0], program, dataset, lang, {}, datetime(2027, 1, 4, tzinfo=SEOUL))
    tables = [[[c.text for c in r.cells] for r in tb.rows] for tb in Document(io.BytesIO(built)).tables]
    engagement = next(tb for tb in tables if tb[0][0] == t(lang, "reports.col.figure"))
    rows = {r[0]: r[1:] for r in engagement[1:]}
    assert rows[away_label][:2] == ["1", "0"]  # this quarter, the one before
    assert rows[silent_label][0] == "2"
