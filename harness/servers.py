"""Exit 0 when PostgreSQL and Redis answer on 127.0.0.1 (used by `make test` to decide the second half);
and servers of a test's own, to stop and start."""
from __future__ import annotations

import glob
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness.stack import PG_ADMIN_URL, REDIS_URL, free_port


# ---------- servers of a test's own, to stop and start (never the shared ones) ----------

class OwnRedis:
    """A redis-server on a free port. stop() shuts it down saving its data (stopped, not flushed);
    start() brings it back with that data."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="paygate-redis-"))
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None
        self.start()

    def start(self) -> None:
        import redis

        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
             "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port, socket_connect_timeout=1).ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("own redis-server did not start")

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "save"], capture_output=True, timeout=10)
        self.proc.wait(10)

    def close(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


class OwnPostgres:
    """A throwaway PostgreSQL cluster (initdb in a temp dir, fsync off, a free port) to stop and start."""

    def __init__(self):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        self.bin = str(Path(found[-1]).parent) if found else "/usr/lib/postgresql/15/bin"
        self.dir = Path(tempfile.mkdtemp(prefix="paygate-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.admin_url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        shutil.chown(self.dir, "postgres")
        self._as_postgres(f"{self.bin}/initdb -D {self.data} -A trust -U postgres --no-sync")
        self.start()

    def _as_postgres(self, command: str) -> None:
        subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", command], check=True, capture_output=True,
                       timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(f"{self.bin}/pg_ctl -D {self.data} -o '{options}' -l {self.dir}/log -w start")

    def stop(self) -> None:
        self._as_postgres(f"{self.bin}/pg_ctl -D {self.data} -m fast -w stop")

    def close(self) -> None:
        subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c",
                        f"{self.bin}/pg_ctl -D {self.data} -m immediate -w stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


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
