"""The secretariat's report settings: the shipped file is valid, the data folder's copy wins, mistakes are named."""

from __future__ import annotations

import copy

import pytest
import yaml

from bot.i18n import t
from bot.reports.settings import SHIPPED, ReportSettingsError, load_report_settings, parse_report_settings

RAW = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def test_the_shipped_settings_are_valid_and_weights_cover_every_type_and_status():
    settings = load_report_settings()
    assert settings.weights["outputs"] == 0.35 and sum(settings.weights.values()) == pytest.approx(1.0)
    assert settings.outstanding_top_n == 3 and settings.outstanding_min_score == 50
    assert settings.leaders_delivery == "dm"
    assert settings.annual_targets["clubs"] == 16 and settings.annual_targets["share_active"] == 0.5


def test_a_copy_in_the_data_folder_is_used_instead(tmp_path):
    changed = copy.deepcopy(RAW)
    changed["outstanding"]["top_n"] = 5
    (tmp_path / "report_settings.yaml").write_text(yaml.safe_dump(changed), encoding="utf-8")
    settings = load_report_settings(tmp_path)
    assert settings.outstanding_top_n == 5 and settings.source.endswith("report_settings.yaml")


def broken(path: str, value: object) -> dict:
    raw = copy.deepcopy(RAW)
    *parents, last = path.split(".")
    node = raw
    for key in parents:
        node = node[key]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return raw


@pytest.mark.parametrize(
    ("path", "value", "key", "named"),
    [
        ("score.weights.activty", 0.2, "reports.settings.unknown_key", "score.weights.activty"),
        ("score.weights.activity", KeyError, "reports.settings.missing_key", "score.weights.activity"),
        ("score.weights.outputs", -1, "reports.settings.not_number", "score.weights.outputs"),
        ("score.weights.outputs", "high", "reports.settings.not_number", "score.weights.outputs"),
        (
            "score.output_type_weights.patent",
            KeyError,
            "reports.settings.missing_key",
            "score.output_type_weights.patent",
        ),
        ("score.status_weights.funded", KeyError, "reports.settings.missing_key", "score.status_weights.funded"),
        ("score.targets.updates", 0, "reports.settings.bad_value", "score.targets.updates"),
        ("score.unconfirmed_factor", 1.5, "reports.settings.bad_value", "score.unconfirmed_factor"),
        ("outstanding.top_n", 0, "reports.settings.bad_value", "outstanding.top_n"),
        ("casebook.statuses.paper", ["printed"], "reports.settings.bad_value", "casebook.statuses.paper"),
        ("delivery.leaders", "email", "reports.settings.bad_value", "delivery.leaders"),
        ("annual", KeyError, "reports.settings.missing_key", "annual"),
        ("annual.targets.joint_papers", KeyError, "reports.settings.missing_key", "annual.targets.joint_papers"),
        ("annual.targets.clubs", 0, "reports.settings.bad_value", "annual.targets.clubs"),
        ("annual.targets.share_active", 1.5, "reports.settings.bad_value", "annual.targets.share_active"),
        ("annual.targets.satisfaction", 6, "reports.settings.bad_value", "annual.targets.satisfaction"),
    ],
)
def test_a_mistake_in_the_settings_is_refused_naming_the_key(path, value, key, named):
    with pytest.raises(ReportSettingsError) as caught:
        parse_report_settings(broken(path, value), source="report_settings.yaml")
    assert caught.value.key == key
    assert named in t("ko", caught.value.key, **caught.value.params)


def test_an_unreadable_file_is_refused(tmp_path):
    (tmp_path / "report_settings.yaml").write_text("score: [unclosed", encoding="utf-8")
    with pytest.raises(ReportSettingsError) as caught:
        load_report_settings(tmp_path)
    assert caught.value.key == "reports.settings.unreadable"
