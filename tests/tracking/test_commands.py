"""Filing from `/club` over HTTP: each command saves the item once, posts its card in the club channel and tells
the filer its ID; each bad form gets its own message with the correct form."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import AuditEntry, ClubMeeting, Output, OutputPerson, OutputStatusChange, Plan, Update
from tests.factories import make_club
from tests.support import seen_by_user
from tests.tracking.support import bot_posts, card


def count(world, model) -> int:
    with world.db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_an_update_is_saved_posted_as_a_card_and_confirmed_with_its_id(slack):
    club = make_club(slack)
    member = club.members[0]
    delivery = slack.command(member, club.channel, "update Shared the new trend report\nwith the Aachen group")
    assert delivery.acked_in_time
    reply = seen_by_user(delivery)
    assert "Saved as *u1*" in reply and "`/club edit u1`" in reply
    assert delivery.json["response_type"] == "ephemeral"
    with slack.db.session() as session:
        update = session.scalars(select(Update)).one()
        assert update.text == "Shared the new trend report\nwith the Aachen group"
        assert session.scalar(select(AuditEntry.action).where(AuditEntry.entity == "update")) == "item.filed"
    shown = card(slack, club.channel, "update:1")
    assert "활동 소식" in shown and "`u1`" in shown  # the club's language is Korean; the filer reads English
    assert "Shared the new trend report" in shown and "@quantum-member0" in shown


def test_a_long_update_is_kept_whole_and_shortened_on_its_card(slack):
    club = make_club(slack)
    text = " ".join(f"word{i}" for i in range(380))  # 2,900 characters: under the limit of 3,000
    seen_by_user(slack.command(club.members[0], club.channel, f"update {text}"))
    with slack.db.session() as session:
        assert session.scalars(select(Update.text)).one() == text
    shown = card(slack, club.channel, "update:1")
    assert "word10 " in shown and "word379" not in shown and "…" in shown


def test_an_output_with_all_its_details(slack):
    club = make_club(slack)
    member, other = club.members
    reply = seen_by_user(
        slack.command(
            member,
            club.channel,
            'output 논문 "Quantum error correction on chip" status:published date:2026-11-02 '
            "doi:https://doi.org/10.1038/S41567-026-0001 with:@quantum-member1,kim@lab.example "
            'note:"Nature Physics, with the Delft group"',
        )
    )
    assert "Saved as *o1*" in reply
    with slack.db.session() as session:
        output = session.scalars(select(Output)).one()
        assert (output.type.value, output.status, output.doi) == ("paper", "published", "10.1038/s41567-026-0001")
        assert output.note == "Nature Physics, with the Delft group" and str(output.occurred_on) == "2026-11-02"
        people = session.scalars(select(OutputPerson)).all()
        assert {(p.participant_id is not None, p.email) for p in people} == {(True, None), (False, "kim@lab.example")}
        assert session.scalar(select(func.count()).select_from(OutputStatusChange)) == 1
    shown = card(slack, club.channel, "output:1")
    assert "공동 논문" in shown and "Quantum error correction on chip" in shown and "상태: 게재" in shown
    assert "함께한 사람: @quantum-member1 외 1명" in shown
    assert "kim@lab.example" not in shown  # personal data never in the channel
    assert "https://doi.org/10.1038/s41567-026-0001" in shown
    assert "[확인] (tracking:confirm_output value=1)" in shown
    del other


def test_the_same_doi_filed_again_is_the_same_output_and_moves_its_status(slack):
    club = make_club(slack)
    first, second = club.members
    seen_by_user(slack.command(first, club.channel, 'output paper "Qubits" status:submitted doi:10.1234/q.1'))
    card(slack, club.channel, "output:1")
    reply = seen_by_user(
        slack.command(second, club.channel, 'output paper "Qubits (final)" status:published doi:doi:10.1234/Q.1')
    )
    assert "already recorded in the club as *o1*" in reply and "moved from submitted to published" in reply
    assert count(slack, Output) == 1
    with slack.db.session() as session:
        assert [c.to_status for c in session.scalars(select(OutputStatusChange).order_by(OutputStatusChange.id))] == [
            "submitted",
            "published",
        ]
    assert "상태: 게재" in card(slack, club.channel, "output:1")  # the same card, updated
    assert len(bot_posts(slack, club.channel)) == 1
    refused = seen_by_user(slack.command(first, club.channel, 'output paper "Qubits" status:submitted doi:10.1234/q.1'))
    assert "already recorded in the club as *o1*" in refused
    assert "cannot go to submitted from there" in refused and "none (this status is final)" in refused


def test_a_later_status_by_another_member_keeps_the_history(slack):
    club = make_club(slack)
    author, coauthor = club.members
    seen_by_user(slack.command(author, club.channel, 'output proposal "Joint NRF proposal" status:submitted'))
    reply = seen_by_user(slack.command(coauthor, club.channel, "output o1 status:funded"))
    assert "*o1* moved from submitted to funded" in reply
    with slack.db.session() as session:
        assert session.scalar(select(Output.status)) == "funded"
        assert session.scalar(select(func.count()).select_from(OutputStatusChange)) == 2
    assert "상태: 선정" in card(slack, club.channel, "output:1")
    backwards = seen_by_user(slack.command(author, club.channel, "output o1 status:submitted"))
    assert "It cannot go from funded to submitted; it can go to: `cancelled`" in backwards
    assert "The correct form is: `/club output TYPE" in backwards


def test_each_bad_output_gets_its_specific_message_and_the_correct_form(slack):
    club = make_club(slack)
    member = club.members[0]
    cases = {
        'output frobnicate "X"': ["`frobnicate` is not an output type.", "• `patent` — *Patent*: A patent application"],
        'output paper "X" status:granted': ["`granted` is not a status of a Joint paper", "`published`"],
        'output paper "X" doi:nature12373': ["`nature12373` is not a DOI."],
        'output paper "X" url:ftp://files.example.org/x': ["`ftp://files.example.org/x` is not a web link"],
        'output paper "X" date:2026-02-30': ["There is no such day as `2026-02-30` on the calendar"],
        'output paper "X" status:published date:2031-01-01': ["2031-01-01 is more than two years ahead"],
        'output paper "X" status:published date:2026-12-24': [
            "2026-12-24 is in the future, but an output that is published"
        ],
        'output paper "X" date:1985-05-01': ["1985-05-01 is before 1990"],
        "output paper status:submitted": ["The output needs a title, in double quotes"],
        'output paper "X" with:kim@lab': ["`kim@lab` is not an email address."],
    }
    for text, expected in cases.items():
        reply = seen_by_user(slack.command(member, club.channel, text))
        for fragment in expected:
            assert fragment in reply, (text, reply)
        assert 'The correct form is: `/club output TYPE "TITLE" [status:STATUS]' in reply, text
    assert count(slack, Output) == 0


def test_a_korean_member_reads_the_errors_in_korean(slack):
    club = make_club(slack, locale="ko-KR")
    reply = seen_by_user(slack.command(club.members[0], club.channel, 'output 책 "X"'))
    assert "`책`은(는) 성과 유형이 아닙니다." in reply and "• `patent` — *특허*" in reply
    assert '올바른 형식: `/club output 유형 "제목"' in reply


def test_a_meeting_and_its_mistakes(slack):
    club = make_club(slack)
    leader = club.leaders[0]
    reply = seen_by_user(
        slack.command(leader, club.channel, "meeting 2026-11-20 online attendees:8 Reviewed the joint proposal")
    )
    assert "Saved as *m1*" in reply
    with slack.db.session() as session:
        meeting = session.scalars(select(ClubMeeting)).one()
        assert (meeting.format.value, meeting.attendees, meeting.summary) == (
            "online",
            8,
            "Reviewed the joint proposal",
        )
    shown = card(slack, club.channel, "meeting:1")
    assert "클럽 회의" in shown and "온라인" in shown and "8명 참석" in shown
    future = seen_by_user(slack.command(leader, club.channel, "meeting 2027-01-05 offline Kick-off"))
    assert "2027-01-05 is in the future: record a meeting once it has been held." in future
    assert "`/club meeting YYYY-MM-DD [online|offline|hybrid] [attendees:N] SUMMARY`" in future
    no_summary = seen_by_user(slack.command(leader, club.channel, "meeting 2026-11-20 hybrid"))
    assert "Add a short summary of the meeting." in no_summary
    assert count(slack, ClubMeeting) == 1


def test_plans_for_next_quarter(slack):
    club = make_club(slack)
    reply = seen_by_user(slack.command(club.leaders[0], club.channel, "plan Joint NRF proposal in March"))
    assert "Saved as *p1*" in reply
    assert "다음 분기 계획" in card(slack, club.channel, "plan:1")
    with slack.db.session() as session:
        assert session.scalars(select(Plan.text)).one() == "Joint NRF proposal in March"


def test_a_member_files_from_elsewhere_with_club_name(slack):
    club = make_club(slack)
    member = club.members[0]
    elsewhere = slack.channel("random", [member])
    reply = seen_by_user(slack.command(member, elsewhere, 'update club:"Quantum Hardware Club" Met the KIST team'))
    assert "Saved as *u1*" in reply
    with slack.db.session() as session:
        assert session.scalars(select(Update.text)).one() == "Met the KIST team"
    assert "Met the KIST team" in card(slack, club.channel, "update:1")


def test_people_outside_the_club_cannot_file(slack):
    make_club(slack)
    outsider = slack.person("outsider")  # (joining the club's channel would make them a member)
    elsewhere = slack.channel("random", [outsider])
    reply = seen_by_user(slack.command(outsider, elsewhere, 'update club:"Quantum Hardware Club" Hello'))
    assert "only a member of the club may do this" in reply
    assert count(slack, Update) == 0


def test_secretariat_staff_without_a_participant_record_are_told_why_nothing_was_filed(slack):
    club = make_club(slack)
    reply = seen_by_user(slack.command(slack.admin, slack.secretariat, 'update club:"Quantum Hardware Club" Hello'))
    assert "Slack 계정이 참가자 정보와 연결되어 있지 않아" in reply
    assert count(slack, Update) == 0
    del club
