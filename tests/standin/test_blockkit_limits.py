"""Every Block Kit limit in bot.standin.limits.LIMITS, one case each, sent through slack_sdk's WebClient
to the running stand-in: messages with chat.postMessage, Home tabs with views.publish, modals with
views.open. The validator is also called directly (it is a pure function)."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.standin import SlackStandIn
from bot.standin.limits import LIMITS
from bot.standin.validator import validate_message, validate_view

URL = "https://example.org/"


def pt(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def md(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def opt(value: str = "v", text: str = "t", **extra: Any) -> dict[str, Any]:
    return {"text": pt(text), "value": value, **extra}


def section(**extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": md("x"), **extra}


def button(**extra: Any) -> dict[str, Any]:
    return {"type": "button", "text": pt("b"), "action_id": "b", **extra}


def select(n: int = 2, **extra: Any) -> dict[str, Any]:
    return {"type": "static_select", "action_id": "s", "options": [opt(f"v{i}") for i in range(n)], **extra}


def actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements)}


def field_input(element: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "input", "block_id": "i", "label": pt("L"), "element": element, **extra}


def confirm(**over: Any) -> dict[str, Any]:
    return {"title": pt("T"), "text": pt("x"), "confirm": pt("Y"), "deny": pt("N"), **over}


def home(*blocks: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "home", "blocks": list(blocks), **extra}


def modal(*blocks: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "modal", "title": pt("T"), "submit": pt("OK"), "blocks": list(blocks), **extra}


def big(n: int) -> str:
    return "a" * n


def msg(pointer: str, text: str) -> str:
    return f"[ERROR] {text} [json-pointer:{pointer}]"


# (limit key, surface, payload, expected error, expected pointer message or None)
# surface "message": payload is the blocks array; "home"/"modal": payload is the view
CASES: list[tuple[str, str, Any, str, str | None]] = [
    (
        "text.text",
        "message",
        [{"type": "context", "elements": [md(big(3001))]}],
        "invalid_blocks",
        msg("/blocks/0/elements/0/text", "must be less than 3001 characters"),
    ),
    (
        "confirm.title",
        "message",
        [actions(button(confirm=confirm(title=pt(big(101)))))],
        "invalid_blocks",
        msg("/blocks/0/elements/0/confirm/title/text", "must be less than 101 characters"),
    ),
    (
        "confirm.text",
        "message",
        [actions(button(confirm=confirm(text=pt(big(301)))))],
        "invalid_blocks",
        msg("/blocks/0/elements/0/confirm/text/text", "must be less than 301 characters"),
    ),
    (
        "confirm.confirm",
        "message",
        [actions(button(confirm=confirm(confirm=pt(big(31)))))],
        "invalid_blocks",
        msg("/blocks/0/elements/0/confirm/confirm/text", "must be less than 31 characters"),
    ),
    (
        "confirm.deny",
        "message",
        [actions(button(confirm=confirm(deny=pt(big(31)))))],
        "invalid_blocks",
        msg("/blocks/0/elements/0/confirm/deny/text", "must be less than 31 characters"),
    ),
    (
        "option.text",
        "message",
        [section(accessory=select(options=[opt(text=big(76))]))],
        "invalid_blocks",
        msg("/blocks/0/accessory/options/0/text/text", "must be less than 76 characters"),
    ),
    (
        "option.value",
        "message",
        [section(accessory=select(options=[opt(value=big(151))]))],
        "invalid_blocks",
        msg("/blocks/0/accessory/options/0/value", "must be less than 151 characters"),
    ),
    (
        "option.description",
        "home",
        home(field_input({"type": "radio_buttons", "action_id": "r", "options": [opt(description=pt(big(76)))]})),
        "invalid_arguments",
        msg("/view/blocks/0/element/options/0/description/text", "must be less than 76 characters"),
    ),
    (
        "option.url",
        "message",
        [
            section(
                accessory={"type": "overflow", "action_id": "o", "options": [opt("a", url=URL + big(3000)), opt("b")]}
            )
        ],
        "invalid_blocks",
        msg("/blocks/0/accessory/options/0/url", "must be less than 3001 characters"),
    ),
    (
        "option_group.label",
        "message",
        [
            section(
                accessory={
                    "type": "static_select",
                    "action_id": "s",
                    "option_groups": [{"label": pt(big(76)), "options": [opt()]}],
                }
            )
        ],
        "invalid_blocks",
        msg("/blocks/0/accessory/option_groups/0/label/text", "must be less than 76 characters"),
    ),
    (
        "option_group.options",
        "message",
        [
            section(
                accessory={
                    "type": "static_select",
                    "action_id": "s",
                    "option_groups": [{"label": pt("g"), "options": [opt(f"{i}") for i in range(101)]}],
                }
            )
        ],
        "invalid_blocks",
        msg("/blocks/0/accessory/option_groups/0/options", "must be less than 101 items"),
    ),
    (
        "element.action_id",
        "message",
        [actions(button(action_id=big(256)))],
        "invalid_blocks",
        msg("/blocks/0/elements/0/action_id", "must be less than 256 characters"),
    ),
    (
        "element.placeholder",
        "message",
        [section(accessory=select(placeholder=pt(big(151))))],
        "invalid_blocks",
        msg("/blocks/0/accessory/placeholder/text", "must be less than 151 characters"),
    ),
    (
        "button.text",
        "message",
        [actions(button(text=pt(big(76))))],
        "invalid_blocks",
        msg("/blocks/0/elements/0/text/text", "must be less than 76 characters"),
    ),
    (
        "button.url",
        "message",
        [actions(button(url=URL + big(3000)))],
        "invalid_blocks",
        msg("/blocks/0/elements/0/url", "must be less than 3001 characters"),
    ),
    (
        "button.value",
        "message",
        [actions(button(value=big(2001)))],
        "invalid_blocks",
        msg("/blocks/0/elements/0/value", "must be less than 2001 characters"),
    ),
    (
        "button.accessibility_label",
        "message",
        [actions(button(accessibility_label=big(76)))],
        "invalid_blocks",
        msg("/blocks/0/elements/0/accessibility_label", "must be less than 76 characters"),
    ),
    (
        "static_select.options",
        "home",
        home(field_input(select(101))),
        "invalid_arguments",
        msg("/view/blocks/0/element/options", "must be less than 101 items"),
    ),
    (
        "static_select.option_groups",
        "message",
        [
            section(
                accessory={
                    "type": "static_select",
                    "action_id": "s",
                    "option_groups": [{"label": pt("g"), "options": [opt(f"{i}")]} for i in range(101)],
                }
            )
        ],
        "invalid_blocks",
        msg("/blocks/0/accessory/option_groups", "must be less than 101 items"),
    ),
    (
        "multi_select.max_selected_items",
        "home",
        home(field_input({"type": "multi_users_select", "action_id": "u", "max_selected_items": 0})),
        "invalid_arguments",
        msg("/view/blocks/0/element/max_selected_items", "must be more than 0"),
    ),
    (
        "checkboxes.options",
        "home",
        home(field_input({"type": "checkboxes", "action_id": "c", "options": [opt(f"{i}") for i in range(11)]})),
        "invalid_arguments",
        msg("/view/blocks/0/element/options", "must be less than 11 items"),
    ),
    (
        "radio_buttons.options",
        "home",
        home(field_input({"type": "radio_buttons", "action_id": "r", "options": [opt(f"{i}") for i in range(11)]})),
        "invalid_arguments",
        msg("/view/blocks/0/element/options", "must be less than 11 items"),
    ),
    (
        "overflow.options",
        "message",
        [section(accessory={"type": "overflow", "action_id": "o", "options": [opt()]})],
        "invalid_blocks",
        msg("/blocks/0/accessory/options", "must be more than 1 items"),
    ),
    (
        "plain_text_input.min_length",
        "home",
        home(field_input({"type": "plain_text_input", "action_id": "p", "min_length": 3001})),
        "invalid_arguments",
        msg("/view/blocks/0/element/min_length", "must be less than 3001"),
    ),
    (
        "plain_text_input.max_length",
        "home",
        home(field_input({"type": "plain_text_input", "action_id": "p", "max_length": 3001})),
        "invalid_arguments",
        msg("/view/blocks/0/element/max_length", "must be less than 3001"),
    ),
    (
        "image_element.alt_text",
        "message",
        [{"type": "context", "elements": [{"type": "image", "image_url": URL, "alt_text": big(2001)}]}],
        "invalid_blocks",
        msg("/blocks/0/elements/0/alt_text", "must be less than 2001 characters"),
    ),
    (
        "image_element.image_url",
        "message",
        [{"type": "context", "elements": [{"type": "image", "image_url": URL + big(3000), "alt_text": "a"}]}],
        "invalid_blocks",
        msg("/blocks/0/elements/0/image_url", "must be less than 3001 characters"),
    ),
    (
        "block.block_id",
        "message",
        [section(block_id=big(256))],
        "invalid_blocks",
        msg("/blocks/0/block_id", "must be less than 256 characters"),
    ),
    (
        "section.text",
        "message",
        [section(text=md(big(3001)))],
        "invalid_blocks",
        msg("/blocks/0/text/text", "must be less than 3001 characters"),
    ),
    (
        "section.fields",
        "message",
        [{"type": "section", "fields": [md("f")] * 11}],
        "invalid_blocks",
        msg("/blocks/0/fields", "no more than 10 items allowed"),
    ),
    (
        "section.field",
        "message",
        [{"type": "section", "fields": [md(big(2001))]}],
        "invalid_blocks",
        msg("/blocks/0/fields/0/text", "must be less than 2001 characters"),
    ),
    (
        "header.text",
        "message",
        [{"type": "header", "text": pt(big(151))}],
        "invalid_blocks",
        msg("/blocks/0/text/text", "must be less than 151 characters"),
    ),
    (
        "context.elements",
        "message",
        [{"type": "context", "elements": [md("c")] * 11}],
        "invalid_blocks",
        msg("/blocks/0/elements", "must be less than 11 items"),
    ),
    (
        "actions.elements",
        "message",
        [actions(*[button(action_id=f"b{i}") for i in range(26)])],
        "invalid_blocks",
        msg("/blocks/0/elements", "must be less than 26 items"),
    ),
    (
        "input.label",
        "home",
        home(field_input({"type": "plain_text_input", "action_id": "p"}, label=pt(big(2001)))),
        "invalid_arguments",
        msg("/view/blocks/0/label/text", "must be less than 2001 characters"),
    ),
    (
        "input.hint",
        "home",
        home(field_input({"type": "plain_text_input", "action_id": "p"}, hint=pt(big(2001)))),
        "invalid_arguments",
        msg("/view/blocks/0/hint/text", "must be less than 2001 characters"),
    ),
    (
        "image.alt_text",
        "message",
        [{"type": "image", "image_url": URL, "alt_text": big(2001)}],
        "invalid_blocks",
        msg("/blocks/0/alt_text", "must be less than 2001 characters"),
    ),
    (
        "image.image_url",
        "message",
        [{"type": "image", "image_url": URL + big(3000), "alt_text": "a"}],
        "invalid_blocks",
        msg("/blocks/0/image_url", "must be less than 3001 characters"),
    ),
    (
        "image.title",
        "message",
        [{"type": "image", "image_url": URL, "alt_text": "a", "title": pt(big(2001))}],
        "invalid_blocks",
        msg("/blocks/0/title/text", "must be less than 2001 characters"),
    ),
    (
        "markdown.text",
        "message",
        [{"type": "markdown", "text": big(6000)}, {"type": "markdown", "text": big(6001)}],
        "invalid_blocks",
        msg("/blocks/1/text", "must be less than 12001 characters"),
    ),
    (
        "view.blocks",
        "home",
        home(*[section() for _ in range(101)]),
        "invalid_arguments",
        msg("/view/blocks", "no more than 100 items allowed"),
    ),
    (
        "view.title",
        "modal",
        modal(section(), title=pt(big(25))),
        "invalid_arguments",
        msg("/view/title/text", "must be less than 25 characters"),
    ),
    (
        "view.submit",
        "modal",
        modal(section(), submit=pt(big(25))),
        "invalid_arguments",
        msg("/view/submit/text", "must be less than 25 characters"),
    ),
    (
        "view.close",
        "modal",
        modal(section(), close=pt(big(25))),
        "invalid_arguments",
        msg("/view/close/text", "must be less than 25 characters"),
    ),
    (
        "view.private_metadata",
        "home",
        home(section(), private_metadata=big(3001)),
        "invalid_arguments",
        msg("/view/private_metadata", "must be less than 3001 characters"),
    ),
    (
        "view.callback_id",
        "home",
        home(section(), callback_id=big(256)),
        "invalid_arguments",
        msg("/view/callback_id", "must be less than 256 characters"),
    ),
    (
        "view.external_id",
        "modal",
        modal(section(), external_id=big(256)),
        "invalid_arguments",
        msg("/view/external_id", "must be less than 256 characters"),
    ),
    (
        "message.blocks",
        "message",
        [section() for _ in range(51)],
        "invalid_blocks",
        msg("/blocks", "no more than 50 items allowed"),
    ),
    (
        "message.blocks_json",
        "message",
        [{"type": "section", "fields": [md(big(2000))] * 10} for _ in range(11)],
        "msg_blocks_too_long",
        None,
    ),
]

# the rules that are not a length or a count
RULES: list[tuple[str, str, Any, str, str | None]] = [
    (
        "initial_option not an option",
        "message",
        [section(accessory=select(initial_option=opt("nope")))],
        "invalid_blocks",
        msg("/blocks/0/accessory/initial_option", "must be one of the provided options"),
    ),
    (
        "initial_option text differs",
        "message",
        [section(accessory=select(initial_option=opt("v0", "other")))],
        "invalid_blocks",
        msg("/blocks/0/accessory/initial_option", "must exactly match one of the options"),
    ),
    (
        "overflow over 5",
        "message",
        [section(accessory={"type": "overflow", "action_id": "o", "options": [opt(f"{i}") for i in range(6)]})],
        "invalid_blocks",
        msg("/blocks/0/accessory/options", "must be less than 6 items"),
    ),
    (
        "button style",
        "message",
        [actions(button(style="warning"))],
        "invalid_blocks",
        msg("/blocks/0/elements/0/style", "must be one of primary, danger"),
    ),
    (
        "image_url not a URL",
        "message",
        [{"type": "image", "image_url": "not a url", "alt_text": "a"}],
        "invalid_blocks",
        msg("/blocks/0/image_url", "must be a valid URL"),
    ),
    (
        "datepicker format",
        "message",
        [actions({"type": "datepicker", "action_id": "d", "initial_date": "2024/01/31"})],
        "invalid_blocks",
        msg("/blocks/0/elements/0/initial_date", "must be in the format YYYY-MM-DD"),
    ),
    (
        "datepicker real date",
        "message",
        [actions({"type": "datepicker", "action_id": "d", "initial_date": "2024-02-30"})],
        "invalid_blocks",
        msg("/blocks/0/elements/0/initial_date", "must be a valid date"),
    ),
    (
        "timepicker format",
        "message",
        [actions({"type": "timepicker", "action_id": "t", "initial_time": "25:00"})],
        "invalid_blocks",
        msg("/blocks/0/elements/0/initial_time", "must be in the format HH:mm"),
    ),
    (
        "duplicate block_id",
        "message",
        [section(block_id="x"), section(block_id="x")],
        "invalid_blocks",
        msg("/blocks/1/block_id", "duplicate block_id 'x'"),
    ),
    (
        "duplicate action_id in a block",
        "message",
        [actions(button(), button())],
        "invalid_blocks",
        msg("/blocks/0/elements/1/action_id", "duplicate action_id 'b'"),
    ),
    (
        "element not allowed in actions",
        "message",
        [actions({"type": "plain_text_input", "action_id": "p"})],
        "invalid_blocks",
        msg("/blocks/0/elements/0", "failed to match all allowed schemas"),
    ),
    (
        "context empty",
        "message",
        [{"type": "context", "elements": []}],
        "invalid_blocks",
        msg("/blocks/0/elements", "must be more than 0 items"),
    ),
    (
        "number_input needs is_decimal_allowed",
        "home",
        home(field_input({"type": "number_input", "action_id": "n"})),
        "invalid_arguments",
        msg("/view/blocks/0/element", "missing required field: is_decimal_allowed"),
    ),
]


@pytest.fixture
def lab(standin: SlackStandIn) -> str:
    return standin.add_channel("lab", members=[standin.bot_user_id])


def as_dict(data: Any) -> dict[str, Any]:
    assert isinstance(data, dict)
    return data


def send(standin: SlackStandIn, client: WebClient, surface: str, payload: Any, channel: str) -> dict[str, Any]:
    try:
        if surface == "message":
            return as_dict(client.chat_postMessage(channel=channel, text="fallback", blocks=payload).data)
        user = standin.add_user(f"viewer{len(standin.ws.users)}")
        if surface == "home":
            return as_dict(client.views_publish(user_id=user, view=payload).data)
        return as_dict(client.views_open(trigger_id=standin.ws.new_trigger(user), view=payload).data)
    except SlackApiError as exc:
        return as_dict(exc.response.data)


@pytest.mark.parametrize(
    ("key", "surface", "payload", "error", "message"), CASES + RULES, ids=[c[0] for c in CASES + RULES]
)
def test_slack_refuses_what_exceeds_a_documented_limit(
    standin: SlackStandIn,
    client: WebClient,
    lab: str,
    key: str,
    surface: str,
    payload: Any,
    error: str,
    message: str | None,
) -> None:
    data = send(standin, client, surface, payload, lab)
    assert data["ok"] is False
    assert data["error"] == error
    if message is not None:
        assert message in data["response_metadata"]["messages"]
    direct = validate_message(payload, "fallback") if surface == "message" else validate_view(payload)
    assert direct.error == error
    if message is not None:
        assert message in direct.messages


def test_every_limit_in_the_table_has_a_case_and_a_reference_page() -> None:
    covered = {c[0] for c in CASES}
    assert set(LIMITS) - covered == {"message.text", "message.attachments"}  # tested in test_error_codes.py
    for key, limit in LIMITS.items():
        assert limit.ref.startswith("https://api.slack.com/"), key
        assert limit.max is not None or limit.min is not None, key


@pytest.mark.parametrize(
    ("surface", "payload"),
    [
        ("message", [section(text=md(big(3000)), accessory=select(100, initial_option=opt("v99", "t")))]),
        ("message", [{"type": "section", "fields": [md(big(2000))] * 10}, {"type": "header", "text": pt(big(150))}]),
        ("message", [actions(*[button(action_id=f"b{i}", url=URL + big(2980), style="danger") for i in range(25)])]),
        ("message", [section(accessory={"type": "overflow", "action_id": "o", "options": [opt("a"), opt("b")]})]),
        (
            "message",
            [{"type": "markdown", "text": big(12000)}, {"type": "image", "image_url": URL, "alt_text": big(2000)}],
        ),
        ("message", [actions({"type": "datepicker", "action_id": "d", "initial_date": "2024-02-29"})]),
        ("home", home(*[section() for _ in range(100)], private_metadata=big(3000), callback_id=big(255))),
        (
            "modal",
            modal(
                field_input({"type": "plain_text_input", "action_id": "p", "min_length": 3000, "max_length": 3000}),
                title=pt(big(24)),
                submit=pt(big(24)),
                close=pt(big(24)),
                external_id=big(255),
            ),
        ),
    ],
)
def test_payloads_at_the_limits_are_accepted(
    standin: SlackStandIn, client: WebClient, lab: str, surface: str, payload: Any
) -> None:
    assert send(standin, client, surface, payload, lab)["ok"] is True
