"""Health, test helpers, OpenAPI, dashboard auth and the merchant profile."""
import secrets


def test_test_merchant(client):
    r = client.get("/api/v1/test/merchant")
    assert r.status_code == 200
    assert r.get_json() == {"id": "550e8400-e29b-41d4-a716-446655440000", "email": "test@example.com",
                            "api_key": "key_test_abc123", "seeded": True}


def test_seeding_is_idempotent(app):
    from backend.config import Config
    from backend.models import Merchant, db
    from seeds import seed_all

    with app.app_context():
        assert seed_all(Config.from_env()) is False
        assert seed_all(Config.from_env()) is False
        assert db.session.query(Merchant).filter_by(email="test@example.com").count() == 1


def test_health_shape(client, stack):
    # The live stack's worker shares the in-process app's queue store: its heartbeat is there. A stopped
    # worker's health: tests/worker/test_crash_recovery.py.
    body = client.get("/health").get_json()
    assert set(body) == {"status", "database", "redis", "worker", "timestamp"}
    assert body["database"] == "connected" and body["redis"] == "connected"
    assert body["worker"] == "running" and body["timestamp"].endswith("Z")
    assert body["status"] == "healthy"


def test_jobs_status_shape(client, stack):
    # Exact counts need a store nobody else writes to: tests/worker/test_crash_recovery.py.
    body = client.get("/api/v1/test/jobs/status").get_json()
    assert set(body) == {"pending", "processing", "completed", "failed", "worker_status"}
    assert all(type(body[k]) is int for k in ("pending", "processing", "completed", "failed"))
    assert body["worker_status"] == "running"


def test_openapi_document_from_models(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    for path in ("/api/v1/orders", "/api/v1/payments", "/api/v1/payments/{id}/capture", "/api/v1/payments/{id}/refunds",
                 "/api/v1/webhooks", "/api/v1/orders/{id}/public", "/api/v1/payments/public", "/health"):
        assert path in doc["paths"], path
    schemas = doc["components"]["schemas"]
    order_in = schemas["OrderCreate"]
    assert order_in["properties"]["amount"]["minimum"] == 100 and "amount" in order_in["required"]
    assert "card" in schemas["PaymentCreate"]["properties"]
    assert doc["components"]["securitySchemes"]["ApiKey"]["name"] == "X-Api-Key"
    assert "ValidationErrorModel" not in schemas  # validation errors are documented as the contract's body
    create = doc["paths"]["/api/v1/orders"]["post"]["responses"]
    assert create["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    docs = client.get("/api/v1/docs", follow_redirects=True)
    assert docs.status_code == 200 and b"swagger" in docs.data.lower()


def test_signup_login_and_profile(client):
    email = f"shop-{secrets.token_hex(4)}@example.in"
    r = client.post("/api/v1/auth/signup", json={"name": "Chai Shop", "email": email, "password": "longenough"})
    assert r.status_code == 201
    body = r.get_json()
    assert body["api_key"].startswith("key_test_") and body["api_secret"].startswith("secret_test_")
    assert body["merchant"]["webhook_secret"].startswith("whsec_") and body["merchant"]["email"] == email
    text = r.get_data(as_text=True)
    assert "longenough" not in text and "password" not in text
    again = client.post("/api/v1/auth/signup", json={"name": "x", "email": email.upper(), "password": "longenough"})
    assert again.status_code == 400
    short = client.post("/api/v1/auth/signup", json={"name": "x", "email": "a" + email, "password": "short"})
    assert short.status_code == 400
    ok = client.post("/api/v1/auth/login", json={"email": email, "password": "longenough"})
    assert ok.status_code == 200 and ok.get_json()["api_secret"] == body["api_secret"]
    bad = client.post("/api/v1/auth/login", json={"email": email, "password": "wrong-password"})
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "AUTHENTICATION_ERROR"
    assert client.post("/api/v1/auth/login", json={"email": "nobody@x.y", "password": "whatever1"}).status_code == 401
    headers = {"X-Api-Key": body["api_key"], "X-Api-Secret": body["api_secret"]}
    profile = client.get("/api/v1/merchant", headers=headers).get_json()
    assert set(profile) == {"id", "name", "email", "api_key", "webhook_url", "webhook_secret", "created_at"}
    assert profile["name"] == "Chai Shop" and profile["webhook_url"] is None


def test_sandbox_login_any_password(client):
    r = client.post("/api/v1/auth/login", json={"email": "test@example.com", "password": "anything"})
    assert r.status_code == 200
    assert r.get_json()["api_key"] == "key_test_abc123" and r.get_json()["api_secret"] == "secret_test_xyz789"


def test_request_ids(client, merchant_headers):
    mine = client.get("/api/v1/orders", headers={**merchant_headers, "X-Request-Id": "trace-123"})
    assert mine.headers["X-Request-Id"] == "trace-123"
    fresh = client.get("/api/v1/nope")
    assert fresh.headers["X-Request-Id"].startswith("req_") and fresh.status_code == 404
    junk = client.get("/health", headers={"X-Request-Id": "x" * 500})
    assert junk.headers["X-Request-Id"].startswith("req_")


def test_metrics_only_for_loopback_or_the_token(client):
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    far = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert far.status_code == 404 and far.get_json()["error"]["code"] == "NOT_FOUND_ERROR"
