"""Response URLs: handing them out with interactions, and showing what the app posts to them."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qsl

from .events import AppEvents
from .server import HttpAnswer, HttpRequest
from .types import Channel, Message, ResponseUrl
from .validator import validate_message
from .webapi.chat import delete_message, update_message
from .webapi.context import CallContext, truthy
from .webapi.render import message_event, with_block_ids
from .workspace import RESPONSE_URL_TTL, RESPONSE_URL_USES


class ResponseUrls(AppEvents):
    """The ``/response/<id>`` endpoint and the messages a response_url post produces."""

    def response_url(self, user_id: str, channel_id: str | None = None) -> str:
        """A response URL as Slack gives with a slash command, for load generators that build their own requests;
        what is posted to it shows in `ephemerals(user_id)`."""
        return self._new_response_url(user_id, channel_id, "slash_command")[1]

    def _new_response_url(
        self,
        user_id: str,
        channel_id: str | None,
        origin: str,
        *,
        message_ts: str | None = None,
        is_ephemeral: bool = False,
    ) -> tuple[str, str]:
        with self.ws.lock:
            n = self.ws.ids.counters.get("~response", 0) + 1
            self.ws.ids.counters["~response"] = n
            rid = f"{self.team_id}/{1000000000 + n}/{self.ws.ids.token(24)}"
            self.ws.response_urls[rid] = ResponseUrl(
                rid, user_id, channel_id, time.time(), origin, message_ts=message_ts, is_ephemeral=is_ephemeral
            )
        return rid, f"{self.base_url}response/{rid}"

    def _response_url_post(self, request: HttpRequest, rid: str) -> HttpAnswer:
        decision = self.faults.decide("response_url")
        if decision.latency:
            time.sleep(decision.latency)
        if decision.kind == "drop_before":
            return HttpAnswer(drop=True)
        if decision.kind == "ratelimited":
            assert decision.plan is not None
            return HttpAnswer.json(
                {"ok": False, "error": "rate_limited"}, 429, {"Retry-After": str(decision.plan.retry_after)}
            )
        if decision.kind == "server_error":
            assert decision.plan is not None
            return HttpAnswer.json({"ok": False, "error": "internal_error"}, decision.plan.status)
        try:
            if request.headers.get("content-type", "").startswith("application/json"):
                payload = json.loads(request.body.decode("utf-8"))
            else:
                form = dict(parse_qsl(request.body.decode("utf-8")))
                payload = json.loads(form.get("payload", "{}"))
        except (ValueError, UnicodeDecodeError):
            return HttpAnswer.json({"ok": False, "error": "invalid_payload"}, 400)
        if not isinstance(payload, dict):
            return HttpAnswer.json({"ok": False, "error": "invalid_payload"}, 400)
        events: list[tuple[dict[str, Any], str | None, bool]] = []
        with self.ws.lock:
            record = self.ws.response_urls.get(rid)
            if record is None:
                return HttpAnswer.json({"ok": False, "error": "no_service"}, 404)
            if time.time() - record.created > RESPONSE_URL_TTL:
                return HttpAnswer.json({"ok": False, "error": "expired_url"}, 404)
            if record.uses >= RESPONSE_URL_USES:
                return HttpAnswer.json({"ok": False, "error": "used_url"}, 404)
            error = self._apply_response(record, payload, events)
            if error:
                return HttpAnswer.json({"ok": False, "error": error}, 400)
            record.uses += 1
            delivery = self._response_deliveries.get(rid)
        if delivery is not None:
            delivery.add_response(payload)
        self._dispatch(events)
        self._save()
        if decision.kind == "drop_after":
            return HttpAnswer(drop=True)
        return HttpAnswer.json({"ok": True})

    def _apply_response(
        self, record: ResponseUrl, payload: dict[str, Any], events: list[tuple[dict[str, Any], str | None, bool]]
    ) -> str | None:
        """Show a response_url payload the way Slack would; returns an error code or None."""
        user = self.ws.users[record.user_id]
        ctx = CallContext(self, self.ws.users[self.bot_user_id], True, self.bot_token, {})
        channel = self.ws.channels.get(record.channel_id or "")
        source = None
        if record.message_ts and channel is not None and not record.is_ephemeral:
            source = self.ws.find_message(channel.id, record.message_ts)
        if truthy(payload.get("delete_original")):
            if source is not None and channel is not None:
                delete_message(ctx, channel, source)
            else:
                for message in self._ephemerals_of(record):
                    message.replaced = True
            events.extend(ctx.events)
            return None
        text = payload.get("text")
        blocks = payload.get("blocks")
        if not text and not blocks and not payload.get("attachments"):
            return "no_text"
        verdict = validate_message(blocks, text if isinstance(text, str) else None, payload.get("attachments"))
        if not verdict.ok:
            return verdict.error
        if truthy(payload.get("replace_original")):
            if source is not None and channel is not None:
                update_message(
                    ctx,
                    channel,
                    source,
                    text=text if text is not None else "",
                    blocks=blocks if blocks is not None else [],
                )
                if blocks is None:
                    source.blocks = None
                events.extend(ctx.events)
                return None
            for message in self._ephemerals_of(record):
                message.replaced = True
        response_type = payload.get("response_type") or "ephemeral"
        if response_type == "in_channel" and channel is not None:
            self._bot_message(ctx, channel, text or "", blocks, payload.get("thread_ts"), "response_url")
            events.extend(ctx.events)
        else:
            message = Message(
                channel=record.channel_id or "",
                ts=self.ws.next_ts(),
                text=text or "",
                user=self.bot_user_id,
                bot_id=self.bot_id,
                app_id=self.app_id,
                blocks=with_block_ids(ctx, blocks),
                ephemeral=True,
                visible_to=user.id,
                source="response_url",
                response_type="ephemeral",
                extra={"_response_url": record.id},
            )
            self.ws.ephemerals.append(message)
        return None

    def _ephemerals_of(self, record: ResponseUrl) -> list[Message]:
        return [
            m
            for m in self.ws.ephemerals
            if not m.replaced
            and (m.extra.get("_response_url") == record.id or (record.is_ephemeral and m.ts == record.message_ts))
        ]

    def _bot_message(
        self, ctx: CallContext, channel: Channel, text: str, blocks: Any, thread_ts: str | None, source: str
    ) -> Message:
        message = Message(
            channel=channel.id,
            ts=self.ws.next_ts(),
            text=text,
            user=self.bot_user_id,
            bot_id=self.bot_id,
            app_id=self.app_id,
            blocks=with_block_ids(ctx, blocks),
            thread_ts=thread_ts,
            source=source,
        )
        self.ws.add_message(message)
        ctx.emit(message_event(ctx, message, channel), channel)
        return message
