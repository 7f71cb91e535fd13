"""A hand-made dataset for 2026Q4 in Asia/Seoul, with items on both sides of the quarter's boundaries.

The figures it must give are written out in the tests, worked by hand from the rows below.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.domain import FieldKey, OutputType, Quarter
from bot.reports.period import Period
from bot.reports.rows import (
    ActivityRow,
    ClubMeetingRow,
    ClubRow,
    Dataset,
    MeetingInfo,
    MemberRow,
    NarrativeRow,
    OutputPersonRow,
    OutputRow,
    PersonRow,
    PlanRow,
    StatusChangeRow,
    SurveyResponseRow,
    UpdateRow,
)

SEOUL = ZoneInfo("Asia/Seoul")
Q4 = Period.of_quarter(Quarter(2026, 4))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def seoul(*args: int) -> datetime:
    return datetime(*args, tzinfo=SEOUL).astimezone(UTC)


PEOPLE = {
    1: PersonRow(1, "김하늘", "Haneul Kim", "KR", "senior", False, "U1"),
    2: PersonRow(2, None, "Grace Park", "US", "early-career", True, "U2"),
    3: PersonRow(3, None, '=HYPERLINK("x")', "DE", "postdoc", False, "U3"),
    4: PersonRow(4, "이도윤", "Doyun Lee", "KR", "mid-career", False, "U4"),
    5: PersonRow(5, "박서준", None, "KR", "graduate-student", False, "U5"),
    6: PersonRow(6, "최민", "Min Choi", "KR", None, False, None),
    7: PersonRow(7, "정유진", "Yujin Jung", "KR", "senior", False, "U7"),
    8: PersonRow(8, None, "Tom Weber", "DE", "mid-career", False, "U8"),
}

QUANTUM = ClubRow(
    1, "Quantum Hardware Club", FieldKey.QUANTUM, "ko", "CQ1", "xlab-quantum", "active", seoul(2026, 9, 20, 10),
    MeetingInfo("XL-2026-09", "양자 하드웨어", "Quantum hardware", "Gyeongju", date(2026, 9, 14), date(2026, 9, 16)),
)  # fmt: skip
AI = ClubRow(2, "AI Safety Club", FieldKey.AI, "en", "CA1", "xlab-ai", "active", seoul(2026, 10, 10, 9))


def dataset() -> Dataset:
    joined = seoul(2026, 9, 20, 10)
    members = (
        MemberRow(1, 1, "leader", "active", joined, None),
        MemberRow(1, 2, "member", "active", joined, None),
        MemberRow(1, 3, "member", "active", seoul(2026, 11, 5, 9), None),  # joined this quarter
        MemberRow(1, 4, "member", "left", joined, seoul(2026, 11, 20, 9)),  # left this quarter
        MemberRow(1, 5, "member", "left", joined, seoul(2026, 9, 25, 9)),  # left the quarter before
        MemberRow(1, 6, "member", "pending", None, None),  # invited, never joined
        MemberRow(2, 7, "leader", "active", seoul(2026, 10, 10, 9), None),
        MemberRow(2, 8, "member", "active", seoul(2026, 10, 10, 9), None),
    )
    updates = (
        UpdateRow(1, 1, 1, utc(2026, 9, 30, 14, 59)),  # 23:59 on 30 September in Seoul: Q3
        UpdateRow(2, 1, 2, utc(2026, 9, 30, 15, 0), "Cryostat wiring done 🎉"),  # midnight 1 October in Seoul: Q4
        UpdateRow(3, 1, 1, utc(2026, 12, 31, 14, 59, 59), "큐비트 결맞음 시간 측정 완료"),  # the last second of Q4
        UpdateRow(4, 1, 1, utc(2026, 12, 31, 15, 0)),  # already 2027 in Seoul
    )
    outputs = (
        OutputRow(1, 1, OutputType.PAPER, "Joint paper on qubits", "published", seoul(2026, 8, 1, 9),
                  doi="10.1000/qubit.1", url="https://doi.org/10.1000/qubit.1", confirmed_at=seoul(2026, 11, 11, 9)),
        OutputRow(2, 1, OutputType.PROPOSAL, "=cmd|' /C calc'!A0", "funded", seoul(2026, 10, 5, 9)),
        OutputRow(3, 1, OutputType.EXCHANGE, "Visit to Delft", "ongoing", seoul(2026, 7, 1, 9)),
    )  # fmt: skip
    changes = (
        StatusChangeRow(1, "planned", "submitted", seoul(2026, 8, 1, 9)),
        StatusChangeRow(1, "submitted", "published", seoul(2026, 11, 10, 9)),
        StatusChangeRow(2, "submitted", "funded", seoul(2027, 1, 10, 9)),  # after the quarter
    )
    output_people = (OutputPersonRow(1, 1, None), OutputPersonRow(1, None, "Lieven Vandersypen"))
    meetings = (
        ClubMeetingRow(1, 1, date(2026, 10, 15), "online", 5, "Kick-off", 1),
        ClubMeetingRow(2, 1, date(2026, 9, 30), "offline", 9, "Before the quarter"),
    )
    activity = (
        ActivityRow(1, "U1", date(2026, 10, 2), messages=5, replies=1),
        ActivityRow(1, "U2", date(2026, 12, 31), files=1, reactions=2),  # active by the file share, not the reactions
        ActivityRow(1, "U4", date(2026, 10, 10), messages=3),
        ActivityRow(1, "UADMIN", date(2026, 10, 3), messages=10),  # the secretariat: not a member
        ActivityRow(1, "U3", date(2026, 9, 30), messages=4),  # before U3 joined, and in Q3
        ActivityRow(1, "U1", date(2026, 8, 15), messages=2),  # Q3
    )
    responses = (
        SurveyResponseRow(1, 1, 4, 3, 5, 4, "Great meeting"),
        SurveyResponseRow(1, 1, 5, 4, 5, 2, None),
    )
    narratives = (
        NarrativeRow(1, "2026Q4", 1, "Paper published", "Time zones", "Workshop in March", "Travel support",
                     seoul(2026, 12, 20, 9), seoul(2026, 12, 21, 9)),
        NarrativeRow(2, "2026Q3", 7, "old", "", "", "", seoul(2026, 9, 20, 9), seoul(2026, 9, 20, 9)),
    )  # fmt: skip
    return Dataset(
        period=Q4,
        tz=SEOUL,
        clubs=(AI, QUANTUM),
        people=dict(PEOPLE),
        members=members,
        updates=updates,
        outputs=outputs,
        output_people=output_people,
        status_changes=changes,
        meetings=meetings,
        activity=activity,
        survey_responses=responses,
        narratives=narratives,
        plans=(PlanRow(1, 1, seoul(2026, 12, 10, 9), "Workshop with the Delft group in March"),),
    )
