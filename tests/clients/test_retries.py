"""Safe retries through a real misbehaving proxy on 127.0.0.1: whatever the first attempt met, the merchant's
one call makes one payment; a call the API cannot de-duplicate is not repeated blindly."""
from __future__ import annotations

import httpx
import pytest

import paygate
from paygate._http import Call, Pager, Retry, _Attempt, call
from tests.clients.proxy import FlakyProxy


@pytest.fixture
def proxy_for(stack):
    made = []

    def make(mode: str, failures: int = 1) -> FlakyProxy:
        made.append(FlakyProxy(stack.api_url, mode, failures))
        return made[-1]

    yield make
    for p in made:
        p.close()


@pytest.mark.parametrize("mode", ["drop-after", "drop-before", "503", "409"])
def test_a_retried_payment_is_made_once(sdk, merchant, proxy_for, mode):
    proxy = proxy_for(mode)
    order = sdk.orders.create(amount=50000)
    with paygate.PayGate(merchant["key"], merchant["secret"], proxy.url) as flaky:
        payment = flaky.payments.create(order.id, "upi", vpa="success@test")
    assert [p.id for p in sdk.payments.list(order_id=order.id)] == [payment.id]
    first, second = proxy.posts()
    key, request_id = first["headers"]["Idempotency-Key"], first["headers"]["X-Request-Id"]
    assert key and second["headers"]["Idempotency-Key"] == key  # one key for every attempt
    assert request_id.startswith("req_") and second["headers"]["X-Request-Id"] == request_id
    if mode == "drop-after":
        assert second["replayed"] == "true"  # the API had acted: the retry got its first answer back


def test_a_timed_out_payment_is_retried_and_made_once(sdk, merchant, proxy_for):
    proxy = proxy_for("stall")
    order = sdk.orders.create(amount=50000)
    with paygate.PayGate(merchant["key"], merchant["secret"], proxy.url, timeout=1.0) as flaky:
        payment = flaky.payments.create(order.id, "upi", vpa="success@test")
    assert [p.id for p in sdk.payments.list(order_id=order.id)] == [payment.id]
    assert [r["replayed"] for r in proxy.posts()] == [None, "true"]


async def test_the_async_client_retries_a_dropped_answer_once(sdk, merchant, proxy_for):
    proxy = proxy_for("drop-after")
    order = sdk.orders.create(amount=50000)
    async with paygate.AsyncPayGate(merchant["key"], merchant["secret"], proxy.url) as flaky:
        payment = await flaky.payments.create(order.id, "upi", vpa="success@test")
    assert [p.id for p in sdk.payments.list(order_id=order.id)] == [payment.id]
    assert [r["replayed"] for r in proxy.posts()] == [None, "true"]


def test_retries_give_up_with_a_connection_error_and_still_one_payment(sdk, merchant, proxy_for):
    proxy = proxy_for("drop-after", failures=99)
    order = sdk.orders.create(amount=50000)
    with paygate.PayGate(merchant["key"], merchant["secret"], proxy.url, max_retries=2) as flaky:
        with pytest.raises(paygate.APIConnectionError) as e:
            flaky.payments.create(order.id, "upi", vpa="success@test")
    assert len(proxy.posts()) == 3
    assert {p["headers"]["X-Request-Id"] for p in proxy.posts()} == {e.value.request_id}
    assert len(list(sdk.payments.list(order_id=order.id))) == 1


def test_the_public_payment_has_no_key_so_a_dropped_answer_is_not_retried(sdk, proxy_for):
    proxy = proxy_for("drop-after")
    order = sdk.orders.create(amount=50000)
    with pytest.raises(paygate.APIConnectionError):
        paygate.PayGate(base_url=proxy.url).payments.create_public(order.id, "upi", vpa="success@test")
    assert len(proxy.posts()) == 1 and "Idempotency-Key" not in proxy.posts()[0]["headers"]
    assert len(list(sdk.payments.list(order_id=order.id))) == 1


def test_errors_are_classed_by_code_then_by_status():
    from paygate.errors import from_response

    body = {"error": {"code": "SERVICE_UNAVAILABLE", "description": "Database unavailable"}}
    outage = from_response(503, body, "req_1")
    assert isinstance(outage, paygate.ServiceUnavailable) and outage.code == "SERVICE_UNAVAILABLE"
    assert outage.request_id == "req_1" and outage.description == "Database unavailable"
    bare = from_response(502, None, None)  # a proxy's page, no error body
    assert isinstance(bare, paygate.ServiceUnavailable) and bare.status == 502
    assert type(from_response(400, {"error": {"code": "INVALID_VPA", "description": "x"}}, None)) is paygate.InvalidVPA
    unknown = from_response(400, {"error": {"code": "SOMETHING_NEW", "description": "y"}}, None)
    assert type(unknown) is paygate.BadRequestError and unknown.code == "SOMETHING_NEW"


def test_reads_are_retried_on_5xx(sdk, merchant, proxy_for):
    proxy = proxy_for("503", failures=2)
    order = sdk.orders.create(amount=50000)
    with paygate.PayGate(merchant["key"], merchant["secret"], proxy.url) as flaky:
        assert flaky.orders.get(order.id).id == order.id
    assert len(proxy.seen) == 3


# ---------- the rules, without a network ----------

def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    retry = Retry(max_retries=10, base=0.5, cap=8.0)
    for n, ceiling in enumerate([0.5, 1, 2, 4, 8, 8]):
        delays = {retry.delay(n) for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays) and len(delays) > 1
    assert retry.delay(0, retry_after="3") == 3.0 and retry.delay(0, retry_after="60") == 8.0


def test_which_failures_are_retried():
    post = call("POST", "/api/v1/orders", json={"amount": 100})
    public = call("POST", "/api/v1/payments/public", auth=False, dedupable=False)
    assert post.idempotency_key and post.replayable and public.idempotency_key is None and not public.replayable
    request = httpx.Request("POST", "http://x")
    dropped = httpx.RemoteProtocolError("Server disconnected", request=request)
    refused = httpx.ConnectError("refused", request=request)

    def delay(c: Call, response=None, exc=None):
        return _Attempt(c, Retry()).retry_delay(response, exc)

    assert delay(post, exc=dropped) is not None and delay(public, exc=dropped) is None
    assert delay(public, exc=refused) is not None  # never sent: safe even without a key
    for status, retried in [(409, True), (429, True), (500, True), (503, True), (400, False), (404, False)]:
        assert (delay(post, httpx.Response(status, request=request)) is not None) is retried
    assert delay(public, httpx.Response(503, request=request)) is None
    assert delay(public, httpx.Response(429, request=request)) is not None  # refused before acting
    spent = _Attempt(post, Retry(max_retries=1))
    assert spent.retry_delay(None, dropped) is not None and spent.retry_delay(None, dropped) is None


def test_pager_uses_the_cursor_when_the_api_answers_has_more():
    pager = Pager(call("GET", "/api/v1/payments", params={"status": "success"}), page_size=2)
    assert pager.next_call().params == {"status": "success", "limit": 2, "offset": 0}
    assert [i["id"] for i in pager.feed({"data": [{"id": "a"}, {"id": "b"}], "has_more": True})] == ["a", "b"]
    assert pager.next_call().params == {"status": "success", "limit": 2, "starting_after": "b"}
    pager.feed({"data": [{"id": "c"}], "has_more": False})
    assert pager.done


def test_pager_falls_back_to_offsets_and_skips_rows_shifted_by_new_ones():
    pager = Pager(call("GET", "/api/v1/payments"), page_size=2)
    assert [i["id"] for i in pager.feed({"data": [{"id": "b"}, {"id": "a"}], "total": 3})] == ["b", "a"]
    assert pager.next_call().params == {"limit": 2, "offset": 2} and not pager.done
    # A row created meanwhile pushed "a" into the next page: it is not yielded twice.
    assert [i["id"] for i in pager.feed({"data": [{"id": "a"}, {"id": "z"}], "total": 4})] == ["z"]
    assert pager.done
