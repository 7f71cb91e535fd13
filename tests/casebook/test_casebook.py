"""The casebook end to end through the stand-in: the secretariat picks a club, each person of its chapter gets a
consent DM in their language with three buttons, their answers are stored (changeable until the build), and the
casebook built from the record prints only what was agreed, in Korean and in English."""

from __future__ import annotations

import io
import shutil

from docx import Document
from sqlalchemy import select

from bot.casebook import make
from bot.casebook.gather import gather
from bot.casebook.types import CONSENT_AGREE, CONSENT_ANONYMISE, CONSENT_DECLINE, Consent
from bot.reports.settings import load_report_settings
from storage import files
from storage.models import CasebookConsent, CasebookPick, Participant, ReportFile, utcnow
from tests.casebook.support import seed_year
from tests.support import deliver_all, seen_by_user
from tests.tracking.support import dms

YEAR = 2026


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def consent_of(slack, user_id: str) -> str | None:
    with slack.db.session() as session:
        return session.scalar(
            select(CasebookConsent.answer)
            .join(Participant, Participant.id == CasebookConsent.participant_id)
            .where(Participant.slack_user_id == user_id, CasebookConsent.year == YEAR)
        )


def press(slack, user_id: str, action_id: str) -> None:
    message = next(m for m in dms(slack, user_id) if action_id in str(m.blocks))
    channel = slack.standin.dm_channel(user_id)
    slack.standin.click(user_id, action_id=action_id, channel_id=channel, message_ts=message.ts)


def test_picking_asks_consent_and_the_casebook_prints_only_what_was_agreed(slack, tmp_path):
    year = seed_year(slack)
    p = year.people
    with slack.db.session() as session:  # one person writes in Korean
        person = session.scalar(select(Participant).where(Participant.slack_user_id == p["quantum-member1"]))
        person.language = "ko"

    # a member cannot pick; the secretariat can, in the club's channel or by name
    refused = seen_by_user(slack.command(p["quantum-member0"], year.quantum.channel, "casebook pick"))
    assert "Sorry, only" in refused
    answer = seen_by_user(slack.command(slack.admin, slack.secretariat, "casebook pick Quantum Hardware Club"))
    assert "Quantum Hardware Club" in answer and "2026" in answer and "5명" in answer  # the admin reads Korean
    again = seen_by_user(slack.command(slack.admin, slack.secretariat, "casebook pick Quantum Hardware Club"))
    assert "이미" in again
    added = seen_by_user(slack.command(slack.admin, slack.secretariat, 'casebook pick club:"Hydrogen Club"'))
    assert "사무국이 추가" in added  # not a candidate: the secretariat's own pick

    # each person of the chapter has a DM with three buttons, in their language
    deliver_all(slack)
    english = dms(slack, p["quantum-leader0"])
    assert len(english) == 1 and "May we print them?" in str(english[0].blocks)
    korean = dms(slack, p["quantum-member1"])
    assert len(korean) == 1 and "게재해도 될까요?" in str(korean[0].blocks)
    assert consent_of(slack, p["quantum-member2"]) == "pending"

    press(slack, p["quantum-leader0"], CONSENT_AGREE)
    press(slack, p["quantum-leader1"], CONSENT_ANONYMISE)
    press(slack, p["quantum-member0"], CONSENT_AGREE)
    press(slack, p["quantum-member1"], CONSENT_AGREE)
    assert slack.standin.wait_for(lambda: consent_of(slack, p["quantum-member1"]) == "agree")
    press(slack, p["quantum-member0"], CONSENT_DECLINE)  # changed their mind before the build
    assert slack.standin.wait_for(lambda: consent_of(slack, p["quantum-member0"]) == "decline")
    assert consent_of(slack, p["quantum-leader1"]) == "anonymise"
    deliver_all(slack)
    updated = next(m for m in dms(slack, p["quantum-member0"]) if CONSENT_DECLINE in str(m.blocks))
    assert "nothing of yours is printed" in str(updated.blocks)  # the DM says the current answer

    listing = seen_by_user(slack.command(slack.admin, slack.secretariat, "casebook list"))
    assert "Quantum Hardware Club" in listing and "동의 2 · 익명 1 · 거절 1 · 미응답 1" in listing

    # the build, in both languages (and PDF when LibreOffice is here), stored in the database
    with slack.db.session() as session:
        casebook, stored = make.build_and_store(
            session, YEAR, slack.runtime.settings.tz, load_report_settings(None), now=utcnow()
        )
        texts = {}
        for file in stored.files:
            if file.kind == "docx":
                texts[file.lang] = docx_text(b"".join(files.iter_chunks(session, file.file_id)))
        kinds = sorted(session.scalars(select(ReportFile.kind).where(ReportFile.scope == "casebook")))
    assert [c.club_name for c in casebook.chapters] == ["Hydrogen Club", "Quantum Hardware Club"]
    en, ko = texts["en"], texts["ko"]
    # agreed: named; anonymised: a researcher from France; declined and silent: absent, counted
    assert "Minji Park" in en and "Sora Kim" in en and "박민지" in ko and "김소라" in ko
    assert "Alice Moreau" not in en and "앨리스 모로" not in ko
    assert "a researcher from France" in en and "프랑스의 연구자" in ko
    assert "Daniel Weber" not in en and "다니엘 베버" not in ko and "Ravi Patel" not in en
    assert "1 person asked not to appear." in en and "1 person did not answer" in en
    assert "1명이 게재를 원하지 않았습니다." in ko and "1명은 게재 동의 요청에 답하지 않았습니다." in ko
    # words: of those who agreed or are anonymised, never of those who declined or did not answer
    assert "Park: we found our common problem" in en and "Moreau: the paper came together" in en
    assert "Weber: my own narrative words" not in en and "Weber visited" not in en and "Patel shared" not in en
    assert "Kim presented at APS" in ko
    # the outputs with their DOIs, the meeting it grew from, the appendix with every club
    assert "https://doi.org/10.1234/qubits.2026" in en and "Cryogenic control of spin qubits" in ko
    assert "XL-2026-09" in en and "Gyeongju" in en
    assert "Battery Club" in en and "Battery Club" in ko
    assert kinds.count("docx") == 2
    if shutil.which("soffice"):
        assert kinds.count("pdf") == 2

    # answers are final once built
    press(slack, p["quantum-member2"], CONSENT_AGREE)
    assert slack.standin.wait_for(
        lambda: any("already printed" in str(m.text) for m in dms(slack, p["quantum-member2"]))
    )
    assert consent_of(slack, p["quantum-member2"]) == "pending"


def test_unpick_and_someone_elses_button(slack):
    year = seed_year(slack)
    slack.command(slack.admin, year.quantum.channel, "casebook pick")
    deliver_all(slack)
    with slack.db.session() as session:
        assert session.scalar(select(CasebookPick.club_id)) == year.quantum.ref.id
        consent_id = session.scalar(
            select(CasebookConsent.id)
            .join(Participant, Participant.id == CasebookConsent.participant_id)
            .where(Participant.slack_user_id == year.people["quantum-leader0"])
        )
    # a button pressed by someone else does nothing to the person's answer
    channel = slack.standin.dm_channel(year.people["quantum-leader0"])
    message = dms(slack, year.people["quantum-leader0"])[0]
    slack.standin.click(
        year.people["quantum-leader1"],
        action_id=CONSENT_AGREE,
        channel_id=channel,
        message_ts=message.ts,
        value=str(consent_id),
    )
    assert consent_of(slack, year.people["quantum-leader0"]) == Consent.PENDING.value
    answer = seen_by_user(slack.command(slack.admin, year.quantum.channel, "casebook unpick"))
    assert "뺐습니다" in answer
    with slack.db.session() as session:
        assert session.scalar(select(CasebookPick.club_id)) is None


def test_forgetting_someone_removes_the_stored_casebook_that_names_them(slack):
    from bot.participants.erasure import forget_participant
    from bot.reports.upkeep import rebuild_naming
    from storage.models import Report

    year = seed_year(slack)
    slack.command(slack.admin, year.quantum.channel, "casebook pick")
    deliver_all(slack)
    press(slack, year.people["quantum-leader0"], CONSENT_AGREE)
    assert slack.standin.wait_for(lambda: consent_of(slack, year.people["quantum-leader0"]) == "agree")
    with slack.db.session() as session:
        make.build_and_store(
            session, YEAR, slack.runtime.settings.tz, load_report_settings(None), now=utcnow(), pdf=False
        )
        pid = session.scalar(select(Participant.id).where(Participant.slack_user_id == year.people["quantum-leader0"]))
        forget_participant(session, pid)
    done = rebuild_naming(slack.db, slack.runtime.settings, pid, now=utcnow())
    assert any("casebook" in label for label in done.removed)
    with slack.db.session() as session:
        assert session.scalar(select(Report.id).where(Report.scope == "casebook")) is None
        assert session.scalar(select(ReportFile.id).where(ReportFile.scope == "casebook")) is None
        casebook = gather(session, YEAR, slack.runtime.settings.tz, load_report_settings(None), now=utcnow())
    [quantum] = [c for c in casebook.chapters if c.club_name == "Quantum Hardware Club"]
    assert all(p.id != pid for p in quantum.people)  # an erased person is never printed again
