"""What tests and the console read back: recorded calls and events, histories, ephemerals, views, files."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

from .base import StandInBase
from .delivery import EventRecord
from .faults import FaultPlan
from .types import Channel, Message, RecordedCall, StoredFile, User, View


class Inspection(StandInBase):
    """Read what the bot did (and wait for it); inject faults."""

    @property
    def calls(self) -> list[RecordedCall]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[RecordedCall]:
        return [c for c in self.calls if c.method == method]

    @property
    def events(self) -> list[EventRecord]:
        """Every Events API envelope generated for the app, with its delivery attempts."""
        with self._lock:
            return list(self._events)

    def events_of(self, event_type: str) -> list[EventRecord]:
        return [r for r in self.events if r.event.get("type") == event_type]

    def messages(self, channel_id: str) -> list[Message]:
        """The conversation's history, oldest first, thread replies and system messages included."""
        with self.ws.lock:
            return list(self.ws.history.get(channel_id, []))

    def ephemerals(self, user_id: str, channel_id: str | None = None) -> list[Message]:
        """What the person saw privately: chat.postEphemeral, ephemeral response_url posts, command acks
        and error notices (e.g. operation_timeout)."""
        with self.ws.lock:
            return [
                m
                for m in self.ws.ephemerals
                if m.visible_to == user_id and (channel_id is None or m.channel == channel_id)
            ]

    def views(self, user_id: str) -> list[View]:
        """The person's open modal stack, root first."""
        with self.ws.lock:
            return [self.ws.views[v] for v in self.ws.modal_stacks.get(user_id, [])]

    def view(self, view_id: str) -> View | None:
        with self.ws.lock:
            return self.ws.views.get(view_id)

    def home(self, user_id: str) -> View | None:
        with self.ws.lock:
            view_id = self.ws.homes.get(user_id)
            return self.ws.views.get(view_id) if view_id else None

    def files(self, channel_id: str | None = None) -> list[StoredFile]:
        with self.ws.lock:
            return [f for f in self.ws.files.values() if channel_id is None or channel_id in f.channels]

    @property
    def shared_invites(self) -> list[dict[str, Any]]:
        with self.ws.lock:
            return copy.deepcopy(self.ws.shared_invites)

    def channel(self, channel_id: str) -> Channel:
        return self._channel(channel_id)

    def user(self, user_id: str) -> User:
        return self._user(user_id)

    @staticmethod
    def wait_for(predicate: Callable[[], bool], timeout: float = 5.0, interval: float = 0.02) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            if predicate():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(interval)

    def wait_for_events(self, timeout: float = 5.0) -> bool:
        """Block until every queued event delivery (retries included) has finished."""
        return self.dispatcher.wait_idle(timeout)

    # ---- faults -----------------------------------------------------------------------------
    def inject(self, plan: FaultPlan) -> FaultPlan:
        return self.faults.inject(plan)

    def clear_faults(self) -> None:
        self.faults.clear()
