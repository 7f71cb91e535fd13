"""When leaders are asked, when the report falls due, and how `/club report` text is read. Pure."""

from __future__ import annotations

import pytest

from bot.domain import Quarter
from bot.periods import latest_quarter_report
from bot.reports.parse import ReportRequest, ReportStatusRequest
from bot.reports.period import Period
from bot.reports.timing import (
    default_narrative_quarter,
    korean_holidays,
    latest_narrative_step,
    narrative_step_time,
    year_report_due,
)
from bot.subcommands import CommandError, parse_command
from tests.reports.data import SEOUL, seoul


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (seoul(2026, 12, 18, 9, 59), None),  # just before the request
        (seoul(2026, 12, 18, 10, 0), "request"),  # two weeks before the end, 10:00 Seoul
        (seoul(2026, 12, 24, 23, 0), "request"),
        (seoul(2026, 12, 25, 10, 0), "reminder-7d"),
        (seoul(2026, 12, 30, 10, 0), "reminder-2d"),
        (seoul(2026, 12, 31, 23, 59), "reminder-2d"),
        (seoul(2027, 1, 1, 0, 0), None),  # a new quarter, whose request is in March
    ],
)
def test_the_narrative_steps_fall_at_fixed_days_before_the_quarters_end(now, expected):
    latest = latest_narrative_step(now, SEOUL)
    assert (latest[1] if latest else None) == expected


def test_the_request_is_two_weeks_before_the_end_in_seoul_time():
    assert narrative_step_time(Quarter(2026, 4), 14, SEOUL) == seoul(2026, 12, 18, 10)
    assert default_narrative_quarter(seoul(2026, 12, 17), SEOUL) == Quarter(2026, 3)  # Q4's not asked yet
    assert default_narrative_quarter(seoul(2026, 12, 19), SEOUL) == Quarter(2026, 4)


@pytest.mark.parametrize(
    ("now", "quarter", "due"),
    [
        (seoul(2027, 1, 4, 9, 0), "2026Q4", seoul(2027, 1, 4, 9)),  # 1 January a holiday, then a weekend
        (seoul(2027, 1, 3, 12, 0), "2026Q3", seoul(2026, 10, 1, 9)),
        (seoul(2026, 10, 1, 9, 0), "2026Q3", seoul(2026, 10, 1, 9)),
        (seoul(2027, 4, 1, 9, 0), "2027Q1", seoul(2027, 4, 1, 9)),
    ],
)
def test_the_quarterly_report_is_due_on_the_first_working_day_after_the_quarter(now, quarter, due):
    holidays = korean_holidays(now.year - 1) | korean_holidays(now.year)
    assert latest_quarter_report(now, SEOUL, hour=9, holidays=holidays) == (quarter, due)


@pytest.mark.parametrize(
    ("now", "year", "due"),
    [
        (seoul(2027, 1, 4, 9, 0), "2026", seoul(2027, 1, 4, 9)),  # 1 January a holiday, then a weekend
        (seoul(2027, 1, 4, 8, 59), "2025", seoul(2026, 1, 2, 9)),  # not yet: the year before's is the latest
        (seoul(2026, 12, 31, 23, 59), "2025", seoul(2026, 1, 2, 9)),
        (seoul(2028, 1, 3, 9, 30), "2027", seoul(2028, 1, 3, 9)),
    ],
)
def test_the_annual_report_is_due_on_the_first_working_day_of_january(now, year, due):
    assert year_report_due(now, SEOUL) == (year, due)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("report", ReportRequest()),
        ("report 2026Q4", ReportRequest(period=Period.parse("2026Q4"))),
        ("보고서 2026-q3", ReportRequest(period=Period.parse("2026Q3"))),
        ("report 2026-01-01..2026-02-15", ReportRequest(period=Period.parse("2026-01-01..2026-02-15"))),
        ("보고서 2026", ReportRequest(period=Period.of_year(2026))),  # the annual report
        (
            'report 2026Q4 club:"Quantum Hardware Club"',
            ReportRequest(period=Period.parse("2026Q4"), club="Quantum Hardware Club"),
        ),
        ("report status", ReportStatusRequest()),
        ("보고서 현황 2026Q3", ReportStatusRequest(quarter=Quarter(2026, 3))),
    ],
)
def test_report_commands_are_read(text, expected):
    assert parse_command(text).request == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("report 2026Q5", "reports.error.bad_period"),
        ("report 26", "reports.error.bad_period"),
        ("report 2026-02-15..2026-01-01", "reports.error.bad_period"),
        ("report last quarter", "reports.error.bad_period"),
        ("report status Q4", "reports.error.bad_quarter"),
    ],
)
def test_bad_report_commands_name_the_problem_and_the_form(text, key):
    with pytest.raises(CommandError) as caught:
        parse_command(text)
    assert caught.value.key == key and caught.value.usage in ("report", "report status")
