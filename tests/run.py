"""`make test`: the whole suite on the embedded default and, at the same time, the API, worker, unit and
dashboard-page suites on PostgreSQL + Redis (skipped with a message when those servers do not answer).

The two halves share nothing (own databases, queue names and ports), so they run concurrently: most of
their time is spent waiting on processing delays and retry intervals, not on the CPU.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.servers import main as servers_answer

ROOT = Path(__file__).resolve().parent.parent


def pytest_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", *args]


def main(argv: list[str]) -> int:
    start = time.monotonic()
    extra = argv[1:]
    postgres = None
    log = None
    if servers_answer() == 0:
        log = tempfile.NamedTemporaryFile(prefix="paygate-test-postgres-", suffix=".log", delete=False)
        env = {**os.environ, "PAYGATE_TEST_BACKEND": "postgres"}
        postgres = subprocess.Popen(pytest_cmd("-m", "not browser", *extra), cwd=ROOT, env=env, stdout=log,
                                    stderr=subprocess.STDOUT)
        print("=== PostgreSQL + Redis half started in the background (its output follows the embedded half) ===")
    else:
        print("SKIPPED: PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) does not answer; "
              "start them to run the PostgreSQL + Redis half")
    print("=== tests on the embedded default (SQLite + Huey SQLite) ===", flush=True)
    embedded = subprocess.call(pytest_cmd(*extra), cwd=ROOT, env={**os.environ, "PAYGATE_TEST_BACKEND": "embedded"})
    results = {"embedded": embedded}
    if postgres is not None:
        results["postgres"] = postgres.wait()
        print("\n=== tests on PostgreSQL + Redis ===", flush=True)
        sys.stdout.write(Path(log.name).read_text(errors="replace"))
        os.unlink(log.name)
    print(f"\n=== make test: {', '.join(f'{k} exit {v}' for k, v in results.items())} "
          f"in {time.monotonic() - start:.0f} s ===")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
