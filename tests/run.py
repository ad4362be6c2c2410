"""`make test` runs every part at the same time; `python -m tests.run PART [pytest args]` runs one part alone,
in the foreground (`make test-embedded`, `test-clients`, `test-browser`, `test-postgres`, `test-pgbouncer`).

The parts (each skipped with a message when its servers or tools are missing):
- embedded: the API and worker suites on SQLite + Huey SQLite;
- clients: the unit tests, the SDK and CLI, the dashboard's pages (STORE_FREE), on their own embedded stores;
- browser: the Playwright tests, on their own embedded stores;
- postgres: the API and worker suites on PostgreSQL + Redis;
- pgbouncer: what a pooler in transaction mode could change (PGBOUNCER_ARGS), tests/multihost, and the
  SDK's and CLI's live tests on PostgreSQL.

They share nothing (own databases, queue names, ports and namespaces), so they run concurrently: most of
their time is spent waiting on processing delays and retry intervals, not on the CPU.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

from harness.servers import main as servers_answer
from harness.stack import pgbouncer_binary

ROOT = Path(__file__).resolve().parent.parent

# Through PgBouncer: what talks to the database through the pool, and the multi-host test. Left to the
# direct PostgreSQL part, on the same server, are the tests whose outcome no pooler can change: the OpenAPI
# document and its fuzzing (test_openapi: schemathesis, about 90 s, against a stack of its own), the rate
# limits (their counters live in Redis), the killed-worker and lost-queue recoveries (test_crash_recovery:
# five stacks of their own; what they need of the database, the sweeper's claim of overdue rows, runs
# here in test_sweeper and in test_sandbox_flows' lost-queue case), the retry schedule (a minute of retry
# intervals), the processor's drawn delays and rates, and the metrics token (HTTP only).
# The SDK and the CLI against a live stack also run here, so that they meet PostgreSQL (behind the pool, as
# in production) as well as the embedded stores; their pure parts (models, packaging, typing, signature
# checks) run once, in the clients part.
LIVE_CLIENTS = tuple(f"tests/clients/test_{name}.py" for name in ("sdk", "sdk_events", "listen", "retries", "async", "cli"))
PGBOUNCER_ARGS = ("tests/api", "tests/worker", "tests/pgbouncer", "tests/multihost", *LIVE_CLIENTS, "-m", "not browser",
                  "--ignore", "tests/api/test_openapi.py",
                  "--ignore", "tests/api/test_rate_limits.py",
                  "--ignore", "tests/worker/test_crash_recovery.py",
                  "--deselect", "tests/worker/test_webhooks.py::test_retry_schedule_permanent_failure_and_manual_retry",
                  "--deselect", "tests/worker/test_processing.py::test_real_delays_and_rates_without_test_mode",
                  "--deselect", "tests/api/test_live_http.py::test_metrics_token")

# The store-independent suites run on the embedded stores only: the unit tests touch no store, and the
# SDK, the CLI (tests/clients) and the dashboard's pages (tests/ui_dashboard) are clients of the HTTP API,
# whose behaviour on each store tests/api and tests/worker prove on every backend.
STORE_FREE = ("tests/unit", "tests/clients", "tests/ui_dashboard")

PARTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "embedded": ("embedded", ("tests/api", "tests/worker", "-m", "not browser and not multihost")),
    "clients": ("embedded", (*STORE_FREE, "-m", "not browser")),
    "browser": ("embedded", ("-m", "browser")),
    "postgres": ("postgres", ("tests/api", "tests/worker", "-m", "not browser and not multihost")),
    "pgbouncer": ("pgbouncer", PGBOUNCER_ARGS),
}


def pytest_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", *args]


def _env(part: str) -> dict[str, str]:
    return {**os.environ, "PAYGATE_TEST_BACKEND": PARTS[part][0]}


def _unavailable(part: str) -> str | None:
    """Why the part cannot run here, or None."""
    if PARTS[part][0] != "embedded" and servers_answer() != 0:
        return "PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) does not answer; start them to run it"
    if part == "pgbouncer" and pgbouncer_binary() is None:
        return "pgbouncer is not installed (Debian: apt-get install pgbouncer)"
    return None


def one_part(part: str, extra: list[str]) -> int:
    why = _unavailable(part)
    if why:
        print(f"SKIPPED: the {part} part: {why}")
        return 0
    print(f"=== tests: the {part} part ===", flush=True)
    return subprocess.call(pytest_cmd(*PARTS[part][1], *extra), cwd=ROOT, env=_env(part))


def _background(part: str, extra: list[str]) -> tuple[subprocess.Popen, IO[bytes]]:
    # A file without a name: a clean-up of /tmp by anyone else on a shared machine cannot take it away.
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(pytest_cmd(*PARTS[part][1], *extra), cwd=ROOT, env=_env(part), stdout=log,
                            stderr=subprocess.STDOUT)
    return proc, log


def main(argv: list[str]) -> int:
    if argv[1:2] and argv[1] in PARTS:
        return one_part(argv[1], argv[2:])
    start = time.monotonic()
    extra = argv[1:]
    background: dict[str, tuple[subprocess.Popen, IO[bytes]]] = {}
    for part in ("postgres", "pgbouncer", "browser", "clients"):
        why = _unavailable(part)
        if why:
            print(f"SKIPPED: the {part} part: {why}")
        else:
            background[part] = _background(part, extra)
    print(f"=== the {', '.join(background)} parts run in the background (their output follows); "
          "the embedded part: ===", flush=True)
    results = {"embedded": subprocess.call(pytest_cmd(*PARTS["embedded"][1], *extra), cwd=ROOT,
                                           env=_env("embedded"))}
    for part, (proc, log) in background.items():
        results[part] = proc.wait()
        print(f"\n=== tests: the {part} part ===", flush=True)
        log.seek(0)
        sys.stdout.write(log.read().decode(errors="replace"))
        log.close()
    print(f"\n=== make test: {', '.join(f'{k} exit {v}' for k, v in results.items())} "
          f"in {time.monotonic() - start:.0f} s ===")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
