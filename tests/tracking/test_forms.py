"""The forms: each command without arguments opens one; problems come back on their fields; editing pre-fills;
long texts are never cut; a channel message becomes an update or an output through the message shortcut."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from storage.models import ClubMeeting, Output, OutputPerson, OutputStatusChange, Update
from tests.factories import make_club
from tests.factories import participant as person_record
from tests.support import seen_by_user
from tests.tracking.support import card, ephemeral_texts, errors_of, top_view, view_text

SHORTCUT = "tracking:record_message"


def inputs(view) -> dict[str, dict]:
    return {b["block_id"]: b["element"] for b in view.blocks if b.get("type") == "input"}


def test_output_form_shows_each_problem_on_its_field_and_keeps_what_was_typed(slack):
    club = make_club(slack)
    member = club.members[0]
    delivery = slack.command(member, club.channel, "output")
    assert delivery.acked_in_time
    view = top_view(slack, member)
    assert view.callback_id == "tracking:output_form"
    values = {
        "type": {"type": "paper"},
        "title": {"title": "Spin qubits in silicon"},
        "status": {"status": "published"},
        "date": {"date": (datetime.now(UTC).date() + timedelta(days=20)).isoformat()},
        "doi": {"doi": "not-a-doi"},
        "url": {"url": "mailto:kim@lab.example"},
        "with_others": {"with_others": "kim@lab"},
    }
    errors = errors_of(slack.standin.submit_view(member, view.id, values))
    assert set(errors) == {"date", "doi", "url", "with_others"}
    assert "is in the future, but an output that is published" in errors["date"]
    assert "is not a DOI" in errors["doi"] and "is not a web link" in errors["url"]
    assert "`kim@lab` is not an email address." in errors["with_others"]
    assert slack.standin.views(member)[-1].id == view.id  # the form stays open with its values
    with slack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Output)) == 0

    values.update(
        date={"date": "2026-10-30"},
        doi={"doi": "https://doi.org/10.1103/PhysRevX.16.011001"},
        url={"url": "https://arxiv.org/abs/2601.00001"},
        with_users={"with_users": [club.members[1]]},
        with_others={"with_others": "kim@lab.example, Jane Doe"},
        note={"note": "Accepted after one round"},
    )
    delivery = slack.standin.submit_view(member, view.id, values)
    assert delivery.ok and not (delivery.json or {}).get("response_action")
    assert not slack.standin.views(member)  # closed
    assert any("Saved as *o1*" in text for text in ephemeral_texts(slack, member))
    with slack.db.session() as session:
        output = session.scalars(select(Output)).one()
        assert (output.title, output.status, output.doi) == (
            "Spin qubits in silicon",
            "published",
            "10.1103/physrevx.16.011001",
        )
        assert len(session.scalars(select(OutputPerson)).all()) == 3
    shown = card(slack, club.channel, "output:1")
    assert "Spin qubits in silicon" in shown and "Jane Doe" in shown and "kim@lab.example" not in shown


def test_output_with_only_a_type_opens_the_form_with_that_type_and_its_statuses(slack):
    club = make_club(slack)
    member = club.members[0]
    slack.command(member, club.channel, "output 특허")
    view = top_view(slack, member)
    fields = inputs(view)
    assert fields["type"]["initial_option"]["value"] == "patent"
    assert [o["value"] for o in fields["status"]["options"]] == ["planned", "filed", "granted", "rejected", "cancelled"]


def test_update_plan_and_meeting_forms(slack):
    club = make_club(slack)
    member = club.members[0]
    slack.command(member, club.channel, "update")
    view = top_view(slack, member)
    assert view.callback_id == "tracking:update_form"
    slack.standin.submit_view(member, view.id, {"text": {"text": "Visited the Delft lab\nGreat talks"}})
    assert any("Saved as *u1*" in text for text in ephemeral_texts(slack, member))

    slack.command(member, club.channel, "meeting")
    view = top_view(slack, member)
    future = (datetime.now(UTC).date() + timedelta(days=3)).isoformat()
    values = {
        "held_on": {"held_on": future},
        "format": {"format": "hybrid"},
        "attendees": {"attendees": "12"},
        "summary": {"summary": "Project review"},
    }
    errors = errors_of(slack.standin.submit_view(member, view.id, values))
    assert list(errors) == ["held_on"] and "is in the future" in errors["held_on"]
    values["held_on"] = {"held_on": "2026-11-03"}
    slack.standin.submit_view(member, view.id, values)
    with slack.db.session() as session:
        meeting = session.scalars(select(ClubMeeting)).one()
        assert (meeting.format.value, meeting.attendees, meeting.summary) == ("hybrid", 12, "Project review")
        assert session.scalars(select(Update.text)).one() == "Visited the Delft lab\nGreat talks"


def test_a_korean_member_sees_field_errors_in_korean(slack):
    club = make_club(slack, locale="ko-KR")
    member = club.members[0]
    slack.command(member, club.channel, "output")
    view = top_view(slack, member)
    assert view.title["text"] == "성과 기록"
    errors = errors_of(
        slack.standin.submit_view(
            member, view.id, {"type": {"type": "paper"}, "title": {"title": "T"}, "doi": {"doi": "12345"}}
        )
    )
    assert errors == {
        "doi": "`12345`은(는) DOI 형식이 아닙니다. DOI는 `10.1038/s41586-020-2649-2`와 같은 형식입니다"
        "(`doi:10.…`, `https://doi.org/10.…`도 됩니다)."
    }


def test_edit_opens_the_form_pre_filled_and_saves_the_change_with_history(slack):
    club = make_club(slack)
    author = club.members[0]
    seen_by_user(slack.command(author, club.channel, 'output paper "Draft title" status:submitted'))
    delivery = slack.command(author, club.channel, "edit o1")
    assert delivery.acked_in_time
    view = top_view(slack, author)
    fields = inputs(view)
    assert fields["title"]["initial_value"] == "Draft title"
    assert fields["status"]["initial_option"]["value"] == "submitted"
    assert [o["value"] for o in fields["status"]["options"]] == [
        "submitted",
        "under-review",
        "accepted",
        "published",
        "rejected",
        "cancelled",
    ]
    assert json.loads(view.private_metadata)["item"] == "o1"
    slack.standin.submit_view(author, view.id, {"title": {"title": "Final title"}, "status": {"status": "accepted"}})
    with slack.db.session() as session:
        output = session.scalars(select(Output)).one()
        assert (output.title, output.status) == ("Final title", "accepted")
        assert [c.to_status for c in session.scalars(select(OutputStatusChange).order_by(OutputStatusChange.id))] == [
            "submitted",
            "accepted",
        ]
    shown = card(slack, club.channel, "output:1")
    assert "Final title" in shown and "상태: 채택" in shown


def test_someone_else_cannot_open_an_items_form(slack):
    club = make_club(slack)
    author, other = club.members
    seen_by_user(slack.command(author, club.channel, "update First visit"))
    slack.command(other, club.channel, "edit u1")
    view = top_view(slack, other)
    assert "Only the author of u1, a leader or secretariat staff may change it." in view_text(slack, view)
    assert view.callback_id == "notice"
    leader = club.leaders[0]
    slack.command(leader, club.channel, "edit u1")
    assert top_view(slack, leader).callback_id == "tracking:update_form"  # leaders may


def test_a_text_longer_than_one_input_is_edited_over_several_and_comes_back_whole(slack):
    club = make_club(slack)
    member = club.members[0]
    text = "\n".join(f"Paragraph {i}:" + " detail" * 60 for i in range(20))  # about 8,500 characters
    with slack.db.session() as session:  # filed before texts had a limit (3,000 characters)
        now = datetime.now(UTC)
        author = person_record(slack, member).id
        session.add(Update(club_id=club.ref.id, author_id=author, text=text, created_at=now, updated_at=now))
    slack.command(member, club.channel, "edit u1")
    view = top_view(slack, member)
    parts = [b for b in view.blocks if b.get("type") == "input"]
    assert len(parts) == 3 and all(len(b["element"].get("initial_value", "")) <= 3000 for b in parts)
    slack.standin.submit_view(member, view.id, {})  # saved without changes
    with slack.db.session() as session:
        assert session.scalars(select(Update.text)).one() == text


def test_a_channel_message_becomes_an_update_through_the_shortcut(slack):
    club = make_club(slack)
    member = club.members[0]
    ts = slack.standin.post_message(
        member, club.channel, f"Met <@{club.leaders[0]}> at KIST &amp; agreed on a joint seminar"
    )
    delivery = slack.standin.message_shortcut(member, club.channel, ts, SHORTCUT)
    assert delivery.acked_in_time
    view = top_view(slack, member)
    assert view.callback_id == "tracking:update_form"
    assert (
        inputs(view)["text"]["initial_value"].startswith("Met <@")
        and "& agreed" in inputs(view)["text"]["initial_value"]
    )
    slack.standin.submit_view(member, view.id, {})
    with slack.db.session() as session:
        assert "agreed on a joint seminar" in session.scalars(select(Update.text)).one()
    assert any("Saved as *u1*" in text for text in ephemeral_texts(slack, member))


def test_the_shortcut_can_record_the_message_as_an_output_instead(slack):
    club = make_club(slack)
    member = club.members[0]
    ts = slack.standin.post_message(
        member, club.channel, "Our paper is out: Topological qubits at scale\nhttps://doi.org/10.1038/s41586-026-1234-5"
    )
    slack.standin.message_shortcut(member, club.channel, ts, SHORTCUT)
    view = top_view(slack, member)
    slack.standin.click(member, action_id="tracking:switch_to_output", view_id=view.id)
    assert slack.standin.wait_for(lambda: slack.standin.views(member)[-1].callback_id == "tracking:output_form")
    view = slack.standin.views(member)[-1]
    fields = inputs(view)
    assert fields["title"]["initial_value"] == "Our paper is out: Topological qubits at scale"
    assert fields["doi"]["initial_value"] == "10.1038/s41586-026-1234-5"
    slack.standin.submit_view(
        member,
        view.id,
        {
            "type": {"type": "paper"},
            "title": {"title": "Topological qubits at scale"},
            "status": {"status": "published"},
        },
    )
    with slack.db.session() as session:
        output = session.scalars(select(Output)).one()
        assert (output.title, output.doi, output.status) == (
            "Topological qubits at scale",
            "10.1038/s41586-026-1234-5",
            "published",
        )


def test_the_shortcut_outside_a_club_channel_says_so(slack):
    person = slack.person("kim")
    channel = slack.channel("random", [person])
    ts = slack.standin.post_message(person, channel, "hello")
    slack.standin.message_shortcut(person, channel, ts, SHORTCUT)
    view = top_view(slack, person)
    assert "not in a club channel" in view_text(slack, view)


def test_confirmation_is_for_leaders_a_members_click_is_refused(slack):
    club = make_club(slack)
    member, other = club.members
    leader = club.leaders[0]
    seen_by_user(slack.command(member, club.channel, 'output workshop "Winter school" status:completed'))
    card(slack, club.channel, "output:1")
    card_ts = next(m.ts for m in slack.standin.messages(club.channel) if m.bot_id)

    slack.standin.click(other, action_id="tracking:confirm_output", channel_id=club.channel, message_ts=card_ts)
    refused = ephemeral_texts(slack, other)
    assert any("Only a leader of the club or secretariat staff can confirm an output." in text for text in refused)
    with slack.db.session() as session:
        assert session.scalar(select(Output.confirmed_at)) is None

    slack.standin.click(leader, action_id="tracking:confirm_output", channel_id=club.channel, message_ts=card_ts)
    assert any("You confirmed *o1*" in text for text in ephemeral_texts(slack, leader))
    shown = card(slack, club.channel, "output:1")
    assert "리더 확인 완료" in shown and f"@{slack.standin.user(leader).name}" in shown
    assert "tracking:confirm_output" not in shown  # the button is gone
    with slack.db.session() as session:
        assert session.scalar(select(Output.confirmed_at)) is not None


def test_secretariat_staff_may_confirm(slack):
    club = make_club(slack)
    seen_by_user(slack.command(club.members[0], club.channel, 'output award "Best poster award"'))
    card(slack, club.channel, "output:1")
    slack.standin.join_channel(slack.admin, club.channel)
    card_ts = next(m.ts for m in slack.standin.messages(club.channel) if m.bot_id)
    slack.standin.click(slack.admin, action_id="tracking:confirm_output", channel_id=club.channel, message_ts=card_ts)
    assert any("*o1*" in text for text in ephemeral_texts(slack, slack.admin))  # in the admin's language
    assert "리더 확인 완료" in card(slack, club.channel, "output:1")


def test_deleting_follows_the_roles_and_keeps_the_content_in_the_audit_log(slack):
    from bot.refs import ClubRef
    from bot.tracking import service as tracking
    from storage.models import AuditEntry, Club

    club = make_club(slack)
    author, other = club.members
    leader = club.leaders[0]
    seen_by_user(slack.command(author, club.channel, 'output paper "Old result" status:published doi:10.1234/old.1'))
    with slack.db.session() as session:  # an update the author filed last quarter
        ref = ClubRef.of(session.scalars(select(Club)).one())
        caller = tracking.standing(session, ref.id, author, is_admin=False)
        tracking.file_update(session, ref, caller, "Last quarter's visit", now=datetime(2026, 8, 1, tzinfo=UTC))

    assert "Only the author of o1" in seen_by_user(slack.command(other, club.channel, "delete o1"))
    late = seen_by_user(slack.command(author, club.channel, "delete u1"))
    assert "u1 was filed in 2026Q3, which is over" in late
    assert "*o1* is deleted" in seen_by_user(slack.command(author, club.channel, "delete o1"))
    assert "*u1* is deleted" in seen_by_user(slack.command(leader, club.channel, "delete u1"))
    slack.command(leader, club.channel, "edit o1")
    assert "There is no item o1 in Quantum Hardware Club." in view_text(slack, top_view(slack, leader))

    with slack.db.session() as session:
        output = session.scalars(select(Output)).one()
        assert output.deleted_at is not None and output.deleted_by == author and output.doi is None
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "item.deleted", AuditEntry.entity == "output")
        ).one()
        assert entry.details["content"]["title"] == "Old result"
        assert entry.details["content"]["doi"] == "10.1234/old.1"
    assert "o1 항목을 삭제했습니다" in card(slack, club.channel, "output:1") and "Old result" not in card(
        slack, club.channel, "output:1"
    )
    # the same work can be filed again
    assert "Saved as *o2*" in seen_by_user(
        slack.command(author, club.channel, 'output paper "Old result" status:published doi:10.1234/old.1')
    )
    lists = seen_by_user(slack.command(author, club.channel, "list"))
    assert "`o2`" in lists and "`o1`" not in lists


def test_list_shows_ids_and_mine_only_mine(slack):
    club = make_club(slack)
    first, second = club.members
    seen_by_user(slack.command(first, club.channel, "update One"))
    seen_by_user(slack.command(second, club.channel, 'output software "Qubit simulator" status:released'))
    seen_by_user(slack.command(first, club.channel, "plan Two"))
    everything = seen_by_user(slack.command(first, club.channel, "list"))
    assert "`u1`" in everything and "`o1`" in everything and "`p1`" in everything
    mine = seen_by_user(slack.command(first, club.channel, "list mine"))
    assert "`u1`" in mine and "`p1`" in mine and "`o1`" not in mine
    empty = seen_by_user(slack.command(first, club.channel, "list 2025Q1"))
    assert "Nothing was filed in 2025Q1." in empty


def test_a_refused_form_keeps_what_was_typed_underneath(slack):
    from bot.domain import MembershipStatus
    from storage.models import Membership

    club = make_club(slack)
    member = club.members[0]
    slack.command(member, club.channel, "update")
    view = top_view(slack, member)
    with slack.db.session() as session:  # the member leaves the club while writing
        membership = session.scalars(
            select(Membership).where(Membership.participant_id == person_record(slack, member).id)
        ).one()
        membership.status = MembershipStatus.LEFT
    delivery = slack.standin.submit_view(member, view.id, {"text": {"text": "A long note worth keeping"}})
    assert delivery.json["response_action"] == "push"
    form, notice = slack.standin.views(member)
    assert form.id == view.id and form.state["values"]["text"]["text"]["value"] == "A long note worth keeping"
    assert "Sorry, only a member of the club may do this." in view_text(slack, notice)
    with slack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Update)) == 0
