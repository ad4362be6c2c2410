"""Huey as PayGate's job queue: Redis when REDIS_URL is set, Huey's SQLite storage otherwise."""
from __future__ import annotations

import time
from pathlib import Path

from huey import Huey, RedisHuey, SqliteHuey

from backend.config import Config
from backend.services.jobs import Job

HEARTBEAT_KEY = "paygate:worker-heartbeat"


def make_huey(config: Config) -> Huey:
    if config.redis_url:
        return RedisHuey(config.queue_name, url=config.redis_url, blocking=True)
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
