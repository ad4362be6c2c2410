"""`paygate listen` against the live stack (docs/api.md §10): every event of a burst of payments and refunds
reaches a local receiver once, signed both ways with the secret it printed, with the exact body the API
stores, although the API is killed and restarted mid-burst (the worker goes on making events meanwhile)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import queue
import secrets
import subprocess
import threading

import paygate

from tests.clients.conftest import signup, wait_for
from tests.clients.test_cli import PAYGATE, home  # noqa: F401  (the fixture)


def _lines(proc: subprocess.Popen) -> "queue.Queue[dict]":
    lines: queue.Queue[dict] = queue.Queue()

    def read() -> None:
        for raw in proc.stdout:
            lines.put(json.loads(raw))

    threading.Thread(target=read, daemon=True).start()
    return lines


def _signed_both_ways(request, secret: str) -> bool:
    body, h = request.body, request.headers
    plain = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    standard = base64.b64encode(hmac.new(secret.encode(), f"{h['webhook-id']}.{h['webhook-timestamp']}.".encode()
                                         + body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(h["X-Webhook-Signature"], plain) and h["webhook-signature"] == f"v1,{standard}"


def test_listen_forwards_every_event_once_across_an_api_restart(home, stack, receiver):
    shop = signup(stack)
    env = {**home, "PAYGATE_API_URL": stack.api_url, "PAYGATE_API_KEY": shop["api_key"],
           "PAYGATE_API_SECRET": shop["api_secret"]}
    path = f"/ok/listen/{secrets.token_hex(3)}"
    proc = subprocess.Popen([PAYGATE, "listen", "--forward-to", receiver.url + path, "--events", "payment.*,refund.*",
                             "--interval", "0.3", "--json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        lines = _lines(proc)
        ready = lines.get(timeout=30)
        assert ready["ready"] and ready["secret"].startswith("whsec_")
        with paygate.PayGate(shop["api_key"], shop["api_secret"], stack.api_url, max_retries=8) as sdk:
            first = [sdk.payments.create(sdk.orders.create(amount=10000).id, "upi", vpa="success@test")
                     for _ in range(8)]
            stack.kill("api")  # the worker settles the first payments while the API is down
            stack.start_api()
            settled = [wait_for(lambda p=p: sdk.payments.get(p.id).status == "success", what=p.id) for p in first]
            assert all(settled)
            refunds = [sdk.refunds.create(p.id, 5000) for p in first[:5]]
            more = [sdk.payments.create(sdk.orders.create(amount=10000).id, "upi", vpa="failure@test")
                    for _ in range(4)]
            for r in refunds:
                wait_for(lambda r=r: sdk.refunds.get(r.id).status == "processed", what=r.id)
            for p in more:
                wait_for(lambda p=p: sdk.payments.get(p.id).status == "failed", what=p.id)
            events = {e.id: e for e in sdk.events.list()}
        assert len(events) == 8 * 3 + 5 * 2 + 4 * 3
        wait_for(lambda: len(receiver.on(path)) >= len(events), 60, "every event forwarded")
        got = receiver.on(path)
        assert sorted(r.headers["webhook-id"] for r in got) == sorted(events)  # each once, none missing
        for r in got:
            assert _signed_both_ways(r, ready["secret"])
            event = events[r.headers["webhook-id"]]
            assert r.body == json.dumps(event.payload, separators=(",", ":"), ensure_ascii=False).encode()
        printed = [lines.get(timeout=10) for _ in range(len(events))]
        assert sorted(line["id"] for line in printed) == sorted(events)
        assert {line["status"] for line in printed} == {200}
    finally:
        proc.terminate()
        proc.wait(10)
