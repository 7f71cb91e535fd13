"""End to end: the weekly `outputs-discovery` run through the Slack stand-in and the Crossref/OpenAlex stand-in.

The club's members get ORCID iDs; the stand-in lists their works; the run is made through the job's claim
(`jobs.clock.run_one`, as the clock and `clubbot jobs run` make it); the leader reads the suggestion in a DM and
presses its buttons."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.domain import OutputSource, OutputType, SuggestionStatus
from bot.periods import Due
from bot.reports.load import load_dataset
from bot.reports.papers import PaperCounts, paper_counts
from bot.reports.period import Period
from bot.runtime import Runtime
from bot.scholarly.types import CONFIRM_SUGGESTION, REJECT_SUGGESTION
from bot.standin.scholarly import Person, ScholarlyServer, make_orcid
from jobs import clock, outputs
from storage.models import JobRun, Output, OutputPerson, OutputSuggestion, Participant
from tests.factories import make_club
from tests.support import World
from tests.tracking.support import card, dm_texts, dms


def runtime_for(world: World, server: ScholarlyServer) -> Runtime:
    """The app's runtime, with Crossref and OpenAlex at the stand-in."""
    settings = world.runtime.settings.with_overrides(
        crossref_url=server.crossref_url, openalex_url=server.openalex_url, allow_private_feeds=True
    )
    return dataclasses.replace(world.runtime, settings=settings)


def run(runtime: Runtime, period: str, scope: str = "") -> str:
    return clock.run_one(runtime, outputs.JOB, Due(period, scope, datetime.now(UTC)), owner="cli:test")


def give_orcid(world: World, user_id: str, orcid: str, country: str) -> None:
    with world.db.session() as session:
        person = session.scalar(select(Participant).where(Participant.slack_user_id == user_id))
        assert person is not None
        person.orcid = orcid
        person.country = country


def name_of(world: World, user_id: str) -> str:
    with world.db.session() as session:
        person = session.scalar(select(Participant).where(Participant.slack_user_id == user_id))
        assert person is not None
        return person.name_en or person.name_ko or ""


class Catalogue:
    """A club of a leader and three members; the leader and two members have iDs (KR, KR, DE)."""

    def __init__(self, world: World, server: ScholarlyServer) -> None:
        self.club = make_club(world, members=3)
        leader, (m0, m1, m2) = self.club.leaders[0], self.club.members
        self.leader, self.m0, self.m1, self.m2 = leader, m0, m1, m2
        ids = {leader: (make_orcid(1), "KR"), m0: (make_orcid(2), "KR"), m1: (make_orcid(3), "DE")}
        self.people: dict[str, Person] = {}
        for user_id, (orcid, country) in ids.items():
            give_orcid(world, user_id, orcid, country)
            given, _, family = name_of(world, user_id).partition(" ")
            self.people[user_id] = server.person(given or "A", family or "B", orcid=orcid, country=country)
        self.outsider = server.person("Out", "Sider", orcid=make_orcid(99), country="US")
        self.no_orcid = server.person("No", "Orcid", country="FR")


def test_a_run_suggests_exactly_the_joint_papers_and_a_second_run_nothing_new(slack, scholarly):
    cat = Catalogue(slack, scholarly)
    p = cat.people
    joint = scholarly.work(
        "10.5555/joint.1", [p[cat.m0], p[cat.m1]], title="Qubits <across> borders", published=date(2026, 10, 1)
    )
    scholarly.work("10.5555/alone", [p[cat.m0]], published=date(2026, 10, 2))
    scholarly.work("10.5555/with-outsider", [p[cat.m0], cat.outsider], published=date(2026, 10, 3))
    scholarly.work("10.5555/with-no-orcid", [p[cat.m1], cat.no_orcid], published=date(2026, 10, 4))
    scholarly.work("10.5555/before", [p[cat.m0], p[cat.leader]], published=date(2026, 9, 1))  # before the meeting
    scholarly.work("10.5555/dataset", [p[cat.m0], p[cat.leader]], published=date(2026, 10, 5), openalex_type="dataset")
    national = scholarly.work("10.5555/national", [p[cat.m0], p[cat.leader]], published=date(2026, 11, 1))
    runtime = runtime_for(slack, scholarly)

    assert run(runtime, "2026-W49") == "done"

    with slack.db.session() as session:
        rows = session.scalars(select(OutputSuggestion).order_by(OutputSuggestion.published_on)).all()
        assert [(r.doi, r.international, r.countries, r.status) for r in rows] == [
            (joint.doi, True, ["DE", "KR"], SuggestionStatus.PENDING),
            (national.doi, False, ["KR"], SuggestionStatus.PENDING),
        ]
    texts = dm_texts(slack, cat.leader)
    assert len(texts) == 2
    first = texts[0]
    assert "Qubits &lt;across&gt; borders" in first or "Qubits <across> borders" in first
    assert name_of(slack, cat.m0) in first and name_of(slack, cat.m1) in first
    assert "International" in first and "DE, KR" in first
    assert "[Record as the club's output]" in first and "[Not ours]" in first
    assert "International" not in texts[1]
    for member in (cat.m0, cat.m1, cat.m2):
        assert dms(slack, member) == []  # suggestions go to the leaders only

    assert run(runtime, "2026-W50") == "done"
    assert len(dm_texts(slack, cat.leader)) == 2  # nothing new, nothing asked twice
    with slack.db.session() as session:
        assert session.scalar(select(OutputSuggestion.id).where(OutputSuggestion.doi == "10.5555/alone")) is None
        assert len(session.scalars(select(OutputSuggestion)).all()) == 2


def _buttons(world: World, leader: str) -> list[tuple[str, str]]:
    """(message ts, suggestion id) of the leader's suggestion DMs that still have buttons."""
    found = []
    for message in dms(world, leader):
        for block in message.blocks or []:
            if block.get("type") == "actions":
                found.append((message.ts, block["elements"][0]["value"]))
    return found


def test_confirm_files_a_discovered_paper_and_reject_is_never_asked_again(slack, scholarly):
    cat = Catalogue(slack, scholarly)
    p = cat.people
    scholarly.work("10.5555/yes", [p[cat.m0], p[cat.m1]], title="Ours indeed", published=date(2026, 10, 1))
    scholarly.work("10.5555/no", [p[cat.m0], p[cat.leader]], title="Not the club's", published=date(2026, 10, 2))
    runtime = runtime_for(slack, scholarly)
    assert run(runtime, "2026-W49") == "done"
    channel = slack.standin.dm_channel(cat.leader)
    (yes_ts, yes_id), (no_ts, no_id) = _buttons(slack, cat.leader)

    slack.standin.click(cat.leader, action_id=CONFIRM_SUGGESTION, channel_id=channel, message_ts=yes_ts)
    slack.standin.click(cat.leader, action_id=REJECT_SUGGESTION, channel_id=channel, message_ts=no_ts)
    assert slack.standin.wait_for(
        lambda: _decided(slack) == {int(yes_id): SuggestionStatus.CONFIRMED, int(no_id): SuggestionStatus.REJECTED}
    )

    with slack.db.session() as session:
        [output] = session.scalars(select(Output)).all()
        assert (output.type, output.status, output.doi, output.source, output.title) == (
            OutputType.PAPER,
            "published",
            "10.5555/yes",
            OutputSource.DISCOVERED,
            "Ours indeed",
        )
        assert output.confirmed_at is not None
        people = session.scalars(select(OutputPerson.participant_id).where(OutputPerson.output_id == output.id)).all()
        members = session.scalars(select(Participant.id).where(Participant.slack_user_id.in_([cat.m0, cat.m1]))).all()
        assert sorted(people) == sorted(members)
        output_id = output.id
    assert "Ours indeed" in card(slack, cat.club.channel, f"output:{output_id}")
    assert _buttons(slack, cat.leader) == []  # both DMs updated: the decision shown, no buttons left
    texts = dm_texts(slack, cat.leader)
    assert any(f"Recorded as the club's output o{output_id}" in text for text in texts)
    assert any("will not be suggested again" in text for text in texts)

    # The reports count it as a discovered, international joint paper; 3 of the 4 members have an iD.
    with slack.db.session() as session:
        dataset = load_dataset(session, Period.of_range(date(2000, 1, 1), date(2099, 12, 31)), ZoneInfo("Asia/Seoul"))
    assert paper_counts(dataset) == PaperCounts(
        members=4, members_with_orcid=3, filed=0, filed_international=0, discovered=1, discovered_international=1
    )

    # Another run suggests neither again.
    assert run(runtime, "2026-W50") == "done"
    with slack.db.session() as session:
        assert len(session.scalars(select(Output)).all()) == 1
        assert len(session.scalars(select(OutputSuggestion)).all()) == 2


def _decided(world: World) -> dict[int, SuggestionStatus]:
    with world.db.session() as session:
        return {r.id: r.status for r in session.scalars(select(OutputSuggestion))}


def test_a_doi_already_filed_is_matched_not_suggested(slack, scholarly):
    cat = Catalogue(slack, scholarly)
    p = cat.people
    reply = slack.command(cat.m0, cat.club.channel, 'output paper "Filed by hand" status:published doi:10.5555/filed')
    assert reply.status == 200
    scholarly.work("10.5555/filed", [p[cat.m0], p[cat.m1]], published=date(2026, 10, 1))
    scholarly.work("10.5555/new", [p[cat.m0], p[cat.m1]], published=date(2026, 10, 2))
    runtime = runtime_for(slack, scholarly)
    assert run(runtime, "2026-W49") == "done"
    with slack.db.session() as session:
        assert session.scalars(select(OutputSuggestion.doi)).all() == ["10.5555/new"]
        filed = session.scalar(select(Output).where(Output.doi == "10.5555/filed"))
        assert filed is not None and filed.source is OutputSource.FILED
        linked = session.scalars(select(OutputPerson.participant_id).where(OutputPerson.output_id == filed.id)).all()
        assert len([p for p in linked if p is not None]) == 2  # the members on it linked as co-authors
    assert len(dm_texts(slack, cat.leader)) == 1


def test_faults_mid_run_lose_nothing_and_duplicate_nothing(slack, scholarly):
    cat = Catalogue(slack, scholarly)
    p = cat.people
    scholarly.work("10.5555/a", [p[cat.m0], p[cat.m1]], published=date(2026, 10, 1))
    scholarly.work("10.5555/b", [p[cat.m1], p[cat.leader]], published=date(2026, 10, 2))
    runtime = runtime_for(slack, scholarly)

    scholarly.fault("/openalex/works", "malformed")
    assert run(runtime, "2026-W49") == "failed"
    scholarly.fault("/openalex/works", "429", retry_after="3600")  # longer than a run waits
    assert run(runtime, "2026-W49") == "failed"
    scholarly.fault("/openalex/authors", "500", times=4)  # every attempt
    assert run(runtime, "2026-W49") == "failed"
    with slack.db.session() as session:
        assert session.scalars(select(OutputSuggestion)).all() == []
        job_run = session.scalars(select(JobRun).where(JobRun.job == outputs.NAME)).one()
        assert job_run.error and job_run.attempts == 3
    assert dms(slack, cat.leader) == []

    scholarly.fault("/openalex/works", "500")  # once: retried within the run
    assert run(runtime, "2026-W49") == "done"  # the failed run made again
    assert run(runtime, "2026-W49") == "skipped"  # once per period
    assert run(runtime, "2026-W50") == "done"
    with slack.db.session() as session:
        assert sorted(session.scalars(select(OutputSuggestion.doi))) == ["10.5555/a", "10.5555/b"]
    assert len(dm_texts(slack, cat.leader)) == 2


def test_clubbot_outputs_discover_dry_run_stores_nothing_and_the_run_is_claimed_once(
    slack, scholarly, monkeypatch, capsys, tmp_path
):
    from bot import cli
    from tests.conftest import app_environment

    cat = Catalogue(slack, scholarly)
    p = cat.people
    scholarly.work("10.5555/cli", [p[cat.m0], p[cat.m1]], title="Found by hand", published=date(2026, 10, 1))
    monkeypatch.chdir(tmp_path)  # no stray .env
    environment = {
        **app_environment(slack.db.url, slack.standin.api_url),
        "CLUBBOT_CROSSREF_URL": scholarly.crossref_url,
        "CLUBBOT_OPENALEX_URL": scholarly.openalex_url,
    }
    for key, value in environment.items():
        monkeypatch.setenv(key, value)

    def clubbot(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = cli.main(list(args))
        return code, capsys.readouterr().out

    code, out = clubbot("outputs", "discover", "--dry-run", "--club", "Quantum Hardware Club")
    assert code == 0 and "10.5555/cli" in out and "'Found by hand'" in out and "1 would be suggested" in out
    with slack.db.session() as session:
        assert session.scalars(select(OutputSuggestion)).all() == []
        assert session.scalars(select(JobRun)).all() == []
    assert dms(slack, cat.leader) == []

    code, out = clubbot("outputs", "discover")
    assert code == 0 and ": done" in out and "1 suggestion(s) stored, 1 DM(s) to leaders queued" in out
    assert len(dm_texts(slack, cat.leader)) == 1
    code, out = clubbot("outputs", "discover")
    assert code == 0 and ": skipped" in out
    code, out = clubbot("jobs")
    assert "outputs-discovery:" in out and "program done" in out
