"""`python -m bench.sdk [embedded|postgres]`: what the Python SDK costs over raw httpx against the live API.

Sequential calls over one keep-alive connection, alternating rounds of the two clients so that the shared
machine's noise falls on both. The raw side sends what the SDK sends (the same headers, an Idempotency-Key
on each POST) but parses nothing into models and has no retry loop. Prints each side's calls/s, medians
over the rounds, and the SDK's figure as a ratio of raw httpx's.
"""
from __future__ import annotations

import statistics
import sys
import time
import uuid

import httpx

import paygate
from tests.stack import MERCHANT_HEADERS, TEST_KEY, TEST_SECRET, Stack, Stores

ROUNDS, CALLS = 5, 200


def _rate(fn) -> float:
    start = time.perf_counter()
    for _ in range(CALLS):
        fn()
    return CALLS / (time.perf_counter() - start)


def main(kind: str) -> None:
    stack = Stack(Stores(kind))
    try:
        sdk = paygate.PayGate(TEST_KEY, TEST_SECRET, stack.api_url)
        raw = httpx.Client(base_url=stack.api_url, headers={**MERCHANT_HEADERS, "Accept": "application/json"})
        order_id = sdk.orders.create(amount=50000).id
        cases = {
            "GET order": (lambda: raw.get(f"/api/v1/orders/{order_id}").json(),
                          lambda: sdk.orders.get(order_id)),
            "POST order": (lambda: raw.post("/api/v1/orders", json={"amount": 50000},
                                            headers={"Idempotency-Key": str(uuid.uuid4())}).json(),
                           lambda: sdk.orders.create(amount=50000)),
        }
        print(f"backend {kind}: {ROUNDS} alternating rounds of {CALLS} sequential calls each")
        print(f"{'case':<12}{'raw httpx/s':>13}{'SDK/s':>9}{'SDK / raw':>11}")
        for name, (raw_call, sdk_call) in cases.items():
            raw_rates, sdk_rates = [], []
            for _ in range(ROUNDS):
                raw_rates.append(_rate(raw_call))
                sdk_rates.append(_rate(sdk_call))
            r, s = statistics.median(raw_rates), statistics.median(sdk_rates)
            print(f"{name:<12}{r:>13.0f}{s:>9.0f}{s / r:>11.2f}")
        sdk.close()
        raw.close()
    finally:
        stack.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "postgres")
