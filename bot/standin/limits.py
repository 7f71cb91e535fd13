"""Slack's documented Block Kit and message limits: THE one table the stand-in's validator reads.

Each entry names the Slack reference page it comes from (``ref``). ``max``/``min`` bound a string's
length, a list's item count or, for numeric settings (``plain_text_input.max_length``), the value
itself. Keys are ``<object>.<field>``; the validator looks every limit up here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

BLOCKS = "https://api.slack.com/reference/block-kit/blocks"
ELEMENTS = "https://api.slack.com/reference/block-kit/block-elements"
OBJECTS = "https://api.slack.com/reference/block-kit/composition-objects"
VIEWS = "https://api.slack.com/reference/surfaces/views"
POST_MESSAGE = "https://api.slack.com/methods/chat.postMessage"


@dataclass(frozen=True)
class Limit:
    max: int | None
    min: int | None = None
    ref: str = ""


LIMITS: dict[str, Limit] = {
    # ---- composition objects ---------------------------------------------------------------
    "text.text": Limit(3000, 1, f"{OBJECTS}#text"),
    "confirm.title": Limit(100, ref=f"{OBJECTS}#confirm"),
    "confirm.text": Limit(300, ref=f"{OBJECTS}#confirm"),
    "confirm.confirm": Limit(30, ref=f"{OBJECTS}#confirm"),
    "confirm.deny": Limit(30, ref=f"{OBJECTS}#confirm"),
    "option.text": Limit(75, ref=f"{OBJECTS}#option"),
    "option.value": Limit(150, ref=f"{OBJECTS}#option"),
    "option.description": Limit(75, ref=f"{OBJECTS}#option"),
    "option.url": Limit(3000, ref=f"{OBJECTS}#option"),
    "option_group.label": Limit(75, ref=f"{OBJECTS}#option_group"),
    "option_group.options": Limit(100, ref=f"{OBJECTS}#option_group"),
    # ---- block elements --------------------------------------------------------------------
    "element.action_id": Limit(255, ref=f"{ELEMENTS}#button"),  # the same 255 on every element's page
    "element.placeholder": Limit(150, ref=f"{ELEMENTS}#static_select"),  # 150 on every element's page
    "button.text": Limit(75, ref=f"{ELEMENTS}#button"),
    "button.url": Limit(3000, ref=f"{ELEMENTS}#button"),
    "button.value": Limit(2000, ref=f"{ELEMENTS}#button"),
    "button.accessibility_label": Limit(75, ref=f"{ELEMENTS}#button"),
    "static_select.options": Limit(100, ref=f"{ELEMENTS}#static_select"),
    "static_select.option_groups": Limit(100, ref=f"{ELEMENTS}#static_select"),
    "multi_select.max_selected_items": Limit(None, 1, f"{ELEMENTS}#multi_select"),
    "checkboxes.options": Limit(10, ref=f"{ELEMENTS}#checkboxes"),
    "radio_buttons.options": Limit(10, ref=f"{ELEMENTS}#radio"),
    "overflow.options": Limit(5, 2, f"{ELEMENTS}#overflow"),
    "plain_text_input.min_length": Limit(3000, 0, f"{ELEMENTS}#input"),
    "plain_text_input.max_length": Limit(3000, 1, f"{ELEMENTS}#input"),
    "image_element.alt_text": Limit(2000, ref=f"{ELEMENTS}#image"),
    "image_element.image_url": Limit(3000, ref=f"{ELEMENTS}#image"),
    # ---- blocks ----------------------------------------------------------------------------
    "block.block_id": Limit(255, ref=BLOCKS),  # every block's page: "Maximum length is 255 characters"
    "section.text": Limit(3000, ref=f"{BLOCKS}#section"),
    "section.fields": Limit(10, ref=f"{BLOCKS}#section"),
    "section.field": Limit(2000, ref=f"{BLOCKS}#section"),
    "header.text": Limit(150, ref=f"{BLOCKS}#header"),
    "context.elements": Limit(10, 1, f"{BLOCKS}#context"),
    "actions.elements": Limit(25, 1, f"{BLOCKS}#actions"),
    "input.label": Limit(2000, ref=f"{BLOCKS}#input"),
    "input.hint": Limit(2000, ref=f"{BLOCKS}#input"),
    "image.alt_text": Limit(2000, ref=f"{BLOCKS}#image"),
    "image.image_url": Limit(3000, ref=f"{BLOCKS}#image"),
    "image.title": Limit(2000, ref=f"{BLOCKS}#image"),
    "markdown.text": Limit(12000, ref=f"{BLOCKS}#markdown"),  # cumulative over a payload's markdown blocks
    # ---- surfaces --------------------------------------------------------------------------
    "view.blocks": Limit(100, ref=f"{VIEWS}#modal"),
    "view.title": Limit(24, ref=f"{VIEWS}#modal"),
    "view.submit": Limit(24, ref=f"{VIEWS}#modal"),
    "view.close": Limit(24, ref=f"{VIEWS}#modal"),
    "view.private_metadata": Limit(3000, ref=f"{VIEWS}#modal"),
    "view.callback_id": Limit(255, ref=f"{VIEWS}#modal"),
    "view.external_id": Limit(255, ref=f"{VIEWS}#modal"),  # "unique ... Max length of 255 characters"
    "message.blocks": Limit(50, ref=f"{POST_MESSAGE}#arg_blocks"),
    "message.text": Limit(40000, ref=f"{POST_MESSAGE}#truncating"),  # msg_too_long beyond
    "message.attachments": Limit(100, ref=f"{POST_MESSAGE}#errors"),  # too_many_attachments beyond
    # msg_blocks_too_long: Slack documents the error ("Blocks submitted with this message are too
    # long") but not the size; the stand-in refuses a blocks array whose JSON exceeds this many
    # characters (its own choice, not Slack's number).
    "message.blocks_json": Limit(200_000, ref=f"{POST_MESSAGE}#errors"),
}

MAX_MESSAGE_BLOCKS = LIMITS["message.blocks"].max or 50
MAX_VIEW_BLOCKS = LIMITS["view.blocks"].max or 100
