"""Prometheus metrics, computed from the database (the source of truth) at scrape time.

Counting in the database, not in process memory, keeps the figures right whatever the number of API
and worker processes, and after restarts. Payments and refunds come from the running totals
(services/totals.py), so a scrape costs the same at any history; deliveries, which retention bounds, by
a grouped count.
"""
from __future__ import annotations

from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.config import Config
from backend.domain.status import JobState
from backend.models import WebhookDelivery
from backend.services import system, totals


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
            # Payments and refunds from the running totals (O(merchants × days) rows, whatever the history).
            for (status, method), (count, _) in sorted(totals.across_merchants(session, totals.PAYMENT).items()):
                payments.add_metric([status, method], count)
            for status, (_, amount) in sorted(totals.by_status_across_merchants(session, totals.PAYMENT).items()):
                volume.add_metric([status], amount)
            refunds = GaugeMetricFamily("paygate_refunds", "Refunds by status", labels=["status"])
            for status, (count, _) in sorted(totals.by_status_across_merchants(session, totals.REFUND).items()):
                refunds.add_metric([status], count)
            # Deliveries by a count of rows: the table holds the retention window only.
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
