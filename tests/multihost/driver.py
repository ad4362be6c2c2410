"""Merchant clients for the multi-host test, run inside the client host's namespace:
`python -m tests.multihost.driver PLAN.json RESULT.json`. Payments are spread over the API hosts; a call
that fails (a dead host, a 5xx, a 409 while the first try is still in flight) is retried on the next host
with the same Idempotency-Key. Progress (payments created so far) is written to PLAN.json's `progress`
file so the test can strike mid-burst. Every loop is bounded by the plan's deadline."""
from __future__ import annotations

import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

HEADERS = {"X-Api-Key": "key_test_abc123", "X-Api-Secret": "secret_test_xyz789"}


class Client:
    def __init__(self, plan: dict):
        self.apis: list[str] = plan["apis"]
        self.deadline = time.monotonic() + plan["seconds"]
        self.progress = Path(plan["progress"])
        self.created = 0
        self.lock = threading.Lock()
        self.retries = 0
        self.session = threading.local()

    def call(self, n: int, method: str, path: str, body: dict | None = None, key: str | None = None):
        """(status, json) from the first host that answers for good; rotates on failure."""
        headers = {**HEADERS, **({"Idempotency-Key": key} if key else {})}
        attempt = 0
        while time.monotonic() < self.deadline:
            api = self.apis[(n + attempt) % len(self.apis)]
            try:
                r = requests.request(method, api + path, json=body, headers=headers, timeout=5)
                if r.status_code < 500 and r.status_code != 409:
                    return r.status_code, r.json()
            except requests.RequestException:
                pass
            attempt += 1
            with self.lock:
                self.retries += 1
            time.sleep(min(0.2 * attempt, 1.0))
        return None, None

    def one(self, n: int, tag: str) -> dict:
        out: dict = {"n": n}
        status, order = self.call(n, "POST", "/api/v1/orders", {"amount": 10000 + n, "receipt": f"{tag}-{n}"},
                                  key=f"{tag}-order-{n}")
        if status != 201:
            return {**out, "error": f"order: {status}"}
        out["order_id"] = order["id"]
        vpa = "failure@test" if n % 10 == 9 else "success@test"
        status, payment = self.call(n, "POST", "/api/v1/payments",
                                    {"order_id": order["id"], "method": "upi", "vpa": vpa}, key=f"{tag}-pay-{n}")
        if status != 201:
            return {**out, "error": f"payment: {status}"}
        out["payment_id"] = payment["id"]
        with self.lock:
            self.created += 1
            self.progress.write_text(str(self.created))
        while time.monotonic() < self.deadline:
            status, payment = self.call(n, "GET", f"/api/v1/payments/{out['payment_id']}")
            if status == 200 and payment["status"] != "pending":
                break
            time.sleep(0.3)
        out["status"] = payment["status"] if payment else None
        if out["status"] == "success":
            status, refund = self.call(n, "POST", f"/api/v1/payments/{out['payment_id']}/refunds",
                                       {"amount": 5000}, key=f"{tag}-refund-{n}")
            out["refund_id"] = refund["id"] if status == 201 else None
        return out


def main(plan_path: str, result_path: str) -> int:
    plan = json.loads(Path(plan_path).read_text())
    client = Client(plan)
    if plan.get("webhook_url"):
        status, _ = client.call(0, "PUT", "/api/v1/merchant/webhook", {"webhook_url": plan["webhook_url"]})
        assert status == 200, status
    with ThreadPoolExecutor(plan["concurrency"]) as pool:
        results = list(pool.map(lambda n: client.one(n, plan["tag"]), range(plan["payments"])))
    Path(result_path).write_text(json.dumps({"results": results, "retries": client.retries}))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
