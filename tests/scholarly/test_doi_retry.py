"""End to end: a Crossref lookup that failed for a passing reason (5xx, 429) after a filing is tried again by
the hourly `doi-lookups` job until Crossref answers (found, or 404: unknown), and each card is updated once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.periods import Due
from jobs import clock, outputs
from storage.models import JobRun, Output
from tests.factories import make_club
from tests.scholarly.test_outputs_discovery import runtime_for
from tests.support import World
from tests.tracking.support import card


def _output(world: World, doi: str) -> Output:
    with world.db.session() as session:
        output = session.scalar(select(Output).where(Output.doi == doi))
        assert output is not None
        return output


def _filed_an_hour_ago(world: World) -> None:
    """The lookup after the filing is long over (the job leaves younger outputs to it)."""
    with world.db.session() as session:
        session.execute(update(Output).values(created_at=datetime.now(UTC) - timedelta(hours=1)))


def _retry(world: World, scholarly, period: str) -> str:
    due = Due(period, "", datetime.now(UTC))
    return clock.run_one(runtime_for(world, scholarly), outputs.LOOKUPS_JOB, due, owner="cli:test")


def _card_updates(world: World, channel: str) -> int:
    return sum(1 for c in world.standin.calls_to("chat.update") if c.ok and c.args.get("channel") == channel)


def test_a_failed_lookup_is_retried_until_crossref_answers_and_the_card_is_updated_once(slack, scholarly):
    club = make_club(slack, language="en")
    ada = scholarly.person("Ada", "Kim")
    scholarly.work("10.5555/retry.1", [ada], title="Retried and found", venue="Journal of Patience")
    scholarly.fault("/crossref/works", "500", times=4)  # every attempt of the lookup after the filing
    reply = slack.command(club.members[0], club.channel, "output paper doi:10.5555/retry.1")
    assert reply.acked_in_time
    assert slack.standin.wait_for(lambda: scholarly.count("/crossref/works") >= 4, timeout=20)
    output = _output(slack, "10.5555/retry.1")
    assert output.doi_looked_up_at is None and output.title == ""  # failed: owed, the card as filed
    updates_before = _card_updates(slack, club.channel)

    scholarly.fault("/crossref/works", "429", retry_after="600")  # longer than the client waits: fails at once
    _filed_an_hour_ago(slack)
    assert _retry(slack, scholarly, "2026-12-06T10:00:00Z") == "done"
    assert _output(slack, "10.5555/retry.1").doi_looked_up_at is None  # rate-limited: still owed

    assert _retry(slack, scholarly, "2026-12-06T11:00:00Z") == "done"
    output = _output(slack, "10.5555/retry.1")
    assert output.doi_looked_up_at is not None and output.title == "Retried and found"
    text = card(slack, club.channel, f"output:{output.id}")
    assert "Retried and found" in text and "Published in Journal of Patience" in text
    assert _card_updates(slack, club.channel) == updates_before + 1

    asked = scholarly.count("/crossref/works")
    assert _retry(slack, scholarly, "2026-12-06T12:00:00Z") == "done"
    assert scholarly.count("/crossref/works") == asked  # answered: never asked again
    assert _card_updates(slack, club.channel) == updates_before + 1  # and the card never updated twice
    with slack.db.session() as session:
        runs = session.scalars(select(JobRun).where(JobRun.job == outputs.LOOKUPS_NAME)).all()
        assert sorted(r.status.value for r in runs) == ["done", "done", "done"]


def test_a_doi_crossref_does_not_know_is_retried_once_then_kept_as_unknown(slack, scholarly):
    club = make_club(slack, language="en")
    scholarly.fault("/crossref/works", "500", times=4)
    slack.command(club.members[0], club.channel, "output paper doi:10.5555/nobody")
    assert slack.standin.wait_for(lambda: scholarly.count("/crossref/works") >= 4, timeout=20)
    _filed_an_hour_ago(slack)
    assert _retry(slack, scholarly, "2026-12-06T10:00:00Z") == "done"
    output = _output(slack, "10.5555/nobody")
    assert output.doi_looked_up_at is not None  # a 404: known to be unknown
    assert "Crossref does not know this DOI" in card(slack, club.channel, f"output:{output.id}")
    asked = scholarly.count("/crossref/works")
    assert _retry(slack, scholarly, "2026-12-06T11:00:00Z") == "done"
    assert scholarly.count("/crossref/works") == asked


def test_a_doi_changed_later_is_looked_up_by_the_job(slack, scholarly):
    club = make_club(slack, language="en")
    ada = scholarly.person("Ada", "Kim")
    scholarly.work("10.5555/second.1", [ada], title="The second DOI", venue="Second Journal")
    slack.command(club.members[0], club.channel, 'output paper "Own title" doi:10.5555/first.1')
    assert slack.standin.wait_for(lambda: _output(slack, "10.5555/first.1").doi_looked_up_at is not None, timeout=20)
    slack.command(club.members[0], club.channel, "output o1 doi:10.5555/second.1")
    assert _output(slack, "10.5555/second.1").doi_looked_up_at is None
    _filed_an_hour_ago(slack)
    assert _retry(slack, scholarly, "2026-12-06T10:00:00Z") == "done"
    output = _output(slack, "10.5555/second.1")
    assert output.doi_looked_up_at is not None and output.title == "Own title"  # what the member typed wins
    assert "Published in Second Journal" in card(slack, club.channel, f"output:{output.id}")
