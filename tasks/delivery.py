"""The delivery pool: webhook deliveries wait on merchants' servers, so they run on threads of their own,
never on Huey's, and each merchant holds at most its share of them.

Without the share, 64 deliveries to one merchant's endpoint that drips its answer would hold all 64
threads for the whole deadline and every other merchant would wait behind them. With it, a merchant's
deliveries beyond its share wait in its own line, and the free threads go round the merchants that have
work. Nothing blocks a Huey thread: a delivery that finds the lines full is left to the sweeper (the row
is pending in the database), which is a delay, never a loss.

A merchant's deliveries wait in one line per endpoint (`submit(key, item, line)`), and each line holds at
most `per_line` threads: an endpoint that drips its answers holds that many, and the merchant's other
endpoints still have the rest of its share, so a slow or dead endpoint never delays a live one.
"""
from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Callable, Hashable

log = logging.getLogger("huey.paygate")


class FairPool:
    def __init__(self, size: int, per_key: int, run: Callable[[str], None], name: str = "paygate-delivery",
                 per_line: int | None = None):
        self.size = max(1, size)
        self.per_key = max(1, min(per_key, self.size))
        self.per_line = self.per_key if per_line is None else max(1, min(per_line, self.per_key))
        self.max_waiting = self.size * 4  # in all the lines together; past it, the sweeper has the rest
        self._run = run
        self._cond = threading.Condition()
        self._lines: dict[tuple, deque[str]] = {}  # (key, line) -> items waiting, in arrival order
        self._turns: deque[tuple] = deque()  # lines with items, in round-robin order
        self._running: dict[Hashable, int] = {}  # per key
        self._running_lines: dict[tuple, int] = {}
        self._waiting = 0
        for n in range(self.size):
            threading.Thread(target=self._worker, name=f"{name}-{n}", daemon=True).start()

    def submit(self, key: Hashable, item: str, line: Hashable = None) -> bool:
        """Queue `item` in `key`'s `line`; False (left to the sweeper) when the lines are full."""
        with self._cond:
            if self._waiting >= self.max_waiting:
                return False
            name = (key, line)
            waiting = self._lines.get(name)
            if waiting is None:
                waiting = self._lines[name] = deque()
                self._turns.append(name)
            waiting.append(item)
            self._waiting += 1
            self._cond.notify()
        return True

    def running(self, key: Hashable) -> int:
        with self._cond:
            return self._running.get(key, 0)

    def _take(self) -> tuple[tuple, str] | None:
        """The next item of the first line, in turn, whose key and line are both under their shares."""
        for _ in range(len(self._turns)):
            name = self._turns[0]
            self._turns.rotate(-1)
            if self._running.get(name[0], 0) >= self.per_key or self._running_lines.get(name, 0) >= self.per_line:
                continue
            waiting = self._lines[name]
            item = waiting.popleft()
            if not waiting:
                del self._lines[name]
                self._turns.remove(name)
            self._waiting -= 1
            self._running[name[0]] = self._running.get(name[0], 0) + 1
            self._running_lines[name] = self._running_lines.get(name, 0) + 1
            return name, item
        return None

    @staticmethod
    def _release(counts: dict, name: Hashable) -> None:
        left = counts[name] - 1
        if left:
            counts[name] = left
        else:
            del counts[name]

    def _worker(self) -> None:
        while True:
            with self._cond:
                taken = self._take()
                while taken is None:
                    self._cond.wait()
                    taken = self._take()
            name, item = taken
            try:
                self._run(item)
            except Exception:
                log.exception("delivery of webhook %s failed; the sweeper will retry it", item)
            finally:
                with self._cond:
                    self._release(self._running, name[0])
                    self._release(self._running_lines, name)
                    if self._lines:
                        self._cond.notify()  # a line may now go on: another thread may be idle
