"""Webhook delivery, logs, manual retry and test events.

A delivery is claimed under the row lock (next_retry_at pushed past the attempt's deadline, so a duplicate
job or the sweeper leaves it alone), sent with no database lock held, then recorded under the lock again.
An attempt ends at its deadline whatever the receiver does (the 5 s timeout is per socket operation, which
a receiver dripping a byte at a time never trips).
"""
from __future__ import annotations

import heapq
import http.client
import itertools
import logging
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable
from urllib.parse import urlsplit

import certifi
import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.util.ssl_match_hostname import CertificateError
from urllib3.util import parse_url
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.config import Config
from backend.domain.clock import utcnow
from backend.domain.errors import GatewayError, bad_request
from backend.domain.retry import next_retry_delay
from backend.domain.signing import canonical_body, signature_headers
from backend.domain.status import PaymentStatus, WebhookStatus, move
from backend.models import Merchant, WebhookLog
from backend.services import events, jobs
from backend.services.common import Page, PageRequest, get_for_update, owned, paginate
from backend.services.webhook_urls import check_webhook_url, public_addresses, resolve

log = logging.getLogger(__name__)

MAX_RESPONSE_BODY = 4096
# A claimed delivery is retried by the sweeper only after its deadline and this, should its worker die
# mid-request: the lease outlives any attempt, so a running delivery is never sent twice.
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
    entry.next_retry_at = now + timedelta(seconds=config.webhook_deadline_seconds) + CLAIM_MARGIN
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
    timeout, deadline = config.webhook_timeout_seconds, config.webhook_deadline_seconds
    try:
        status, text = _post(delivery.url, address, delivery.body, headers, timeout, deadline)
    except DeadlineExceeded:
        return AttemptResult(False, None, f"Deadline exceeded: no complete answer within {deadline:g} s")
    except urllib3.exceptions.TimeoutError:
        return AttemptResult(False, None, f"Timed out after {timeout:g} s")
    except _SEND_ERRORS as exc:
        return AttemptResult(False, None, f"Connection failed: {type(exc).__name__}")
    return AttemptResult(200 <= status < 300, status, storable_text(text))


# What a connection used directly (not through a urllib3 pool, which would wrap them) raises when the
# receiver misbehaves: a refused or reset connection, a bad certificate or host name, a malformed status
# line or header. Each is a failed attempt, recorded, never an error that leaves the delivery claimed.
_SEND_ERRORS = (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError, CertificateError)


class DeadlineExceeded(Exception):
    """The attempt's deadline passed before the receiver's answer was complete."""


class _Watchdog:
    """One thread per process that shuts down the socket of every attempt past its deadline, which ends a
    read or write blocked on it at once. Cheaper than a timer per attempt with 64 in flight."""

    def __init__(self) -> None:
        self._heap: list[list] = []  # [deadline, seq, socket | None (done), fired]
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, sock: socket.socket, deadline: float) -> list:
        entry = [deadline, next(self._seq), sock, False]
        with self._cond:
            heapq.heappush(self._heap, entry)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="paygate-webhook-deadlines", daemon=True)
                self._thread.start()
            self._cond.notify()
        return entry

    def done(self, entry: list) -> bool:
        """Stop watching; whether the deadline fired."""
        with self._cond:
            entry[2] = None
            return entry[3]

    def _run(self) -> None:
        with self._cond:
            while True:
                while self._heap and self._heap[0][2] is None:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                entry = heapq.heappop(self._heap)
                entry[3] = True
                try:
                    entry[2].shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


_WATCHDOG = _Watchdog()


class _Deadlined:
    """A urllib3 connection whose socket the watchdog shuts at `deadline` (a monotonic time), from the
    moment it exists, so the TLS handshake, the headers and the body are all bounded."""

    deadline: float = 0.0
    watched: list | None = None

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        self.watched = _WATCHDOG.watch(sock, self.deadline)
        return sock


class _HTTP(_Deadlined, HTTPConnection):
    pass


class _HTTPS(_Deadlined, HTTPSConnection):
    pass


def _post(url: str, address: str | None, body: bytes, headers: dict[str, str], timeout: float,
          deadline_seconds: float) -> tuple[int, str]:
    """POST without redirects, connecting to `address` when given (else to the URL's host); the answer
    must be complete within `deadline_seconds` of the start, else DeadlineExceeded."""
    deadline = time.monotonic() + deadline_seconds
    parts = parse_url(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    connect_to = address or parts.host
    per_operation = min(timeout, deadline_seconds)
    if parts.scheme == "https":
        conn: _Deadlined = _HTTPS(connect_to, port, timeout=per_operation, cert_reqs="CERT_REQUIRED",
                                  ca_certs=certifi.where(), server_hostname=parts.host, assert_hostname=parts.host)
    else:
        conn = _HTTP(connect_to, port, timeout=per_operation)
    conn.deadline = deadline
    headers = {**headers, "Host": parts.host if parts.port is None else f"{parts.host}:{parts.port}"}
    try:
        conn.request("POST", parts.request_uri, body=body, headers=headers, preload_content=False)
        response = conn.getresponse()
        data = b""
        while len(data) <= MAX_RESPONSE_BODY:  # read1: what one receive brings, never waits to fill
            chunk = response.read1(MAX_RESPONSE_BODY + 1 - len(data))
            if not chunk:
                break
            data += chunk
        status = response.status
    except _SEND_ERRORS as exc:
        if conn.watched is not None and _WATCHDOG.done(conn.watched):
            raise DeadlineExceeded() from exc
        raise
    finally:
        fired = conn.watched is not None and _WATCHDOG.done(conn.watched)
        conn.close()
    if fired:
        raise DeadlineExceeded()
    return status, data.decode("utf-8", "replace")


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


def merchant_of(session: Session, log_id: str) -> str | None:
    """Whose delivery this is, for the delivery pool's per-merchant share."""
    merchant_id = session.execute(select(WebhookLog.merchant_id).where(WebhookLog.id == log_id)).scalar()
    session.rollback()
    return merchant_id


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
    "method": "upi", "vpa": "success@test", "status": PaymentStatus.SUCCESS.value, "captured": False,
    "amount_refundable": 50000, "error_code": None, "error_description": None,
    "created_at": "2024-01-15T10:31:00Z", "updated_at": "2024-01-15T10:31:05Z",
}


def send_test_event(session: Session, merchant: Merchant) -> WebhookLog:
    if not merchant.webhook_url:
        raise bad_request("Set a webhook URL before sending a test event")
    entry = events.record(session, merchant, events.WEBHOOK_TEST, {"payment": dict(SAMPLE_PAYMENT)})
    session.commit()
    return entry
