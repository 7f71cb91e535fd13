"""Every figure of the report, worked out by hand from `tests/reports/data.py`."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain import OutputType, Quarter
from bot.reports.figures import program_figures, status_at_end
from bot.reports.period import Period
from bot.reports.rows import OutputRow, StatusChangeRow
from bot.reports.settings import load_report_settings
from tests.reports.data import Q4, SEOUL, dataset, seoul, utc

SETTINGS = load_report_settings()


@pytest.fixture(scope="module")
def program():
    return program_figures(dataset(), SETTINGS)


def club(program, name):
    return next(c for c in program.clubs if c.club.name == name)


def test_quarter_boundaries_are_taken_in_seoul_time():
    assert Q4.start(SEOUL) == utc(2026, 9, 30, 15)
    assert Q4.end(SEOUL) == utc(2026, 12, 31, 15)
    assert Q4.contains(utc(2026, 9, 30, 15), SEOUL) and not Q4.contains(utc(2026, 9, 30, 14, 59), SEOUL)
    assert Q4.previous() == Period.of_quarter(Quarter(2026, 3))
    span = Period.parse("2026-01-01..2026-02-15")
    assert span.key == "2026-01-01..2026-02-15" and span.days == 46
    assert span.previous() == Period(date(2025, 11, 16), date(2025, 12, 31))
    assert Period.parse("2026-10-01..2026-12-31").key == "2026Q4"


def test_members_at_the_end_joined_and_left_in_the_quarter(program):
    quantum = club(program, "Quantum Hardware Club")
    assert [p.id for p, _ in quantum.members] == [3, 2, 1]  # by name: "=HYPERLINK…", Grace Park, Haneul Kim
    assert [p.id for p in quantum.leaders] == [1]
    assert [p.id for p in quantum.joined] == [3]
    assert [p.id for p in quantum.left] == [4]
    assert quantum.pending == 1
    assert quantum.by_country == {"KR": 1, "US": 1, "DE": 1}
    assert quantum.by_stage == {"senior": 1, "early-career": 1, "postdoc": 1}
    assert quantum.overseas_korean == 1
    assert quantum.by_role == {"leader": 1, "member": 2}
    assert quantum.age_days == 103  # 20 September to 31 December, both counted


def test_activity_counts_only_items_inside_the_quarter(program):
    quantum = club(program, "Quantum Hardware Club")
    assert quantum.updates == 2  # midnight 1 October and 23:59:59 on 31 December, Seoul time
    assert [m.id for m in quantum.meetings] == [1]
    assert quantum.meeting_attendees == 5


def test_outputs_status_at_the_end_new_moved_and_points(program):
    quantum = club(program, "Quantum Hardware Club")
    by_id = {o.output.id: o for o in quantum.outputs}
    paper, proposal, visit = by_id[1], by_id[2], by_id[3]
    assert (paper.status, paper.is_new, paper.moved, paper.confirmed) == ("published", False, True, True)
    assert [c.to_status for c in paper.changes] == ["published"]  # the Q3 change is not this quarter's
    # funded only in January: at the end of Q4 it was still submitted
    assert (proposal.status, proposal.is_new, proposal.moved, proposal.confirmed) == ("submitted", True, False, False)
    assert (visit.status, visit.worked_on) == ("ongoing", False)
    assert paper.points == pytest.approx(1.0)  # paper 1.0 x published 1.0, confirmed
    assert proposal.points == pytest.approx(0.12)  # proposal 0.6 x submitted 0.4 x unconfirmed 0.5
    assert visit.points == pytest.approx(
        0.6 * 0.8 * 0.5
    )  # unconfirmed; shown, but not scored: not worked on this quarter
    assert quantum.output_points == pytest.approx(1.12)
    assert (quantum.outputs_new, quantum.outputs_moved, quantum.outputs_achieved) == (1, 1, 1)
    assert quantum.by_type_status == {
        ("paper", "published"): 1,
        ("proposal", "submitted"): 1,
        ("exchange", "ongoing"): 1,
    }
    assert [o.output.id for o in quantum.outputs if o.casebook] == [1]  # a joint paper published this quarter


def test_engagement_counts_members_only_and_compares_with_the_quarter_before(program):
    quantum = club(program, "Quantum Hardware Club")
    now, before = quantum.engagement, quantum.previous_engagement
    # members in Q4: 1, 2, 3 and 4 (who left in November); the secretariat's messages do not count; member 2 is
    # active by a file share (reactions alone would not make them active: bot.domain.is_active_member)
    assert (now.members, now.active_members, now.messages, now.files, now.reactions) == (4, 3, 9, 1, 2)
    assert now.share_active == 0.75
    # members in Q3: 1, 2, 4 and 5 (who left in September); 3 joined only in November
    assert (before.members, before.active_members, before.messages) == (4, 1, 2)


def test_survey_results_of_the_clubs_meeting(program):
    survey = club(program, "Quantum Hardware Club").survey
    assert (survey.responses, survey.overall, survey.program, survey.speakers, survey.networking) == (2, 4.5, 3.5, 5, 3)
    assert survey.comments == ("Great meeting",)
    assert club(program, "AI Safety Club").survey is None


def test_the_score_is_the_weighted_sum_of_its_components(program):
    quantum = club(program, "Quantum Hardware Club")
    parts = {c.name: (c.raw, c.value, c.weight) for c in quantum.score.components}
    assert parts["activity"] == (2, pytest.approx(2 / 6), 0.20)
    assert parts["engagement"] == (0.75, 0.75, 0.25)
    assert parts["outputs"] == (pytest.approx(1.12), pytest.approx(1.12 / 3), 0.35)
    assert parts["meetings"] == (1, 0.5, 0.10)
    assert parts["satisfaction"] == (4.5, 0.875, 0.10)
    expected = 100 * (0.20 * 2 / 6 + 0.25 * 0.75 + 0.35 * 1.12 / 3 + 0.10 * 0.5 + 0.10 * 0.875)
    assert quantum.score.total == pytest.approx(expected)
    assert quantum.score.total == pytest.approx(52.2333, abs=1e-4)
    ai = club(program, "AI Safety Club")
    assert ai.score.total == 0  # nothing filed, nobody active; no survey: its weight is left out
    assert [c.value for c in ai.score.components if c.name == "satisfaction"] == [None]


def test_program_totals_fields_and_selections(program):
    totals = program.totals
    assert (totals.clubs, totals.members, totals.joined, totals.left, totals.overseas_korean) == (2, 5, 3, 1, 1)
    assert (totals.updates, totals.meetings, totals.meeting_attendees) == (2, 1, 5)
    assert (totals.outputs, totals.outputs_new, totals.outputs_moved, totals.outputs_achieved) == (3, 1, 1, 1)
    assert (totals.active_members, totals.members_in_period, totals.messages) == (3, 6, 9)
    assert (totals.previous_active_members, totals.previous_messages) == (1, 2)
    assert (totals.survey_responses, totals.satisfaction, totals.answered) == (2, 4.5, 1)
    assert totals.share_active == 0.5
    assert totals.mean_score == pytest.approx(52.2333 / 2, abs=1e-4)
    assert [c.club.name for c in program.clubs] == ["Quantum Hardware Club", "AI Safety Club"]
    assert [(f.field.value, f.clubs, f.members, f.updates, f.outputs_new) for f in program.fields] == [
        ("ai", 1, 2, 0, 0),
        ("quantum", 1, 3, 2, 1),
    ]
    assert program.outputs_by_type == {"paper": 1, "proposal": 1}
    assert [c.club.name for c in program.outstanding] == ["Quantum Hardware Club"]  # 52.2 ≥ 50; AI 0 < 50
    assert [(i.club.name, i.output.output.id) for i in program.casebook] == [("Quantum Hardware Club", 1)]
    assert [c.club.name for c in program.inactive] == ["AI Safety Club"]
    assert [c.club.name for c in program.not_answered] == ["AI Safety Club"]  # its Q3 narrative does not count
    assert program.rank_of(2) == 2


@pytest.mark.parametrize(
    ("changes", "current", "expected"),
    [
        ((), "published", "published"),  # never changed
        ((("planned", "submitted", (2026, 11, 1)),), "submitted", "submitted"),  # changed inside
        ((("planned", "submitted", (2027, 1, 2)),), "submitted", "planned"),  # changed only after the end
        (
            (("planned", "submitted", (2026, 8, 1)), ("submitted", "accepted", (2027, 2, 1))),
            "accepted",
            "submitted",
        ),  # across quarters
        ((("planned", "submitted", (2026, 12, 31, 23, 59)),), "submitted", "submitted"),  # last minute, Seoul
        ((("planned", "submitted", (2027, 1, 1, 0, 0)),), "submitted", "planned"),  # first minute of 2027, Seoul
    ],
)
def test_status_at_the_end_of_the_quarter(changes, current, expected):
    output = OutputRow(1, 1, OutputType.PAPER, "t", current, seoul(2026, 7, 1))
    rows = [StatusChangeRow(1, a, b, seoul(*when)) for a, b, when in changes]
    assert status_at_end(output, list(reversed(rows)), Q4.end(SEOUL)) == expected
