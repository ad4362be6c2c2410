"""Prometheus metrics, computed from the database (the source of truth) at scrape time.

Counting in the database, not in process memory, keeps the figures right whatever the number of API
and worker processes, and after restarts; each scrape runs a few grouped counts over indexed columns.
"""
from __future__ import annotations

from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.config import Config
from backend.domain.status import JobState
from backend.models import Payment, Refund, WebhookDelivery
from backend.services import system


class GatewayCollector:
    """A prometheus_client collector (it needs only `collect`). prometheus_client is imported at the first
    scrape, not by every API process at start."""

    def __init__(self, session_factory, config: Config):
        self.session_factory = session_factory
        self.config = config

    def collect(self) -> Iterator:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        session: Session = self.session_factory()
        try:
            payments = GaugeMetricFamily("paygate_payments", "Payments by status and method",
                                         labels=["status", "method"])
            volume = CounterMetricFamily("paygate_payments_amount_paise", "Sum of payment amounts, paise",
                                         labels=["status"])
            for status, method, count, amount in session.execute(
                    select(Payment.status, Payment.method, func.count(), func.coalesce(func.sum(Payment.amount), 0))
                    .group_by(Payment.status, Payment.method)):
                payments.add_metric([status, method], count)
            for status, amount in session.execute(
                    select(Payment.status, func.coalesce(func.sum(Payment.amount), 0)).group_by(Payment.status)):
                volume.add_metric([status], int(amount))
            refunds = GaugeMetricFamily("paygate_refunds", "Refunds by status", labels=["status"])
            for status, count in session.execute(select(Refund.status, func.count()).group_by(Refund.status)):
                refunds.add_metric([status], count)
            webhooks = GaugeMetricFamily("paygate_webhook_deliveries", "Webhook deliveries by status",
                                         labels=["status"])
            for status, count in session.execute(
                    select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status)):
                webhooks.add_metric([status], count)
            jobs = system.job_counts(session, self.config)
            queue = GaugeMetricFamily("paygate_jobs", "Jobs over all kinds, by state", labels=["state"])
            for state in JobState:
                queue.add_metric([state.value], jobs[state.value])
            up = GaugeMetricFamily("paygate_worker_up", "1 when a worker heartbeat is fresh")
            up.add_metric([], 1 if jobs["worker_status"] == "running" else 0)
            yield from (payments, volume, refunds, webhooks, queue, up)
        finally:
            session.rollback()
