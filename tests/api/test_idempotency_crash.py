"""An API process killed (SIGKILL, as a dead host) between the effect's commit and the stored answer, and
right after claiming the key: a retry after the stale time gets the rebuilt answer in the first case and
runs the request in the second, and never makes a second payment or refund (docs/api.md §3)."""
import secrets
import time
from pathlib import Path

import pytest
import requests

from harness.stack import Stack

STALE_SECONDS = 3.0


@pytest.fixture(scope="module")
def crashing(tmp_path_factory):
    crash_dir = tmp_path_factory.mktemp("crash")
    s = Stack(api_workers=1, IDEMPOTENCY_STALE_SECONDS=str(STALE_SECONDS), PAYGATE_TEST_CRASH_DIR=str(crash_dir),
              TEST_PROCESSING_DELAY="200")
    s.crash_dir = crash_dir
    yield s
    s.close()


CRASH_LOOP_SECONDS = 6.0


def _answers(stack: Stack) -> bool:
    try:  # refused until the server has respawned its worker
        return stack.health().get("database") is not None
    except requests.ConnectionError:
        return False


def _post_killed(stack: Stack, point: str, path: str, body: dict, key: str) -> float:
    """The request dies with its process at `point`; the time it was sent (monotonic). That is before its key
    was claimed, which starts the stale time: the time the client sees it die comes after the claim, by a
    few ms or, on a loaded machine, more, and a retry answered at the stale time can look early from it."""
    # granian takes a worker that dies within 5.5 s of its respawn for a crash loop, and exits.
    time.sleep(max(0.0, getattr(stack, "respawned_at", 0.0) + CRASH_LOOP_SECONDS - time.monotonic()))
    armed = Path(stack.crash_dir) / point
    armed.touch()
    sent = time.monotonic()
    with pytest.raises(requests.ConnectionError):
        stack.api("POST", path, body, headers={"Idempotency-Key": key})
    assert not armed.exists(), "the request never reached the crash point"
    stack.wait_until(lambda: _answers(stack), 60, "the server's new worker")
    stack.respawned_at = time.monotonic()
    return sent


def _retry_until_answered(stack: Stack, path: str, body: dict, key: str, sent: float) -> requests.Response:
    """Retry as a client does: 409 (the key in flight) and 503 (a store busy under load) mean again."""
    first = stack.api("POST", path, body, headers={"Idempotency-Key": key})
    if first.status_code not in (409, 503):
        assert time.monotonic() - sent >= STALE_SECONDS, f"answered while its key was in flight: {first.status_code} {first.text}"
        return first
    if first.status_code == 409:
        assert first.json()["error"]["code"] == "CONFLICT_ERROR", first.text

    def answered():
        r = stack.api("POST", path, body, headers={"Idempotency-Key": key})
        return r if r.status_code not in (409, 503) else None

    return stack.wait_until(answered, STALE_SECONDS + 30, "the key to go stale")


def _count(stack: Stack, path: str) -> int:
    return stack.api("GET", path).json()["total"]


def test_killed_after_the_payment_committed_a_retry_gets_the_rebuilt_answer(crashing):
    order = crashing.create_order(40000)
    body, key = {"order_id": order["id"], "method": "upi", "vpa": "success@test"}, "crash-" + secrets.token_hex(6)
    sent = _post_killed(crashing, "after_effect", "/api/v1/payments", body, key)
    [payment] = crashing.api("GET", f"/api/v1/payments?order_id={order['id']}").json()["data"]

    again = _retry_until_answered(crashing, "/api/v1/payments", body, key, sent)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true", again.text
    assert again.json()["id"] == payment["id"] and again.json()["order_id"] == order["id"]
    assert _count(crashing, f"/api/v1/payments?order_id={order['id']}") == 1
    later = crashing.api("POST", "/api/v1/payments", body, headers={"Idempotency-Key": key})
    assert later.content == again.content and later.headers["Idempotent-Replayed"] == "true"

    # Another endpoint, the same mechanism: a refund whose answer died with its process.
    crashing.wait_payment(payment["id"])
    refund_path = f"/api/v1/payments/{payment['id']}/refunds"
    sent = _post_killed(crashing, "after_effect", refund_path, {"amount": 1000}, key + "-refund")
    again = _retry_until_answered(crashing, refund_path, {"amount": 1000}, key + "-refund", sent)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true", again.text
    assert again.json()["payment_id"] == payment["id"] and again.json()["amount"] == 1000
    assert _count(crashing, refund_path) == 1


def test_killed_before_the_effect_a_retry_runs_the_request_once(crashing):
    order = crashing.create_order(41000)
    body, key = {"order_id": order["id"], "method": "upi", "vpa": "success@test"}, "crash-" + secrets.token_hex(6)
    sent = _post_killed(crashing, "after_claim", "/api/v1/payments", body, key)
    assert _count(crashing, f"/api/v1/payments?order_id={order['id']}") == 0

    again = _retry_until_answered(crashing, "/api/v1/payments", body, key, sent)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers, again.text
    assert _count(crashing, f"/api/v1/payments?order_id={order['id']}") == 1
    replay = crashing.api("POST", "/api/v1/payments", body, headers={"Idempotency-Key": key})
    assert replay.content == again.content and replay.headers["Idempotent-Replayed"] == "true"


def test_killed_after_an_order_committed_a_retry_gets_that_order(crashing):
    """The order create is a single-statement write without a key; with one, the insert joins the
    session's transaction so that its commit marks the key like every other effect."""
    receipt = "crash-order-" + secrets.token_hex(4)
    body, key = {"amount": 42000, "receipt": receipt}, "crash-" + secrets.token_hex(6)
    before = _count(crashing, "/api/v1/orders")
    sent = _post_killed(crashing, "after_effect", "/api/v1/orders", body, key)
    assert _count(crashing, "/api/v1/orders") == before + 1

    again = _retry_until_answered(crashing, "/api/v1/orders", body, key, sent)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true", again.text
    assert again.json()["receipt"] == receipt and again.json()["amount"] == 42000
    assert _count(crashing, "/api/v1/orders") == before + 1
    fetched = crashing.api("GET", f"/api/v1/orders/{again.json()['id']}").json()
    assert fetched["receipt"] == receipt
