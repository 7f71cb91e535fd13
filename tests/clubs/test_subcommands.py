"""The clubs subcommands against each role, the member-record modal, the App Home and the new-club form."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.domain import ClubRole, ClubStatus, FieldKey, MeetingRole
from storage.models import Club, Meeting, MeetingAttendance, Membership, Participant
from tests.factories import make_club, participant
from tests.support import seen_by_user


def channel_members(slack, name: str) -> list[str]:
    return next((c.members for c in slack.standin.ws.channels.values() if c.name == name), [])


def test_members_see_names_affiliations_and_countries_but_only_leaders_see_emails(slack):
    club = make_club(slack, members=2)
    as_member = seen_by_user(slack.command(club.members[0], club.channel, "members"))
    as_leader = seen_by_user(slack.command(club.leaders[0], club.channel, "members"))
    member_email = slack.standin.user(club.members[1]).email
    assert "3 members" in as_member and "South Korea" in as_member
    assert member_email not in as_member
    assert "Emails are shown only to the club's leaders and the secretariat." in as_member
    assert member_email in as_leader


def test_a_leader_invites_and_a_member_may_not(slack):
    club = make_club(slack)
    lee = slack.person("lee", email="lee@postech.example")
    refused = seen_by_user(slack.command(club.members[0], club.channel, "invite @lee"))
    assert "Sorry, only a leader of the club may do this." in refused
    delivery = slack.command(club.leaders[0], club.channel, "invite @lee")
    [summary] = delivery.wait_for_responses(n=1, timeout=10)
    assert "In the channel (1)" in str(summary)
    assert lee in slack.standin.channel(club.channel).members


def test_a_leader_names_a_co_leader(slack):
    club = make_club(slack)
    answer = seen_by_user(slack.command(club.leaders[0], club.channel, "leader @quantum-member0"))
    assert "is now a leader of Quantum Hardware Club" in answer
    with slack.db.session() as session:
        role = session.scalar(
            select(Membership.role).where(Membership.participant_id == participant(slack, club.members[0]).id)
        )
    assert role is ClubRole.LEADER
    assert "only a leader" in seen_by_user(slack.command(club.members[1], club.channel, "leader @quantum-member1"))


def _archive_prompt(slack, club):
    delivery = slack.command(slack.admin, slack.secretariat, 'archive club:"Quantum Hardware Club"')
    question = seen_by_user(delivery)
    return delivery, question


def test_only_the_secretariat_archives_a_club_and_only_after_confirming(slack):
    club = make_club(slack)
    assert "only secretariat staff" in seen_by_user(slack.command(club.leaders[0], club.channel, "archive"))
    _delivery, question = _archive_prompt(slack, club)
    assert "Quantum Hardware Club*을 종료하고 채널" in question and "보관할까요?" in question
    assert "[종료하고 보관]" in question
    assert not slack.standin.channel(club.channel).is_archived  # nothing happens before the click
    cancel = slack.standin.click(slack.admin, action_id="clubs:archive_cancel")
    assert "보관하지 않았습니다" in str(cancel.wait_for_responses(n=1, timeout=10))
    assert not slack.standin.channel(club.channel).is_archived

    _archive_prompt(slack, club)
    done = slack.standin.click(slack.admin, action_id="clubs:archive_confirm")
    assert "Quantum Hardware Club을 종료하고 채널을 보관했습니다" in str(done.wait_for_responses(n=1, timeout=10))
    assert slack.standin.channel(club.channel).is_archived
    with slack.db.session() as session:
        assert session.get(Club, club.ref.id).status is ClubStatus.CLOSED
    # an archived club is still listed, marked so, for the secretariat and for its members
    listing = seen_by_user(slack.command(slack.admin, slack.secretariat, "clubs"))
    assert "Quantum Hardware Club" in listing and "보관됨" in listing
    elsewhere = slack.channel("random", [club.members[0]])
    assert "archived" in seen_by_user(slack.command(club.members[0], elsewhere, "clubs"))


def test_the_clubs_language_is_set_by_its_leaders(slack):
    club = make_club(slack)
    assert "only a leader" in seen_by_user(slack.command(club.members[0], club.channel, "language en"))
    assert "This club posts in 한국어" in seen_by_user(slack.command(club.leaders[0], club.channel, "language"))
    assert "now posts in English" in seen_by_user(slack.command(club.leaders[0], club.channel, "language en"))
    with slack.db.session() as session:
        assert session.get(Club, club.ref.id).language == "en"


def test_a_club_command_outside_a_club_channel_names_the_persons_clubs(slack):
    club = make_club(slack)
    elsewhere = slack.channel("random", [club.members[0]])
    answer = seen_by_user(slack.command(club.members[0], elsewhere, "members"))
    assert "run it in the club's channel, or add `club:NAME`" in answer
    assert "Quantum Hardware Club" in answer
    works = seen_by_user(slack.command(club.members[0], elsewhere, 'members club:"quantum hardware club"'))
    assert "3 members" in works
    typo = seen_by_user(slack.command(club.members[0], elsewhere, "members club:Quantum-Hardware-Clb"))
    assert "Did you mean “Quantum Hardware Club”?" in typo


def test_clubs_lists_ones_own_clubs_and_every_club_for_the_secretariat(slack):
    quantum = make_club(slack, "Quantum Club")
    make_club(slack, "Hydrogen Club", field=FieldKey.HYDROGEN, meeting_code="XL-2026-10")
    mine = seen_by_user(slack.command(quantum.members[0], quantum.channel, "clubs"))
    assert "Quantum Club" in mine and "Hydrogen Club" not in mine
    everything = seen_by_user(slack.command(slack.admin, slack.secretariat, "clubs"))
    assert "Quantum Club" in everything and "Hydrogen Club" in everything


# --- the participant record ------------------------------------------------------------------------------


def test_a_member_edits_their_own_record_with_errors_shown_on_the_field(slack):
    club = make_club(slack)
    me = club.members[0]
    slack.command(me, club.channel, "member")
    assert slack.standin.wait_for(lambda: slack.standin.views(me), timeout=5)
    view = slack.standin.views(me)[-1]
    bad = slack.standin.submit_view(
        me, view.id, {"orcid": {"orcid": "0000-0002-1825-0098"}, "country": {"country": "Atlantis"}}
    )
    assert bad.json["response_action"] == "errors"
    assert set(bad.json["errors"]) == {"orcid", "country"}
    good = slack.standin.submit_view(
        me,
        view.id,
        {
            "orcid": {"orcid": "https://orcid.org/0000-0002-1825-0097"},
            "country": {"country": "Germany"},
            "affiliation": {"affiliation": "KRISS"},
        },
    )
    assert good.status == 200 and not good.json
    person = participant(slack, me)
    assert (person.orcid, person.affiliation, person.country) == ("0000-0002-1825-0097", "KRISS", "DE")


def test_leaders_edit_their_members_records_but_members_may_not_edit_others(slack):
    club = make_club(slack)
    refused = seen_by_user(slack.command(club.members[0], club.channel, "member @quantum-member1"))
    assert "You may edit your own record" in refused
    slack.command(club.leaders[0], club.channel, "member @quantum-member1")
    assert slack.standin.wait_for(lambda: slack.standin.views(club.leaders[0]), timeout=5)
    view = slack.standin.views(club.leaders[0])[-1]
    slack.standin.submit_view(club.leaders[0], view.id, {"affiliation": {"affiliation": "ETH Zurich"}})
    assert participant(slack, club.members[1]).affiliation == "ETH Zurich"


# --- the App Home and the new-club form --------------------------------------------------------------------


def test_the_home_tab_shows_the_persons_clubs_and_role(slack):
    club = make_club(slack)
    slack.standin.open_home(club.leaders[0])
    assert slack.standin.wait_for(lambda: slack.standin.home(club.leaders[0]) is not None, timeout=5)
    home = str(slack.standin.home(club.leaders[0]).blocks)
    assert "Quantum Hardware Club" in home and "you are leader" in home
    assert "home_new_club" not in home  # only for the secretariat
    slack.standin.open_home(slack.admin)
    assert slack.standin.wait_for(lambda: slack.standin.home(slack.admin) is not None, timeout=5)
    assert "home_new_club" in str(slack.standin.home(slack.admin).blocks)


def test_the_new_club_form_lists_the_meetings_attendees_and_checks_its_fields(slack):
    kim = slack.person("kim", email="kim@kaist.example")
    with slack.db.session() as session:
        meeting = Meeting(code="XL-2026-07", title_ko="수소 경제", field=FieldKey.HYDROGEN,
                          starts_on=date(2026, 7, 1), ends_on=date(2026, 7, 3))  # fmt: skip
        person = Participant(name_en="Kim", email="kim@kaist.example", slack_user_id=kim, affiliation="KAIST")
        session.add_all(
            [meeting, person, MeetingAttendance(meeting=meeting, participant=person, role=MeetingRole.ORGANIZER)]
        )
    slack.command(slack.admin, slack.secretariat, "new")
    assert slack.standin.wait_for(lambda: any(v.callback_id == "club_new" for v in slack.standin.views(slack.admin)))
    view = slack.standin.views(slack.admin)[-1]
    picked = slack.standin.click(
        slack.admin, action_id="club_new_meeting", view_id=view.id, selected_option="XL-2026-07"
    )
    assert picked.status == 200
    assert slack.standin.wait_for(lambda: "Kim · KAIST" in str(slack.standin.view(view.id).blocks))
    bad = slack.standin.submit_view(
        slack.admin,
        view.id,
        {
            "name": {"name": "수소 클럽"},
            "field": {"field": "hydrogen"},
            "emails": {"emails": "kim@kaist, lee@x.example"},
        },
    )
    assert bad.json == {"response_action": "errors", "errors": {"emails": "이메일 주소가 아닙니다: kim@kaist"}}
    done = slack.standin.submit_view(slack.admin, view.id, {"emails": {"emails": "lee@x.example"}})
    assert done.status == 200
    assert slack.standin.wait_for(lambda: kim in channel_members(slack, "xlab-suso-keulleob"), timeout=10)
    dm = slack.standin.dm_channel(slack.admin)
    assert slack.standin.wait_for(lambda: any("수소 클럽" in m.text for m in slack.standin.messages(dm)), timeout=10)
