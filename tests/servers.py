"""Exit 0 when PostgreSQL and Redis answer on 127.0.0.1 (used by `make test` to decide the second half)."""
from __future__ import annotations

import sys

from tests.stack import PG_ADMIN_URL, REDIS_URL


def main() -> int:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:
        print(f"not available: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
