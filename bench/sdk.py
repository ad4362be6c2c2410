"""`python -m bench.sdk [embedded|postgres]`: what the Python SDK costs over raw httpx against the live API.

Sequential calls over one keep-alive connection, alternating rounds of the two clients so that the shared
machine's noise falls on both. The raw side sends what the SDK sends (the same headers, an Idempotency-Key
on each POST) but parses nothing into models and has no retry loop. Prints each side's calls/s, medians
over the rounds, and the SDK's figures as ratios of raw httpx's (the median of the rounds' ratios), for the
rate and for the client's own CPU time per call.
"""
from __future__ import annotations

import statistics
import sys
import time
import uuid

import httpx

import paygate
from bench.scenarios import BenchStack
from harness.stack import MERCHANT_HEADERS, TEST_KEY, TEST_SECRET, Stores

ROUNDS, CALLS = 11, 100  # short rounds, many of them: the shared machine's load swings within seconds


def _measure(fn) -> tuple[float, float]:
    """(calls per second, this process's CPU microseconds per call): the API runs in other processes, so
    the second is the client's own cost, much less swayed by the server and the neighbours' load."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(CALLS):
        fn()
    return CALLS / (time.perf_counter() - wall), (time.process_time() - cpu) / CALLS * 1e6


def main(kind: str) -> None:
    stack = BenchStack(Stores(kind))
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
        print(f"{'case':<12}{'raw calls/s':>12}{'SDK calls/s':>12}{'ratio':>7}"
              f"{'raw CPU µs':>12}{'SDK CPU µs':>12}{'ratio':>7}")
        for name, (raw_call, sdk_call) in cases.items():
            raw_m, sdk_m = [], []
            for _ in range(ROUNDS):
                raw_m.append(_measure(raw_call))
                sdk_m.append(_measure(sdk_call))
            row = [f"{name:<12}"]
            for i, width in ((0, 12), (1, 12)):
                a, b = statistics.median(m[i] for m in raw_m), statistics.median(m[i] for m in sdk_m)
                # Each round's pair ran back to back: the median of their ratios shrugs off the load's drift.
                ratio = statistics.median(y[i] / x[i] for x, y in zip(raw_m, sdk_m))
                row.append(f"{a:>{width}.0f}{b:>{width}.0f}{ratio:>7.2f}")
            print("".join(row))
        sdk.close()
        raw.close()
    finally:
        stack.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "postgres")
