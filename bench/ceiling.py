"""The framework ceilings: bare Flask endpoints doing, with psycopg, the statements of our create-order,
get-order and create-payment, on the same tables, served by the same server and settings as the API
(backend/serve.py).

    python -m backend.serve bench.ceiling:create     (DATABASE_URL and BENCH_MERCHANT_ID from the environment)
"""
from __future__ import annotations

import json
import os
import secrets
import string
import threading
from datetime import datetime, timezone

import psycopg
from flask import Flask, Response, request

_ALPHABET = string.ascii_letters + string.digits
_local = threading.local()
app = Flask(__name__)


def _dsn() -> str:
    url = os.environ["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://", 1)
    return url + ("&" if "?" in url else "?") + "application_name=bench-ceiling"


_UPSERT = (" ON CONFLICT (merchant_id, kind, day, method, status, shard) DO UPDATE SET"
           " count = merchant_totals.count + excluded.count, amount = merchant_totals.amount + excluded.amount")


def _redis():
    import redis

    client = getattr(_local, "redis", None)
    if client is None:
        client = _local.redis = redis.Redis.from_url(os.environ["REDIS_URL"])
    return client


def _conn() -> psycopg.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = _local.conn = psycopg.connect(_dsn(), autocommit=True)
    return conn


_ORDER_SQL = (
    "WITH inserted AS (INSERT INTO orders (id, merchant_id, amount, currency, receipt, notes, status, created_at,"
    " updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING orders.merchant_id)"
    " INSERT INTO merchant_totals (merchant_id, kind, day, method, status, shard, count, amount)"
    " SELECT inserted.merchant_id, 'order', %s, '', '', %s, 1, %s FROM inserted" + _UPSERT)


def _new_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(16))


def _json(doc: dict, status: int = 200) -> Response:
    return Response(json.dumps(doc, separators=(",", ":"), default=str), status=status, mimetype="application/json")


@app.post("/orders")
def create_order() -> Response:
    """The order and its running total, in one autocommit statement, as the API's create-order."""
    body = request.get_json()
    now = datetime.now(timezone.utc)
    conn = _conn()
    row = {"id": _new_id("order_"), "merchant_id": os.environ["BENCH_MERCHANT_ID"], "amount": int(body["amount"]),
           "currency": "INR", "receipt": body.get("receipt"), "notes": {}, "status": "created"}
    conn.execute(_ORDER_SQL, (row["id"], row["merchant_id"], row["amount"], row["currency"], row["receipt"],
                              json.dumps(row["notes"]), row["status"], now, now, now.date(), conn.info.backend_pid,
                              row["amount"]))
    row["created_at"] = now.isoformat()
    return _json(row, 201)


@app.get("/orders/<order_id>")
def get_order(order_id: str) -> Response:
    cur = _conn().execute("SELECT id, merchant_id, amount, currency, receipt, notes, status, created_at, updated_at"
                          " FROM orders WHERE id = %s", (order_id,))
    row = cur.fetchone()
    if row is None:
        return _json({"error": {"code": "NOT_FOUND_ERROR", "description": "no such order"}}, 404)
    doc = dict(zip((c.name for c in cur.description), row))
    return _json({**doc, "created_at": doc["created_at"].isoformat(), "updated_at": doc["updated_at"].isoformat()})


@app.post("/payments")
def create_payment() -> Response:
    """The statements of the API's UPI payment create, in one transaction, then one enqueue after COMMIT:
    the order's row lock, the payment, the order's move, where its events go, its two events, its total."""
    body = request.get_json()
    now = datetime.now(timezone.utc)
    conn = _conn()
    with conn.transaction():
        order = conn.execute("SELECT id, merchant_id, amount, currency, status FROM orders WHERE id = %s FOR UPDATE",
                             (body["order_id"],)).fetchone()
        if order is None or order[4] == "paid":
            return _json({"error": {"code": "BAD_REQUEST_ERROR", "description": "no"}}, 400)
        pay = {"id": _new_id("pay_"), "order_id": order[0], "merchant_id": order[1], "amount": order[2],
               "currency": order[3], "method": "upi", "status": "pending", "vpa": body.get("vpa")}
        conn.execute("INSERT INTO payments (id, order_id, merchant_id, amount, currency, method, status, vpa,"
                     " authentication_attempts, captured, ready_at, created_at, updated_at)"
                     " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 0, false, %s, %s, %s)"
                     " ON CONFLICT (id) DO NOTHING RETURNING *", (*pay.values(), now, now, now)).fetchone()
        conn.execute("UPDATE orders SET status = 'attempted', updated_at = %s WHERE id = %s", (now, order[0]))
        conn.execute("SELECT m.webhook_url, e.id, e.enabled_events FROM merchants m LEFT JOIN webhook_endpoints e"
                     " ON e.merchant_id = m.id AND e.status = 'enabled' WHERE m.id = %s ORDER BY e.created_at, e.id",
                     (order[1],)).fetchall()
        data = json.dumps({"payment": {**pay, "created_at": now.isoformat()}}, separators=(",", ":"))
        events = [(_new_id("evt_"), order[1], t, pay["id"], pay["id"], data, now)
                  for t in ("payment.created", "payment.pending")]
        conn.execute("INSERT INTO events (id, merchant_id, type, object_id, payment_id, payload, created_at)"
                     " VALUES (%s, %s, %s, %s, %s, %s, %s), (%s, %s, %s, %s, %s, %s, %s)",
                     [v for e in events for v in e])
        conn.execute("INSERT INTO merchant_totals (merchant_id, kind, day, method, status, shard, count, amount)"
                     " VALUES (%s, 'payment', %s, 'upi', 'pending', %s, 1, %s)" + _UPSERT,
                     (order[1], now.date(), conn.info.backend_pid, order[2]))
    _redis().lpush("bench-ceiling-queue", pay["id"])
    return _json({**pay, "created_at": now.isoformat()}, 201)


def create():
    """The factory the server calls in each worker, with the API's per-worker preparation."""
    from backend.serving import prepare

    return prepare(app)
