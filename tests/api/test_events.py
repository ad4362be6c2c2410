"""The events API and webhook endpoints over HTTP (docs/api.md §10, docs/api.md §11): every event stored once, each
endpoint's deliveries of the events it wants, the primary endpoint (webhook_url), resend."""
from __future__ import annotations

import secrets

import pytest

from backend.domain.ids import EVENT, looks_like


@pytest.fixture
def shop(client):
    """A fresh merchant per test, so its events and endpoints are its own."""
    r = client.post("/api/v1/auth/signup", json={"name": "Events Shop", "password": "correct horse",
                                                  "email": f"ev{secrets.token_hex(4)}@shop.test"})
    body = r.get_json()
    return {"X-Api-Key": body["api_key"], "X-Api-Secret": body["api_secret"]}


@pytest.fixture(scope="module")
def app(app_by_hand):  # these tests count a payment's events as made: no worker settles it meanwhile
    return app_by_hand


def _pay(client, headers, vpa="success@test") -> str:
    order = client.post("/api/v1/orders", json={"amount": 50000}, headers=headers).get_json()
    r = client.post("/api/v1/payments", json={"order_id": order["id"], "method": "upi", "vpa": vpa}, headers=headers)
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()["id"]


def _endpoint(client, headers, **body):
    r = client.post("/api/v1/webhook_endpoints", json={"url": "http://127.0.0.1:9/hooks", **body}, headers=headers)
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()


def test_events_are_stored_without_any_endpoint_and_listed_by_type_object_and_time(client, shop):
    payment_id = _pay(client, shop)
    page = client.get("/api/v1/events", headers=shop).get_json()
    assert [e["type"] for e in page["data"]] == ["payment.pending", "payment.created"]
    event = page["data"][0]
    assert looks_like(EVENT, event["id"]) and event["object_id"] == payment_id
    assert event["payload"]["id"] == event["id"] and event["payload"]["data"]["payment"]["id"] == payment_id
    assert list(event["payload"]) == ["event", "timestamp", "data", "id"]
    assert client.get("/api/v1/webhooks", headers=shop).get_json()["total"] == 0  # no endpoint, no delivery
    other = _pay(client, shop)
    by_type = client.get("/api/v1/events?type=payment.cr*", headers=shop).get_json()
    assert [e["object_id"] for e in by_type["data"]] == [other, payment_id]
    by_object = client.get(f"/api/v1/events?object_id={other}&type=payment.*", headers=shop).get_json()
    assert {e["type"] for e in by_object["data"]} == {"payment.created", "payment.pending"} and by_object["total"] == 2
    for window, total in (("from=2000-01-01T00:00:00Z", 4), ("from=4102444800", 0), ("to=2000-01-01T00:00:00Z", 0)):
        assert client.get(f"/api/v1/events?{window}", headers=shop).get_json()["total"] == total, window
    cursor = client.get(f"/api/v1/events?limit=1&starting_after={page['data'][0]['id']}", headers=shop).get_json()
    assert cursor["data"][0]["id"] == page["data"][1]["id"]


@pytest.mark.parametrize("pattern", ["nope.*", "PAYMENT.created", "payment created"])
def test_a_type_pattern_that_names_nothing_is_refused(client, shop, pattern):
    r = client.get("/api/v1/events", query_string={"type": pattern}, headers=shop)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "BAD_REQUEST_ERROR"


def test_endpoints_get_only_the_events_they_enabled_and_the_primary_gets_all(client, shop):
    client.put("/api/v1/merchant/webhook", json={"webhook_url": "http://127.0.0.1:9/primary"}, headers=shop)
    refunds_only = _endpoint(client, shop, enabled_events=["refund.*"], description="refunds")
    assert refunds_only["secret"].startswith("whsec_") and refunds_only["id"].startswith("we_")
    succeeded = _endpoint(client, shop, enabled_events=["payment.success", "payment.failed"])
    listed = client.get("/api/v1/webhook_endpoints", headers=shop).get_json()
    assert [e["id"] for e in listed["data"]] == ["we_primary", refunds_only["id"], succeeded["id"]]
    assert listed["data"][0] == {**listed["data"][0], "primary": True, "url": "http://127.0.0.1:9/primary",
                                 "enabled_events": ["*"], "status": "enabled"}
    assert "secret" not in listed["data"][1]
    _pay(client, shop)
    event = client.get("/api/v1/events?type=payment.created", headers=shop).get_json()["data"][0]
    detail = client.get(f"/api/v1/events/{event['id']}", headers=shop).get_json()
    assert [d["endpoint_id"] for d in detail["deliveries"]] == ["we_primary"]
    assert detail["deliveries"][0]["event_id"] == event["id"]
    log = client.get(f"/api/v1/webhooks/{detail['deliveries'][0]['id']}", headers=shop).get_json()
    assert log["payload"] == event["payload"]


def test_resend_makes_new_deliveries_of_the_same_event(client, shop):
    endpoint = _endpoint(client, shop, enabled_events=["payment.*"])
    _pay(client, shop)
    event = client.get("/api/v1/events?type=payment.pending", headers=shop).get_json()["data"][0]
    r = client.post(f"/api/v1/events/{event['id']}/resend", json={}, headers=shop)
    assert r.status_code == 200, r.get_data(as_text=True)
    made = r.get_json()["deliveries"]
    assert [(d["endpoint_id"], d["event_id"], d["status"]) for d in made] == [(endpoint["id"], event["id"], "pending")]
    assert len(client.get(f"/api/v1/events/{event['id']}", headers=shop).get_json()["deliveries"]) == 2
    client.patch(f"/api/v1/webhook_endpoints/{endpoint['id']}", json={"status": "disabled"}, headers=shop)
    refused = client.post(f"/api/v1/events/{event['id']}/resend", json={"endpoint_id": endpoint["id"]}, headers=shop)
    assert refused.status_code == 400
    assert client.post(f"/api/v1/events/{event['id']}/resend", json={}, headers=shop).status_code == 400
    unknown = client.post(f"/api/v1/events/{event['id']}/resend", json={"endpoint_id": "we_nope"}, headers=shop)
    assert unknown.status_code == 404


def test_endpoint_updates_checks_and_limit(client, shop):
    endpoint = _endpoint(client, shop)
    assert endpoint["enabled_events"] == ["*"] and endpoint["description"] is None
    path = f"/api/v1/webhook_endpoints/{endpoint['id']}"
    r = client.patch(path, json={"description": "orders", "enabled_events": ["refund.processed"]}, headers=shop)
    assert r.get_json()["description"] == "orders" and r.get_json()["enabled_events"] == ["refund.processed"]
    assert client.patch(path, json={"description": None}, headers=shop).get_json()["description"] is None
    for bad in ({"url": "ftp://example.com/x"}, {"enabled_events": ["payment.nope"]}, {"enabled_events": []},
                {"status": "paused"}, {"secret": "mine"}):
        r = client.patch(path, json=bad, headers=shop)
        assert r.status_code == 400, bad
    assert client.get(path, headers=shop).get_json()["enabled_events"] == ["refund.processed"]
    rolled = client.post(f"{path}/secret/roll", headers=shop).get_json()
    assert rolled["secret"].startswith("whsec_") and rolled["secret"] != endpoint["secret"]
    for _ in range(15):
        _endpoint(client, shop)
    over = client.post("/api/v1/webhook_endpoints", json={"url": "http://127.0.0.1:9/x"}, headers=shop)
    assert over.status_code == 400 and "16" in over.get_json()["error"]["description"]
    assert client.delete(path, headers=shop).status_code == 200
    assert client.get(path, headers=shop).status_code == 404
    _endpoint(client, shop)


def test_the_primary_endpoint_is_the_webhook_url(client, shop):
    assert client.get("/api/v1/webhook_endpoints/we_primary", headers=shop).status_code == 404
    r = client.patch("/api/v1/webhook_endpoints/we_primary", json={"url": "http://127.0.0.1:9/p"}, headers=shop)
    assert r.status_code == 404  # no webhook_url yet: no primary endpoint
    client.put("/api/v1/merchant/webhook", json={"webhook_url": "http://127.0.0.1:9/p"}, headers=shop)
    r = client.patch("/api/v1/webhook_endpoints/we_primary", json={"url": "http://127.0.0.1:9/q"}, headers=shop)
    assert r.status_code == 200 and client.get("/api/v1/merchant", headers=shop).get_json()["webhook_url"].endswith("/q")
    assert client.patch("/api/v1/webhook_endpoints/we_primary", json={"enabled_events": ["refund.*"]},
                        headers=shop).status_code == 400
    rolled = client.post("/api/v1/webhook_endpoints/we_primary/secret/roll", headers=shop).get_json()
    assert client.get("/api/v1/merchant", headers=shop).get_json()["webhook_secret"] == rolled["secret"]
    assert client.delete("/api/v1/webhook_endpoints/we_primary", headers=shop).status_code == 200
    assert client.get("/api/v1/merchant", headers=shop).get_json()["webhook_url"] is None


def test_another_merchants_events_and_endpoints_are_not_found(client, shop, other_merchant):
    endpoint = _endpoint(client, shop)
    _pay(client, shop)
    event = client.get("/api/v1/events", headers=shop).get_json()["data"][0]
    for path in (f"/api/v1/events/{event['id']}", f"/api/v1/webhook_endpoints/{endpoint['id']}"):
        assert client.get(path, headers=other_merchant).status_code == 404
    assert client.post(f"/api/v1/events/{event['id']}/resend", json={}, headers=other_merchant).status_code == 404
    assert client.get("/api/v1/events", headers=other_merchant).get_json()["data"] == [] or all(
        e["id"] != event["id"] for e in client.get("/api/v1/events", headers=other_merchant).get_json()["data"])


def test_events_are_kept_as_long_as_the_delivery_log(app, client, shop):
    import dataclasses
    from datetime import timedelta

    from backend.domain.clock import utcnow
    from backend.domain.ids import new_time_ordered_id
    from backend.models import Event, db
    from backend.services import retention

    merchant_id = client.get("/api/v1/merchant", headers=shop).get_json()["id"]
    config = dataclasses.replace(app.runtime.config, webhook_log_retention_days=30)
    with app.app_context():
        if retention.partitioned(db.session, "events"):  # the retention tests drop old weeks on this database
            retention.ensure(db.session, retention.REGISTRY["events"], utcnow() - timedelta(days=46), utcnow(),
                             commit=False)

        def event(age_days: float) -> str:
            at = utcnow() - timedelta(days=age_days)
            made = Event(id=new_time_ordered_id(EVENT, int(at.timestamp() * 1000)), merchant_id=merchant_id,
                         type="payment.created", payload={}, created_at=at)
            db.session.add(made)
            return made.id
        old, kept = [event(31), event(45)], [event(29), event(0)]
        db.session.commit()
        while retention.purge_events(db.session, config):
            pass
    listed = {e["id"] for e in client.get("/api/v1/events?limit=100", headers=shop).get_json()["data"]}
    assert set(kept) <= listed and not set(old) & listed
