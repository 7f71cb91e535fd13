"""Follow-up tracking: updates, outputs, club meetings and plans filed by members; their cards; quarter figures.

Each item is entered once and read by everything else (the channel card, `/club list` and `/club status`,
the quarterly reports). Writing functions take a `Session` and plain values, check who may do it from the
database (never from what a form carried), write the item, its history and its audit entry, and put the
item's card in the outbox in the same transaction. Reading functions return plain dataclasses
(`bot.tracking.types`).

Who may do what:
- any member files items; anyone in the club may move an output forward along its statuses (co-authors
  report their paper's progress), the history is kept;
- the author, a leader or an admin may edit an item; the author may delete it within the quarter it was
  filed in, leaders and admins at any time; deletion is soft and the content is kept in the audit log;
- an output counts as confirmed once a leader (or an admin) confirms it.

This package is the service's public face; its modules: `items` (rows as items), `permissions` (who is
asking), `checks` (the problems a draft can have), `cards` (the channel cards), `filing`, `changes`
(editing, moving on, deleting, confirming) and `figures` (reading a period, a quarter's figures).
"""

from bot.tracking.service.changes import (
    change_output,
    confirm_output,
    delete_item,
    edit_meeting,
    edit_output,
    edit_text,
    editable_statuses,
    item_for_edit,
)
from bot.tracking.service.checks import date_problem, meeting_problems, output_problems
from bot.tracking.service.figures import count_items, items_filed, items_in_quarter, output_tallies, quarter_figures
from bot.tracking.service.filing import file_meeting, file_output, file_plan, file_update
from bot.tracking.service.items import club_ref, item_of
from bot.tracking.service.permissions import standing
from bot.tracking.service.quick import file_output_quick, file_update_quick, output_prefetch
from bot.tracking.types import (
    AnyItem,
    ClubItems,
    Filed,
    MeetingDraft,
    MeetingItem,
    OutputChange,
    OutputDraft,
    OutputItem,
    PlanItem,
    QuarterFigures,
    UpdateItem,
)

__all__ = [
    "AnyItem",
    "ClubItems",
    "Filed",
    "MeetingDraft",
    "MeetingItem",
    "OutputChange",
    "OutputDraft",
    "OutputItem",
    "PlanItem",
    "QuarterFigures",
    "UpdateItem",
    "change_output",
    "club_ref",
    "confirm_output",
    "count_items",
    "date_problem",
    "delete_item",
    "edit_meeting",
    "edit_output",
    "edit_text",
    "editable_statuses",
    "file_meeting",
    "file_output",
    "file_output_quick",
    "file_plan",
    "file_update",
    "file_update_quick",
    "item_for_edit",
    "item_of",
    "items_filed",
    "items_in_quarter",
    "meeting_problems",
    "output_prefetch",
    "output_problems",
    "output_tallies",
    "quarter_figures",
    "standing",
]
