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
from typing import Iterator

from backend.services import jobs as job_kinds
from backend.services import outages

from tasks import huey
from tasks.delivery import FairPool

# A child of "huey", so it shares the handler the consumer configures.
log = logging.getLogger("huey.paygate")

_app = None
_app_lock = threading.Lock()
_executing = 0
_executing_lock = threading.Lock()


def flask_app():
    global _app
    with _app_lock:
        if _app is None:
            from backend import create_app

            _app = create_app(seed=False, configure_logging=False)
    return _app


@contextmanager
def _job() -> Iterator[None]:
    """A fresh app context per job (contexts must not be shared between worker threads).

    A job that finds the database unreachable ends quietly: its object is still pending in the database,
    which the sweeper reads once it answers again. The outage is logged once, not a traceback per job."""
    from backend import database

    global _executing
    with _executing_lock:
        _executing += 1
    try:
        app = flask_app()
        with app.app_context():
            from backend.models import db

            try:
                yield
            except database.UNAVAILABLE as exc:
                outages.DATABASE.down(exc)
            finally:
                try:
                    db.session.remove()
                except database.UNAVAILABLE:
                    pass
    finally:
        with _executing_lock:
            _executing -= 1


def _deps():
    app = flask_app()
    from backend.models import db

    return db.session, app.extensions["paygate.config"], app.extensions["paygate.processor"]


@huey.task(retries=5, retry_delay=5)
def process_payment(payment_id: str) -> str:
    with _job():
        from backend.services import payments

        session, _config, processor = _deps()
        return payments.process_payment(session, processor, payment_id)


@huey.task(retries=5, retry_delay=5)
def process_refund(refund_id: str) -> str:
    with _job():
        from backend.services import refunds

        session, _config, _processor = _deps()
        return refunds.process_refund(session, refund_id)


# Deliveries wait on merchants' servers (up to the attempt's 10 s deadline). They run on a pool of their
# own (tasks/delivery.py), so a slow receiver never holds a Huey thread, and each merchant holds at most
# WEBHOOK_CONCURRENCY_PER_MERCHANT of its WEBHOOK_CONCURRENCY threads.
_delivery_pool: FairPool | None = None
_delivery_lock = threading.Lock()


def _deliveries() -> FairPool:
    global _delivery_pool
    with _delivery_lock:
        if _delivery_pool is None:
            config = flask_app().extensions["paygate.config"]
            _delivery_pool = FairPool(config.webhook_concurrency, config.webhook_concurrency_per_merchant, _deliver)
    return _delivery_pool


def _deliver(log_id: str) -> str | None:
    from backend.services import webhooks

    with _job():
        session, config, _processor = _deps()
        return webhooks.deliver(session, config, log_id)


@huey.task(retries=5, retry_delay=5)
def deliver_webhook(log_id: str) -> None:
    from backend.services import webhooks

    merchant_id = None
    with _job():
        session, _config, _processor = _deps()
        merchant_id = webhooks.merchant_of(session, log_id)
    if merchant_id is not None and not _deliveries().submit(merchant_id, log_id):
        log.info("delivery lines full: webhook %s left to the sweeper", log_id)


TASKS = {
    job_kinds.PROCESS_PAYMENT: process_payment,
    job_kinds.PROCESS_REFUND: process_refund,
    job_kinds.DELIVER_WEBHOOK: deliver_webhook,
}


# ---------- heartbeat and sweeper ----------

HEARTBEAT_EVERY = 1.0  # seconds; /health reads `stopped` once a beat is older than Config.heartbeat_ttl
_maintenance_started = False
_maintenance_lock = threading.Lock()


def sweep_once() -> dict:
    from backend.services import sweeper

    counts: dict = {}
    with _job():
        session, config, _processor = _deps()
        counts = sweeper.sweep(session, config)
    if any(counts.values()):
        log.info("sweeper: %s", counts)
    return counts


def _beat_if_database_answers(queue) -> None:
    """A worker that cannot reach the database cannot work: then it does not beat, and reads `stopped`."""
    from backend import database

    with flask_app().app_context():
        alive = database.ping()
    if not alive:
        return
    try:
        queue.beat(_executing)
    except Exception as exc:  # the queue store is down: /health says so too
        outages.QUEUE.down(exc)
    else:
        outages.QUEUE.up()


def _heartbeat_loop(stop: threading.Event) -> None:
    # A thread of its own, so a long sweep never lets the heartbeat lapse (HEARTBEAT_EVERY < heartbeat_ttl).
    from tasks import queue

    while not stop.is_set():
        try:
            _beat_if_database_answers(queue)
        except Exception:
            log.exception("heartbeat failed; trying again")
        stop.wait(HEARTBEAT_EVERY)


def _sweeper_loop(stop: threading.Event) -> None:
    config = flask_app().extensions["paygate.config"]
    while not stop.is_set():
        try:
            sweep_once()  # an unreachable database ends it quietly (_job), logged once by the outage
        except Exception:
            log.exception("sweep failed; trying again next round")
        stop.wait(config.sweep_interval)


@huey.on_startup()
def start_maintenance() -> None:
    """Runs in every worker thread at start; the first one loads the app, freezes it for the garbage
    collector (as backend/serving.py does for the API) and starts the heartbeat and sweeper threads."""
    global _maintenance_started
    with _maintenance_lock:  # the other threads wait here, so no job runs before the freeze
        if _maintenance_started:
            return
        flask_app()
        gc.collect()
        gc.freeze()  # what start-up built lives as long as the process: keep it out of full collections
        _maintenance_started = True
    stop = threading.Event()
    for name, loop in (("paygate-heartbeat", _heartbeat_loop), ("paygate-sweeper", _sweeper_loop)):
        threading.Thread(target=loop, args=(stop,), name=name, daemon=True).start()
