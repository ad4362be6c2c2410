"""Huey as PayGate's job queue: Redis when REDIS_URL is set, Huey's SQLite storage otherwise."""
from __future__ import annotations

import time
from pathlib import Path

import redis
from huey import Huey, RedisHuey, SqliteHuey

from backend.config import Config
from backend.services.jobs import Job

HEARTBEAT_KEY = "paygate:worker-heartbeat"
# A Redis that is down or hung must fail an enqueue fast: the API answers 201 and the sweeper sends the job
# later. The socket timeout stays above the consumer's 1 s blocking pop (huey's read_timeout).
REDIS_CONNECT_TIMEOUT = 1.0
REDIS_SOCKET_TIMEOUT = 3.0


def make_huey(config: Config) -> Huey:
    if config.redis_url:
        pool = redis.ConnectionPool.from_url(config.redis_url, socket_connect_timeout=REDIS_CONNECT_TIMEOUT,
                                             socket_timeout=REDIS_SOCKET_TIMEOUT)
        return RedisHuey(config.queue_name, connection_pool=pool, blocking=True)
    Path(config.huey_sqlite_path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(config.queue_name, filename=config.huey_sqlite_path, timeout=30)


class HueyQueue:
    def __init__(self, huey: Huey, tasks_by_kind: dict):
        self.huey = huey
        self.tasks_by_kind = tasks_by_kind

    def enqueue(self, job: Job) -> None:
        task = self.tasks_by_kind[job.kind]
        if job.eta is None:
            task(job.object_id)
        else:
            task.schedule(args=(job.object_id,), eta=job.eta)

    def ping(self) -> bool:
        storage = self.huey.storage
        if hasattr(storage, "conn") and hasattr(storage.conn, "ping"):
            return bool(storage.conn.ping())
        storage.queue_size()  # SQLite: a real query against the queue file
        return True

    def heartbeat(self) -> dict | None:
        return self.huey.get(HEARTBEAT_KEY, peek=True)

    def beat(self, executing: int) -> None:
        self.huey.put(HEARTBEAT_KEY, {"at": time.time(), "executing": executing})
