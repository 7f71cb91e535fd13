"""Channel names derived from club names: valid for Slack, readable, Korean included."""

from __future__ import annotations

import pytest

from bot.clubs.naming import MAX_LENGTH, channel_name, is_valid_channel_name, name_variants


@pytest.mark.parametrize(
    ("club", "channel"),
    [
        ("Quantum Hardware Club", "xlab-quantum-hardware-club"),
        ("양자 컴퓨팅 하드웨어 클럽", "xlab-yangja-keompyuting-hadeuweeo-keulleob"),
        ("차세대 원자력·수소 연구회", "xlab-chasedae-wonjalyeog-suso-yeonguhoe"),
        ("AI & Robotics 2026", "xlab-ai-and-robotics-2026"),
        ("Kim's Battery Lab", "xlab-kims-battery-lab"),
        ("Ångström  --  Physics!!", "xlab-angstrom-physics"),
        ("XLab Quantum", "xlab-quantum"),  # no doubled prefix
        ("!!!", "xlab-club"),
        ("Magnet 🧲 Lab", "xlab-magnet-lab"),  # an emoji is no word of the name
        ("수소 에너지 클럽 🧲", "xlab-suso-eneoji-keulleob"),
        ("Quantum ⚛️ Club", "xlab-quantum-club"),
        ("👩‍🔬 Lab", "xlab-lab"),
    ],
)
def test_club_names_become_readable_valid_channel_names(club, channel):
    assert channel_name(club) == channel
    assert is_valid_channel_name(channel)


def test_long_names_are_cut_at_a_word_within_slacks_limit():
    name = channel_name("Next Generation Communication and Secure Networks for Industrial Robot Manufacturing Club")
    assert len(name) <= MAX_LENGTH
    assert not name.endswith("-")
    assert name.startswith("xlab-next-generation-communication")


def test_variants_stay_within_the_limit_and_are_distinct():
    variants = list(name_variants("xlab-" + "a" * 75, limit=12))
    assert variants[0] == "xlab-" + "a" * 75
    assert variants[1].endswith("-2") and variants[11].endswith("-12")
    assert all(len(v) <= MAX_LENGTH and is_valid_channel_name(v) for v in variants)
    assert len(set(variants)) == 12


@pytest.mark.parametrize(
    ("lang", "name", "expected"),
    [
        ("ko", "수소 에너지 클럽", "“수소 에너지 클럽”"),
        ("ko", "Quantum Hardware Club", "“Quantum Hardware Club”"),
        ("ko", "수소 에너지", "“수소 에너지” 클럽"),
    ],
)
def test_a_name_that_ends_with_club_gets_no_second_club(lang, name, expected):
    from bot.i18n import t

    text = t(lang, "clubs.new.working", name=name)
    assert expected in text
    assert "클럽 클럽" not in text and "클럽” 클럽" not in text and "Club” 클럽" not in text
