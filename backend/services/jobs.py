"""Jobs are enqueued only after the transaction that made them necessary has committed (ARCHITECTURE.md rule 1).

Services call `defer(session, kind, id, eta)`; a session hook hands the jobs to the session's queue (put
there by whoever set up the session's app: `Runtime.init_database`) after COMMIT and drops them on ROLLBACK. If the queue is down, the row still says what is owed and the
sweeper re-enqueues it, so a failed enqueue only delays work.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

from backend.services import outages

log = logging.getLogger(__name__)

PROCESS_PAYMENT = "process_payment"
PROCESS_REFUND = "process_refund"
DELIVER_WEBHOOK = "deliver_webhook"
KINDS = (PROCESS_PAYMENT, PROCESS_REFUND, DELIVER_WEBHOOK)


@dataclass(frozen=True)
class Job:
    kind: str
    object_id: str
    eta: datetime | None = None


class JobQueue(Protocol):
    def enqueue(self, job: Job) -> None: ...

    def ping(self) -> bool:
        """Whether the queue's store answers."""

    def heartbeat(self) -> dict | None:
        """The newest worker heartbeat: {"at": unix seconds, "executing": n}, or None."""


_KEY = "paygate.jobs"
QUEUE = "paygate.queue"  # the session.info entry naming the queue its jobs go to


def bind(info: dict, queue: JobQueue | None) -> None:
    """Name the queue in a session's `info`, or in what every session of an app starts with."""
    info[QUEUE] = queue


def queue_of(session: Session) -> JobQueue | None:
    return session.info.get(QUEUE)


def defer(session: Session, kind: str, object_id: str, eta: datetime | None = None) -> None:
    assert kind in KINDS, kind
    session.info.setdefault(_KEY, []).append(Job(kind, object_id, eta))


def reschedule_if_early(session: Session, kind: str, object_id: str, due: datetime | None,
                        now: datetime, tolerance: timedelta = timedelta(milliseconds=50)) -> bool:
    """A job that arrived before its object is due (the sweeper, a duplicate) puts itself back for then."""
    if due is None or due - tolerance <= now:
        return False
    session.rollback()
    enqueue_now(queue_of(session), [Job(kind, object_id, due)])
    return True


def enqueue_now(queue: JobQueue | None, jobs: list[Job]) -> None:
    if queue is None:
        log.warning("no job queue installed; %d job(s) left to the sweeper", len(jobs))
        return
    for n, job in enumerate(jobs):
        try:
            queue.enqueue(job)
        except Exception as exc:  # the sweeper finds the work in the database
            outages.QUEUE.down(exc)
            # The rest would wait on the same dead store: the request answers now, the sweeper sends them.
            log.debug("queue down: %d job(s) left to the sweeper", len(jobs) - n)
            return
        outages.QUEUE.up()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    jobs = session.info.pop(_KEY, None)
    if jobs:
        enqueue_now(queue_of(session), jobs)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_KEY, None)
