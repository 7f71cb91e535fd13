"""The cards of items in their club channel: posted when an item is filed, updated when it changes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.refs import ClubRef
from bot.slack import outbox
from bot.tracking.types import AnyItem, ItemRef
from bot.tracking.views.cards import item_card
from storage.models import OutboxMessage


def _card_row(session: Session, ref: ItemRef) -> OutboxMessage | None:
    return session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.ref == ref.card_ref, OutboxMessage.kind == outbox.KIND_MESSAGE)
        .order_by(OutboxMessage.id)
        .limit(1)
    )


def post_card(session: Session, club: ClubRef, item: AnyItem) -> None:
    if club.channel_id:
        outbox.enqueue(session, club.channel_id, item_card(club.language, item), ref=item.ref.card_ref)


def refresh_card(session: Session, club: ClubRef, item: AnyItem) -> None:
    """Show the item's new state on its card (posted earlier), or post a card if it never had one."""
    card = _card_row(session, item.ref)
    if card is None:
        if item.deleted_at is None:
            post_card(session, club, item)
        return
    outbox.enqueue_update(session, card, item_card(club.language, item))
