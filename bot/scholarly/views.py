"""The leaders' DM about a discovered joint work: pure, from a `SuggestionCard` to a Slack message.

Every text from OpenAlex (title, venue, names) is escaped; the DOI is linked."""

from __future__ import annotations

from typing import Any

from bot.domain import Language
from bot.i18n import format_date, t
from bot.scholarly.types import CONFIRM_SUGGESTION, REJECT_SUGGESTION, SuggestionCard
from bot.slack.blocks import Message, context, escape, section, shorten

TITLE_LIMIT = 300


def _lines(lang: Language | str, card: SuggestionCard) -> list[str]:
    title = escape(shorten(card.title, TITLE_LIMIT)) or escape(card.doi)
    lines = [f"*<https://doi.org/{escape(card.doi)}|{title}>*"]
    details = [escape(shorten(card.venue, 200))] if card.venue else []
    if card.published:
        details.append(format_date(card.published, lang))
    if details:
        lines.append(" · ".join(details))
    lines.append(t(lang, "scholarly.suggestion.members", names=", ".join(escape(n) for n in card.member_names)))
    if card.international:
        lines.append(
            ":globe_with_meridians: "
            + t(lang, "scholarly.suggestion.international", countries=escape(", ".join(card.countries)))
        )
    return lines


def suggestion_message(lang: Language | str, card: SuggestionCard) -> Message:
    """The DM asking a leader whether a joint work is the club's: the work, and the two buttons (while pending)."""
    intro = t(lang, "scholarly.suggestion.intro", club=escape(card.club_name))
    blocks: list[dict[str, Any]] = [section(intro), section("\n".join(_lines(lang, card)))]
    if card.status == "pending":
        blocks.append(
            {
                "type": "actions",
                "block_id": f"suggestion-{card.id}",
                "elements": [
                    {
                        "type": "button",
                        "action_id": CONFIRM_SUGGESTION,
                        "style": "primary",
                        "text": {"type": "plain_text", "text": t(lang, "scholarly.suggestion.confirm_button")},
                        "value": str(card.id),
                    },
                    {
                        "type": "button",
                        "action_id": REJECT_SUGGESTION,
                        "text": {"type": "plain_text", "text": t(lang, "scholarly.suggestion.reject_button")},
                        "value": str(card.id),
                    },
                ],
            }
        )
    else:
        by = f"<@{card.decided_by_user_id}>" if card.decided_by_user_id else ""
        key = "scholarly.suggestion.confirmed" if card.status == "confirmed" else "scholarly.suggestion.rejected"
        blocks.append(context(t(lang, key, by=by, output=f"o{card.output_id}" if card.output_id else "")))
    return Message(text=t(lang, "scholarly.suggestion.fallback", title=escape(shorten(card.title, 150))), blocks=blocks)


def decision_answer(lang: Language | str, card: SuggestionCard, newly: bool) -> Message:
    """What the leader who pressed a button is told privately."""
    if not newly:
        key = "scholarly.answer.already_decided"
    elif card.status == "confirmed":
        key = "scholarly.answer.recorded"
    else:
        key = "scholarly.answer.rejected"
    text = t(lang, key, title=escape(shorten(card.title, 150)), output=f"o{card.output_id}" if card.output_id else "")
    return Message(text=text)
