"""`paygate listen`: the merchant's events, forwarded as they happen to a local URL, signed both ways.

It polls the events API (ARCHITECTURE.md, "The CLI"): each poll lists the events made since the newest one
forwarded, less a look-back window, and forwards those whose id it has not seen in this run. The window is
what makes "nothing missed" hold: an event stamped just before another but committed just after it (two
transactions racing) still turns up in the next poll, and an API that restarts leaves nothing to resume
but the listener's own state. The ids seen are what makes "nothing twice" hold.
"""
from __future__ import annotations

import json
import secrets
import time
from datetime import datetime, timedelta
from typing import Any, Callable

import httpx

from paygate import errors
from paygate.client import PayGate
from paygate.webhooks import sign_headers

# Far longer than any transaction between an event's stamp and its commit.
LOOKBACK = timedelta(seconds=10)
OUTAGES = (errors.APIConnectionError, errors.ServiceUnavailable, errors.InternalError)


def _at(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


class Listener:
    def __init__(self, client: PayGate, forward_to: str, types: str | None = None, secret: str | None = None):
        self.client, self.forward_to, self.types = client, forward_to, types
        self.secret = secret or "whsec_" + secrets.token_urlsafe(24)
        self.seen: dict[str, datetime] = {}
        self.since: datetime | None = None
        self.http = httpx.Client(timeout=10.0)

    def _window(self) -> list[Any]:
        start = None if self.since is None else self.since - LOOKBACK
        return list(self.client.events.list(type=self.types, created_from=start))

    def start(self) -> None:
        """What exists already counts as seen: only events made from now on are forwarded."""
        newest = self.client.events.page(limit=1, type=self.types).data
        if newest:
            self.since = _at(newest[0].created_at)
            for event in self._window():
                self.seen[event.id] = _at(event.created_at)

    def poll(self) -> list[dict[str, Any]]:
        """Forward the events not seen yet, oldest first (ids sort by time); one line for each."""
        fresh = sorted((e for e in self._window() if e.id not in self.seen), key=lambda e: e.id)
        lines = []
        for event in fresh:
            self.seen[event.id] = _at(event.created_at)
            lines.append(self.forward(event))
        if fresh:
            self.since = max(self.seen.values())
            horizon = self.since - 2 * LOOKBACK
            self.seen = {k: v for k, v in self.seen.items() if v >= horizon}
        return lines

    def forward(self, event: Any) -> dict[str, Any]:
        body = json.dumps(event.payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        headers = {**sign_headers(body, self.secret, event.id), "User-Agent": "paygate-cli-listen"}
        line: dict[str, Any] = {"id": event.id, "type": event.type, "created_at": event.created_at,
                                "status": None, "error": None, "response": None}
        try:
            answer = self.http.post(self.forward_to, content=body, headers=headers)
            line.update(status=answer.status_code, response=answer.text[:200])
        except httpx.HTTPError as exc:
            line["error"] = f"{type(exc).__name__}: {exc}"
        return line

    def run(self, interval: float, emit: Callable[[dict[str, Any]], None], warn: Callable[[str], None]) -> None:
        """Poll for ever, riding out API outages (the state is all here)."""
        outage = False
        while True:
            try:
                lines = self.poll()
            except OUTAGES as exc:
                if not outage:
                    warn(f"API unavailable ({exc}); still listening")
                outage = True
                time.sleep(interval)
                continue
            if outage:
                warn("API back; carrying on")
            outage = False
            for line in lines:
                emit(line)
            time.sleep(interval)
