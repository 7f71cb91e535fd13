"""Block Kit checks for composition objects and block elements, against :data:`limits.LIMITS`.

A :class:`Checker` collects Slack-style ``response_metadata.messages`` lines, e.g.
``[ERROR] must be less than 101 items [json-pointer:/blocks/0/element/options]``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from .limits import LIMITS

TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})
BUTTON_STYLES = ("primary", "danger")
STATIC_SELECTS = frozenset({"static_select", "multi_static_select"})
EXTERNAL_SELECTS = frozenset({"external_select", "multi_external_select"})
OTHER_SELECTS = frozenset(
    {
        "users_select",
        "multi_users_select",
        "conversations_select",
        "multi_conversations_select",
        "channels_select",
        "multi_channels_select",
    }
)
SELECTS = STATIC_SELECTS | EXTERNAL_SELECTS | OTHER_SELECTS
CHOICE_ELEMENTS = frozenset({"checkboxes", "radio_buttons"})
TEXT_INPUTS = frozenset({"plain_text_input", "email_text_input", "url_text_input", "number_input"})
#: https://docs.slack.dev/reference/block-kit/composition-objects/dispatch-action-configuration-object
DISPATCH_TRIGGERS = frozenset({"on_enter_pressed", "on_character_entered"})
PICKERS = frozenset({"datepicker", "timepicker", "datetimepicker"})
# which elements each container takes (https://api.slack.com/reference/block-kit/blocks, "Works with")
INPUT_ELEMENTS = SELECTS | CHOICE_ELEMENTS | TEXT_INPUTS | PICKERS | {"file_input", "rich_text_input"}
ACTIONS_ELEMENTS = SELECTS | CHOICE_ELEMENTS | PICKERS | {"button", "overflow", "workflow_button"}
ACCESSORY_ELEMENTS = SELECTS | CHOICE_ELEMENTS | PICKERS | {"button", "overflow", "image", "workflow_button"}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def at(pointer: str) -> str:
    return f"[json-pointer:{pointer}]"


def valid_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def _plain(option: Any) -> Any:
    """An option as Slack compares it: text objects' default ``emoji: true`` does not make a difference."""
    if not isinstance(option, dict):
        return option
    out = {}
    for key, value in option.items():
        if isinstance(value, dict) and value.get("type") == "plain_text":
            value = {k: v for k, v in value.items() if not (k == "emoji" and v is True)}
        out[key] = value
    return out


class Checker:
    """Collects the error lines of one payload."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.markdown_chars = 0

    def error(self, message: str, pointer: str) -> None:
        self.errors.append(f"[ERROR] {message} {at(pointer)}")

    def schema(self, pointer: str) -> None:
        self.error("failed to match all allowed schemas", pointer)

    # ---- scalars and lists -------------------------------------------------------------------
    def string(self, value: Any, pointer: str, key: str, *, required: bool = False) -> None:
        if value is None:
            if required:
                self.error(f"missing required field: {pointer.rsplit('/', 1)[-1]}", pointer.rsplit("/", 1)[0] or "/")
            return
        if not isinstance(value, str):
            self.error("must be a string", pointer)
            return
        limit = LIMITS[key]
        if limit.max is not None and len(value) > limit.max:
            self.error(f"must be less than {limit.max + 1} characters", pointer)
        elif limit.min is not None and len(value) < limit.min:
            self.error(f"must be more than {limit.min - 1} characters", pointer)

    def items(self, value: Any, pointer: str, key: str) -> list[Any]:
        """Check a list's item count; returns the list (empty when it is not one)."""
        if not isinstance(value, list):
            self.error("must be an array", pointer)
            return []
        limit = LIMITS[key]
        if limit.max is not None and len(value) > limit.max:
            self.error(f"must be less than {limit.max + 1} items", pointer)
        elif limit.min is not None and len(value) < limit.min:
            self.error(f"must be more than {limit.min - 1} items", pointer)
        return value

    def number(self, value: Any, pointer: str, key: str) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            self.error("must be an integer", pointer)
            return
        limit = LIMITS[key]
        if limit.max is not None and value > limit.max:
            self.error(f"must be less than {limit.max + 1}", pointer)
        elif limit.min is not None and value < limit.min:
            self.error(f"must be more than {limit.min - 1}", pointer)

    def text(self, obj: Any, pointer: str, key: str, *, plain_only: bool = False, required: bool = True) -> None:
        """A text object: plain_text or mrkdwn, 1 character at least, at most ``LIMITS[key]``."""
        if obj is None and not required:
            return
        if not isinstance(obj, dict) or obj.get("type") not in TEXT_TYPES or not isinstance(obj.get("text"), str):
            self.schema(pointer)
            return
        if plain_only and obj["type"] != "plain_text":
            self.error("must be a plain_text text object", f"{pointer}/type")
        text = obj["text"]
        limit = LIMITS[key]
        if len(text) == 0:
            self.error("must be more than 0 characters", f"{pointer}/text")
        elif limit.max is not None and len(text) > limit.max:
            self.error(f"must be less than {limit.max + 1} characters", f"{pointer}/text")

    # ---- composition objects -----------------------------------------------------------------
    def confirm(self, obj: Any, pointer: str) -> None:
        if not isinstance(obj, dict):
            self.schema(pointer)
            return
        self.text(obj.get("title"), f"{pointer}/title", "confirm.title", plain_only=True)
        self.text(obj.get("text"), f"{pointer}/text", "confirm.text")
        self.text(obj.get("confirm"), f"{pointer}/confirm", "confirm.confirm", plain_only=True)
        self.text(obj.get("deny"), f"{pointer}/deny", "confirm.deny", plain_only=True)
        self.style(obj.get("style"), f"{pointer}/style")

    def style(self, value: Any, pointer: str) -> None:
        if value is not None and value not in BUTTON_STYLES:
            self.error(f"must be one of {', '.join(BUTTON_STYLES)}", pointer)

    def option(self, obj: Any, pointer: str, *, plain_only: bool, url: bool = False) -> None:
        if not isinstance(obj, dict):
            self.schema(pointer)
            return
        self.text(obj.get("text"), f"{pointer}/text", "option.text", plain_only=plain_only)
        self.string(obj.get("value"), f"{pointer}/value", "option.value", required=True)
        self.text(obj.get("description"), f"{pointer}/description", "option.description", required=False)
        if "url" in obj:
            if not url:
                self.error("url is only allowed in overflow menus", f"{pointer}/url")
            self.string(obj.get("url"), f"{pointer}/url", "option.url")

    def options(self, element: dict[str, Any], pointer: str, key: str, *, plain_only: bool) -> list[Any]:
        """The element's ``options`` (or ``option_groups``), checked; returns every option object."""
        found: list[Any] = []
        if "option_groups" in element:
            if "options" in element:
                self.error("must provide either options or option_groups, not both", pointer)
            groups = self.items(element["option_groups"], f"{pointer}/option_groups", "static_select.option_groups")
            for g, group in enumerate(groups):
                here = f"{pointer}/option_groups/{g}"
                if not isinstance(group, dict):
                    self.schema(here)
                    continue
                self.text(group.get("label"), f"{here}/label", "option_group.label", plain_only=True)
                for o, option in enumerate(self.items(group.get("options"), f"{here}/options", "option_group.options")):
                    self.option(option, f"{here}/options/{o}", plain_only=plain_only)
                    found.append(option)
            return found
        if "options" not in element:
            self.error("missing required field: options", pointer)
            return found
        for o, option in enumerate(self.items(element["options"], f"{pointer}/options", key)):
            self.option(option, f"{pointer}/options/{o}", plain_only=plain_only, url=key == "overflow.options")
            found.append(option)
        return found

    def initial(self, element: dict[str, Any], pointer: str, options: list[Any], *, multi: bool) -> None:
        """``initial_option(s)`` must each be exactly one of the element's options."""
        name = "initial_options" if multi else "initial_option"
        if name not in element:
            return
        chosen = element[name] if multi else [element[name]]
        if not isinstance(chosen, list):
            self.error("must be an array", f"{pointer}/{name}")
            return
        known = [_plain(o) for o in options]
        for c, option in enumerate(chosen):
            here = f"{pointer}/{name}/{c}" if multi else f"{pointer}/{name}"
            if _plain(option) not in known:
                values = [o.get("value") for o in options if isinstance(o, dict)]
                matched = isinstance(option, dict) and option.get("value") in values
                detail = "must exactly match one of the options" if matched else "must be one of the provided options"
                self.error(detail, here)

    # ---- elements ----------------------------------------------------------------------------
    def element(self, element: Any, pointer: str, allowed: frozenset[str]) -> None:
        if not isinstance(element, dict) or element.get("type") not in allowed:
            self.schema(pointer)
            return
        kind = element["type"]
        self.string(element.get("action_id"), f"{pointer}/action_id", "element.action_id")
        if "placeholder" in element:
            self.text(element["placeholder"], f"{pointer}/placeholder", "element.placeholder", plain_only=True)
        if "confirm" in element:
            self.confirm(element["confirm"], f"{pointer}/confirm")
        if kind == "button":
            self.text(element.get("text"), f"{pointer}/text", "button.text", plain_only=True)
            self.string(element.get("url"), f"{pointer}/url", "button.url")
            self.string(element.get("value"), f"{pointer}/value", "button.value")
            self.string(
                element.get("accessibility_label"), f"{pointer}/accessibility_label", "button.accessibility_label"
            )
            self.style(element.get("style"), f"{pointer}/style")
        elif kind in STATIC_SELECTS:
            options = self.options(element, pointer, "static_select.options", plain_only=True)
            self.initial(element, pointer, options, multi=kind.startswith("multi_"))
        elif kind in CHOICE_ELEMENTS:
            options = self.options(element, pointer, f"{kind}.options", plain_only=False)
            self.initial(element, pointer, options, multi=kind == "checkboxes")
        elif kind == "overflow":
            self.options(element, pointer, "overflow.options", plain_only=True)
        elif kind == "datepicker":
            self.date(element.get("initial_date"), f"{pointer}/initial_date")
        elif kind == "timepicker":
            value = element.get("initial_time")
            if value is not None and not (isinstance(value, str) and TIME_RE.match(value)):
                self.error("must be in the format HH:mm", f"{pointer}/initial_time")
        elif kind == "plain_text_input":
            self.number(element.get("min_length"), f"{pointer}/min_length", "plain_text_input.min_length")
            self.number(element.get("max_length"), f"{pointer}/max_length", "plain_text_input.max_length")
            low, high = element.get("min_length"), element.get("max_length")
            if isinstance(low, int) and isinstance(high, int) and low > high:
                self.error("min_length must be less than or equal to max_length", f"{pointer}/min_length")
        elif kind == "number_input":
            if not isinstance(element.get("is_decimal_allowed"), bool):
                self.error("missing required field: is_decimal_allowed", pointer)
        elif kind == "image":
            self.image(element, pointer, "image_element")
        if "dispatch_action_config" in element:
            self.dispatch_config(element, pointer)
        if kind.startswith("multi_"):
            self.number(
                element.get("max_selected_items"), f"{pointer}/max_selected_items", "multi_select.max_selected_items"
            )

    def dispatch_config(self, element: dict[str, Any], pointer: str) -> None:
        """`dispatch_action_config` (text inputs only): `trigger_actions_on`, a non-empty list of
        `on_enter_pressed` / `on_character_entered`."""
        here = f"{pointer}/dispatch_action_config"
        if element.get("type") not in TEXT_INPUTS:
            self.error("dispatch_action_config is only allowed on text inputs", here)
            return
        config = element["dispatch_action_config"]
        triggers = config.get("trigger_actions_on") if isinstance(config, dict) else None
        if not isinstance(triggers, list) or not triggers:
            self.error("missing required field: trigger_actions_on", here)
            return
        for i, trigger in enumerate(triggers):
            if trigger not in DISPATCH_TRIGGERS:
                self.error("must be one of on_enter_pressed, on_character_entered", f"{here}/trigger_actions_on/{i}")

    def date(self, value: Any, pointer: str) -> None:
        if value is None:
            return
        if not isinstance(value, str) or not DATE_RE.match(value):
            self.error("must be in the format YYYY-MM-DD", pointer)
            return
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            self.error("must be a valid date", pointer)

    def image(self, obj: dict[str, Any], pointer: str, prefix: str) -> None:
        """An image block or image element: a valid http(s) ``image_url`` (or ``slack_file``) and ``alt_text``."""
        if "image_url" in obj:
            url = obj["image_url"]
            self.string(url, f"{pointer}/image_url", f"{prefix}.image_url")
            if isinstance(url, str) and not valid_url(url):
                self.error("must be a valid URL", f"{pointer}/image_url")
        elif "slack_file" not in obj:
            self.error("missing required field: image_url", pointer)
        if not isinstance(obj.get("alt_text"), str):
            self.error("missing required field: alt_text", pointer)
        else:
            self.string(obj["alt_text"], f"{pointer}/alt_text", f"{prefix}.alt_text")
