"""Membership kept in step with Slack's events: joins, leaves, renames, archives, and pending people arriving."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.domain import ClubStatus, MembershipStatus
from storage.models import AuditEntry, Club, Membership, Participant
from tests.factories import make_club


def membership_of(slack, club_id: int, user_id: str) -> Membership | None:
    with slack.db.session() as session:
        return session.scalar(
            select(Membership)
            .join(Participant, Participant.id == Membership.participant_id)
            .where(Membership.club_id == club_id, Participant.slack_user_id == user_id)
        )


def club_row(slack, club_id: int) -> Club:
    with slack.db.session() as session:
        return session.get(Club, club_id)


def test_someone_who_joins_the_channel_becomes_a_member(slack):
    club = make_club(slack)
    newcomer = slack.person("newcomer", email="newcomer@kist.example", real_name="신입 연구원")
    slack.standin.join_channel(newcomer, club.channel)
    assert slack.standin.wait_for(lambda: membership_of(slack, club.ref.id, newcomer) is not None)
    joined = membership_of(slack, club.ref.id, newcomer)
    assert joined.status is MembershipStatus.ACTIVE and joined.joined_at is not None
    with slack.db.session() as session:
        person = session.scalar(select(Participant).where(Participant.slack_user_id == newcomer))
        assert (person.name_ko, person.email) == ("신입 연구원", "newcomer@kist.example")


def test_a_member_who_leaves_keeps_their_history(slack):
    club = make_club(slack)
    leaver = club.members[0]
    slack.standin.leave_channel(leaver, club.channel)
    assert slack.standin.wait_for(lambda: membership_of(slack, club.ref.id, leaver).status is MembershipStatus.LEFT)
    left = membership_of(slack, club.ref.id, leaver)
    assert left.left_at is not None and left.joined_at is not None  # the record stays, with both dates
    # and coming back makes them active again
    slack.standin.join_channel(leaver, club.channel)
    assert slack.standin.wait_for(lambda: membership_of(slack, club.ref.id, leaver).status is MembershipStatus.ACTIVE)


def test_renaming_archiving_and_unarchiving_the_channel_update_the_club(slack):
    club = make_club(slack)
    slack.standin.rename_channel(club.channel, "xlab-quantum-renamed", by=club.leaders[0])
    assert slack.standin.wait_for(lambda: club_row(slack, club.ref.id).channel_name == "xlab-quantum-renamed")
    slack.standin.archive_channel(club.channel, by=slack.admin)
    assert slack.standin.wait_for(lambda: club_row(slack, club.ref.id).status is ClubStatus.CLOSED)
    slack.standin.unarchive_channel(club.channel, by=slack.admin)
    assert slack.standin.wait_for(lambda: club_row(slack, club.ref.id).status is ClubStatus.ACTIVE)


def test_a_redelivered_event_is_applied_once(slack):
    club = make_club(slack)
    newcomer = slack.person("newcomer")
    slack.standin.join_channel(newcomer, club.channel)
    assert slack.standin.wait_for(lambda: membership_of(slack, club.ref.id, newcomer) is not None)
    [event] = slack.standin.events_of("member_joined_channel")[-1:]
    slack.standin.redeliver(event.event_id)
    slack.standin.wait_for_events()
    with slack.db.session() as session:
        joins = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "member.join"))
    assert joins == 1


def test_a_pending_person_who_joins_the_workspace_is_invited_and_becomes_a_member(slack):
    slack.person("kim", email="kim@kaist.example")
    delivery = slack.command(
        slack.admin, slack.secretariat, "new Quantum Club field:quantum leaders:@kim members:late@oxford.example"
    )
    delivery.wait_for_responses(n=1, timeout=15)
    with slack.db.session() as session:
        club = session.scalar(select(Club).where(Club.name == "Quantum Club"))
    # weeks later, they accept the workspace invitation
    late = slack.standin.add_user("late", real_name="Late Comer", email="late@oxford.example", team_join=True)
    assert slack.standin.wait_for(lambda: late in slack.standin.channel(club.channel_id).members, timeout=10)
    assert slack.standin.wait_for(
        lambda: (m := membership_of(slack, club.id, late)) is not None and m.status is MembershipStatus.ACTIVE,
        timeout=10,
    )
    with slack.db.session() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Participant).where(Participant.email == "late@oxford.example")
            )
            == 1
        )


def test_events_in_channels_that_are_not_clubs_change_nothing(slack):
    someone = slack.person("someone")
    general = slack.channel("general", [])
    slack.standin.join_channel(someone, general)
    slack.standin.wait_for_events()
    with slack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Membership)) == 0
        assert session.scalar(select(func.count()).select_from(Participant)) == 0
