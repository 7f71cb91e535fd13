"""Deployed as the Procfile deploys it: the clock and the web process on separate hosts, each with a data folder of
its own (an ephemeral disk), sharing only the database. The clock builds the quarterly report; the web process
uploads it to the secretariat channel and answers `/club report`; after both restart with empty folders, the same.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import replace

from sqlalchemy import select

from bot.app import create_app
from bot.runtime import Runtime
from bot.server import LocalServer
from bot.slack.pacer import Pacer
from bot.web import WebApp
from jobs import clock
from jobs.reports import PROGRAM_JOB
from storage.models import Report, ReportFile
from tests.factories import make_club
from tests.reports.data import seoul
from tests.reports.test_end_to_end import backdate, file_quarter_items, final_response
from tests.support import ServedApp
from tests.support import deliver_all as deliver

#: The first working day after 2026Q3: the clock builds Q3's report then (a finished quarter, stored).
REPORT_AT = seoul(2026, 10, 1, 9, 5)
QUICK = {"base_delay": 0.05, "max_delay": 0.5, "stale_after": 1.0}


def host(world, folder):
    """A process's runtime on a host of its own: the same database and Slack, its own empty data folder."""
    settings = world.runtime.settings.with_overrides(data_dir=folder)
    return Runtime.from_settings(settings, pacer=Pacer(scale=0.02), dispatcher_options=QUICK)


@contextmanager
def web_host(world, folder):
    """The web process on its own host, receiving Slack's requests (the stand-in sends them there)."""
    runtime = host(world, folder)
    server = LocalServer(WebApp(create_app(runtime), runtime)).start()
    previous = world.standin.app_url
    world.standin.app_url = server.url + "/slack/events"
    try:
        yield replace(world, app=ServedApp(runtime=runtime, url=server.url))
    finally:
        world.standin.app_url = previous
        server.stop()
        runtime.close()


def stored_checksums(world) -> dict[str, tuple[int, str]]:
    with world.db.session() as session:
        [report] = session.scalars(select(Report)).all()
        rows = session.scalars(select(ReportFile).where(ReportFile.report_id == report.id)).all()
        return {row.name: (row.size, row.sha256) for row in rows}


def whole(world, channel) -> dict[str, tuple[int, str]]:
    """The files shared in a channel, each with its size and checksum as Slack received it."""
    return {
        f.name: (len(f.data or b""), hashlib.sha256(f.data or b"").hexdigest())
        for f in world.standin.files(channel)
        if f.completed
    }


def ask_for_report(web, user, channel):
    """`/club report 2026Q3` outside the secretariat channel: the stored report's files come by DM."""
    answer = final_response(web.command(user, channel, "report 2026Q3"), "저장된 보고서")
    assert "만들어 저장된 보고서입니다" in answer  # fetched, not rebuilt
    deliver(web)


def test_clock_and_web_on_separate_hosts_share_only_the_database(slack, tmp_path):
    quantum = make_club(slack, "Quantum Hardware Club", leaders=1, members=1)
    backdate(slack, quantum)
    file_quarter_items(slack, quantum, quantum.leaders[0])
    desk = slack.channel("desk", [slack.admin])

    clock_host = host(slack, tmp_path / "clock")
    try:
        assert clock.run_due(clock_host, PROGRAM_JOB, owner="clock-host", at=REPORT_AT) == {"done": 1}
    finally:
        clock_host.close()
    stored = stored_checksums(slack)
    # every document and workbook (charts only where the quarter has something to compare: issue 15)
    assert {"docx", "xlsx"} <= {name.rsplit(".", 1)[1] for name in stored}

    with web_host(slack, tmp_path / "web") as web:
        deliver(web)  # the web process uploads what the clock built
        shared = whole(web, slack.secretariat)
        assert len(shared) == len(stored)  # both documents and the workbook (and a chart where one compares)
        assert all(shared[name] == stored[name] for name in shared)  # every file whole
        ask_for_report(web, slack.admin, desk)  # answered from the web process, from the stored report
        first_answer = whole(web, slack.standin.dm_channel(slack.admin))
        assert first_answer and all(first_answer[name] == stored[name] for name in first_answer)
    assert stored_checksums(slack) == stored  # not rebuilt

    # both processes restart on fresh hosts, with empty folders
    clock_host = host(slack, tmp_path / "clock-2")
    try:
        assert clock.run_due(clock_host, PROGRAM_JOB, owner="clock-host-2", at=REPORT_AT) == {"skipped": 1}
    finally:
        clock_host.close()
    with web_host(slack, tmp_path / "web-2") as web:
        ask_for_report(web, slack.admin, desk)
        again = whole(web, slack.standin.dm_channel(slack.admin))
        assert again == first_answer
        assert len(slack.standin.files(slack.standin.dm_channel(slack.admin))) == 2 * len(first_answer)
    assert stored_checksums(slack) == stored
    for folder in ("clock", "web", "clock-2", "web-2"):  # no process wrote a report file to its disk
        assert not (tmp_path / folder / "reports").exists()
