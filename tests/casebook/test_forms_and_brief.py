"""The secretariat's interview and foreword forms, and `/club report brief`, through the stand-in; the next steps
the brief suggests, table-tested."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.casebook import make
from bot.casebook.document import casebook_docx
from bot.casebook.gather import gather
from bot.casebook.nextsteps import next_steps
from bot.casebook.types import CONSENT_AGREE, CONSENT_DECLINE, BriefFacts, Step
from bot.domain import Language
from bot.reports.settings import load_report_settings
from storage import files
from storage.models import CasebookForeword, CasebookInterview, utcnow
from tests.casebook.support import seed_year
from tests.casebook.test_casebook import docx_text, press
from tests.support import deliver_all, seen_by_user
from tests.tracking.support import errors_of, top_view, view_text


def built_texts(slack) -> dict[str, str]:
    with slack.db.session() as session:
        _, stored = make.build_and_store(
            session, 2026, slack.runtime.settings.tz, load_report_settings(None), now=utcnow(), pdf=False
        )
        return {
            f.lang: docx_text(b"".join(files.iter_chunks(session, f.file_id))) for f in stored.files if f.kind == "docx"
        }


def preview_texts(slack) -> dict[str, str]:
    """The editions as a build would print them now, without building (answers stay open)."""
    with slack.db.session() as session:
        casebook = gather(session, 2026, slack.runtime.settings.tz, load_report_settings(None), now=utcnow())
    return {lang.value: docx_text(casebook_docx(casebook, lang)) for lang in Language}


def test_the_interview_is_written_in_a_modal_and_printed_only_with_the_interviewees_consent(slack):
    year = seed_year(slack)
    p = year.people
    # only a picked club has an interview; only the secretariat writes it
    refused = seen_by_user(slack.command(slack.admin, year.quantum.channel, "casebook interview"))
    assert "선정되어 있지 않습니다" in refused
    assert "Sorry, only" in seen_by_user(
        slack.command(p["quantum-leader0"], year.quantum.channel, "casebook interview")
    )
    slack.command(slack.admin, year.quantum.channel, "casebook pick")

    slack.command(slack.admin, year.quantum.channel, "casebook interview")
    form = top_view(slack, slack.admin)
    assert form.callback_id == "casebook_interview"
    wrong = slack.standin.submit_view(
        slack.admin,
        form.id,
        {
            "q1": {"q1": "Q"},
            "a1": {"a1": "A"},
            "a2": {"a2": "An answer with no question"},
        },
    )
    assert "질문을 써 주세요" in errors_of(wrong)["q2"]
    with slack.db.session() as session:
        assert session.scalar(select(CasebookInterview.id)) is None  # nothing half-saved
    saved = slack.standin.submit_view(
        slack.admin,
        form.id,
        {
            "interviewee": {"interviewee": p["quantum-leader0"]},
            "q1": {"q1": "How did the club start?"},
            "a1": {"a1": "Over coffee in Gyeongju."},
            "q2": {"q2": "What next?"},
            "a2": {"a2": "A joint lab."},
        },
    )
    assert saved.ok and (saved.json or {}).get("response_action") == "update"
    assert "저장했습니다" in view_text(slack, top_view(slack, slack.admin))

    # the form opens again with what was saved
    slack.standin.close_view(slack.admin, form.id)
    slack.command(slack.admin, year.quantum.channel, "casebook interview")
    again = top_view(slack, slack.admin)
    assert "Over coffee in Gyeongju." in str(again.blocks)

    deliver_all(slack)
    press(slack, p["quantum-leader0"], CONSENT_DECLINE)
    assert slack.standin.wait_for(lambda: "interview is left out" in preview_texts(slack)["en"])
    press(slack, p["quantum-leader0"], CONSENT_AGREE)
    assert slack.standin.wait_for(lambda: "Over coffee in Gyeongju." in preview_texts(slack)["en"])
    texts = built_texts(slack)
    assert "With Minji Park" in texts["en"] and "인터뷰 대상: 박민지" in texts["ko"]
    assert "How did the club start?" in texts["ko"]


def test_the_foreword_is_written_per_language(slack):
    seed_year(slack)
    slack.command(slack.admin, slack.secretariat, "casebook foreword")
    form = top_view(slack, slack.admin)
    empty = slack.standin.submit_view(slack.admin, form.id, {})
    assert "한 언어 이상" in errors_of(empty)["ko"]
    slack.standin.submit_view(
        slack.admin, form.id, {"ko": {"ko": "사무국이 드리는 말씀"}, "en": {"en": "A word\x0b from us"}}
    )
    with slack.db.session() as session:
        assert dict(session.execute(select(CasebookForeword.lang, CasebookForeword.text)).all()) == {
            "ko": "사무국이 드리는 말씀",
            "en": "A word\x0b from us",
        }
    texts = built_texts(slack)  # a control character Word cannot hold is left out of the document
    assert "A word from us" in texts["en"] and "사무국이 드리는 말씀" in texts["ko"]
    assert "A word from us" not in texts["ko"]


def test_the_brief_for_the_december_meeting(slack):
    year = seed_year(slack)
    p = year.people
    leader_sees = seen_by_user(slack.command(p["quantum-leader0"], year.quantum.channel, "report brief"))
    assert "December 2026 club operation meeting" in leader_sees
    assert "5 members" in leader_sees and "2 meetings (16 attendees)" in leader_sees
    assert "Suggested next steps" in leader_sees
    assert "ask the 5 members without an ORCID iD".lower() in leader_sees.lower()  # no one has an ORCID iD
    assert "first joint paper" not in leader_sees  # it has one
    # a member may not; the secretariat may, naming the club, and reads it in Korean
    assert "Sorry, only" in seen_by_user(slack.command(p["quantum-member0"], year.quantum.channel, "report brief"))
    admin_sees = seen_by_user(slack.command(slack.admin, slack.secretariat, 'report brief club:"Hydrogen Club"'))
    assert "클럽 운영 회의 브리핑" in admin_sees and "회원 2명" in admin_sees
    assert "첫 공동 논문" in admin_sees  # Hydrogen has none


FACTS = BriefFacts(
    joint_papers=1,
    international_papers=1,
    meetings_this_quarter=1,
    members=5,
    members_without_orcid=0,
    updates_last_90_days=2,
    proposals=1,
    narrative_due=False,
    active_share=0.6,
)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, (Step.KEEP_GOING,)),
        ({"joint_papers": 0, "international_papers": 0}, (Step.JOINT_PAPER,)),
        ({"international_papers": 0}, (Step.INTERNATIONAL,)),
        ({"meetings_this_quarter": 0}, (Step.MEETING,)),
        ({"members_without_orcid": 3}, (Step.ORCID,)),
        ({"narrative_due": True, "proposals": 0}, (Step.NARRATIVE, Step.PROPOSAL)),
        ({"updates_last_90_days": 0, "active_share": 0.1}, (Step.UPDATES, Step.ENGAGEMENT)),
        ({"members": 0, "active_share": 0.0}, (Step.KEEP_GOING,)),
    ],
)
def test_next_steps_follow_the_record(change, expected):
    from dataclasses import replace

    assert next_steps(replace(FACTS, **change)) == expected
