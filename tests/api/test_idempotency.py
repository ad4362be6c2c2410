"""Idempotency-Key (docs/api.md §3) on every merchant POST."""
import secrets
from datetime import timedelta

import pytest

from backend.domain.clock import utcnow
from backend.domain.ids import TEST_MERCHANT_ID


def key():
    return "idem-" + secrets.token_hex(8)


def test_replay_is_byte_for_byte(client, merchant_headers):
    k = key()
    h = {**merchant_headers, "Idempotency-Key": k}
    first = client.post("/api/v1/orders", json={"amount": 777, "receipt": "r"}, headers=h)
    second = client.post("/api/v1/orders", json={"receipt": "r", "amount": 777}, headers=h)  # same JSON, other order
    assert first.status_code == second.status_code == 201
    assert first.get_data() == second.get_data()
    assert "Idempotent-Replayed" not in first.headers and second.headers["Idempotent-Replayed"] == "true"
    assert second.mimetype == "application/json"


def test_payment_replay_creates_one_payment(client, merchant_headers, other_merchant):
    order = client.post("/api/v1/orders", json={"amount": 5000}, headers=other_merchant).get_json()
    h = {**other_merchant, "Idempotency-Key": key()}
    body = {"order_id": order["id"], "method": "upi", "vpa": "a@b"}
    ids = {client.post("/api/v1/payments", json=body, headers=h).get_json()["id"] for _ in range(3)}
    assert len(ids) == 1
    assert client.get("/api/v1/payments", headers=other_merchant).get_json()["total"] == 1


def test_same_key_different_body_is_refused(client, merchant_headers):
    h = {**merchant_headers, "Idempotency-Key": key()}
    assert client.post("/api/v1/orders", json={"amount": 500}, headers=h).status_code == 201
    r = client.post("/api/v1/orders", json={"amount": 501}, headers=h)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "BAD_REQUEST_ERROR"
    r = client.post("/api/v1/payments", json={"order_id": "x", "method": "upi", "vpa": "a@b"}, headers=h)
    assert r.status_code == 400  # another endpoint is another request


def test_keys_are_per_merchant(client, merchant_headers, other_merchant):
    k = key()
    a = client.post("/api/v1/orders", json={"amount": 500}, headers={**merchant_headers, "Idempotency-Key": k})
    b = client.post("/api/v1/orders", json={"amount": 500}, headers={**other_merchant, "Idempotency-Key": k})
    assert a.status_code == b.status_code == 201 and a.get_json()["id"] != b.get_json()["id"]
    assert "Idempotent-Replayed" not in b.headers


def test_errors_are_not_stored(client, merchant_headers):
    h = {**merchant_headers, "Idempotency-Key": key()}
    assert client.post("/api/v1/orders", json={"amount": 5}, headers=h).status_code == 400
    r = client.post("/api/v1/orders", json={"amount": 5}, headers=h)
    assert r.status_code == 400 and "Idempotent-Replayed" not in r.headers
    fixed = client.post("/api/v1/orders", json={"amount": 500}, headers=h)
    assert fixed.status_code == 201


def test_in_flight_key_conflicts_and_expired_key_is_new(client, merchant_headers, app):
    from backend.models import IdempotencyKey, db
    from backend.config import Config
    from backend.services.idempotency import request_fingerprint

    k = key()
    with app.app_context():  # as if the first request were still running
        fingerprint = request_fingerprint("POST", "/api/v1/orders", b'{"amount":500}', key=Config.from_env().keyring.fingerprint_key)
        row = IdempotencyKey(key=k, merchant_id=TEST_MERCHANT_ID, request_hash=fingerprint,
                             response=None, created_at=utcnow(), expires_at=utcnow() + timedelta(hours=24))
        db.session.add(row)
        db.session.commit()
    r = client.post("/api/v1/orders", json={"amount": 500}, headers={**merchant_headers, "Idempotency-Key": k})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "CONFLICT_ERROR"

    h = {**merchant_headers, "Idempotency-Key": key()}
    first = client.post("/api/v1/orders", json={"amount": 500}, headers=h).get_json()
    with app.app_context():
        stored = db.session.execute(db.select(IdempotencyKey).where(
            IdempotencyKey.key == h["Idempotency-Key"],
            IdempotencyKey.merchant_id == TEST_MERCHANT_ID)).scalar_one()
        assert stored.expires_at - utcnow() > timedelta(hours=23, minutes=59)
        stored.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    again = client.post("/api/v1/orders", json={"amount": 500}, headers=h)
    assert again.status_code == 201 and again.get_json()["id"] != first["id"]
    assert "Idempotent-Replayed" not in again.headers


def test_purge_deletes_expired_keys(app):
    from backend.models import IdempotencyKey, db
    from backend.services.retention import purge_idempotency_keys

    with app.app_context():
        db.session.add(IdempotencyKey(key=key(), merchant_id=TEST_MERCHANT_ID,
                                      request_hash="x", response={"status": 201, "body": "{}"},
                                      created_at=utcnow() - timedelta(hours=24, seconds=1),
                                      expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert purge_idempotency_keys(db.session) >= 1
        assert db.session.query(IdempotencyKey).filter(IdempotencyKey.expires_at <= utcnow()).count() == 0


def test_fingerprint_is_keyed_so_card_data_cannot_be_guessed_from_it():
    from backend.services.idempotency import request_fingerprint

    body = b'{"card":{"number":"4111111111111111","cvv":"123"}}'
    assert request_fingerprint("POST", "/p", body, key=b"a") != request_fingerprint("POST", "/p", body, key=b"b")
    import hashlib

    unkeyed = hashlib.sha256(b"POST /p\n" + body).hexdigest()
    assert unkeyed != request_fingerprint("POST", "/p", body, key=b"a")


CARD = {"number": "4111111111111111", "expiry_month": "12", "expiry_year": "2030", "cvv": "123",
        "holder_name": "Asha Rao"}
REFUSED_PAYMENTS = {  # refused by the service once the endpoint began executing, then corrected
    "INVALID_VPA": {"method": "upi", "vpa": "not a vpa"},
    "INVALID_CARD": {"method": "card", "card": {**CARD, "number": "4111111111111112"}},
    "EXPIRED_CARD": {"method": "card", "card": {**CARD, "expiry_year": "2020"}},
    "BAD_REQUEST_ERROR": {"method": "card"},  # card missing for method card
}


@pytest.mark.parametrize("code", sorted(REFUSED_PAYMENTS))
def test_refused_payment_leaves_the_key_free_for_the_corrected_request(client, merchant_headers, code):
    order = client.post("/api/v1/orders", json={"amount": 5000}, headers=merchant_headers).get_json()
    h = {**merchant_headers, "Idempotency-Key": key()}
    refused = client.post("/api/v1/payments", json={"order_id": order["id"], **REFUSED_PAYMENTS[code]}, headers=h)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == code
    again = client.post("/api/v1/payments", json={"order_id": order["id"], **REFUSED_PAYMENTS[code]}, headers=h)
    assert again.status_code == 400 and "Idempotent-Replayed" not in again.headers  # refused anew, not replayed

    body = {"order_id": order["id"], "method": "upi", "vpa": "success@test"}
    fixed = client.post("/api/v1/payments", json=body, headers=h)
    assert fixed.status_code == 201, fixed.get_data(as_text=True)
    replay = client.post("/api/v1/payments", json=body, headers=h)
    assert replay.get_data() == fixed.get_data() and replay.headers["Idempotent-Replayed"] == "true"
    other = client.post("/api/v1/payments", json={**body, "vpa": "other@test"}, headers=h)
    assert other.status_code == 400 and "different request" in other.get_json()["error"]["description"]
    listed = client.get(f"/api/v1/payments?order_id={order['id']}", headers=merchant_headers).get_json()
    assert listed["total"] == 1


def test_not_found_and_state_refusals_leave_the_key_free(client, merchant_headers):
    h = {**merchant_headers, "Idempotency-Key": key()}
    missing = client.post("/api/v1/payments", json={"order_id": "order_" + "x" * 16, "method": "upi",
                                                    "vpa": "a@b"}, headers=h)
    assert missing.status_code == 404
    order = client.post("/api/v1/orders", json={"amount": 5000}, headers=merchant_headers).get_json()
    payment = client.post("/api/v1/payments", json={"order_id": order["id"], "method": "upi", "vpa": "a@b"},
                          headers=h)
    assert payment.status_code == 201
    pid = payment.get_json()["id"]

    # a state refusal: the payment is still pending, so it cannot be captured yet
    h2 = {**merchant_headers, "Idempotency-Key": key()}
    refused = client.post(f"/api/v1/payments/{pid}/capture", json={"amount": 5000}, headers=h2)
    assert refused.status_code == 400 and refused.get_json()["error"]["description"] == \
        "Payment not in capturable state"
    created = client.post("/api/v1/orders", json={"amount": 700}, headers=h2)  # the same key, another request
    assert created.status_code == 201 and "Idempotent-Replayed" not in created.headers


MERCHANT_ID = TEST_MERCHANT_ID


def _plant_stale(app, k: str):
    """A claim on an /orders request of {"amount": 600} that has run past the stale time, effect not committed."""
    from backend.config import Config
    from backend.models import IdempotencyKey, db
    from backend.services import idempotency

    started = utcnow() - idempotency.STALE_IN_FLIGHT - timedelta(seconds=1)
    with app.app_context():
        fingerprint = idempotency.request_fingerprint("POST", "/api/v1/orders", b'{"amount":600}',
                                                      key=Config.from_env().keyring.fingerprint_key)
        db.session.add(IdempotencyKey(key=k, merchant_id=MERCHANT_ID, request_hash=fingerprint, response=None,
                                      created_at=started, expires_at=started + idempotency.TTL))
        db.session.commit()
    return idempotency.Claim(MERCHANT_ID, k, started)


def test_an_effect_whose_key_went_to_a_retry_does_not_commit(client, merchant_headers, app):
    """The claim rides on the session: the effect's transaction marks the key, or fails if it is no longer
    this request's, so a request that ran past the stale time cannot add a second effect to the retry's."""
    from backend.domain.errors import GatewayError
    from backend.models import IdempotencyKey, Merchant, db
    from backend.services import idempotency

    k = key()
    lost, mine = _plant_stale(app, k), _plant_stale(app, key())
    retry = client.post("/api/v1/orders", json={"amount": 600}, headers={**merchant_headers, "Idempotency-Key": k})
    assert retry.status_code == 201
    with app.app_context():
        before = db.session.get(Merchant, MERCHANT_ID).name
        idempotency.hold(db.session, lost)
        db.session.get(Merchant, MERCHANT_ID).name = "renamed by a request that lost its key"
        with pytest.raises(GatewayError):
            db.session.commit()
        idempotency.abandon(db.session, lost)
        assert db.session.get(Merchant, MERCHANT_ID).name == before

        # A claim still its own: the write commits and the key names what it wrote.
        idempotency.hold(db.session, mine)
        db.session.get(Merchant, MERCHANT_ID).name = before
        db.session.get(Merchant, MERCHANT_ID).updated_at = utcnow()
        db.session.commit()
        row = db.session.get(IdempotencyKey, (mine.key, MERCHANT_ID, mine.created_at))
        db.session.refresh(row)
        assert row.effect == {"rows": [["merchants", MERCHANT_ID]]} and row.response is None
        idempotency.abandon(db.session, mine)  # an effect committed: the key is kept, not released
        assert db.session.get(IdempotencyKey, (mine.key, MERCHANT_ID, mine.created_at)) is not None


def test_a_request_that_lost_its_stale_key_leaves_the_new_owner_alone(client, merchant_headers, app):
    """A request running past STALE_IN_FLIGHT loses its key to a retry; when it finally ends it must neither
    overwrite the retry's stored answer nor release the retry's claim."""
    from backend.config import Config
    from backend.models import db
    from backend.services import idempotency
    from backend.services.idempotency import request_fingerprint

    merchant_id = TEST_MERCHANT_ID
    body = {"amount": 600}

    def plant_stale(k: str):
        return _plant_stale(app, k)

    # the retry takes the key over and completes; then the first request ends with an answer of its own
    k = key()
    first = plant_stale(k)
    retry = client.post("/api/v1/orders", json=body, headers={**merchant_headers, "Idempotency-Key": k})
    assert retry.status_code == 201
    with app.app_context():
        idempotency.complete(db.session, first, 201, '{"id":"order_fromthefirstone"}')
        idempotency.abandon(db.session, first)
    replay = client.post("/api/v1/orders", json=body, headers={**merchant_headers, "Idempotency-Key": k})
    assert replay.get_data() == retry.get_data() and replay.headers["Idempotent-Replayed"] == "true"

    # the retry is still running when the first request is refused: the retry keeps its claim
    k = key()
    first = plant_stale(k)
    with app.app_context():
        fingerprint = request_fingerprint("POST", "/api/v1/orders", b'{"amount":600}', key=Config.from_env().keyring.fingerprint_key)
        assert isinstance(idempotency.begin(db.session, merchant_id, k, fingerprint), idempotency.Claim)
        idempotency.abandon(db.session, first)
    third = client.post("/api/v1/orders", json=body, headers={**merchant_headers, "Idempotency-Key": k})
    assert third.status_code == 409 and third.get_json()["error"]["code"] == "CONFLICT_ERROR"


def test_a_retry_made_before_a_key_rotation_is_replayed(client, app, merchant_headers):
    """Fingerprints are compared under every keyring key; new ones are made with the first."""
    from dataclasses import replace

    from backend import create_app
    from backend.keyring import load_keys, new_key

    config = app.runtime.config
    keys = load_keys(config.encryption_keys, config.encryption_key_file)
    rotated = create_app(replace(config, encryption_keys=(new_key(), *keys))).test_client()
    h = {**merchant_headers, "Idempotency-Key": key()}
    first = client.post("/api/v1/orders", json={"amount": 901}, headers=h)
    again = rotated.post("/api/v1/orders", json={"amount": 901}, headers=h)
    assert first.status_code == 201 and again.get_data() == first.get_data()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert rotated.post("/api/v1/orders", json={"amount": 902}, headers=h).status_code == 400  # still compared

    h = {**merchant_headers, "Idempotency-Key": key()}
    assert rotated.post("/api/v1/orders", json={"amount": 903}, headers=h).status_code == 201
    unknown = client.post("/api/v1/orders", json={"amount": 903}, headers=h)  # made under the new key
    assert unknown.status_code == 400 and "different request" in unknown.get_json()["error"]["description"]
