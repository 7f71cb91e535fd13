"""Slack's Socket Mode, on loopback: the app opens a WebSocket instead of receiving HTTP requests.

The way Slack does it (https://api.slack.com/apis/socket-mode):

* The app calls ``apps.connections.open`` with its app-level token (``xapp-…``, scope ``connections:write``)
  and gets a ``wss://`` URL, good for one connection (here ``ws://127.0.0.1:<port>/link/?ticket=…``).
* On connecting, Slack sends ``{"type": "hello", "num_connections": n, "connection_info": {"app_id": …}}``.
* Each request Slack would have POSTed arrives as an **envelope**: ``{"envelope_id", "type", "payload",
  "accepts_response_payload"}`` with ``type`` ``slash_commands``, ``interactive`` or ``events_api`` (events
  carry ``retry_attempt`` and ``retry_reason``). The app acknowledges with ``{"envelope_id", "payload"?}``
  within 3 seconds; the payload is what the HTTP answer's body would have been.
* Slack asks the app to reconnect with ``{"type": "disconnect", "reason": "refresh_requested" | "warning" |
  "link_disabled"}``; an app keeps up to 10 connections and Slack delivers each envelope on one of them.

`SocketModeHub` is that server. It implements the stand-in's delivery transport (`deliver`, the same
contract as `Poster.post`), so slash commands, clicks, form submissions and events reach a Socket Mode app
through exactly the same stand-in code as an HTTP app, with the same ack deadline and event retries.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from bot.standin.delivery import Delivery

#: Slack keeps at most this many open connections per app.
MAX_CONNECTIONS = 10
#: How long an ``apps.connections.open`` URL may wait before it is used.
TICKET_TTL = 30.0


@dataclass
class _Pending:
    """An envelope sent and not yet acknowledged."""

    done: threading.Event = field(default_factory=threading.Event)
    payload: dict[str, Any] | None = None
    acked: bool = False


class SocketModeHub:
    """The WebSocket side of the stand-in: tickets, connections, envelopes and their acks."""

    def __init__(self, app_id: str, app_token: str) -> None:
        self.app_id = app_id
        self.app_token = app_token
        self.hellos = 0  #: connections greeted so far (a reconnect adds one)
        self.envelopes_sent = 0
        self._tickets: dict[str, float] = {}
        self._connections: list[ServerConnection] = []
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Condition()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._turn = 0

    # ---- the server ---------------------------------------------------------------------------
    def start(self) -> SocketModeHub:
        self._server = serve(self._serve, "127.0.0.1", 0, compression=None, ping_interval=None)
        self._thread = threading.Thread(target=self._server.serve_forever, name="standin-socket-mode", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.drop()
        if self._server is not None:
            self._server.shutdown()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("start() the Socket Mode hub first")
        return int(self._server.socket.getsockname()[1])

    # ---- apps.connections.open ---------------------------------------------------------------
    def open_url(self) -> str:
        """A fresh one-connection URL, as ``apps.connections.open`` answers."""
        ticket = secrets.token_urlsafe(16)
        with self._lock:
            now = time.monotonic()
            self._tickets = {t: at for t, at in self._tickets.items() if now - at < TICKET_TTL}
            self._tickets[ticket] = now
        return f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"

    def _take_ticket(self, path: str) -> bool:
        ticket = (parse_qs(urlsplit(path).query).get("ticket") or [""])[0]
        with self._lock:
            issued = self._tickets.pop(ticket, None)
        return issued is not None and time.monotonic() - issued < TICKET_TTL

    # ---- connections ----------------------------------------------------------------------------
    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._connections)

    def wait_connected(self, count: int = 1, timeout: float = 15.0, *, hellos: int | None = None) -> bool:
        """Wait until `count` connections are open (and, if given, `hellos` greetings were sent in all)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._connections) < count or (hellos is not None and self.hellos < hellos):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(remaining)
            return True

    def _serve(self, ws: ServerConnection) -> None:
        path = ws.request.path if ws.request is not None else ""
        if not self._take_ticket(path):
            ws.close(code=1008, reason="invalid ticket")
            return
        with self._lock:
            if len(self._connections) >= MAX_CONNECTIONS:
                ws.close(code=1008, reason="too many connections")
                return
            self._connections.append(ws)
            count = len(self._connections)
        try:
            ws.send(
                json.dumps(
                    {
                        "type": "hello",
                        "num_connections": count,
                        "debug_info": {"host": "standin", "approximate_connection_time": 18060},
                        "connection_info": {"app_id": self.app_id},
                    }
                )
            )
            with self._lock:
                self.hellos += 1
                self._lock.notify_all()
            for raw in ws:
                self._acknowledge(raw)
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                if ws in self._connections:
                    self._connections.remove(ws)
                self._lock.notify_all()

    def _acknowledge(self, raw: str | bytes) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            return
        if not isinstance(message, dict) or "envelope_id" not in message:
            return
        with self._lock:
            pending = self._pending.get(str(message["envelope_id"]))
        if pending is None:
            return  # an ack for an envelope already given up on: Slack ignores it too
        payload = message.get("payload")
        pending.payload = payload if isinstance(payload, dict) else None
        pending.acked = True
        pending.done.set()

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask every connected app to reconnect (Slack's ``disconnect`` message), then close the sockets. A
        connection asked to go gets no more envelopes from that moment, as Slack sends none on it (its close
        handshake may end only after the app's new connection was greeted; until then, only the new one is used)."""
        with self._lock:
            leaving, self._connections = list(self._connections), []
            self._lock.notify_all()
        for ws in leaving:
            with contextlib.suppress(ConnectionClosed):
                ws.send(json.dumps({"type": "disconnect", "reason": reason, "debug_info": {"host": "standin"}}))
            ws.close()

    def drop(self) -> None:
        """Cut every connection without a word (no close frame), as a network failure would."""
        for ws in self._snapshot():
            with contextlib.suppress(OSError):
                ws.socket.shutdown(socket.SHUT_RDWR)

    def _snapshot(self) -> list[ServerConnection]:
        with self._lock:
            return list(self._connections)

    # ---- envelopes (the stand-in's delivery transport) ----------------------------------------
    def deliver(
        self,
        delivery: Delivery,
        body: str,
        content_type: str,
        *,
        timeout: float,
        retry_num: int = 0,
        retry_reason: str | None = None,
    ) -> Delivery:
        """Send what would have been an HTTP request as an envelope, and wait for its ack."""
        kind, payload = envelope_of(body, content_type)
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        if kind == "events_api":
            envelope["retry_attempt"] = retry_num
            envelope["retry_reason"] = retry_reason or ""
        delivery.body_sent = json.dumps(envelope, ensure_ascii=False)
        delivery.headers_sent = {}
        pending = _Pending()
        started = time.monotonic()
        with self._lock:
            connections = list(self._connections)
            self._turn += 1
        if not connections:
            delivery.error = "connection_failed"  # no app connected: Slack cannot deliver
            delivery._done.set()
            return delivery
        ws = connections[self._turn % len(connections)]
        with self._lock:
            self._pending[envelope_id] = pending
        try:
            ws.send(delivery.body_sent)
            with self._lock:
                self.envelopes_sent += 1
            if pending.done.wait(timeout):
                delivery.status = 200
                delivery.body = json.dumps(pending.payload) if pending.payload else ""
                delivery.headers = {"Content-Type": "application/json"} if pending.payload else {}
            else:
                delivery.error = "http_timeout"  # no ack in time: what Slack reports as a timeout
        except ConnectionClosed:
            delivery.error = "connection_failed"
        finally:
            with self._lock:
                self._pending.pop(envelope_id, None)
            delivery.elapsed = time.monotonic() - started
            delivery._done.set()
        return delivery


def envelope_of(body: str, content_type: str) -> tuple[str, dict[str, Any]]:
    """The Socket Mode envelope type and payload of a request body the stand-in would have POSTed."""
    if content_type.startswith("application/json"):
        return "events_api", json.loads(body)
    fields = {key: values[0] for key, values in parse_qs(body, keep_blank_values=True).items()}
    if "payload" in fields:
        return "interactive", json.loads(fields["payload"])
    return "slash_commands", fields
