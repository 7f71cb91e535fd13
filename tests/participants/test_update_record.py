"""`update_participant_record`: the Slack modal's edits, validated by the import's rules, errors per field."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.domain import CareerStage
from bot.i18n import t
from bot.participants.records import update_participant_record
from bot.participants.types import ParticipantNotFound
from storage.db import Database
from storage.models import AuditEntry, Participant, utcnow
from tests.participants.conftest import ORCID_A, ORCID_B


@pytest.fixture
def people(database: Database) -> tuple[int, int]:
    with database.session() as session:
        kim = Participant(name_ko="김서연", email="kim@x.org", affiliation="KAIST", country="KR")
        park = Participant(name_en="David Park", email="park@x.org", orcid=ORCID_B)
        session.add_all([kim, park])
        session.flush()
        return kim.id, park.id


def test_valid_changes_are_applied_and_audited_without_values(people, database):
    kim, _ = people
    with database.session() as session:
        result = update_participant_record(
            session,
            kim,
            {
                "name_en": "Seoyeon Kim",
                "email": " Kim.New@X.org ",
                "country": "미국",
                "career_stage": "신진",
                "orcid": f"https://orcid.org/{ORCID_A}",
                "overseas_korean": "Y",
                "affiliation": "KAIST",
            },
            actor="U0ADMIN",
        )
    assert result.ok and set(result.changed) == {
        "name_en",
        "email",
        "country",
        "career_stage",
        "orcid",
        "overseas_korean",
    }
    with database.session() as session:
        person = session.get(Participant, kim)
        assert (person.email, person.country, person.career_stage, person.orcid, person.overseas_korean) == (
            "kim.new@x.org",
            "US",
            CareerStage.EARLY_CAREER,
            ORCID_A,
            True,
        )
        entry = session.scalars(select(AuditEntry)).one()
        assert (entry.actor, entry.action, entry.entity_id) == ("U0ADMIN", "participant.update", str(kim))
        assert sorted(entry.details["fields"]) == sorted(result.changed)
        assert "kim.new@x.org" not in str(entry.details)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"email": "bad@"}, {"email": "participants.error.bad_email"}),
        ({"email": "PARK@x.org"}, {"email": "participants.error.email_taken"}),
        ({"orcid": ORCID_B}, {"orcid": "participants.error.orcid_taken"}),
        ({"orcid": "0000-0002-1825-0098"}, {"orcid": "participants.error.bad_orcid_checksum"}),
        (
            {"country": "Atlantis", "career_stage": "guru"},
            {
                "country": "participants.error.unknown_country",
                "career_stage": "participants.error.unknown_career_stage",
            },
        ),
        ({"name_ko": ""}, {"name_ko": "participants.error.missing_name"}),
        ({"email": ""}, {"email": "participants.error.no_identifier"}),
        ({"affiliation": "x" * 301}, {"affiliation": "participants.error.too_long"}),
    ],
)
def test_invalid_changes_are_refused_per_field(people, database, changes, errors):
    kim, _ = people
    with database.session() as session:
        result = update_participant_record(session, kim, changes, actor="U0ADMIN")
    assert not result.ok and dict(result.errors) == errors
    assert all(t("ko", key) and t("en", key) for key in result.errors.values())  # a modal can show each one
    with database.session() as session:
        person = session.get(Participant, kim)
        assert (person.email, person.name_ko, person.affiliation) == ("kim@x.org", "김서연", "KAIST")
        assert session.scalars(select(AuditEntry)).first() is None


def test_clearing_an_optional_field_and_no_op_edits(people, database):
    kim, _ = people
    with database.session() as session:
        assert update_participant_record(session, kim, {"affiliation": "", "name_en": "Seoyeon Kim"}, "U0A").ok
        again = update_participant_record(session, kim, {"affiliation": None, "name_en": "Seoyeon Kim"}, "U0A")
        assert again.ok and again.changed == ()
        assert session.get(Participant, kim).affiliation is None


def test_forgotten_or_unknown_people_cannot_be_edited(people, database):
    kim, _ = people
    with database.session() as session:
        session.get(Participant, kim).forgotten_at = utcnow()
    with database.session() as session, pytest.raises(ParticipantNotFound):
        update_participant_record(session, kim, {"affiliation": "X"}, "U0A")
    with database.session() as session, pytest.raises(ValueError, match="not editable"):
        update_participant_record(session, kim, {"slack_user_id": "U1"}, "U0A")
