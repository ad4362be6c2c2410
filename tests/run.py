"""`make test`: the whole suite on the embedded default (its browser tests in a process of their own) and, at
the same time, the API, worker, unit, client and dashboard-page suites on PostgreSQL + Redis, and the API, worker and PgBouncer suites plus the multi-host
test through a PgBouncer in transaction pooling mode (each skipped with a message when its servers or
tools are missing).

The halves share nothing (own databases, queue names, ports and namespaces), so they run concurrently:
most of their time is spent waiting on processing delays and retry intervals, not on the CPU.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness.servers import main as servers_answer
from harness.stack import pgbouncer_binary

ROOT = Path(__file__).resolve().parent.parent

# Through PgBouncer: everything that talks to the database, minus the retry-schedule test, which waits
# about a minute on retry intervals and exercises nothing a pooler could change.
PGBOUNCER_ARGS = ("tests/api", "tests/worker", "tests/pgbouncer", "tests/multihost", "-m", "not browser",
                  "--deselect",
                  "tests/worker/test_webhooks.py::test_retry_schedule_permanent_failure_and_manual_retry")


def pytest_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", *args]


def _background(name: str, backend: str, args: list[str]) -> tuple[subprocess.Popen, Path]:
    log = tempfile.NamedTemporaryFile(prefix=f"paygate-test-{name}-", suffix=".log", delete=False)
    env = {**os.environ, "PAYGATE_TEST_BACKEND": backend}
    proc = subprocess.Popen(pytest_cmd(*args), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return proc, Path(log.name)


def pgbouncer_only(extra: list[str]) -> int:
    """`make test-pgbouncer`: that part alone, in the foreground."""
    if pgbouncer_binary() is None:
        print("SKIPPED: pgbouncer is not installed (Debian: apt-get install pgbouncer)")
        return 0
    env = {**os.environ, "PAYGATE_TEST_BACKEND": "pgbouncer"}
    return subprocess.call(pytest_cmd(*PGBOUNCER_ARGS, *extra), cwd=ROOT, env=env)


def main(argv: list[str]) -> int:
    if argv[1:2] == ["pgbouncer"]:
        return pgbouncer_only(argv[2:])
    start = time.monotonic()
    extra = argv[1:]
    halves: dict[str, tuple[subprocess.Popen, Path]] = {}
    if servers_answer() == 0:
        halves["PostgreSQL + Redis"] = _background("postgres", "postgres",
                                                   ["-m", "not browser and not multihost", *extra])
        if pgbouncer_binary():
            halves["PgBouncer (transaction pooling) + Redis"] = _background("pgbouncer", "pgbouncer",
                                                                            [*PGBOUNCER_ARGS, *extra])
        else:
            print("SKIPPED: pgbouncer is not installed (Debian: apt-get install pgbouncer); "
                  "the PgBouncer half does not run")
        print(f"=== {' and '.join(halves)} started in the background (their output follows the embedded half) ===")
    else:
        print("SKIPPED: PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) does not answer; "
              "start them to run the PostgreSQL + Redis and PgBouncer halves")
    # The browser tests spend their time waiting on pages, timers and processing delays, not on the CPU:
    # they run beside the rest of the embedded suite, on stores of their own.
    halves["embedded, browser tests"] = _background("browser", "embedded", ["-m", "browser", *extra])
    print("=== tests on the embedded default (SQLite + Huey SQLite), browser tests in the background ===",
          flush=True)
    embedded = subprocess.call(pytest_cmd("-m", "not browser and not multihost", *extra), cwd=ROOT,
                               env={**os.environ, "PAYGATE_TEST_BACKEND": "embedded"})
    results = {"embedded": embedded}
    for name, (proc, log) in halves.items():
        results[name] = proc.wait()
        print(f"\n=== tests on {name} ===", flush=True)
        sys.stdout.write(log.read_text(errors="replace"))
        os.unlink(log)
    print(f"\n=== make test: {', '.join(f'{k} exit {v}' for k, v in results.items())} "
          f"in {time.monotonic() - start:.0f} s ===")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
