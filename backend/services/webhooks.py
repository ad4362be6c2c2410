"""Webhook deliveries (one endpoint's copy of an event, services/events.py): sending, the delivery log,
manual retry.

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
from backend.keyring import Keyring
from backend.domain.clock import utcnow
from backend.domain.errors import GatewayError
from backend.domain.retry import next_retry_delay
from backend.domain.signing import canonical_body, signature_headers
from backend.domain.status import EndpointStatus, WebhookStatus, move
from backend.domain.ids import PRIMARY_ENDPOINT
from backend.models import Event, Merchant, WebhookDelivery, WebhookEndpoint
from backend.services import events, jobs, retention
from backend.services.common import Page, PageRequest, find, owned, paginate
from backend.services.webhook_urls import check_webhook_url, public_addresses, resolve

log = logging.getLogger(__name__)

MAX_RESPONSE_BODY = 4096
# A claimed delivery is retried by the sweeper only after its deadline and this, should its worker die
# mid-request: the lease outlives any attempt, so a running delivery is never sent twice.
CLAIM_MARGIN = timedelta(seconds=5)
EARLY_TOLERANCE = timedelta(seconds=1)


@dataclass(frozen=True)
class Delivery:
    webhook_id: str  # the event's id (the delivery's own on rows made before events)
    url: str
    secret: str
    body: bytes


@dataclass(frozen=True)
class AttemptResult:
    ok: bool
    response_code: int | None
    response_body: str


def _target(session: Session, ring: Keyring, entry: WebhookDelivery) -> tuple[str, str] | str:
    """(url, secret) of the delivery's endpoint, or why there is none any more."""
    if entry.endpoint_id is None:
        merchant = session.get(Merchant, entry.merchant_id)
        if not merchant.webhook_url:
            return "No webhook URL configured"
        return merchant.webhook_url, merchant.webhook_secret(ring) or ""
    endpoint = session.get(WebhookEndpoint, entry.endpoint_id)
    if endpoint is None:
        return "Webhook endpoint deleted"
    if endpoint.status != EndpointStatus.ENABLED.value:
        return "Webhook endpoint disabled"
    return endpoint.url, endpoint.secret(ring)


def _body(session: Session, entry: WebhookDelivery) -> tuple[str, bytes] | None:
    """(webhook-id, exact body): the event's id and payload; a row made before events, its own."""
    if entry.event_id is None:
        return entry.id, canonical_body(entry.payload)
    event = find(session, Event, entry.event_id)
    return None if event is None else (event.id, canonical_body(event.payload))


def claim(session: Session, config: Config, log_id: str) -> Delivery | None:
    entry = find(session, WebhookDelivery, log_id, lock=True)
    now = utcnow()
    if entry is None or entry.status != WebhookStatus.PENDING.value or (
            entry.next_retry_at is not None and entry.next_retry_at - EARLY_TOLERANCE > now):
        session.rollback()
        return None
    target, body = _target(session, config.keyring, entry), _body(session, entry)
    if isinstance(target, str) or body is None:
        entry.status = move(entry.status, WebhookStatus.FAILED)
        entry.response_body = target if isinstance(target, str) else "Event deleted (retention)"
        entry.next_retry_at = None
        session.commit()
        return None
    entry.next_retry_at = now + timedelta(seconds=config.webhook_deadline_seconds) + CLAIM_MARGIN
    delivery = Delivery(body[0], target[0], target[1], body[1])
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
    headers = signature_headers(delivery.secret, delivery.webhook_id, timestamp, delivery.body)
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
    entry = find(session, WebhookDelivery, log_id, lock=True)
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


def route_of(session: Session, log_id: str) -> tuple[str, str] | None:
    """(merchant, endpoint) of a delivery, for the delivery pool's shares; None when it is gone."""
    row = session.execute(select(WebhookDelivery.merchant_id, WebhookDelivery.endpoint_id)
                          .where(*retention.by_id(WebhookDelivery, log_id))).first()
    session.rollback()
    return None if row is None else (row.merchant_id, row.endpoint_id or PRIMARY_ENDPOINT)


def deliver(session: Session, config: Config, log_id: str) -> str | None:
    delivery = claim(session, config, log_id)
    if delivery is None:
        return None
    result = send(config, delivery)
    return record_attempt(session, config, log_id, result)


def list_logs(session: Session, merchant_id: str, page: PageRequest,
              payment_id: str | None = None) -> Page[WebhookDelivery]:
    stmt = select(WebhookDelivery).where(WebhookDelivery.merchant_id == merchant_id)
    if payment_id:
        stmt = stmt.where(WebhookDelivery.payment_id == payment_id)
    return paginate(session, WebhookDelivery, stmt, merchant_id, page)


def get_log(session: Session, merchant_id: str, log_id: str) -> WebhookDelivery:
    return owned(session, WebhookDelivery, log_id, merchant_id, "Webhook log")


def retry(session: Session, merchant_id: str, log_id: str) -> WebhookDelivery:
    entry = owned(session, WebhookDelivery, log_id, merchant_id, "Webhook log", lock=True)
    if entry.status != WebhookStatus.PENDING.value:
        entry.status = move(entry.status, WebhookStatus.PENDING)
    entry.attempts = 0
    entry.next_retry_at = utcnow()
    jobs.defer(session, jobs.DELIVER_WEBHOOK, entry.id)
    session.commit()
    return entry


def payload_of(session: Session, entry: WebhookDelivery) -> dict | None:
    """The body a delivery sends, as JSON: its event's (or, on rows made before events, its own)."""
    if entry.event_id is None:
        return entry.payload
    event = find(session, Event, entry.event_id)
    return None if event is None else event.payload


def send_test_event(session: Session, merchant: Merchant) -> WebhookDelivery:
    return events.record_test(session, merchant)
