"""Real processes for tests: a fresh database, the API under granian (backend/serve.py), a Huey consumer, and
on demand the checkout and the dashboard. Which stores back them is chosen by `PAYGATE_TEST_BACKEND`:
`embedded` (SQLite file + Huey SQLite, the default), `postgres` (a fresh PostgreSQL database + Redis) or
`pgbouncer` (the same, reached through a PgBouncer in transaction pooling mode that the tests start).
"""
from __future__ import annotations

import atexit
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
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


def on_postgres() -> bool:
    """PostgreSQL behind the app, directly or through PgBouncer."""
    return backend_kind() in ("postgres", "pgbouncer")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _pg_admin(sql: str, admin_url: str = PG_ADMIN_URL) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def _migrate(env: dict[str, str]) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "backend:create_app(seed=False)", "db", "upgrade"],
                   cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)


# Migrated once per process and per server, then copied: a migration costs as much as starting a stack.
# "sqlite" -> the template file; a PostgreSQL admin URL -> the template database's name. `make test` makes
# them once for all its pytest processes (tests/run.py), handed down in TEMPLATES_ENV as JSON.
TEMPLATES_ENV = "PAYGATE_TEST_TEMPLATES"
_templates: dict[str, str] = json.loads(os.environ.get(TEMPLATES_ENV) or "{}")


def _template(admin_url: str | None) -> str:
    key = admin_url or "sqlite"
    if key not in _templates:
        tmp = Path(tempfile.mkdtemp(prefix="paygate-template-"))
        env = {"ENCRYPTION_KEY_FILE": str(tmp / "encryption.key"), "HUEY_SQLITE_PATH": str(tmp / "huey.db")}
        if admin_url is None:
            _migrate({**env, "DATABASE_URL": f"sqlite:///{tmp / 'paygate.db'}"})
            _templates[key] = str(tmp / "paygate.db")
            atexit.register(shutil.rmtree, tmp, ignore_errors=True)
        else:
            name = "paygate_template_" + secrets.token_hex(4)
            _pg_admin(f'CREATE DATABASE "{name}"', admin_url)
            atexit.register(_drop_quietly, name, admin_url)
            _migrate({**env, "DATABASE_URL": f"{admin_url.rsplit('/', 1)[0]}/{name}", "REDIS_URL": REDIS_URL,
                      "QUEUE_NAME": name})
            shutil.rmtree(tmp, ignore_errors=True)
            _templates[key] = name
    return _templates[key]


def make_templates(*admin_urls: str | None) -> dict[str, str]:
    """The templates of these servers (None: SQLite), migrated at once; for TEMPLATES_ENV."""
    with ThreadPoolExecutor(len(admin_urls) or 1) as pool:
        list(pool.map(_template, admin_urls))
    return dict(_templates)


def _drop_quietly(db_name: str, admin_url: str) -> None:
    try:
        _pg_admin(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)', admin_url)
    except Exception:
        pass


class Stores:
    """A fresh database, migrated to the head (a copy of the process's migrated template), and a queue
    store; dropped by close()."""

    def __init__(self, kind: str | None = None, pg_admin_url: str = PG_ADMIN_URL):
        self.kind = kind or backend_kind()
        self.pg_admin_url = pg_admin_url  # another PostgreSQL server than the shared one (harness/servers.py)
        self.tmp = Path(tempfile.mkdtemp(prefix="paygate-test-"))
        self.pgbouncer: PgBouncer | None = None
        if self.kind in ("postgres", "pgbouncer"):
            self.db_name = "paygate_test_" + secrets.token_hex(4)
            _pg_admin(f'CREATE DATABASE "{self.db_name}" TEMPLATE "{_template(pg_admin_url)}"', pg_admin_url)
            base = pg_admin_url.rsplit("/", 1)[0]
            # One Redis for all test stacks (and benchmarks): each gets its own queue name.
            self.env = {"DATABASE_URL": f"{base}/{self.db_name}", "REDIS_URL": REDIS_URL,
                        "QUEUE_NAME": self.db_name}
            if self.kind == "pgbouncer":
                # A server whose default zone is not UTC (UTC+14), which PgBouncer's clients cannot
                # override at start-up: any query that reads the session's zone gives wrong days here.
                _pg_admin(f"ALTER DATABASE \"{self.db_name}\" SET timezone = 'Pacific/Kiritimati'")
                self.pgbouncer = PgBouncer(pg_admin_url)
                self.env.update(DATABASE_URL=self.pgbouncer.url(self.db_name), DATABASE_POOLER="pgbouncer")
        else:
            self.db_name = None
            self.env = {"DATABASE_URL": f"sqlite:///{self.tmp / 'paygate.db'}",
                        "HUEY_SQLITE_PATH": str(self.tmp / "huey.db")}
        # The test's own var/: the generated encryption key and the dashboard's sessions live beside the stores.
        self.env["ENCRYPTION_KEY_FILE"] = str(self.tmp / "encryption.key")
        self.env["DASHBOARD_STORAGE_PATH"] = str(self.tmp / "dashboard-storage")
        if self.db_name is None:
            shutil.copyfile(_template(None), self.tmp / "paygate.db")

    def flush_queue(self) -> None:
        """Forget every queued and scheduled job, as a restarted Redis without persistence would."""
        if "REDIS_URL" in self.env:
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
        if "REDIS_URL" in self.env:
            self.flush_queue()
        if self.pgbouncer:
            self.pgbouncer.close()
        if self.db_name:
            _drop_quietly(self.db_name, self.pg_admin_url)
        shutil.rmtree(self.tmp, ignore_errors=True)


def pgbouncer_binary() -> str | None:
    """Debian installs it in /usr/sbin, which a normal user's PATH may lack."""
    found = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    return found if os.path.exists(found) else None


def pgbouncer_ini(server_host: str, server_port: int, server_user: str, listen: str, port: int, run_dir: Path,
                  pool_size: int = 20) -> str:
    """PgBouncer's configuration for tests: transaction pooling, any client name logs in as `server_user`
    (the test servers trust their clients), and the start-up parameters psycopg sends are ignored."""
    return f"""[databases]
* = host={server_host} port={server_port} user={server_user}

[pgbouncer]
listen_addr = {listen}
listen_port = {port}
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 1000
server_reset_query =
; idle server connections close soon, so that a test's PgBouncer holds only what its clients use
server_idle_timeout = 5
ignore_startup_parameters = extra_float_digits,options
logfile = {run_dir / 'pgbouncer.log'}
pidfile = {run_dir / 'pgbouncer.pid'}
"""


class PgBouncer:
    """Debian's pgbouncer (1.18) in transaction pooling mode, on a free port, in front of `server_url`'s
    PostgreSQL: each transaction of a client may run on a different server connection. It refuses to run
    as root, so as root it runs as `postgres`."""

    def __init__(self, server_url: str, listen: str = "127.0.0.1", pool_size: int = 20):
        from urllib.parse import urlsplit

        binary = pgbouncer_binary()
        if binary is None:
            raise RuntimeError("pgbouncer is not installed (Debian: apt-get install pgbouncer)")
        server = urlsplit(server_url)
        self.listen, self.port = listen, free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="paygate-pgbouncer-"))
        conf = self.dir / "pgbouncer.ini"
        conf.write_text(pgbouncer_ini(server.hostname, server.port or 5432, server.username or "postgres",
                                      listen, self.port, self.dir, pool_size))
        run_as = {}
        if os.geteuid() == 0:
            import pwd

            postgres = pwd.getpwnam("postgres")
            os.chown(self.dir, postgres.pw_uid, postgres.pw_gid)
            run_as = {"user": postgres.pw_uid, "group": postgres.pw_gid}
        self.proc = subprocess.Popen([binary, str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                     start_new_session=True, **run_as)
        self._wait()

    def url(self, db_name: str, user: str = "postgres") -> str:
        return f"postgresql://{user}@{self.listen}:{self.port}/{db_name}"

    def log_text(self) -> str:
        path = self.dir / "pgbouncer.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _wait(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"pgbouncer exited:\n{self.log_text()[-2000:]}")
            try:
                socket.create_connection((self.listen, self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"pgbouncer did not listen on {self.port}:\n{self.log_text()[-2000:]}")

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


DEFAULT_ENV = {
    "TEST_MODE": "true",
    "TEST_PROCESSING_DELAY": "500",
    "WEBHOOK_RETRY_INTERVALS_TEST": "true",
    "SWEEP_INTERVAL": "1",
    "SWEEP_GRACE": "2",
    "PYTHONUNBUFFERED": "1",
    # A stack's processes hold few idle connections (about 12, not 38 with 10 per engine), so that the test
    # parts' stacks, and other people's, fit in the shared PostgreSQL's 100 connections; bursts still open more.
    "DATABASE_POOL_SIZE": "2",
    # Suites log in and pay far more often than a person; tests/api/test_rate_limits.py checks the limits.
    "RATE_LIMIT_LOGIN": "10000/minute",
    "RATE_LIMIT_PUBLIC_PAYMENT": "10000/minute",
    "RATE_LIMIT_SIGNUP": "10000/minute",
    "RATE_LIMIT_LOGIN_ADDRESS": "10000/minute",
    # Shared by a stack's API and dashboard, so that neither writes one into the repository's var/.
    "DASHBOARD_FORWARDING_SECRET": "test-forwarding-" + secrets.token_hex(8),
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
        try:
            self.start_api()
            self.start_worker()
        except BaseException:
            self.close()  # a stack that failed to start leaves no process behind (nor its database connections)
            raise

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
        self._spawn("api", [str(BIN / "python"), "-m", "backend.serve"],
                    {"PORT": str(self.api_port), "API_WORKERS": str(self.api_workers), "API_GRACE_SECONDS": "2"})
        self._wait_http(self.api_url + "/health", "api")

    def start_worker(self, wait: bool = True) -> subprocess.Popen:
        proc = self._spawn("worker", [str(BIN / "python"), "-m", "tasks", "-w", str(self.worker_threads), "-k", "thread",
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

    wait_until = staticmethod(wait_until)

    def wait_payment(self, payment_id: str, timeout: float = 20, headers: dict[str, str] | None = None) -> dict:
        def final():
            p = self.api("GET", f"/api/v1/payments/{payment_id}", headers=headers).json()
            return p if p["status"] != "pending" else None

        return self.wait_until(final, timeout, f"payment {payment_id} to be final")
