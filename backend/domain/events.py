"""The webhook events: their types, the `enabled_events` patterns that choose them, and the envelope every
delivery of an event carries (docs/api.md §5, docs/api.md §10). Pure rules; services/events.py stores and sends them.

An *event* happens once (`evt_...`, stored once); a *delivery* is one endpoint's copy of it, with its own
attempts (a row of webhook_logs). The event id is the Standard Webhooks `webhook-id` of every delivery,
retry and resend of it, so a receiver de-duplicates on it.
"""
from __future__ import annotations

import re
from enum import Enum
from typing import Any, Iterable


class EventType(str, Enum):
    PAYMENT_CREATED = "payment.created"
    PAYMENT_PENDING = "payment.pending"
    PAYMENT_SUCCESS = "payment.success"
    PAYMENT_FAILED = "payment.failed"
    REFUND_CREATED = "refund.created"
    REFUND_PROCESSED = "refund.processed"
    WEBHOOK_TEST = "webhook.test"


TYPES = tuple(t.value for t in EventType)
ALL = "*"
MAX_PATTERNS = len(TYPES) + 1
_PATTERN = re.compile(r"[a-z_.*]{1,50}\Z")


def expand(pattern: str) -> list[str]:
    """The known types a pattern names (`*` matches any run of characters, `payment.*` every payment
    event); ValueError when it is malformed or names none, so a typo is refused rather than silent."""
    if not _PATTERN.match(pattern):
        raise ValueError(f"{pattern!r} is not an event type or pattern (letters, '.', '_' and '*')")
    regex = re.compile(".*".join(re.escape(part) for part in pattern.split("*")) + r"\Z")
    found = [t for t in TYPES if regex.match(t)]
    if not found:
        raise ValueError(f"{pattern!r} matches no event type (known: {', '.join(TYPES)})")
    return found


def expand_all(patterns: Iterable[str]) -> list[str]:
    wanted: set[str] = set()
    for pattern in patterns:
        wanted.update(expand(pattern))
    return [t for t in TYPES if t in wanted]


def wants(enabled_events: Iterable[str], event_type: str) -> bool:
    try:
        return event_type in expand_all(enabled_events)
    except ValueError:
        return False


def envelope(event_id: str, event_type: str, timestamp: int, data: dict[str, Any]) -> dict[str, Any]:
    """The body of every delivery. The contract's three keys come first, in their order, so a receiver
    written for them reads the same body; `id` (beyond) is the event id, also sent as `webhook-id`."""
    return {"event": event_type, "timestamp": timestamp, "data": data, "id": event_id}
