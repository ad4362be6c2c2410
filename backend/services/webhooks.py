"""Webhook delivery, logs, manual retry and test events.

A delivery is claimed under the row lock (next_retry_at pushed past the request timeout, so a duplicate
job or the sweeper leaves it alone), sent with no database lock held, then recorded under the lock again.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable
from urllib.parse import urlsplit

import certifi
import urllib3
from urllib3.util import parse_url
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.config import Config
from backend.domain.clock import utcnow
from backend.domain.errors import GatewayError, bad_request
from backend.domain.retry import next_retry_delay
from backend.domain.signing import canonical_body, signature_headers
from backend.domain.status import WebhookStatus, move
from backend.domain.webhook_urls import check_webhook_url, public_addresses, resolve
from backend.models import Merchant, WebhookLog
from backend.services import events, jobs
from backend.services.common import Page, PageRequest, get_for_update, owned, paginate

log = logging.getLogger(__name__)

MAX_RESPONSE_BODY = 4096
# A claimed delivery is retried by the sweeper only after this, should its worker die mid-request.
CLAIM_MARGIN = timedelta(seconds=5)
EARLY_TOLERANCE = timedelta(seconds=1)


@dataclass(frozen=True)
class Delivery:
    log_id: str
    url: str
    secret: str
    body: bytes


@dataclass(frozen=True)
class AttemptResult:
    ok: bool
    response_code: int | None
    response_body: str


def claim(session: Session, config: Config, log_id: str) -> Delivery | None:
    entry = get_for_update(session, WebhookLog, id=log_id)
    now = utcnow()
    if entry is None or entry.status != WebhookStatus.PENDING.value or (
            entry.next_retry_at is not None and entry.next_retry_at - EARLY_TOLERANCE > now):
        session.rollback()
        return None
    merchant = session.get(Merchant, entry.merchant_id)
    if not merchant.webhook_url:
        entry.status = move(entry.status, WebhookStatus.FAILED)
        entry.response_body = "No webhook URL configured"
        entry.next_retry_at = None
        session.commit()
        return None
    entry.next_retry_at = now + timedelta(seconds=config.webhook_timeout_seconds) + CLAIM_MARGIN
    delivery = Delivery(entry.id, merchant.webhook_url, merchant.webhook_secret or "", canonical_body(entry.payload))
    session.commit()
    return delivery


def send(config: Config, delivery: Delivery, resolver: Callable[[str], list[str]] = resolve) -> AttemptResult:
    """One attempt. With WEBHOOK_BLOCK_PRIVATE_NETWORKS the host is resolved and checked here, and the
    connection goes to that checked address (Host header and TLS name stay the URL's)."""
    try:
        check_webhook_url(delivery.url, block_private=False)
        host = urlsplit(delivery.url).hostname or ""
        address = (public_addresses(host, resolver)[0] if config.webhook_block_private_networks else None)
    except GatewayError as exc:
        return AttemptResult(False, None, exc.description)
    timestamp = int(utcnow().timestamp())
    headers = signature_headers(delivery.secret, delivery.log_id, timestamp, delivery.body)
    headers["User-Agent"] = "PayGate-Webhooks/1.0"
    timeout = config.webhook_timeout_seconds
    try:
        status, text = _post(delivery.url, address, delivery.body, headers, timeout)
    except urllib3.exceptions.TimeoutError:
        return AttemptResult(False, None, f"Timed out after {timeout:g} s")
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        return AttemptResult(False, None, f"Connection failed: {type(exc).__name__}")
    return AttemptResult(200 <= status < 300, status, storable_text(text))


def _post(url: str, address: str | None, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, str]:
    """POST without redirects, connecting to `address` when given (else to the URL's host)."""
    parts = parse_url(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    connect_to = address or parts.host
    limits = urllib3.Timeout(connect=timeout, read=timeout)
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(connect_to, port, timeout=limits, retries=False, cert_reqs="CERT_REQUIRED",
                                           ca_certs=certifi.where(), server_hostname=parts.host,
                                           assert_hostname=parts.host)
    else:
        pool = urllib3.HTTPConnectionPool(connect_to, port, timeout=limits, retries=False)
    headers = {**headers, "Host": parts.host if parts.port is None else f"{parts.host}:{parts.port}"}
    try:
        response = pool.urlopen("POST", parts.request_uri, body=body, headers=headers, redirect=False,
                                preload_content=False)
        data = response.read(MAX_RESPONSE_BODY + 1, decode_content=True)
        response.release_conn()
        return response.status, data.decode("utf-8", "replace")
    finally:
        pool.close()


def storable_text(text: str) -> str:
    """A receiver's reply as text any database stores: truncated, no NUL (PostgreSQL refuses it), no lone
    surrogates. Otherwise recording the attempt would fail and the delivery would repeat for ever."""
    text = text[:MAX_RESPONSE_BODY].replace("\x00", "\ufffd")
    return text.encode("utf-8", "replace").decode("utf-8")


def record_attempt(session: Session, config: Config, log_id: str, result: AttemptResult) -> str | None:
    entry = get_for_update(session, WebhookLog, id=log_id)
    if entry is None or entry.status != WebhookStatus.PENDING.value:
        session.rollback()
        return None
    now = utcnow()
    entry.attempts += 1
    entry.last_attempt_at = now
    entry.response_code = result.response_code
    entry.response_body = result.response_body
    if result.ok:
        entry.status = move(entry.status, WebhookStatus.SUCCESS)
        entry.next_retry_at = None
    else:
        delay = next_retry_delay(entry.attempts, config.webhook_retry_intervals_test)
        if delay is None:
            entry.status = move(entry.status, WebhookStatus.FAILED)
            entry.next_retry_at = None
        else:
            entry.next_retry_at = now + timedelta(seconds=delay)
            jobs.defer(session, jobs.DELIVER_WEBHOOK, entry.id, eta=entry.next_retry_at)
    status = entry.status
    session.commit()
    return status


def deliver(session: Session, config: Config, log_id: str) -> str | None:
    delivery = claim(session, config, log_id)
    if delivery is None:
        return None
    result = send(config, delivery)
    return record_attempt(session, config, log_id, result)


def list_logs(session: Session, merchant_id: str, page: PageRequest,
              payment_id: str | None = None) -> Page[WebhookLog]:
    stmt = select(WebhookLog).where(WebhookLog.merchant_id == merchant_id)
    if payment_id:
        stmt = stmt.where(WebhookLog.payment_id == payment_id)
    return paginate(session, WebhookLog, stmt, merchant_id, page)


def get_log(session: Session, merchant_id: str, log_id: str) -> WebhookLog:
    return owned(session, WebhookLog, log_id, merchant_id, "Webhook log")


def retry(session: Session, merchant_id: str, log_id: str) -> WebhookLog:
    entry = owned(session, WebhookLog, log_id, merchant_id, "Webhook log", lock=True)
    if entry.status != WebhookStatus.PENDING.value:
        entry.status = move(entry.status, WebhookStatus.PENDING)
    entry.attempts = 0
    entry.next_retry_at = utcnow()
    jobs.defer(session, jobs.DELIVER_WEBHOOK, entry.id)
    session.commit()
    return entry


SAMPLE_PAYMENT = {
    "id": "pay_TestWebhook00001", "order_id": "order_TestWebhook0001", "amount": 50000, "currency": "INR",
    "method": "upi", "vpa": "success@test", "status": "success", "captured": False, "error_code": None,
    "error_description": None, "created_at": "2024-01-15T10:31:00Z", "updated_at": "2024-01-15T10:31:05Z",
}


def send_test_event(session: Session, merchant: Merchant) -> WebhookLog:
    if not merchant.webhook_url:
        raise bad_request("Set a webhook URL before sending a test event")
    entry = events.record(session, merchant, events.WEBHOOK_TEST, {"payment": dict(SAMPLE_PAYMENT)})
    session.commit()
    return entry
