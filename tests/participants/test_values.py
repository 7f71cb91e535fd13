"""The validators shared by the imports and the Slack modal, and the name matching keys: table-driven."""

from __future__ import annotations

import pytest

from bot.domain import CareerStage, FieldKey, MeetingRole
from bot.participants.names import affiliation_key, name_keys, person_keys
from bot.participants.values import (
    InvalidValue,
    orcid_check_digit,
    parse_career_stage,
    parse_country,
    parse_date,
    parse_email,
    parse_field,
    parse_meeting_role,
    parse_orcid,
    parse_slack_user_id,
    parse_yes_no,
)

ORCID_A = "0000-0002-1825-0097"
ORCID_B = "0000-0001-5109-3700"
ORCID_C = "0000-0002-1694-233X"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Seoyeon.Kim@KAIST.ac.kr", "seoyeon.kim@kaist.ac.kr"),
        (" david+xlab@mit.edu ", "david+xlab@mit.edu"),
        ("mailto:a@b.org", "a@b.org"),
        ("kim＠snu.ac.kr", "kim@snu.ac.kr"),  # full-width at sign from a Korean keyboard
    ],
)
def test_emails_are_stored_lowercased(raw, stored):
    assert parse_email(raw) == stored


@pytest.mark.parametrize("raw", ["bad@", "@x.org", "a b@x.org", "a@x", "a..b@x.org", ".a@x.org", "a@-x.org", "=1+1"])
def test_bad_emails_are_refused(raw):
    with pytest.raises(InvalidValue) as problem:
        parse_email(raw)
    assert problem.value.key == "participants.error.bad_email"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        (ORCID_A, ORCID_A),
        ("https://orcid.org/0000-0002-1825-0097", ORCID_A),
        ("http://www.orcid.org/0000-0002-1825-0097/", ORCID_A),
        ("0000000218250097", ORCID_A),
        (ORCID_B, ORCID_B),
        ("0000-0002-1694-233x", ORCID_C),  # check character X
    ],
)
def test_orcids_in_every_usual_form(raw, stored):
    assert parse_orcid(raw) == stored


def test_orcid_checksum_is_iso_7064_mod_11_2():
    assert orcid_check_digit("000000021825009") == "7"
    assert orcid_check_digit("000000021694233") == "X"
    with pytest.raises(InvalidValue) as problem:
        parse_orcid("0000-0002-1825-0098")
    assert problem.value.key == "participants.error.bad_orcid_checksum"
    with pytest.raises(InvalidValue) as problem:
        parse_orcid("0000-0002-1825")
    assert problem.value.key == "participants.error.bad_orcid"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("KR", "KR"),
        ("kr", "KR"),
        ("KOR", "KR"),
        ("대한민국", "KR"),
        ("한국", "KR"),
        ("Korea", "KR"),
        ("South Korea", "KR"),
        ("Republic of Korea", "KR"),
        ("US", "US"),
        ("USA", "US"),
        ("미국", "US"),
        ("United States", "US"),
        ("U.S.A.", "US"),
        ("UK", "GB"),
        ("영국", "GB"),
        ("GBR", "GB"),
        ("Germany", "DE"),
        ("독일", "DE"),
        ("DEU", "DE"),
        ("일본", "JP"),
        ("japan", "JP"),
        ("캐나다", "CA"),
        ("Czech Republic", "CZ"),
    ],
)
def test_countries_by_code_or_name_in_korean_or_english(raw, code):
    assert parse_country(raw) == code


@pytest.mark.parametrize("raw", ["Atlantis", "EU", "XK", "ZZ", "Europe", "서울"])
def test_unknown_countries(raw):
    with pytest.raises(InvalidValue):
        parse_country(raw)


@pytest.mark.parametrize(
    ("raw", "stage"),
    [
        ("시니어", CareerStage.SENIOR),
        ("Senior", CareerStage.SENIOR),
        ("중견", CareerStage.MID_CAREER),
        ("mid-career", CareerStage.MID_CAREER),
        ("Mid Career", CareerStage.MID_CAREER),
        ("신진", CareerStage.EARLY_CAREER),
        ("early-career", CareerStage.EARLY_CAREER),
        ("박사후연구원", CareerStage.POSTDOC),
        ("Postdoc", CareerStage.POSTDOC),
        ("포닥", CareerStage.POSTDOC),
        ("대학원생", CareerStage.GRADUATE_STUDENT),
        ("graduate student", CareerStage.GRADUATE_STUDENT),
        ("박사과정", CareerStage.GRADUATE_STUDENT),
        ("기타", CareerStage.OTHER),
        # what a secretariat writes besides the catalog's words
        ("초기", CareerStage.EARLY_CAREER),
        ("초기 연구자", CareerStage.EARLY_CAREER),
        ("ECR", CareerStage.EARLY_CAREER),
        ("ecr", CareerStage.EARLY_CAREER),
        ("Early-career researcher", CareerStage.EARLY_CAREER),
        ("조교수", CareerStage.EARLY_CAREER),
        ("Assistant Professor", CareerStage.EARLY_CAREER),
        ("부교수", CareerStage.MID_CAREER),
        ("중견 연구자", CareerStage.MID_CAREER),
        ("Associate Professor", CareerStage.MID_CAREER),
        ("Prof", CareerStage.SENIOR),
        ("Prof.", CareerStage.SENIOR),
        ("교수", CareerStage.SENIOR),
        ("Professor", CareerStage.SENIOR),
        ("박사후", CareerStage.POSTDOC),
        ("박사 후 연구원", CareerStage.POSTDOC),
        ("Post doc", CareerStage.POSTDOC),
        ("PhD student", CareerStage.GRADUATE_STUDENT),
        ("Ph.D. student", CareerStage.GRADUATE_STUDENT),
        ("PhD candidate", CareerStage.GRADUATE_STUDENT),
        ("석사", CareerStage.GRADUATE_STUDENT),
        ("석사과정", CareerStage.GRADUATE_STUDENT),
        ("박사과정생", CareerStage.GRADUATE_STUDENT),
        ("MSc student", CareerStage.GRADUATE_STUDENT),
    ],
)
def test_career_stages(raw, stage):
    assert parse_career_stage(raw) is stage


@pytest.mark.parametrize(
    ("raw", "role"),
    [
        ("조직위원장", MeetingRole.ORGANIZER),
        ("organizer", MeetingRole.ORGANIZER),
        ("Organiser", MeetingRole.ORGANIZER),
        ("연사", MeetingRole.SPEAKER),
        ("Speaker", MeetingRole.SPEAKER),
        ("참가자", MeetingRole.RESEARCHER),
        ("연구자", MeetingRole.RESEARCHER),
        ("researcher", MeetingRole.RESEARCHER),
        ("학생", MeetingRole.STUDENT),
        ("student", MeetingRole.STUDENT),
        ("참관", MeetingRole.OBSERVER),
        ("Observer", MeetingRole.OBSERVER),
    ],
)
def test_meeting_roles(raw, role):
    assert parse_meeting_role(raw) is role


def test_unknown_stage_and_role():
    with pytest.raises(InvalidValue) as stage:
        parse_career_stage("guru")
    with pytest.raises(InvalidValue) as role:
        parse_meeting_role("boss")
    assert stage.value.key == "participants.error.unknown_career_stage"
    assert role.value.key == "participants.error.unknown_role"


@pytest.mark.parametrize("raw", ["Y", "yes", "예", "O", "○", "true", "TRUE", "1"])
def test_yes(raw):
    assert parse_yes_no(raw) is True


@pytest.mark.parametrize("raw", ["N", "no", "아니오", "X", "×", "false", "FALSE", "0"])
def test_no(raw):
    assert parse_yes_no(raw) is False


def test_other_values():
    with pytest.raises(InvalidValue):
        parse_yes_no("maybe")
    assert parse_slack_user_id("<@u012abcdef>") == "U012ABCDEF"
    with pytest.raises(InvalidValue):
        parse_slack_user_id("C012ABCDEF")
    assert parse_field("양자") is FieldKey.QUANTUM
    assert parse_field("Semiconductor & Display") is FieldKey.SEMICONDUCTOR_DISPLAY
    assert parse_field("semiconductor-display") is FieldKey.SEMICONDUCTOR_DISPLAY
    assert parse_field("반도체·디스플레이") is FieldKey.SEMICONDUCTOR_DISPLAY
    assert str(parse_date("2026.5.20.")) == str(parse_date("2026년 5월 20일")) == "2026-05-20"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Kim Seoyeon", "Seoyeon Kim"),
        ("KIM, Seo-yeon", "Seoyeon Kim"),
        ("Kim Seo Yeon", "Seo Yeon Kim"),
        ("김서연", "김 서연"),
        ("José Müller", "jose muller"),
        ("Ｋｉｍ Ｓｅｏｙｅｏｎ", "kim seoyeon"),  # full-width letters (NFKC)
    ],
)
def test_names_match_across_orders_and_spellings(one, other):
    assert name_keys(one) & name_keys(other)


@pytest.mark.parametrize(("one", "other"), [("Kim Seoyeon", "Kim Seojin"), ("김서연", "Kim Seoyeon"), ("Lee", "Kim")])
def test_different_names_do_not_match(one, other):
    assert not name_keys(one) & name_keys(other)


def test_affiliations_are_normalised_but_abbreviations_kept():
    assert affiliation_key("K.A.I.S.T.") == affiliation_key("kaist") == "kaist"
    assert affiliation_key("The University of Tokyo") == affiliation_key("university of tokyo")
    assert affiliation_key("Texas A&M") == affiliation_key("Texas A and M")
    assert affiliation_key("KAIST") != affiliation_key("Korea Advanced Institute of Science and Technology")
    assert not person_keys(("Kim Seoyeon",), None)  # the name rule needs an affiliation


def test_labels_built_from_enums_are_in_the_catalogs():
    from bot.domain import ClubRole, Language
    from bot.i18n import catalog
    from bot.participants.headers import EXPORT_COLUMNS, EXPORT_HEADER_KEY

    keys = [EXPORT_HEADER_KEY.format(column=column) for column in EXPORT_COLUMNS]
    keys += [f"participants.career.{stage.value}" for stage in CareerStage]
    keys += [f"participants.role.{role.value}" for role in MeetingRole]
    keys += [f"participants.club_role.{role.value}" for role in ClubRole]
    keys += [f"participants.rule.{rule}" for rule in ("email", "orcid", "name_affiliation")]
    for lang in (Language.KO, Language.EN):
        assert not [key for key in keys if key not in catalog(lang)]
