"""The three job kinds of the architecture document, plus the worker's heartbeat and sweeper.

Every job is safe to run twice (ARCHITECTURE.md rule 3): the service it calls locks the row and does nothing if the
object has moved on. A job that raises is retried by Huey; one lost with a killed worker is found again by
the sweeper, which reads the database.
"""
from __future__ import annotations

import gc
import logging
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from flask import Flask
from huey import Huey

from backend import database
from backend.models import db
from backend.services import jobs as job_kinds
from backend.services import outages, payments, refunds, sweeper, webhooks
from backend.config import Config
from backend.processors import Processor
from tasks.delivery import FairPool
from tasks.queue import HueyQueue

# A child of "huey", so it shares the handler the consumer configures.
log = logging.getLogger("huey.paygate")

HEARTBEAT_EVERY = 1.0  # seconds; /health reads `stopped` once a beat is older than Config.heartbeat_ttl


class Jobs:
    """What the worker runs, over one runtime's configuration, processor, database and queue
    (backend/runtime.py builds it). The API holds one too (its queue enqueues these tasks by name) but
    never runs it."""

    def __init__(self, config: Config, processor: Processor, database_app: Callable[[], Flask]):
        self.config = config
        self.processor = processor
        self.queue: HueyQueue | None = None  # the queue the heartbeat is written to, once built
        self._database_app = database_app
        self._app: Flask | None = None  # the database's Flask app: an app context per job, no HTTP app
        self._app_lock = threading.Lock()
        self._executing = 0
        self._executing_lock = threading.Lock()
        # Deliveries wait on merchants' servers (up to the attempt's 10 s deadline). They run on a pool of
        # their own (tasks/delivery.py), so a slow receiver never holds a Huey thread, and each merchant
        # holds at most WEBHOOK_CONCURRENCY_PER_MERCHANT of its WEBHOOK_CONCURRENCY threads, each of its
        # endpoints at most WEBHOOK_CONCURRENCY_PER_ENDPOINT of those.
        self._delivery_pool: FairPool | None = None
        self._delivery_lock = threading.Lock()
        self._maintenance_started = False
        self._maintenance_lock = threading.Lock()

    # ---------- the tasks, registered by name on one Huey ----------

    def register(self, huey: Huey) -> dict[str, Any]:
        """The job kinds' Huey tasks. Named as they always were (`tasks.jobs.<kind>`), so jobs already
        queued by an older release still run."""
        settings = {"retries": 5, "retry_delay": 5}

        def process_payment(payment_id: str) -> str:
            return self.process_payment(payment_id)

        def process_refund(refund_id: str) -> str:
            return self.process_refund(refund_id)

        def deliver_webhook(log_id: str) -> None:
            self.deliver_webhook(log_id)

        huey.on_startup(name="paygate_maintenance")(self.start_maintenance)
        return {kind: huey.task(name=kind, **settings)(fn) for kind, fn in (
            (job_kinds.PROCESS_PAYMENT, process_payment),
            (job_kinds.PROCESS_REFUND, process_refund),
            (job_kinds.DELIVER_WEBHOOK, deliver_webhook))}

    def process_payment(self, payment_id: str) -> str:
        with self._job() as session:
            return payments.process_payment(session, self.processor, payment_id)

    def process_refund(self, refund_id: str) -> str:
        with self._job() as session:
            return refunds.process_refund(session, refund_id)

    def deliver_webhook(self, log_id: str) -> None:
        route = None
        with self._job() as session:
            route = webhooks.route_of(session, log_id)
        if route is not None and not self._deliveries().submit(route[0], log_id, route[1]):
            log.info("delivery lines full: webhook %s left to the sweeper", log_id)

    def _deliver(self, log_id: str) -> str | None:
        with self._job() as session:
            return webhooks.deliver(session, self.config, log_id)

    def _deliveries(self) -> FairPool:
        with self._delivery_lock:
            if self._delivery_pool is None:
                config = self.config
                self._delivery_pool = FairPool(config.webhook_concurrency, config.webhook_concurrency_per_merchant,
                                               self._deliver, per_line=config.webhook_concurrency_per_endpoint)
        return self._delivery_pool

    # ---------- the database, one app context per job ----------

    def app(self) -> Flask:
        with self._app_lock:
            if self._app is None:
                self._app = self._database_app()
        return self._app

    @contextmanager
    def _job(self) -> Iterator[Any]:
        """A fresh app context per job (contexts must not be shared between worker threads).

        A job that finds the database unreachable ends quietly: its object is still pending in the database,
        which the sweeper reads once it answers again. The outage is logged once, not a traceback per job."""
        with self._executing_lock:
            self._executing += 1
        try:
            with self.app().app_context():
                try:
                    yield db.session
                except database.UNAVAILABLE as exc:
                    outages.DATABASE.down(exc)
                finally:
                    try:
                        db.session.remove()
                    except database.UNAVAILABLE:
                        pass
        finally:
            with self._executing_lock:
                self._executing -= 1

    # ---------- heartbeat and sweeper ----------

    def sweep_once(self, step: Callable[[Any, Config], dict] = sweeper.sweep) -> dict | None:
        """One step of the sweeper thread; None when the database did not answer (logged by the outage)."""
        counts: dict | None = None
        with self._job() as session:
            counts = step(session, self.config)
        if counts and any(counts.values()):
            log.info("sweeper %s: %s", step.__name__, counts)
        return counts

    def _beat_if_database_answers(self) -> None:
        """A worker that cannot reach the database cannot work: then it does not beat, and reads `stopped`."""
        with self.app().app_context():
            alive = database.ping()
        if not alive:
            return
        try:
            assert self.queue is not None, "built by backend.runtime.build"
            self.queue.beat(self._executing)
        except Exception as exc:  # the queue store is down: /health says so too
            outages.QUEUE.down(exc)
        else:
            outages.QUEUE.up()

    def _heartbeat_loop(self, stop: threading.Event) -> None:
        # A thread of its own, so a long sweep never lets the heartbeat lapse (HEARTBEAT_EVERY < heartbeat_ttl).
        while not stop.is_set():
            try:
                self._beat_if_database_answers()
            except Exception:
                log.exception("heartbeat failed; trying again")
            stop.wait(HEARTBEAT_EVERY)

    def _sweeper_loop(self, stop: threading.Event) -> None:
        upkeep_due = 0.0  # at start: a fresh database gets its partitions ahead at once
        while not stop.is_set():
            try:
                self.sweep_once()  # an unreachable database ends it quietly (_job), logged once by the outage
                if time.monotonic() >= upkeep_due and self.sweep_once(sweeper.upkeep) is not None:
                    upkeep_due = time.monotonic() + self.config.upkeep_interval
            except Exception:
                log.exception("sweep failed; trying again next round")
            stop.wait(self.config.sweep_interval)

    def start_maintenance(self) -> None:
        """Runs in every worker thread at start; the first one loads the database, freezes what start-up
        built for the garbage collector (as backend/serving.py does for the API) and starts the heartbeat and
        sweeper threads."""
        with self._maintenance_lock:  # the other threads wait here, so no job runs before the freeze
            if self._maintenance_started:
                return
            self.app()
            gc.collect()
            gc.freeze()  # what start-up built lives as long as the process: keep it out of full collections
            self._maintenance_started = True
        stop = threading.Event()
        for name, loop in (("paygate-heartbeat", self._heartbeat_loop), ("paygate-sweeper", self._sweeper_loop)):
            threading.Thread(target=loop, args=(stop,), name=name, daemon=True).start()
