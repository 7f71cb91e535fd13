"""Events API deliveries to the app: envelopes, subscriptions, redelivery and URL verification."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from .base import StandInBase
from .delivery import Delivery, EventDispatcher, EventRecord
from .types import StandInUsageError


class AppEvents(StandInBase):
    """Wrap events in Slack's event_callback envelope and deliver those the app subscribed to."""

    def _subscription(self, event: dict[str, Any]) -> str:
        if event.get("type") == "message":
            kind = {"channel": "channels", "group": "groups", "im": "im", "mpim": "mpim"}
            return "message." + kind.get(event.get("channel_type", "channel"), "channels")
        return str(event.get("type"))

    def _envelope(self, event: dict[str, Any], channel_id: str | None, event_id: str | None = None) -> dict:
        context = {"et": event.get("type"), "tid": self.team_id, "aid": self.app_id}
        if channel_id:
            context["cid"] = channel_id
        encoded = base64.urlsafe_b64encode(json.dumps(context).encode()).decode().rstrip("=")
        with self.ws.lock:
            event_id = event_id or self.ws.ids.next("Ev")
        return {
            "token": self.verification_token,
            "team_id": self.team_id,
            "context_team_id": self.team_id,
            "context_enterprise_id": None,
            "api_app_id": self.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-" + encoded,
        }

    def _dispatch(self, events: list[tuple[dict[str, Any], str | None, bool]]) -> None:
        for event, channel_id, visible in events:
            if not visible or self._subscription(event) not in self.bot_events:
                continue
            record = EventRecord(self._envelope(event, channel_id))
            with self._lock:
                self._events.append(record)
            self.dispatcher.submit(record)

    def send_event(self, event: dict[str, Any], *, event_id: str | None = None, timeout: float = 10.0) -> Delivery:
        """Deliver an event the app subscribed to, wrapped in Slack's event_callback envelope.
        Returns the first attempt; retries (if the app fails) continue in the background."""
        if "type" not in event:
            raise StandInUsageError("an event needs a type")
        subscription = self._subscription(event)
        if subscription not in self.bot_events:
            raise StandInUsageError(f"the app is not subscribed to {subscription}; Slack would not send it")
        event = dict(event)
        event.setdefault("event_ts", self.ws.next_ts())
        channel_id = event.get("channel") if isinstance(event.get("channel"), str) else None
        record = EventRecord(self._envelope(event, channel_id, event_id))
        with self._lock:
            self._events.append(record)
        self.dispatcher.submit(record)
        if not record.first_attempt.wait(timeout):
            raise TimeoutError("the event was not delivered in time (is the event queue stuck?)")
        return record.attempts[0]

    def redeliver(self, event_id: str, reason: str | None = None) -> Delivery:
        """Send an event again with X-Slack-Retry-Num / X-Slack-Retry-Reason, as Slack's retries do."""
        with self._lock:
            record = next((r for r in self._events if r.event_id == event_id), None)
        if record is None:
            raise StandInUsageError(f"no event {event_id!r} was sent")
        record.first_attempt.wait(10.0)  # Slack retries only once its first attempt has ended
        previous = record.attempts[-1] if record.attempts else None
        if reason is None:
            reason = (EventDispatcher.failure_reason(previous) if previous else None) or "http_timeout"
        return self.dispatcher.deliver_once(record, len(record.attempts), reason)

    def verify_url(self) -> bool:
        """Slack's url_verification round-trip: the app must echo the challenge."""
        challenge = self.ws.ids.token(48)
        payload = {"token": self.verification_token, "challenge": challenge, "type": "url_verification"}
        delivery = Delivery(kind="url_verification", payload=payload)
        self.poster.post(delivery, self.app_url, json.dumps(payload), "application/json", timeout=self.ack_timeout)
        if not delivery.ok:
            return False
        data = delivery.json
        if isinstance(data, dict):
            return data.get("challenge") == challenge
        return delivery.body.strip() == challenge
