"""`make test` runs every part at the same time; `python -m tests.run PART [pytest args]` runs one part alone
(`make test-embedded`, `test-clients`, `test-browser`, `test-postgres`, `test-pgbouncer`). Each part is a
few pytest processes (its groups, PARTS below) run at once; their output is printed when they end.

The parts (each skipped with a message when its servers or tools are missing):
- embedded: the API and worker suites on SQLite + Huey SQLite;
- clients: the unit tests, the SDK and CLI, the dashboard's pages (STORE_FREE), on their own embedded stores;
- browser: the Playwright tests, on their own embedded stores;
- postgres: the API and worker suites on PostgreSQL + Redis, but for the tests the pgbouncer part runs;
- pgbouncer: the API and worker tests whose outcome a pooler in transaction mode could change
  (THROUGH_POOLER), tests/pgbouncer, tests/multihost, and the SDK's and CLI's live tests on PostgreSQL.
Every API and worker test thus runs on both backends: on PostgreSQL once, directly or through the pooler.

They share nothing (own databases, queue names, ports and namespaces), so they run concurrently: most of
their time is spent waiting on processing delays, retry intervals and expiries. A whole run takes about
700 CPU-seconds of the machine (Chromium's page loads about 210, the stacks' API and worker processes
about 195, mostly their start-up), and on two cores about 390 s, set by the longest groups.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

from harness.servers import main as servers_answer
from harness.stack import PG_ADMIN_URL, TEMPLATES_ENV, make_templates, pgbouncer_binary

ROOT = Path(__file__).resolve().parent.parent

# Through PgBouncer: the tests whose outcome a pooler in transaction mode can change, which hands each
# transaction to any server connection, drops start-up options and keeps no session state between
# transactions (its server's zone here is UTC+14, harness/stack.py):
# - transactions, row and advisory locks, concurrency: idempotency keys (advisory transaction locks, claims,
#   the crash of an API process mid-request), racing refunds and jobs, running totals under concurrent
#   traffic, the sweepers' SKIP LOCKED claims and the lost-queue recoveries, webhook deliveries' claims and
#   their concurrent pools, the retention's partition maintenance (SET LOCAL, an advisory lock);
# - the session's time zone: daily series, date filters, totals folded by day, partitions by date;
# - DDL and bulk writes through the pool: the migrations (test_*_migration), the bulk loader;
# - the database going away behind the pooler (tests/api/test_outages.py);
# - prepared statements (tests/pgbouncer), several hosts (tests/multihost), and the SDK and the CLI against a
#   live stack, which walk the everyday flows (orders, payments, refunds, events, webhooks, `listen`) end
#   to end through the pool.
# Left to the direct PostgreSQL part, on the same server, are the tests whose outcome does not hang on
# which server connection runs a transaction nor on session state, each transaction there being a request's
# own: bad input, the HTTP server's edge cases, the OpenAPI document and its fuzzing, the rate limits (their
# counters live in Redis), the sandbox's answers, secrets and session tokens, the system endpoints, the
# events API (the CLI's events tests walk it through the pool), card data, the worker's outages of stores
# of its own, the killed-worker recoveries (what they need of the database, the sweeper's claim of overdue
# rows, runs here in test_sweeper and test_sandbox_flows), the retry schedule (a minute of retry
# intervals) and the processor's drawn delays.
# The SDK's and CLI's live tests (LIVE_CLIENTS) run there only; their pure parts (models, packaging, typing,
# signature checks) run once, in the clients part.
LIVE_CLIENTS = tuple(f"tests/clients/test_{name}.py" for name in ("sdk", "sdk_events", "listen", "retries", "async", "cli"))
THROUGH_POOLER = tuple(f"tests/{name}.py" for name in (
    "api/test_idempotency", "api/test_idempotency_crash", "api/test_orders_payments", "api/test_paging",
    "api/test_stats_days", "api/test_retention", "api/test_loader", "api/test_outages",
    "api/test_partitioning_migration", "api/test_secrets_migration",
    "worker/test_locking", "worker/test_refunds", "worker/test_totals", "worker/test_sweeper",
    "worker/test_sandbox_flows", "worker/test_processing", "worker/test_webhooks", "worker/test_endpoints"))
POOLER_DESELECT = ("--deselect", "tests/worker/test_webhooks.py::test_retry_schedule_permanent_failure_and_manual_retry",
                   "--deselect", "tests/worker/test_processing.py::test_real_delays_and_rates_without_test_mode")

# The store-independent suites run on the embedded stores only: the unit tests touch no store, and the
# SDK, the CLI (tests/clients) and the dashboard's pages (tests/ui_dashboard) are clients of the HTTP API,
# whose behaviour on each store tests/api and tests/worker prove on every backend.
STORE_FREE = ("tests/unit", "tests/clients", "tests/ui_dashboard")

# Each part runs as a few pytest processes at once (its groups), so that one group's waits (retry
# intervals, expiries, stacks killed and restarted) overlap another's work: one
# process adds them up. Each group starts a session stack of its own, so there are few. All groups but the
# last name files; the last runs the rest of the part (`--ignore` of those), so that a new file runs.
# OWN_STACKS: the API and worker files that start stacks or stores of their own, or kill processes.
OWN_STACKS = ("tests/api/test_secrets_migration.py", "tests/api/test_partitioning_migration.py", "tests/api/test_openapi.py",
              "tests/worker/test_crash_recovery.py", "tests/api/test_idempotency_crash.py", "tests/api/test_rate_limits.py",
              "tests/worker/test_outages.py")
STORE_SUITES, STORE_MARKS = ("tests/api", "tests/worker"), ("-m", "not browser and not multihost")


def _split(roots: tuple[str, ...], marks: tuple[str, ...], *firsts: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    ignored = tuple(arg for first in firsts for path in first for arg in ("--ignore", path))
    return (*((*first, *marks) for first in firsts), (*roots, *ignored, *marks))


BROWSER_FIRST = (("tests/e2e/test_sandbox_checkout.py",),
                 ("tests/e2e/test_dashboard.py", "tests/e2e/test_sessions.py", "tests/e2e/test_dashboard_limits.py",
                  "tests/e2e/test_dashboard_at_scale.py", "tests/e2e/test_dashboard_webhooks.py"))
CLIENTS_FIRST = (("tests/clients/test_typing.py", "tests/clients/test_packaging.py"),)

# The postgres part runs what the pgbouncer part does not: every API and worker test runs on PostgreSQL
# once, directly or through the pooler, and the two tests a pooler cannot host (POOLER_DESELECT) directly.
DIRECT_ONLY = tuple(node for flag, node in zip(POOLER_DESELECT[::2], POOLER_DESELECT[1::2]) if flag == "--deselect")
POSTGRES_FIRST = (*(path for path in OWN_STACKS[::-1] if path not in THROUGH_POOLER), *DIRECT_ONLY)
POSTGRES_REST = (*STORE_SUITES, *(arg for path in (*THROUGH_POOLER, *POSTGRES_FIRST[:-len(DIRECT_ONLY)])
                                  for arg in ("--ignore", path)), *STORE_MARKS)

# part -> (backend, groups of pytest arguments)
PARTS: dict[str, tuple[str, tuple[tuple[str, ...], ...]]] = {
    # OWN_STACKS in two groups: each of their files starts and kills stacks one after another.
    "embedded": ("embedded", _split(STORE_SUITES, STORE_MARKS, OWN_STACKS[:3], OWN_STACKS[3:])),
    "clients": ("embedded", _split(STORE_FREE, ("-m", "not browser", *(a for p in LIVE_CLIENTS for a in ("--ignore", p))),
                                   *CLIENTS_FIRST)),
    "browser": ("embedded", _split(("tests/e2e",), ("-m", "browser"), *BROWSER_FIRST)),
    # OWN_STACKS the other way round: the schemathesis minute (time-bound, CPU-hungry) does not fall into
    # the first minute, when every group starts its stacks at once.
    "postgres": ("postgres", ((*POSTGRES_FIRST, *STORE_MARKS), POSTGRES_REST)),
    "pgbouncer": ("pgbouncer", ((*THROUGH_POOLER, *POOLER_DESELECT, "-m", "not browser"),
                                ("tests/pgbouncer", "tests/multihost", *LIVE_CLIENTS, "-m", "not browser"))),
}


def pytest_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", *args]


def _env(part: str, templates: dict[str, str]) -> dict[str, str]:
    return {**os.environ, "PAYGATE_TEST_BACKEND": PARTS[part][0], TEMPLATES_ENV: json.dumps(templates)}


def _templates(parts: list[str]) -> dict[str, str]:
    """The migrated templates the parts copy their databases from, made once here instead of once in each
    of their pytest processes (a migration costs about 1.5 CPU-s); dropped when this process exits."""
    servers = {None if PARTS[part][0] == "embedded" else PG_ADMIN_URL for part in parts}
    return make_templates(*servers)


def _unavailable(part: str) -> str | None:
    """Why the part cannot run here, or None."""
    if PARTS[part][0] != "embedded" and servers_answer() != 0:
        return "PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) does not answer; start them to run it"
    if part == "pgbouncer" and pgbouncer_binary() is None:
        return "pgbouncer is not installed (Debian: apt-get install pgbouncer)"
    return None


def _start(part: str, extra: list[str], templates: dict[str, str]) -> list[tuple[subprocess.Popen, IO[bytes]]]:
    """The part's groups, started at once, each into a file without a name: a clean-up of /tmp by anyone
    else on a shared machine cannot take it away."""
    started = []
    for args in PARTS[part][1]:
        log = tempfile.TemporaryFile()
        proc = subprocess.Popen(pytest_cmd(*args, *extra), cwd=ROOT, env=_env(part, templates), stdout=log,
                                stderr=subprocess.STDOUT)
        started.append((proc, log))
    return started


def _finish(part: str, started: list[tuple[subprocess.Popen, IO[bytes]]]) -> int:
    """Wait for the part's groups, print their output; 0 when all passed. A group that selects nothing
    (exit 5, e.g. `-k` naming tests of another group) fails the part only if every group does."""
    codes = []
    for number, (proc, log) in enumerate(started, 1):
        codes.append(proc.wait())
        print(f"\n=== tests: the {part} part, group {number} of {len(started)}: exit {codes[-1]} ===", flush=True)
        log.seek(0)
        sys.stdout.write(log.read().decode(errors="replace"))
        sys.stdout.flush()
        log.close()
    ran = [code for code in codes if code != 5]
    return (max(ran) if ran else 5) if codes else 0


def one_part(part: str, extra: list[str]) -> int:
    why = _unavailable(part)
    if why:
        print(f"SKIPPED: the {part} part: {why}")
        return 0
    print(f"=== tests: the {part} part ({len(PARTS[part][1])} groups at once; their output follows) ===", flush=True)
    return _finish(part, _start(part, extra, _templates([part])))


def main(argv: list[str]) -> int:
    if argv[1:2] and argv[1] in PARTS:
        return one_part(argv[1], argv[2:])
    start = time.monotonic()
    extra = argv[1:]
    running: dict[str, list[tuple[subprocess.Popen, IO[bytes]]]] = {}
    available = []
    for part in PARTS:
        why = _unavailable(part)
        if why:
            print(f"SKIPPED: the {part} part: {why}")
        else:
            available.append(part)
    templates = _templates(available)
    for part in available:
        running[part] = _start(part, extra, templates)
    print(f"=== the {', '.join(running)} parts run at once (their output follows, part by part) ===", flush=True)
    results = {part: _finish(part, started) for part, started in running.items()}
    print(f"\n=== make test: {', '.join(f'{k} exit {v}' for k, v in results.items())} "
          f"in {time.monotonic() - start:.0f} s ===")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
