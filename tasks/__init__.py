"""The worker: `huey_consumer tasks.huey`. Each job is a thin call into backend.services."""
from __future__ import annotations

from backend.config import get_config
from backend.services import jobs as _jobs
from tasks.queue import HueyQueue, make_huey

huey = make_huey(get_config())

from tasks import jobs  # noqa: E402  (registers the tasks on `huey`)

queue = HueyQueue(huey, jobs.TASKS)
_jobs.install(queue)
