"""PayGate on several hosts over a real network: network namespaces joined by a bridge, one database host
(its own PostgreSQL cluster from initdb behind PgBouncer, and its own redis-server), two API hosts, two worker hosts, the
merchant's webhook receiver and the merchant's clients, each on its own address. Under bursts of payments,
refunds and webhook deliveries: one worker host is cut off and brought back, one API host is killed while
clients retry on the other with their Idempotency-Key, Redis is restarted. Every check counts payments
final, events delivered and duplicates.

The test process itself stays outside the network: it reads the database and Redis through their Unix
sockets in the test's temporary folder, and the results of the clients from files.
"""
from __future__ import annotations

import json
import os
import pwd
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.multihost import netns
from harness.stack import BIN, DEFAULT_ENV, ROOT, pgbouncer_binary, pgbouncer_ini
from harness.stack import wait_until as _wait

WHY_NOT = netns.available()
pytestmark = [pytest.mark.multihost, pytest.mark.skipif(
    WHY_NOT is not None, reason=f"multi-host test skipped: {WHY_NOT}")]

HOSTS = ["db", "api1", "api2", "w1", "w2", "rcv", "cli"]
PAYMENTS, CONCURRENCY = 24, 6
# Idempotency keys in flight longer than this may be answered from their committed effect, or taken over;
# well below how long the clients retry, so a client whose request died with its host still gets an answer.
STALE_SECONDS, CLIENT_SECONDS = 10, 45


class Cluster:
    def __init__(self):
        self.net = netns.Network(HOSTS)
        try:
            self._start()
        except BaseException:
            self.net.close()
            raise

    def _start(self) -> None:
        net, tmp = self.net, self.net.tmp
        self.db = net.address["db"]
        postgres = pwd.getpwnam("postgres")
        os.chmod(tmp, 0o755)
        self.pgdata, self.pgsock = tmp / "pgdata", tmp / "pgsock"
        for path in (self.pgdata, self.pgsock):
            path.mkdir()
            os.chown(path, postgres.pw_uid, postgres.pw_gid)
        subprocess.run(["runuser", "-u", "postgres", "--", "initdb", "-D", str(self.pgdata), "-A", "trust",
                        "-U", "postgres", "--no-sync"], check=True, capture_output=True)
        with open(self.pgdata / "pg_hba.conf", "a") as hba:
            hba.write(f"host all all {net.subnet}.0/24 trust\n")
        net.spawn("db", ["postgres", "-D", str(self.pgdata), "-c", f"listen_addresses={self.db}",
                         "-c", f"unix_socket_directories={self.pgsock}", "-c", "fsync=off",
                         "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                         "-c", "max_connections=200", "-c", "shared_buffers=32MB"], "postgres", user="postgres")
        _wait(self._db_answers, 30, "PostgreSQL on the database host")
        self.start_redis()
        self.env = {**os.environ, **DEFAULT_ENV, "DATABASE_URL": f"postgresql://postgres@{self.db}:5432/postgres",
                    "REDIS_URL": f"redis://{self.db}:6379/0", "QUEUE_NAME": "paygate",
                    "IDEMPOTENCY_STALE_SECONDS": str(STALE_SECONDS)}
        for name in ("PORT", "PYTEST_CURRENT_TEST", "DATABASE_POOLER", "HUEY_SQLITE_PATH"):
            self.env.pop(name, None)
        self.pooled = self._start_pgbouncer(postgres)
        if self.pooled:  # as in production: the hosts reach PostgreSQL through PgBouncer
            self.env.update(DATABASE_URL=f"postgresql://postgres@{self.db}:6432/postgres", DATABASE_POOLER="pgbouncer")
        migrate = net.spawn("api1", [str(BIN / "flask"), "--app", "backend:create_app(seed=False)", "db", "upgrade"],
                            "migrate", self.env, cwd=ROOT)
        assert migrate.wait(120) == 0, net.log_text("migrate")
        self.apis = {}
        for host in ("api1", "api2"):  # one after the other: each seeds the test merchant at start
            self.start_api(host)
        self.workers = {host: self.start_worker(host) for host in ("w1", "w2")}
        self.receipts = tmp / "received.jsonl"
        net.spawn("rcv", [sys.executable, "-m", "harness.receiver", net.address["rcv"], "9000",
                          str(self.receipts)], "receiver", self.env, cwd=ROOT)
        _wait(lambda: self.curl("rcv", "-X", "POST", "-d", "{}", self.url("rcv", 9000)) == 200, 30, "the receiver")
        self.receipts.write_text("")  # the probe's line
        try:
            _wait(lambda: self.health().get("worker") == "running", 60, "a worker heartbeat")
        except AssertionError as exc:
            raise AssertionError(f"{exc}: {self.health()}\n{net.log_text('w1')[-3000:]}") from None

    # ---------- servers ----------
    def _db_answers(self) -> bool:
        try:
            self.sql("SELECT 1")
            return True
        except psycopg.OperationalError:
            return False

    def sql(self, query: str, *params):
        with psycopg.connect(host=str(self.pgsock), user="postgres", dbname="postgres", connect_timeout=3) as conn:
            return conn.execute(query, params).fetchall()

    def _start_pgbouncer(self, postgres) -> bool:
        binary = pgbouncer_binary()
        if binary is None:
            print("pgbouncer is not installed: the hosts connect to PostgreSQL directly")
            return False
        run_dir = self.net.tmp / "pgbouncer"
        run_dir.mkdir()
        os.chown(run_dir, postgres.pw_uid, postgres.pw_gid)
        ini = run_dir / "pgbouncer.ini"
        ini.write_text(pgbouncer_ini(str(self.pgsock), 5432, "postgres", self.db, 6432, run_dir))
        self.net.spawn("db", [binary, str(ini)], "pgbouncer", user="postgres")
        ready = ["ip", "netns", "exec", self.net.ns("db"), "pg_isready", "-q", "-h", self.db, "-p", "6432"]
        _wait(lambda: subprocess.run(ready).returncode == 0, 30, "PgBouncer on the database host")
        return True

    def start_redis(self) -> None:
        self.redis = self.net.spawn("db", ["redis-server", "--bind", self.db, "--port", "6379", "--save", "",
                                           "--appendonly", "no", "--protected-mode", "no", "--unixsocket", str(self.net.tmp / "redis.sock")],
                                    "redis")
        import redis

        conn = redis.Redis(unix_socket_path=str(self.net.tmp / "redis.sock"))
        _wait(lambda: self._pings(conn), 30, "redis-server on the database host")

    @staticmethod
    def _pings(conn) -> bool:
        try:
            return conn.ping()
        except Exception:
            return False

    def crash_point(self, host: str, name: str) -> Path:
        """Arms a crash point of the host's API (backend/api/http.py): the file goes when it fires."""
        armed = self.net.tmp / f"crash-{host}" / name
        armed.touch()
        return armed

    def start_api(self, host: str) -> None:
        crash_dir = self.net.tmp / f"crash-{host}"
        crash_dir.mkdir(exist_ok=True)
        env = {**self.env, "HOST": self.net.address[host], "PORT": "8000", "API_WORKERS": "1",
               "API_GRACE_SECONDS": "2", "PAYGATE_TEST_CRASH_DIR": str(crash_dir)}
        self.apis[host] = self.net.spawn(host, [str(BIN / "python"), "-m", "backend.serve"], host, env, cwd=ROOT)
        _wait(lambda: self.curl("cli", self.url(host, 8000) + "/health") == 200, 60, f"the API on {host}")

    def start_worker(self, host: str):
        return self.net.spawn(host, [str(BIN / "python"), "-m", "tasks", "-w", "4", "-k", "thread",
                                     "-d", "0.05"], host, self.env, cwd=ROOT)

    def url(self, host: str, port: int) -> str:
        return f"http://{self.net.address[host]}:{port}"

    def curl(self, host: str, *args: str) -> int:
        out = subprocess.run(["ip", "netns", "exec", self.net.ns(host), "curl", "-s", "-o", "/dev/null",
                              "-m", "3", "-w", "%{http_code}", *args], capture_output=True, text=True)
        return int(out.stdout or 0)

    def health(self) -> dict:
        out = subprocess.run(["ip", "netns", "exec", self.net.ns("cli"), "curl", "-s", "-m", "3",
                              self.url("api2", 8000) + "/health"], capture_output=True, text=True)
        try:
            return json.loads(out.stdout)
        except ValueError:
            return {}

    # ---------- the merchant's clients ----------
    def burst(self, tag: str, strike_after: int, strike) -> tuple[list[dict], int]:
        """The clients' results, and how many calls they had to retry."""
        tmp = self.net.tmp
        progress, result = tmp / f"progress-{tag}", tmp / f"result-{tag}.json"
        plan = tmp / f"plan-{tag}.json"
        plan.write_text(json.dumps({
            "apis": [self.url("api1", 8000), self.url("api2", 8000)], "payments": PAYMENTS,
            "concurrency": CONCURRENCY, "seconds": CLIENT_SECONDS, "progress": str(progress), "tag": tag,
            "webhook_url": self.url("rcv", 9000) + "/hooks"}))
        driver = self.net.spawn("cli", [sys.executable, "-m", "tests.multihost.driver", str(plan), str(result)],
                                f"driver-{tag}", self.env, cwd=ROOT)
        _wait(lambda: driver.poll() is not None or (progress.exists() and int(progress.read_text() or 0)
                                                    >= strike_after), 60, f"{tag}: {strike_after} payments")
        strike()
        assert driver.wait(CLIENT_SECONDS + 30) == 0, self.net.log_text(f"driver-{tag}")
        out = json.loads(result.read_text())
        return out["results"], out["retries"]

    def close(self) -> None:
        self.net.close()


@pytest.fixture(scope="module")
def cluster():
    c = Cluster()
    yield c
    c.close()


def _check_burst(cluster: Cluster, tag: str, burst: tuple[list[dict], int]) -> dict:
    """Every client gets an answer and exactly one payment, also one whose request died with a killed API
    host after claiming its Idempotency-Key: after the stale time its retry gets the answer rebuilt from the
    committed effect, or runs anew if the effect never committed (services/idempotency.py)."""
    results, retries = burst
    created = [r for r in results if "payment_id" in r]
    final = [r for r in created if r.get("status") in ("success", "failed")]
    order_ids = [r["order_id"] for r in results if "order_id" in r]
    per_order = dict(cluster.sql("SELECT order_id, count(*) FROM payments WHERE order_id = ANY(%s) "
                                 "GROUP BY order_id", order_ids))
    unanswered = [r for r in results if "error" in r]  # its order or its payment
    figures = {"client_retries": retries, "orders": len(order_ids), "payments_answered": len(created),
               "payments_final": len(final), "payments_unanswered": len(unanswered),
               # the effect committed, its answer lost with the host
               "unanswered_but_paid": sum(1 for r in unanswered if per_order.get(r.get("order_id"))),
               "duplicate_payments": sum(n - 1 for n in per_order.values()),
               "refunds_unanswered": sum(1 for r in final if r["status"] == "success" and not r.get("refund_id")),
               "failed_as_told": sum(1 for r in final if (r["status"] == "failed") == (r["n"] % 10 == 9))}
    print(f"\n{tag}: {figures}")
    assert figures["duplicate_payments"] == 0, (figures, results)
    assert figures["payments_unanswered"] == 0 and figures["refunds_unanswered"] == 0, (figures, unanswered)
    assert figures["payments_answered"] == PAYMENTS, (figures, results)
    assert figures["payments_final"] == figures["payments_answered"] == figures["failed_as_told"], figures
    for r in created:
        assert per_order.get(r["order_id"]) == 1, r
    return figures


def test_several_hosts_survive_a_cut_worker_a_dead_api_and_a_redis_restart(cluster):
    net = cluster.net

    # 1. A worker host loses its network mid-burst: the other finishes everything, what the cut one had
    #    taken being found again by the other's sweeper after its grace.
    w2_log_size = len(net.log_text("w2"))
    _check_burst(cluster, "cut worker host", cluster.burst("cut", 8, lambda: net.link("w1", up=False)))
    swept = [line for line in net.log_text("w2")[w2_log_size:].splitlines() if "sweeper sweep: {" in line]
    print(f"  rounds of the other worker's sweeper that re-enqueued work during the cut: {len(swept)}")
    w1_log_size = len(net.log_text("w1"))
    net.link("w1", up=True)
    assert cluster.workers["w1"].poll() is None, "the cut worker died instead of waiting for its network"

    # 2. An API host is killed mid-burst: clients retry on the other with the same Idempotency-Key. First its
    #    process dies right after one request's effect committed, before its answer was stored (the window
    #    a kill hits only by chance), then the whole host.
    def kill_api_host():
        armed = cluster.crash_point("api1", "after_effect")
        _wait(lambda: not armed.exists(), 30, "a request on api1 to reach its crash point")
        net.kill(cluster.apis["api1"])

    api2_log_size = len(net.log_text("api2"))
    figures = _check_burst(cluster, "killed API host", cluster.burst("api", 8, kill_api_host))
    assert figures["client_retries"] > 0, "the API host died after the burst, not during it"
    rebuilt = net.log_text("api2")[api2_log_size:].count("answer rebuilt from its committed effect")
    print(f"  answers rebuilt from a committed effect on the surviving API host: {rebuilt}")
    cluster.start_api("api1")

    # 3. Redis restarts mid-burst (no persistence: every queued job is gone); the sweepers find the work.
    def restart_redis():
        net.kill(cluster.redis, signal.SIGKILL)
        cluster.start_redis()

    _check_burst(cluster, "restarted Redis", cluster.burst("redis", 8, restart_redis))

    # Every event delivered, settled once; the rejoined worker took work again.
    def all_delivered():
        pending = cluster.sql("SELECT count(*) FROM webhook_logs WHERE status <> 'success'")[0][0]
        refunds = cluster.sql("SELECT count(*) FROM refunds WHERE status = 'pending'")[0][0]
        return pending == 0 and refunds == 0

    _wait(all_delivered, 90, "every webhook delivered and every refund processed", 1)
    # webhook-id is the event id (the delivery's own on rows made before events)
    logs = {row[0]: row[1] for row in cluster.sql("SELECT COALESCE(event_id, id), event FROM webhook_logs")}
    received = [json.loads(line) for line in cluster.receipts.read_text().splitlines() if line]
    received_ids = [r["webhook_id"] for r in received]
    settled = cluster.sql("SELECT payment_id, count(*) FROM webhook_logs WHERE event IN "
                          "('payment.success', 'payment.failed') GROUP BY payment_id")
    refunded = cluster.sql("SELECT payment_id, count(*), sum(amount) FROM refunds GROUP BY payment_id")
    figures = {"events": len(logs), "delivered": len(set(received_ids) & set(logs)),
               "deliveries": len(received_ids), "duplicate_deliveries": len(received_ids) - len(set(received_ids)),
               "payments_settled": len(settled), "settled_twice": sum(1 for _, n in settled if n != 1),
               "refunds": sum(n for _, n, _ in refunded), "refunded_twice": sum(1 for _, n, _ in refunded if n != 1)}
    print(f"\nall bursts ({'through PgBouncer' if cluster.pooled else 'direct to PostgreSQL'}): {figures}")
    assert figures["delivered"] == figures["events"] > 0, figures
    paid = cluster.sql("SELECT count(*) FROM payments")[0][0]
    succeeded = cluster.sql("SELECT count(*) FROM payments WHERE status = 'success'")[0][0]
    assert figures["payments_settled"] == paid == 3 * PAYMENTS, figures
    assert figures["settled_twice"] == 0 and figures["refunded_twice"] == 0, figures
    assert cluster.sql("SELECT count(*) FROM payments WHERE status = 'pending'")[0][0] == 0
    assert figures["refunds"] == succeeded, figures
    # At least once: a repeat is allowed only for a delivery whose attempt a cut could not record.
    assert figures["duplicate_deliveries"] <= CONCURRENCY, figures
    rejoined = net.log_text("w1")[w1_log_size:]
    assert "Executing tasks.jobs." in rejoined, "the worker host did not take work again after rejoining"
    assert all(p.poll() is None for p in cluster.workers.values())
