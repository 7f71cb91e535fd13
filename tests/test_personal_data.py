"""Personal data stays where it is needed: emails and affiliations never appear in club channel posts or in the
logs, and a person erased with `clubbot forget` leaves no trace in a report built afterwards."""

from __future__ import annotations

import logging
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot.cli import main as clubbot
from bot.domain import Quarter
from bot.participants.erasure import forget_participant
from bot.startup import WIRE_LOGGERS, configure_logging
from storage.models import Club, Participant
from tests.factories import make_club, participant
from tests.support import seen_by_user

AFFILIATIONS = {"kim": "Gyeongju Institute of Quantum Studies", "lee": "Andong Laboratory for Photonics"}


def test_emails_and_affiliations_never_reach_club_channels_or_the_logs(slack, caplog):
    configure_logging("DEBUG")  # the most a deployment can log
    caplog.set_level(logging.DEBUG)
    kim = slack.person("kim", email="kim@gyeongju.example")
    lee = slack.person("lee", email="lee@andong.example")
    with slack.db.session() as session:
        for handle, user_id in (("kim", kim), ("lee", lee)):
            email = slack.standin.user(user_id).email
            person = Participant(
                name_en=handle.title(),
                email=email,
                affiliation=AFFILIATIONS[handle],
                slack_user_id=user_id,
                country="KR",
            )
            session.add(person)
    delivery = slack.command(
        slack.admin, slack.secretariat, "new Privacy Club field:quantum leaders:@kim members:@lee, outside@far.example"
    )
    delivery.wait_for_responses(n=1, timeout=15)
    with slack.db.session() as session:
        channel = session.scalar(select(Club.channel_id).where(Club.name == "Privacy Club"))
    seen_by_user(slack.command(lee, channel, "update Visited the partner lab; next call with kim@gyeongju.example"))
    seen_by_user(slack.command(lee, channel, 'output paper "Joint photonics paper" with:@kim outside@far.example'))
    assert "lee@andong.example" in seen_by_user(slack.command(kim, channel, "members"))  # the leader may see it
    slack.runtime.outbox.dispatcher.dispatch_due()
    assert slack.standin.wait_for(
        lambda: len([m for m in slack.standin.messages(channel) if m.bot_id]) >= 3, timeout=10
    )

    emails = ["kim@gyeongju.example", "lee@andong.example", "outside@far.example"]
    for message in slack.standin.messages(channel):
        if not message.bot_id:
            continue  # what people write themselves is theirs to write
        posted = message.text + str(message.blocks or "")
        assert not any(email in posted for email in emails), posted
        assert not any(affiliation in posted for affiliation in AFFILIATIONS.values()), posted
    logged = caplog.text
    assert "bot.services" in logged or "handlers" in logged or caplog.records  # the bot did log
    assert not any(email in logged for email in emails)
    assert not any(affiliation in logged for affiliation in AFFILIATIONS.values())


def _texts_of(path: Path) -> str:
    """All the text inside a DOCX or XLSX (their XML parts), or a PNG's name."""
    if path.suffix not in (".docx", ".xlsx"):
        return path.name
    with zipfile.ZipFile(path) as archive:
        return " ".join(
            archive.read(name).decode("utf-8", "replace") for name in archive.namelist() if name.endswith(".xml")
        )


def test_a_forgotten_person_leaves_no_trace_in_a_report_built_afterwards(slack, monkeypatch, tmp_path):
    club = make_club(slack, members=2, locale="en-US")
    gone = club.members[0]
    with slack.db.session() as session:
        person = session.get(Participant, participant(slack, gone).id)
        person.name_en, person.name_ko = "Forgettable Researcher", "잊힐연구자"
        person.affiliation, person.email = "Singular Institute of Erasure", "forgettable@erasure.example"
    seen_by_user(slack.command(gone, club.channel, "update Forgettable Researcher met the partners"))
    seen_by_user(slack.command(gone, club.channel, 'output paper "A joint paper by Forgettable Researcher"'))
    with slack.db.session() as session:
        forget_participant(session, participant(slack, gone).id)

    quarter = Quarter.of_instant(datetime.now(UTC), slack.runtime.settings.tz)
    monkeypatch.setenv("DATABASE_URL", slack.db.url)
    monkeypatch.setenv("CLUBBOT_DATA_DIR", str(tmp_path / "data"))
    assert clubbot(["report", "--quarter", str(quarter), "--out", str(tmp_path / "out")]) == 0
    files = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert any(p.suffix == ".docx" for p in files) and any(p.suffix == ".xlsx" for p in files)
    everything = " ".join(_texts_of(p) for p in files)
    for trace in ("Forgettable", "잊힐연구자", "Singular Institute of Erasure", "forgettable@erasure.example", gone):
        assert trace not in everything, trace
    assert "A joint paper by" in everything  # the club's outcome is still reported, without the person


def teardown_module() -> None:
    for wire in WIRE_LOGGERS:
        logging.getLogger(wire).setLevel(logging.NOTSET)
