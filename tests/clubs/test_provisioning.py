"""`/club new` end to end: channel, members, pending people, failures, welcome, idempotence, name clashes."""

from __future__ import annotations

from datetime import date

from slack_sdk import WebClient
from sqlalchemy import func, select

from bot.digests.feeds.catalog import load_catalog
from bot.domain import ClubRole, FieldKey, MeetingRole, MembershipStatus
from bot.standin import FaultPlan
from storage.models import Club, ClubFeed, Meeting, MeetingAttendance, Membership, Participant
from tests.conftest import SESSION_BOT_TOKEN
from tests.support import deliver_all, seen_by_user


def memberships(slack, club_name: str) -> dict[str, tuple[ClubRole, MembershipStatus]]:
    """email → (role, status) for a club."""
    with slack.db.session() as session:
        rows = session.execute(
            select(Participant.email, Membership.role, Membership.status)
            .join(Membership, Membership.participant_id == Participant.id)
            .join(Club, Club.id == Membership.club_id)
            .where(Club.name == club_name)
        ).all()
    return {email: (role, status) for email, role, status in rows}


def channel_named(slack, name: str):
    return next((c for c in slack.standin.ws.channels.values() if c.name == name), None)


def wait_for_posts(slack, channel: str, count: int = 1) -> list:
    assert slack.standin.wait_for(lambda: len(bot_posts(slack, channel)) >= count, timeout=10)
    return bot_posts(slack, channel)


def bot_posts(slack, channel: str) -> list:
    return [m for m in slack.standin.messages(channel) if m.bot_id and not m.subtype]


def test_admin_creates_a_club_with_its_channel_members_pending_people_and_failures(slack):
    kim = slack.person("kim", email="kim@kaist.example", locale="ko-KR")
    park = slack.person("park", email="park@snu.example")
    slack.person("guest", email="guest@riken.example", is_restricted=True)
    slack.person("gone", email="gone@mit.example", deleted=True)

    delivery = slack.command(
        slack.admin,
        slack.secretariat,
        "new Quantum Hardware Club field:양자 leaders:@kim "
        "members:park@snu.example, newbie@oxford.example @guest gone@mit.example",
    )
    assert delivery.acked_in_time
    assert "“Quantum Hardware Club”을 만드는 중입니다" in seen_by_user(delivery)  # no "Club 클럽"
    [summary] = delivery.wait_for_responses(n=1, timeout=15)
    summary_text = str(summary)

    channel = channel_named(slack, "xlab-quantum-hardware-club")
    assert channel is not None and not channel.is_private
    assert {kim, park} <= set(channel.members)
    assert "양자 / Quantum" in channel.topic["value"]
    assert "Quantum Hardware Club" in channel.purpose["value"]
    # the admin's summary: in the channel, pending, failed with reasons
    assert "채널 참여 (2명)" in summary_text
    # a deactivated account is not found by email: like someone outside the workspace, it stays pending
    assert (
        "대기 (2명)" in summary_text and "newbie@oxford.example" in summary_text and "gone@mit.example" in summary_text
    )
    assert "초대하지 못함 (1명)" in summary_text and "게스트 계정" in summary_text

    state = memberships(slack, "Quantum Hardware Club")
    assert state["kim@kaist.example"] == (ClubRole.LEADER, MembershipStatus.ACTIVE)
    assert state["park@snu.example"] == (ClubRole.MEMBER, MembershipStatus.ACTIVE)
    assert state["newbie@oxford.example"] == (ClubRole.MEMBER, MembershipStatus.PENDING)
    assert state["guest@riken.example"][1] is MembershipStatus.PENDING

    # the welcome message, pinned, in the club's language (Korean by default), naming the leader
    [welcome] = wait_for_posts(slack, channel.id)
    assert "Quantum Hardware Club에 오신 것을 환영합니다" in str(welcome.blocks)
    assert f"<@{kim}>" in str(welcome.blocks)
    assert slack.standin.wait_for(lambda: bot_posts(slack, channel.id)[0].pinned, timeout=5)
    # the secretariat gets the list of people to invite as guests; nobody else sees their emails
    [guests] = wait_for_posts(slack, slack.secretariat)
    assert "newbie@oxford.example" in str(guests.blocks)
    assert all("@oxford.example" not in str(m.blocks) + m.text for m in slack.standin.messages(channel.id))
    # the new club follows its field's catalog feeds
    with slack.db.session() as session:
        club_id = session.scalar(select(Club.id).where(Club.name == "Quantum Hardware Club"))
        subscribed = session.scalar(select(func.count()).select_from(ClubFeed).where(ClubFeed.club_id == club_id))
    assert subscribed == len(load_catalog()[FieldKey.QUANTUM]) > 0


def test_running_the_same_command_twice_never_creates_two_clubs(slack):
    slack.person("kim", email="kim@kaist.example")
    command = "new AI Safety Club field:ai leaders:@kim"
    first = slack.command(slack.admin, slack.secretariat, command)
    first.wait_for_responses(n=1, timeout=15)
    slack.person("lee", email="lee@postech.example")
    second = slack.command(slack.admin, slack.secretariat, command + " members:@lee")
    [answer] = second.wait_for_responses(n=1, timeout=15)
    assert "이미 있습니다" in str(answer)
    with slack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Club)) == 1
    assert len([c for c in slack.standin.calls_to("conversations.create") if c.ok]) == 1
    assert set(memberships(slack, "AI Safety Club")) == {"kim@kaist.example", "lee@postech.example"}


def test_running_new_again_does_not_post_the_guest_list_to_the_secretariat_again(slack):
    slack.person("kim", email="kim@kaist.example")
    command = "new AI Safety Club field:ai leaders:@kim members:newbie@oxford.example"
    slack.command(slack.admin, slack.secretariat, command).wait_for_responses(n=1, timeout=15)
    [guests] = wait_for_posts(slack, slack.secretariat)
    assert "newbie@oxford.example" in str(guests.blocks)
    again = slack.command(slack.admin, slack.secretariat, command + " other@oxford.example")
    again.wait_for_responses(n=1, timeout=15)
    posts = wait_for_posts(slack, slack.secretariat, 2)
    deliver_all(slack)
    posts = bot_posts(slack, slack.secretariat)
    assert len(posts) == 2  # only the person the second run added is listed
    assert "other@oxford.example" in str(posts[1].blocks) and "newbie@oxford.example" not in str(posts[1].blocks)
    slack.command(slack.admin, slack.secretariat, command + " other@oxford.example").wait_for_responses(n=1, timeout=15)
    deliver_all(slack)
    assert len(bot_posts(slack, slack.secretariat)) == 2  # nobody new: nothing posted


def test_a_name_taken_by_another_channel_gets_the_next_free_variant(slack):
    someone = slack.person("someone")
    slack.standin.add_channel("xlab-hydrogen-club", members=[someone])
    delivery = slack.command(slack.admin, slack.secretariat, "new Hydrogen Club field:hydrogen")
    delivery.wait_for_responses(n=1, timeout=15)
    with slack.db.session() as session:
        club = session.scalar(select(Club).where(Club.name == "Hydrogen Club"))
    assert club.channel_name == "xlab-hydrogen-club-2"
    assert channel_named(slack, "xlab-hydrogen-club").members == [someone]  # the other channel is untouched


def test_a_channel_this_bot_made_for_a_club_never_recorded_is_reused(slack):
    # an interrupted run: the bot created the channel, then died before recording the club
    bot = WebClient(base_url=slack.standin.api_url, token=SESSION_BOT_TOKEN)
    orphan = bot.conversations_create(name="xlab-hydrogen-club")["channel"]["id"]
    delivery = slack.command(slack.admin, slack.secretariat, "new Hydrogen Club field:hydrogen")
    [summary] = delivery.wait_for_responses(n=1, timeout=15)
    assert "이전에 중단된 시도에서 만든 채널을 그대로 사용했습니다" in str(summary)
    with slack.db.session() as session:
        assert session.scalar(select(Club.channel_id).where(Club.name == "Hydrogen Club")) == orphan


def test_when_the_channel_cannot_be_created_no_club_is_recorded(slack):
    slack.standin.inject(FaultPlan(kind="server_error", rate=1.0, methods={"conversations.create"}))
    delivery = slack.command(slack.admin, slack.secretariat, "new Hydrogen Club field:hydrogen")
    [answer] = delivery.wait_for_responses(n=1, timeout=30)
    assert "다시 시도해 주세요" in str(answer)
    with slack.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Club)) == 0


def test_the_welcome_is_pinned_even_when_slack_fails_the_pin_more_often_than_the_client_retries(slack):
    slack.person("kim", email="kim@kaist.example")
    # five 500s in a row: one attempt's own retries (3) are used up, so the pin has to be tried again later
    slack.standin.inject(FaultPlan(kind="server_error", rate=1.0, methods={"pins.add"}, count=5))
    delivery = slack.command(slack.admin, slack.secretariat, "new Fusion Club field:ai leaders:@kim")
    delivery.wait_for_responses(n=1, timeout=15)
    deliver_all(slack)
    channel = channel_named(slack, "xlab-fusion-club")
    [welcome] = bot_posts(slack, channel.id)
    assert welcome.pinned
    assert len([c for c in slack.standin.calls_to("pins.add") if c.ok]) == 1
    assert len(slack.standin.calls_to("chat.postMessage")) == 1  # pinning again never posts again


def test_invites_go_in_one_call_and_each_failure_is_reported_on_its_own(slack):
    people = [slack.person(f"p{i}", email=f"p{i}@uni.example") for i in range(30)]
    slack.person("guest1", email="guest1@uni.example", is_ultra_restricted=True)
    delivery = slack.command(
        slack.admin,
        slack.secretariat,
        "new Battery Club field:secondary-battery members:" + " ".join(f"@p{i}" for i in range(30)) + " @guest1",
    )
    [summary] = delivery.wait_for_responses(n=1, timeout=20)
    invites = [c for c in slack.standin.calls_to("conversations.invite") if c.ok]
    assert len(invites) == 1
    assert set(invites[0].args["users"].split(",")) >= set(people)
    assert "채널 참여 (30명)" in str(summary)
    assert "단일 채널 게스트" in str(summary)


def test_members_default_to_the_meetings_attendees(slack):
    kim = slack.person("kim", email="kim@kaist.example")
    with slack.db.session() as session:
        meeting = Meeting(
            code="XL-2026-07", field=FieldKey.HYDROGEN, starts_on=date(2026, 7, 1), ends_on=date(2026, 7, 3)
        )
        session.add(meeting)
        for email in ("kim@kaist.example", "far@away.example"):
            person = Participant(name_en=email.split("@")[0], email=email)
            session.add_all(
                [person, MeetingAttendance(meeting=meeting, participant=person, role=MeetingRole.RESEARCHER)]
            )
    delivery = slack.command(slack.admin, slack.secretariat, "new Hydrogen Club field:hydrogen meeting:XL-2026-07")
    delivery.wait_for_responses(n=1, timeout=15)
    state = memberships(slack, "Hydrogen Club")
    assert state["kim@kaist.example"][1] is MembershipStatus.ACTIVE
    assert state["far@away.example"][1] is MembershipStatus.PENDING
    assert kim in channel_named(slack, "xlab-hydrogen-club").members


def test_an_unknown_meeting_code_is_refused_and_nothing_is_created(slack):
    delivery = slack.command(slack.admin, slack.secretariat, "new Hydrogen Club field:hydrogen meeting:NOPE")
    [answer] = delivery.wait_for_responses(n=1, timeout=15)
    assert "`NOPE` 코드의 X-Lab Day 행사가 없습니다" in str(answer)
    assert not slack.standin.calls_to("conversations.create")


def test_a_korean_club_name_gets_a_readable_channel_and_the_full_name_in_the_topic(slack):
    delivery = slack.command(slack.admin, slack.secretariat, 'new "차세대 원자력 연구회" field:nuclear lang:en')
    delivery.wait_for_responses(n=1, timeout=15)
    channel = channel_named(slack, "xlab-chasedae-wonjalyeog-yeonguhoe")
    assert channel is not None
    assert "차세대 원자력 연구회" in channel.topic["value"]
    [welcome] = wait_for_posts(slack, channel.id)
    assert "Welcome to 차세대 원자력 연구회" in str(welcome.blocks)  # the club's language is English


def test_only_secretariat_staff_may_create_clubs(slack):
    kim = slack.person("kim")
    delivery = slack.command(kim, slack.channel("general", [kim]), "new Rogue Club field:ai")
    assert "only secretariat staff may do this" in seen_by_user(delivery)
    assert not slack.standin.calls_to("conversations.create")
