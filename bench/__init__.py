"""PayGate benchmarks (`make bench` = `python -m bench`): they print figures and never fail a build.

Every load targets 127.0.0.1 and every loop is bounded in count and time. The system under test is started
with the test harness (`harness.stack.Stores` / `Stack`) on PostgreSQL + Redis, the API
under granian (backend/serve.py).
"""

import os as _os

# Our own Redis database: harness/stack.py uses db 15 and flushes it, and a `make test` running beside the
# benchmark (other sessions share this machine) would flush our queue and its consumer would take our jobs.
_os.environ.setdefault("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
