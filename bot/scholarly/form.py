"""The output form filled as a DOI is pasted (pure): the view Slack sent with the DOI input's `block_actions`,
what is in it now, and the DOI's answer from Crossref in; the view to send with `views.update` out.

Only the fields still empty are filled (title, type, status, date), or those holding what an earlier DOI filled
(the form remembers a digest of each value it filled in its `private_metadata`): what the member typed wins.
Slack keeps what a person entered in an input whose `block_id` and `action_id` stay the same and shows a new
`initial_*` only in a new input, so a filled field gets a fresh `action_id` (`title.2`); its `block_id` stays
the field's name, which is what `bot.slack.forms.FormValues` reads. The venue and the authors (shown on the
card from the DOI, not fields of the output) and what went wrong (an unknown or malformed DOI, Crossref out of
reach) are said in a context line under the DOI field: Slack shows field errors only for a submission.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from bot.domain import OUTPUT_STATUSES, Language, OutputStatus, OutputType
from bot.i18n import t
from bot.scholarly.types import DoiAnswer, DoiKnown
from bot.slack.blocks import context, escape, shorten
from bot.slack.forms import FormValues, metadata
from bot.tracking.names import type_name
from bot.tracking.values import TITLE_LIMIT

#: The DOI input (its block_id and action_id, see `bot.tracking.views.modals.output_form`).
DOI_FIELD = "doi"
#: The block under the DOI input that says what the lookup found.
NOTE_BLOCK = "doi_found"
#: The view's fields Slack sends back and accepts in views.update.
VIEW_KEYS = ("type", "callback_id", "title", "submit", "close", "notify_on_close", "clear_on_close")
AUTHORS_SHOWN = 6


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:12]


def _current(values: FormValues) -> dict[str, str]:
    found = values.date("date")
    return {
        "title": values.text("title"),
        "type": values.option("type") or "",
        "status": values.option("status") or "",
        "date": found.isoformat() if found else "",
    }


def _wanted(answer: DoiAnswer, current: dict[str, str], ours: set[str]) -> dict[str, str]:
    """What the answer gives for the fields that are empty or still hold what the form filled."""
    free = {field for field, value in current.items() if not value or field in ours}
    kind = current["type"] if "type" not in free else (answer.output_type.value if answer.output_type else "")
    wanted: dict[str, str] = {}
    if "title" in free and answer.title:
        wanted["title"] = answer.title[:TITLE_LIMIT]
    if "type" in free and kind:
        wanted["type"] = kind
    published = OutputStatus.PUBLISHED
    typed = OutputType(kind) if kind in {o.value for o in OutputType} else None
    can_publish = typed is None or published in OUTPUT_STATUSES[typed]
    status = current["status"] if "status" not in free else ""
    if "status" in free and answer.published and can_publish:
        wanted["status"] = status = published.value
    if "date" in free and answer.published and status in ("", published.value):
        wanted["date"] = answer.published.isoformat()
    return wanted


def _option(element: Mapping[str, Any], value: str) -> dict[str, Any] | None:
    return next((o for o in element.get("options") or [] if o.get("value") == value), None)


def _fill(block: dict[str, Any], field: str, value: str, rev: int) -> bool:
    """The input block `field` showing `value` in a fresh element; False when the element cannot show it."""
    element = dict(block["element"])
    if field == "title":
        element["initial_value"] = value
    elif field in ("type", "status"):
        option = _option(element, value)
        if option is None:
            return False
        element["initial_option"] = option
    elif field == "date":
        element["initial_date"] = value
    element["action_id"] = f"{field}.{rev}"
    block["element"] = element
    return True


def _note(lang: Language | str, answer: DoiAnswer | None, raw: str, kind: str) -> str | None:
    if not raw:
        return None
    if answer is None:
        return ":warning: " + t(lang, "tracking.error.bad_doi", doi=escape(raw[:80]))
    if answer.known is DoiKnown.UNKNOWN:
        return ":grey_question: " + t(lang, "scholarly.form.doi_unknown")
    if answer.known is DoiKnown.FAILED:
        return ":hourglass_flowing_sand: " + t(lang, "scholarly.form.doi_failed")
    parts = [f"*{escape(shorten(answer.title, 300))}*" if answer.title else ""]
    if answer.venue:
        parts.append(t(lang, "tracking.card.venue", venue=escape(shorten(answer.venue, 200))))
    if answer.authors:
        shown = escape(shorten(", ".join(answer.authors[:AUTHORS_SHOWN]), 600))
        more = t(lang, "tracking.card.authors_more") if len(answer.authors) > AUTHORS_SHOWN else ""
        parts.append(t(lang, "tracking.card.authors", names=shown + more))
    line = ":mag: " + t(lang, "scholarly.form.doi_found", found=" · ".join(p for p in parts if p))
    if answer.crossref_type and kind and answer.output_type != OutputType(kind):
        line += "\n:warning: " + t(
            lang, "scholarly.form.doi_type_differs", crossref_type=escape(answer.crossref_type), type=_type(lang, kind)
        )
    return line


def _type(lang: Language | str, kind: str) -> str:
    return type_name(lang, OutputType(kind)) if kind in {o.value for o in OutputType} else kind


def filled_form(
    lang: Language | str, view: Mapping[str, Any], raw_doi: str, answer: DoiAnswer | None
) -> dict[str, Any]:
    """The output form `view` with what `answer` gives filled into its free fields and a line under the DOI
    saying what was found (`answer` None: `raw_doi` is not a DOI; `raw_doi` empty: no line)."""
    meta = metadata(view)
    values = FormValues.of_view(view)
    current = _current(values)
    ours = {field for field, digest in (meta.get("filled") or {}).items() if _digest(current.get(field, "")) == digest}
    rev = int(meta.get("rev") or 0) + 1
    wanted = _wanted(answer, current, ours) if answer is not None and answer.known is DoiKnown.FOUND else {}
    filled = {field: meta["filled"][field] for field in ours}
    blocks: list[dict[str, Any]] = []
    for original in view.get("blocks") or []:
        if original.get("block_id") == NOTE_BLOCK:
            continue
        block = dict(original)
        field = block.get("block_id")
        changes = isinstance(field, str) and field in wanted and wanted[field] != current[field]
        if changes and _fill(block, str(field), wanted[str(field)], rev):
            filled[str(field)] = _digest(wanted[str(field)])
        blocks.append(block)
        if field == DOI_FIELD:
            kind = wanted.get("type") or current["type"]
            note = _note(lang, answer, raw_doi.strip(), kind)
            if note:
                blocks.append({**context(note), "block_id": NOTE_BLOCK})
    meta.update(filled=filled, rev=rev)
    updated = {key: view[key] for key in VIEW_KEYS if key in view}
    updated["blocks"] = blocks
    updated["private_metadata"] = json.dumps(meta, separators=(",", ":"))
    return updated
