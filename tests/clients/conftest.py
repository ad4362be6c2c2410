"""The SDK and the CLI against the live stack (gunicorn + a Huey consumer, harness/stack.py), as a merchant of
their own so that webhook settings made here touch no other test's merchant."""
from __future__ import annotations

import secrets

import pytest

import paygate

from harness.receiver import Receiver
from harness.stack import wait_until


@pytest.fixture(scope="session")
def receiver():
    r = Receiver()
    yield r
    r.close()


def signup(stack) -> dict:
    r = stack.api("POST", "/api/v1/auth/signup", auth=False,
                  json={"name": "SDK Shop", "email": f"sdk{secrets.token_hex(4)}@shop.test", "password": "correct horse"})
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture(scope="session")
def merchant(stack, receiver):
    """A fresh merchant whose webhooks go to the local receiver's /ok."""
    body = signup(stack)
    creds = {"X-Api-Key": body["api_key"], "X-Api-Secret": body["api_secret"]}
    r = stack.api("PUT", "/api/v1/merchant/webhook", json={"webhook_url": receiver.url + "/ok"}, headers=creds)
    assert r.status_code == 200, r.text
    return {"key": body["api_key"], "secret": body["api_secret"], "webhook_secret": r.json()["webhook_secret"],
            "headers": creds, "id": body["merchant"]["id"]}


@pytest.fixture
def sdk(stack, merchant):
    with paygate.PayGate(merchant["key"], merchant["secret"], stack.api_url) as client:
        yield client


def wait_for(predicate, timeout: float = 20, what: str = "condition"):
    return wait_until(predicate, timeout, what)


def settled_payment(sdk: paygate.PayGate, vpa: str = "success@test", amount: int = 50000):
    order = sdk.orders.create(amount=amount)
    payment = sdk.payments.create(order.id, "upi", vpa=vpa)
    return order, wait_for(lambda: (p := sdk.payments.get(payment.id)).status != "pending" and p, what=payment.id)
