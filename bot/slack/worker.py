"""The outbox worker: a background thread that runs the dispatcher when poked (after a request) and, optionally,
on an interval."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.exc import DBAPIError

from bot.slack.dispatcher import Dispatcher
from storage.db import database_unavailable, describe_database_error

log = logging.getLogger(__name__)


class OutboxWorker:
    """A background thread that dispatches the outbox when poked (after a request) and, optionally, on an interval."""

    def __init__(self, dispatcher: Dispatcher, *, interval: float | None = None) -> None:
        self.dispatcher = dispatcher
        self.interval = interval
        self._poke = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="clubbot-outbox", daemon=True)
        self._started = False
        self._lock = threading.Lock()

    def poke(self) -> None:
        with self._lock:
            if not self._started:
                self._thread.start()
                self._started = True
        self._poke.set()

    def start(self) -> OutboxWorker:
        self.poke()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._poke.set()
        if self._started:
            self._thread.join(timeout=timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._poke.wait(timeout=self.interval)  # no interval: sleep until poked
            self._poke.clear()
            if self._stop.is_set():
                break
            try:
                self.dispatcher.dispatch_due()
            except DBAPIError as error:
                if not database_unavailable(error):
                    log.exception("outbox dispatch failed; will try again")
                else:  # expected while the database restarts: one line, no traceback
                    log.warning("outbox dispatch failed (%s); will try again", describe_database_error(error))
            except Exception:
                log.exception("outbox dispatch failed; will try again")
