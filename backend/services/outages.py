"""Outages of a store (the database, the queue), reported once: a WARNING when the first failure is seen
and one when it answers again, instead of a traceback for every request or job that meets it."""
from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger("paygate.outage")

RETRY_AFTER_SECONDS = 5  # what a 503 tells clients: about one health-check period


class Outage:
    def __init__(self, store: str):
        self.store = store
        self._since: float | None = None
        self._lock = threading.Lock()

    @property
    def ongoing(self) -> bool:
        return self._since is not None

    def down(self, exc: BaseException) -> None:
        if self._since is not None:
            return
        with self._lock:
            if self._since is None:
                self._since = time.monotonic()
                log.warning("%s unreachable (%s: %s); failing fast until it answers again", self.store,
                            type(exc).__name__, str(exc).strip().splitlines()[0] if str(exc).strip() else "")

    def up(self) -> None:
        if self._since is None:  # the common case: one attribute read, no lock
            return
        with self._lock:
            if self._since is not None:
                log.warning("%s reachable again after %.1f s", self.store, time.monotonic() - self._since)
                self._since = None


DATABASE = Outage("database")
QUEUE = Outage("queue")
