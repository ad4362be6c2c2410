"""The delivery pool: webhook deliveries wait on merchants' servers, so they run on threads of their own,
never on Huey's, and each merchant holds at most its share of them.

Without the share, 64 deliveries to one merchant's endpoint that drips its answer would hold all 64
threads for the whole deadline and every other merchant would wait behind them. With it, a merchant's
deliveries beyond its share wait in its own line, and the free threads go round the merchants that have
work. Nothing blocks a Huey thread: a delivery that finds the lines full is left to the sweeper (the row
is pending in the database), which is a delay, never a loss.
"""
from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Callable, Hashable

log = logging.getLogger("huey.paygate")


class FairPool:
    def __init__(self, size: int, per_key: int, run: Callable[[str], None], name: str = "paygate-delivery"):
        self.size = max(1, size)
        self.per_key = max(1, min(per_key, self.size))
        self.max_waiting = self.size * 4  # in all the lines together; past it, the sweeper has the rest
        self._run = run
        self._cond = threading.Condition()
        self._lines: dict[Hashable, deque[str]] = {}  # key -> items waiting, in arrival order
        self._turns: deque[Hashable] = deque()  # keys with a line, in round-robin order
        self._running: dict[Hashable, int] = {}
        self._waiting = 0
        for n in range(self.size):
            threading.Thread(target=self._worker, name=f"{name}-{n}", daemon=True).start()

    def submit(self, key: Hashable, item: str) -> bool:
        """Queue `item` under `key`; False (left to the sweeper) when the lines are full."""
        with self._cond:
            if self._waiting >= self.max_waiting:
                return False
            line = self._lines.get(key)
            if line is None:
                line = self._lines[key] = deque()
                self._turns.append(key)
            line.append(item)
            self._waiting += 1
            self._cond.notify()
        return True

    def running(self, key: Hashable) -> int:
        with self._cond:
            return self._running.get(key, 0)

    def _take(self) -> tuple[Hashable, str] | None:
        """The next item of the first key, in turn, still under its share."""
        for _ in range(len(self._turns)):
            key = self._turns[0]
            self._turns.rotate(-1)
            if self._running.get(key, 0) >= self.per_key:
                continue
            line = self._lines[key]
            item = line.popleft()
            if not line:
                del self._lines[key]
                self._turns.remove(key)
            self._waiting -= 1
            self._running[key] = self._running.get(key, 0) + 1
            return key, item
        return None

    def _worker(self) -> None:
        while True:
            with self._cond:
                taken = self._take()
                while taken is None:
                    self._cond.wait()
                    taken = self._take()
            key, item = taken
            try:
                self._run(item)
            except Exception:
                log.exception("delivery of webhook %s failed; the sweeper will retry it", item)
            finally:
                with self._cond:
                    left = self._running[key] - 1
                    if left:
                        self._running[key] = left
                    else:
                        del self._running[key]
                    if key in self._lines:
                        self._cond.notify()  # its line may now go on: another thread may be idle
