"""The framework ceiling: a bare Flask endpoint that does one psycopg INSERT of the row our create-order
writes, into the same `orders` table, served by the same gunicorn settings as the API.

    gunicorn -w 2 --threads 8 "bench.ceiling:app"     (DATABASE_URL and BENCH_MERCHANT_ID from the environment)
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


def _conn() -> psycopg.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = _local.conn = psycopg.connect(_dsn(), autocommit=True)
    return conn


@app.post("/orders")
def create_order() -> Response:
    body = request.get_json()
    now = datetime.now(timezone.utc)
    row = {"id": "order_" + "".join(secrets.choice(_ALPHABET) for _ in range(16)),
           "merchant_id": os.environ["BENCH_MERCHANT_ID"], "amount": int(body["amount"]), "currency": "INR",
           "receipt": body.get("receipt"), "notes": {}, "status": "created"}
    _conn().execute(
        "INSERT INTO orders (id, merchant_id, amount, currency, receipt, notes, status, created_at, updated_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (row["id"], row["merchant_id"], row["amount"], row["currency"], row["receipt"], json.dumps(row["notes"]),
         row["status"], now, now))
    row["created_at"] = now.isoformat()
    return Response(json.dumps(row, separators=(",", ":")), status=201, mimetype="application/json")
