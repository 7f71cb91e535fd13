"""Benchmark: the output form filled as a DOI is pasted (the app over HTTP, Slack's and Crossref's stand-ins).

    .venv/bin/python bench/doi_form.py [--pastes 30] [--database-url URL]

Each paste is timed from the person's paste (the stand-in's `type_text`, a signed `block_actions` delivery) to
the form updated on their screen (`views.update` applied). Three kinds, in the same run: a DOI Crossref is
asked about (cold), the same DOI again (the `doi_metadata` cache), and a text that is not a DOI (the floor: the
same delivery, ack and `views.update`, without any lookup). The ratios say what the lookup adds to the round
trips Slack makes anyway; the Crossref requests are counted (one per new DOI, none from the cache).
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import documented, machine, scratch_database
from tracking import percentiles, setup

from bot.app import create_app
from bot.runtime import Runtime
from bot.server import LocalServer
from bot.settings import load_settings
from bot.slack.manifest import load_manifest
from bot.slack.pacer import Pacer
from bot.standin import SlackStandIn
from bot.standin.scholarly import ScholarlyServer
from bot.web import WebApp
from storage import db as storage_db


@documented("doi-form")
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pastes", type=int, default=30)
    parser.add_argument("--database-url")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="clubbot-bench-"))
    with scratch_database(options.database_url, folder) as url:
        run(url, options.pastes)


def _paste(standin: SlackStandIn, user: str, text: str) -> float:
    view = standin.views(user)[-1]
    before = view.hash
    started = time.perf_counter()
    standin.type_text(user, view.id, "doi", text)
    if not standin.wait_for(lambda: standin.views(user)[-1].hash != before, timeout=10):
        raise SystemExit(f"the form was not updated after pasting {text!r}")
    return time.perf_counter() - started


def run(url: str, pastes: int) -> None:
    storage_db.upgrade(url)
    secret, token = secrets.token_hex(16), "xoxb-bench-" + secrets.token_hex(8)
    manifest = load_manifest()
    standin = SlackStandIn(
        signing_secret=secret,
        bot_token=token,
        scopes=manifest.bot_scopes,
        bot_events=manifest.bot_events,
        slash_commands=manifest.slash_commands,
    )
    standin.start()
    scholarly = ScholarlyServer().start()
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": token,
            "SLACK_SIGNING_SECRET": secret,
            "SLACK_API_URL": standin.api_url,
            "DATABASE_URL": url,
            "CLUBBOT_LANGUAGE": "ko",
            "CLUBBOT_CROSSREF_URL": scholarly.crossref_url,
            "CLUBBOT_ALLOW_PRIVATE_FEEDS": "1",
        },
        env_file=None,
    )
    runtime = Runtime.from_settings(settings, pacer=Pacer(scale=0.01))
    server = LocalServer(WebApp(create_app(runtime), runtime)).start()
    standin.app_url = server.url + "/slack/events"
    try:
        channel, people, _club_id = setup(standin, runtime.db)
        author = scholarly.person("Ada", "Kim")
        for n in range(pastes):
            scholarly.work(f"10.5555/bench.form.{n}", [author], title=f"Bench paper {n}", published=date(2026, 5, 1))
        member = people[2]
        print(f"machine: {machine()}")
        print(f"database: {runtime.db.engine.dialect.name}; {pastes} pastes of each kind")
        cold: list[float] = []
        cached: list[float] = []
        floor: list[float] = []
        standin.slash_command(member, channel, "output")
        assert standin.wait_for(lambda: bool(standin.views(member)), timeout=10)
        scholarly.clear_requests()
        for n in range(pastes):
            floor.append(_paste(standin, member, f"not a doi {n}"))
            cold.append(_paste(standin, member, f"10.5555/bench.form.{n}"))
            cached.append(_paste(standin, member, f"https://doi.org/10.5555/bench.form.{n}"))
        asked = scholarly.count("/crossref/works")
        base = statistics.median(floor)
        print(f"not a DOI (floor: delivery, ack, views.update): {percentiles(floor)}")
        for label, samples in (("DOI asked of Crossref:     ", cold), ("DOI from the cache:        ", cached)):
            ratio = statistics.median(samples) / base
            print(f"{label}                     {percentiles(samples)}  {ratio:.2f}x the floor")
        print(f"Crossref requests: {asked} for {pastes} new DOIs and {pastes} repeated ones")
        assert asked == pastes, asked
    finally:
        server.stop()
        runtime.close()
        scholarly.stop()
        standin.stop()


if __name__ == "__main__":
    main()
