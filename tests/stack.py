"""Real processes for tests: a fresh database, the API under gunicorn, a Huey consumer, and on demand the
checkout and the dashboard. Which stores back them is chosen by `PAYGATE_TEST_BACKEND`:
`embedded` (SQLite file + Huey SQLite, the default) or `postgres` (a fresh PostgreSQL database + Redis).
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TEST_KEY, TEST_SECRET = "key_test_abc123", "secret_test_xyz789"
MERCHANT_HEADERS = {"X-Api-Key": TEST_KEY, "X-Api-Secret": TEST_SECRET}

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def backend_kind() -> str:
    return os.environ.get("PAYGATE_TEST_BACKEND", "embedded")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


class Stores:
    """A fresh database and queue store; dropped by close()."""

    def __init__(self, kind: str | None = None):
        self.kind = kind or backend_kind()
        self.tmp = Path(tempfile.mkdtemp(prefix="paygate-test-"))
        if self.kind == "postgres":
            self.db_name = "paygate_test_" + secrets.token_hex(4)
            _pg_admin(f'CREATE DATABASE "{self.db_name}"')
            base = PG_ADMIN_URL.rsplit("/", 1)[0]
            # One Redis for all test stacks (and benchmarks): each gets its own queue name.
            self.env = {"DATABASE_URL": f"{base}/{self.db_name}", "REDIS_URL": REDIS_URL,
                        "QUEUE_NAME": self.db_name}
        else:
            self.db_name = None
            self.env = {"DATABASE_URL": f"sqlite:///{self.tmp / 'paygate.db'}",
                        "HUEY_SQLITE_PATH": str(self.tmp / "huey.db")}
        subprocess.run([str(BIN / "flask"), "--app", "backend:create_app(seed=False)", "db", "upgrade"],
                       cwd=ROOT, env={**os.environ, **self.env}, check=True, capture_output=True)

    def flush_queue(self) -> None:
        """Forget every queued and scheduled job, as a restarted Redis without persistence would."""
        if self.kind == "postgres":
            import redis

            conn = redis.Redis.from_url(REDIS_URL)
            keys = list(conn.scan_iter(f"*{self.db_name}*"))
            if keys:
                conn.delete(*keys)
        else:
            import sqlite3

            with sqlite3.connect(self.env["HUEY_SQLITE_PATH"]) as conn:
                for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
                    conn.execute(f'DELETE FROM "{table}"')

    def close(self) -> None:
        if self.kind == "postgres":
            self.flush_queue()
        if self.db_name:
            try:
                _pg_admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            except Exception:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)


DEFAULT_ENV = {
    "TEST_MODE": "true",
    "TEST_PROCESSING_DELAY": "500",
    "WEBHOOK_RETRY_INTERVALS_TEST": "true",
    "SWEEP_INTERVAL": "1",
    "SWEEP_GRACE": "2",
    "PYTHONUNBUFFERED": "1",
    # Suites log in and pay far more often than a person; tests/api/test_rate_limits.py checks the limits.
    "RATE_LIMIT_LOGIN": "10000/minute",
    "RATE_LIMIT_PUBLIC_PAYMENT": "10000/minute",
    "RATE_LIMIT_SIGNUP": "10000/minute",
    "RATE_LIMIT_AUTHENTICATE": "10000/minute",
    # The sandbox's waits (3-D Secure, UPI collect): long enough for a browser on a busy machine to answer,
    # short enough for the timeout tests.
    "AUTHENTICATION_TIMEOUT": "12",
    "UPI_COLLECT_TIMEOUT": "12",
}


class Stack:
    """The gateway's processes over one set of stores. UIs start on first use."""

    def __init__(self, stores: Stores | None = None, api_workers: int = 2, worker_threads: int = 16, **env: str):
        self.api_workers, self.worker_threads = api_workers, worker_threads
        self.stores = stores or Stores()
        self.own_stores = stores is None
        self.env = {**os.environ, **DEFAULT_ENV, **self.stores.env, **env, "HOST": "127.0.0.1"}
        self.env.pop("PORT", None)
        # pytest's own variable makes NiceGUI believe it runs under its test plugin and ignore the port.
        self.env.pop("PYTEST_CURRENT_TEST", None)
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs = self.stores.tmp / "logs"
        self.logs.mkdir(exist_ok=True)
        self.api_port = free_port()
        self.api_url = f"http://127.0.0.1:{self.api_port}"
        self.env["API_URL"] = self.api_url
        # Known before the checkout starts: the API's next_action.url points there.
        self._checkout_port = free_port()
        self.env["CHECKOUT_URL"] = f"http://127.0.0.1:{self._checkout_port}"
        self._checkout_url: str | None = None
        self._dashboard_url: str | None = None
        self.start_api()
        self.start_worker()

    # ---------- processes ----------
    def _spawn(self, name: str, argv: list[str], extra_env: dict[str, str] | None = None) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")
        proc = subprocess.Popen(argv, cwd=ROOT, env={**self.env, **(extra_env or {})}, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.procs[name] = proc
        return proc

    def log_text(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _wait_http(self, url: str, name: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.procs[name].poll() is not None:
                raise RuntimeError(f"{name} exited:\n{self.log_text(name)[-3000:]}")
            try:
                requests.get(url, timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"{name} did not answer at {url}:\n{self.log_text(name)[-3000:]}")

    def start_api(self) -> None:
        self._spawn("api", [str(BIN / "gunicorn"), "-w", str(self.api_workers), "--threads", "8", "-b", f"127.0.0.1:{self.api_port}",
                            "--graceful-timeout", "2", "--access-logfile", "-", "backend:create_app()"])
        self._wait_http(self.api_url + "/health", "api")

    def start_worker(self, wait: bool = True) -> subprocess.Popen:
        proc = self._spawn("worker", [str(BIN / "huey_consumer"), "tasks.huey", "-w", str(self.worker_threads), "-k", "thread",
                                      "-m", "0.2", "-d", "0.05"])
        if wait:
            self.wait_until(lambda: self.health().get("worker") == "running", 30, "worker heartbeat")
        return proc

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs.get(name)
        if proc and proc.poll() is None:
            os.killpg(proc.pid, sig)
            proc.wait(10)

    @property
    def checkout_url(self) -> str:
        if self._checkout_url is None:
            port = self._checkout_port
            self._spawn("checkout", [sys.executable, "-m", "ui_checkout"], {"CHECKOUT_PORT": str(port)})
            self._checkout_url = f"http://127.0.0.1:{port}"
            self._wait_http(self._checkout_url + "/checkout.js", "checkout", 60)
        return self._checkout_url

    @property
    def dashboard_url(self) -> str:
        if self._dashboard_url is None:
            port = free_port()
            self._spawn("dashboard", [sys.executable, "-m", "ui_dashboard"],
                        {"DASHBOARD_PORT": str(port), "CHECKOUT_URL": self.checkout_url,
                         "DASHBOARD_STORAGE_SECRET": "test-" + secrets.token_hex(8)})
            self._dashboard_url = f"http://127.0.0.1:{port}"
            self._wait_http(self._dashboard_url + "/login", "dashboard", 60)
        return self._dashboard_url

    def close(self) -> None:
        for name in list(self.procs):
            self.kill(name, signal.SIGTERM if name != "worker" else signal.SIGKILL)
        if self.own_stores:
            self.stores.close()

    # ---------- API helpers ----------
    def api(self, method: str, path: str, json: Any = None, headers: dict[str, str] | None = None,
            auth: bool = True, **kw: Any) -> requests.Response:
        h = {**(MERCHANT_HEADERS if auth else {}), **(headers or {})}
        return requests.request(method, self.api_url + path, json=json, headers=h, timeout=30, **kw)

    def health(self) -> dict:
        return self.api("GET", "/health", auth=False).json()

    def create_order(self, amount: int = 50000, headers: dict[str, str] | None = None, **fields: Any) -> dict:
        r = self.api("POST", "/api/v1/orders", {"amount": amount, **fields}, headers=headers)
        assert r.status_code == 201, r.text
        return r.json()

    def pay_upi(self, order_id: str, vpa: str = "success@test", headers: dict[str, str] | None = None) -> dict:
        r = self.api("POST", "/api/v1/payments", {"order_id": order_id, "method": "upi", "vpa": vpa}, headers=headers)
        assert r.status_code == 201, r.text
        return r.json()

    def wait_until(self, predicate, timeout: float, what: str, interval: float = 0.1):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(interval)
        raise AssertionError(f"timed out after {timeout} s waiting for {what}")

    def wait_payment(self, payment_id: str, timeout: float = 20, headers: dict[str, str] | None = None) -> dict:
        def final():
            p = self.api("GET", f"/api/v1/payments/{payment_id}", headers=headers).json()
            return p if p["status"] != "pending" else None

        return self.wait_until(final, timeout, f"payment {payment_id} to be final")
