"""The secretariat's report settings: score weights, targets, output weights, selection rules, delivery.

Read from `$CLUBBOT_DATA_DIR/report_settings.yaml` when that file exists, else from the copy shipped in
`bot/data/`. Every key is checked on load: an unknown or missing key, a negative weight, a status that
does not exist... raises `ReportSettingsError` naming the key, so a typo never silently changes a score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.domain import OutputStatus, OutputType
from bot.errors import UserError

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "report_settings.yaml"
FILE_NAME = "report_settings.yaml"
COMPONENTS = ("activity", "engagement", "outputs", "meetings", "satisfaction")
TARGETS = ("updates", "meetings", "output_points")
DELIVERY = ("dm", "channel")
#: The plan's targets for a year, in the annual report (`annual.targets`): counts for the year, a share, a mean.
ANNUAL_TARGETS = (
    "clubs",
    "members",
    "updates",
    "meetings",
    "outputs_achieved",
    "joint_papers",
    "international_papers",
    "share_active",
    "satisfaction",
)


class ReportSettingsError(UserError):
    """The settings file is wrong; `path` names the key (e.g. `score.weights.activity`)."""


@dataclass(frozen=True)
class ReportSettings:
    weights: Mapping[str, float]
    targets: Mapping[str, float]
    unconfirmed_factor: float
    type_weights: Mapping[OutputType, float]
    status_weights: Mapping[str, float]
    outstanding_top_n: int | None
    outstanding_min_score: float | None
    inactive_max_share_active: float
    casebook_statuses: Mapping[OutputType, frozenset[str]]
    casebook_min_paper_people: int
    leaders_delivery: str
    annual_targets: Mapping[str, float]
    source: str = ""


def settings_path(data_dir: Path | None) -> Path:
    """The secretariat's copy in the data folder when there is one, else the shipped file."""
    if data_dir is not None and (data_dir / FILE_NAME).is_file():
        return data_dir / FILE_NAME
    return SHIPPED


def load_report_settings(data_dir: Path | None = None, *, path: Path | None = None) -> ReportSettings:
    source = path or settings_path(data_dir)
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ReportSettingsError("reports.settings.unreadable", file=str(source), reason=str(exc)[:300]) from None
    return parse_report_settings(raw, source=str(source))


def parse_report_settings(raw: Any, *, source: str = "") -> ReportSettings:
    """Validate the parsed YAML and build the settings. Pure."""
    top = _mapping(raw, "", {"score", "outstanding", "inactive", "casebook", "delivery", "annual"}, source)
    score = _mapping(
        top["score"],
        "score",
        {"weights", "targets", "unconfirmed_factor", "output_type_weights", "status_weights"},
        source,
    )
    weights = _numbers(score["weights"], "score.weights", COMPONENTS, source)
    if sum(weights.values()) <= 0:
        raise ReportSettingsError("reports.settings.bad_value", file=source, setting="score.weights")
    targets = _numbers(score["targets"], "score.targets", TARGETS, source, positive=True)
    type_weights = _numbers(score["output_type_weights"], "score.output_type_weights", list(OutputType), source)
    status_weights = _numbers(score["status_weights"], "score.status_weights", list(OutputStatus), source)
    unconfirmed = _number(score["unconfirmed_factor"], "score.unconfirmed_factor", source)
    if unconfirmed > 1:
        raise ReportSettingsError("reports.settings.bad_value", file=source, setting="score.unconfirmed_factor")

    outstanding = _mapping(top["outstanding"], "outstanding", {"top_n", "min_score"}, source)
    top_n = outstanding["top_n"]
    if top_n is not None and (not isinstance(top_n, int) or isinstance(top_n, bool) or top_n < 1):
        raise ReportSettingsError("reports.settings.bad_value", file=source, setting="outstanding.top_n")
    min_score = outstanding["min_score"]
    if min_score is not None:
        min_score = _number(min_score, "outstanding.min_score", source)
    if top_n is None and min_score is None:
        raise ReportSettingsError("reports.settings.bad_value", file=source, setting="outstanding")

    inactive = _mapping(top["inactive"], "inactive", {"max_share_active"}, source)
    max_share = _number(inactive["max_share_active"], "inactive.max_share_active", source)

    casebook = _mapping(top["casebook"], "casebook", {"statuses", "min_paper_people"}, source)
    statuses_raw = casebook["statuses"]
    if not isinstance(statuses_raw, dict):
        raise ReportSettingsError("reports.settings.bad_value", file=source, setting="casebook.statuses")
    casebook_statuses: dict[OutputType, frozenset[str]] = {}
    for type_name, names in statuses_raw.items():
        key = f"casebook.statuses.{type_name}"
        if type_name not in set(OutputType):
            raise ReportSettingsError("reports.settings.unknown_key", file=source, setting=key)
        if not isinstance(names, list) or any(n not in set(OutputStatus) for n in names):
            raise ReportSettingsError("reports.settings.bad_value", file=source, setting=key)
        casebook_statuses[OutputType(type_name)] = frozenset(str(n) for n in names)
    min_people = casebook["min_paper_people"]
    if not isinstance(min_people, int) or isinstance(min_people, bool) or min_people < 1:
        raise ReportSettingsError("reports.settings.bad_value", file=source, setting="casebook.min_paper_people")

    delivery = _mapping(top["delivery"], "delivery", {"leaders"}, source)
    if delivery["leaders"] not in DELIVERY:
        raise ReportSettingsError("reports.settings.bad_value", file=source, setting="delivery.leaders")

    annual = _mapping(top["annual"], "annual", {"targets"}, source)
    annual_targets = _numbers(annual["targets"], "annual.targets", ANNUAL_TARGETS, source, positive=True)
    for key, most in (("share_active", 1.0), ("satisfaction", 5.0)):
        if annual_targets[key] > most:
            raise ReportSettingsError("reports.settings.bad_value", file=source, setting=f"annual.targets.{key}")

    return ReportSettings(
        weights=weights,
        targets=targets,
        unconfirmed_factor=unconfirmed,
        type_weights={OutputType(k): v for k, v in type_weights.items()},
        status_weights=status_weights,
        outstanding_top_n=top_n,
        outstanding_min_score=min_score,
        inactive_max_share_active=max_share,
        casebook_statuses=casebook_statuses,
        casebook_min_paper_people=min_people,
        leaders_delivery=str(delivery["leaders"]),
        annual_targets=annual_targets,
        source=source,
    )


def _mapping(value: Any, path: str, keys: set[str], source: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ReportSettingsError("reports.settings.bad_value", file=source, setting=path or "(file)")
    for key in value:
        if key not in keys:
            raise ReportSettingsError("reports.settings.unknown_key", file=source, setting=_join(path, str(key)))
    for key in sorted(keys):
        if key not in value:
            raise ReportSettingsError("reports.settings.missing_key", file=source, setting=_join(path, key))
    return value


def _numbers(
    value: Any, path: str, keys: list[str] | tuple[str, ...], source: str, *, positive: bool = False
) -> dict[str, float]:
    wanted = {str(k) for k in keys}
    mapping = _mapping(value, path, wanted, source)
    numbers = {str(k): _number(v, _join(path, str(k)), source) for k, v in mapping.items()}
    if positive:
        for key, number in numbers.items():
            if number <= 0:
                raise ReportSettingsError("reports.settings.bad_value", file=source, setting=_join(path, key))
    return numbers


def _number(value: Any, path: str, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ReportSettingsError("reports.settings.not_number", file=source, setting=path)
    return float(value)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
