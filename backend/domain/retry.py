"""Webhook retry schedule (docs/api.md §5): five attempts; after attempt n fails, wait interval n."""
from __future__ import annotations

MAX_ATTEMPTS = 5
INTERVALS = (60, 300, 1800, 7200)
TEST_INTERVALS = (5, 10, 15, 20)


def next_retry_delay(attempts_made: int, test_intervals: bool) -> int | None:
    """Seconds until the next attempt after `attempts_made` failed ones, or None when we give up."""
    if attempts_made >= MAX_ATTEMPTS:
        return None
    schedule = TEST_INTERVALS if test_intervals else INTERVALS
    return schedule[attempts_made - 1]
