"""Events, written in the same transaction as the change they report (the outbox, ARCHITECTURE.md rule 2),
and their deliveries: one row of webhook_logs per endpoint that wants the event (docs/api.md §10).

An event is stored whether or not any endpoint wants it (the events API and `paygate listen` read them);
a merchant without a webhook URL or endpoints gets events and no delivery.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.domain import events as rules
from backend.domain.clock import utcnow
from backend.domain.errors import bad_request
from backend.domain.events import EventType
from backend.domain.ids import EVENT, PRIMARY_ENDPOINT, new_time_ordered_id, new_time_uuid
from backend.domain.status import PaymentStatus, WebhookStatus
from backend.models import Event, Merchant, Payment, Refund, WebhookDelivery
from backend.config import Config
from backend.schemas import PaymentOut, RefundOut, dump
from backend.services import endpoints, jobs
from backend.services.common import Page, PageRequest, loaded, owned, paginate

# The names the services use; the types themselves are domain.events.EventType.
PAYMENT_CREATED = EventType.PAYMENT_CREATED.value
PAYMENT_PENDING = EventType.PAYMENT_PENDING.value
PAYMENT_SUCCESS = EventType.PAYMENT_SUCCESS.value
PAYMENT_FAILED = EventType.PAYMENT_FAILED.value
REFUND_CREATED = EventType.REFUND_CREATED.value
REFUND_PROCESSED = EventType.REFUND_PROCESSED.value
WEBHOOK_TEST = EventType.WEBHOOK_TEST.value
EVENTS = rules.TYPES
MAX_DELIVERIES_SHOWN = 100


_EVENTS, _DELIVERIES = Event.__table__, WebhookDelivery.__table__


def record(session: Session, merchant_id: str, event_type: str, data: dict[str, Any],
           payment_id: str | None = None, object_id: str | None = None,
           to: Optional[Iterable[str | None]] = None) -> Event:
    """Store the event and a pending delivery for each endpoint that wants it (or for those of `to`)."""
    targets = endpoints.wanting(session, merchant_id, event_type) if to is None else to
    return _write(session, [(_event_row(merchant_id, event_type, data, payment_id, object_id), targets)])[0]


def _event_row(merchant_id: str, event_type: str, data: dict[str, Any], payment_id: str | None,
               object_id: str | None) -> dict[str, Any]:
    now = utcnow()
    event_id = new_time_ordered_id(EVENT, int(now.timestamp() * 1000))
    return {"id": event_id, "merchant_id": merchant_id, "type": event_type, "object_id": object_id or payment_id,
            "payment_id": payment_id, "payload": rules.envelope(event_id, event_type, int(now.timestamp()), data),
            "created_at": now}


def _delivery_row(merchant_id: str, payment_id: str | None, event_type: str, event_id: str,
                  endpoint_id: str | None, now: datetime) -> dict[str, Any]:
    return {"id": new_time_uuid(now), "merchant_id": merchant_id, "payment_id": payment_id, "event": event_type,
            "event_id": event_id, "endpoint_id": endpoint_id, "payload": None,
            "status": WebhookStatus.PENDING.value, "attempts": 0, "last_attempt_at": None, "next_retry_at": now,
            "response_code": None, "response_body": None, "created_at": now}


def _write(session: Session, recorded: list[tuple[dict[str, Any], Iterable[str | None]]]) -> list[Event]:
    """Events and their deliveries as Core inserts in the session's transaction, each table one statement
    whatever the number of rows, not as ORM objects for the unit of work: the events of a payment create
    were most of its flush, a few hundred microseconds of CPU (bench.app_cpu). Nothing reads them back in
    the transaction but by query (which sees them), and the rows become objects as loaded."""
    deliveries = [_delivery_row(row["merchant_id"], row["payment_id"], row["type"], row["id"], target,
                                row["created_at"])
                  for row, targets in recorded for target in targets]
    _insert_rows(session, _EVENTS, [row for row, _ in recorded])
    _add_deliveries(session, deliveries)
    return [loaded(Event, row) for row, _ in recorded]


def _insert_rows(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(table.insert(), rows)


def _add_deliveries(session: Session, rows: list[dict[str, Any]]) -> None:
    """Pending deliveries, each with its job enqueued after the commit."""
    _insert_rows(session, _DELIVERIES, rows)
    for row in rows:
        jobs.defer(session, jobs.DELIVER_WEBHOOK, row["id"])


def deliver_to(session: Session, event: Event, endpoint_id: str | None, now: datetime | None = None) -> WebhookDelivery:
    """A pending delivery of the event to one endpoint (None: the primary, the merchant's webhook_url)."""
    row = _delivery_row(event.merchant_id, event.payment_id, event.type, event.id, endpoint_id, now or utcnow())
    _add_deliveries(session, [row])
    return loaded(WebhookDelivery, row)


def record_payment(session: Session, payment: Payment, *event_types: str, config: Config | None = None) -> list[Event]:
    """The payment's events (a create records two), from one serialisation and one look-up of endpoints,
    written together."""
    merchant_id = payment.merchant_id
    data = {"payment": dump(PaymentOut, payment, config)}
    targets = endpoints.wanting_each(session, merchant_id, event_types)
    return _write(session, [(_event_row(merchant_id, t, data, payment.id, None), targets[t]) for t in event_types])


def record_refund(session: Session, event_type: str, refund: Refund, payment: Payment) -> Event:
    return record(session, refund.merchant_id, event_type,
                  {"refund": dump(RefundOut, refund), "payment": dump(PaymentOut, payment)}, payment.id, refund.id)


def _sample_time(minute: int, second: int) -> datetime:
    return datetime(2024, 1, 15, 10, minute, second, tzinfo=timezone.utc)


def sample_payment() -> dict[str, Any]:
    """webhook.test's payment: a successful UPI payment in the payment schema itself, so it carries every
    field a real payment event does."""
    return dump(PaymentOut, {
        "id": "pay_TestWebhook00001", "order_id": "order_TestWebhook0001", "amount": 50000, "currency": "INR",
        "method": "upi", "vpa": "success@test", "status": PaymentStatus.SUCCESS.value, "captured": False,
        "amount_refundable": 50000, "error_code": None,
        "error_description": None, "created_at": _sample_time(31, 0), "updated_at": _sample_time(31, 5)})


def record_test(session: Session, merchant: Merchant) -> WebhookDelivery:
    """webhook.test, to the primary endpoint (the contract's webhook_url) only."""
    if not merchant.webhook_url:
        raise bad_request("Set a webhook URL before sending a test event")
    event = record(session, merchant.id, WEBHOOK_TEST, {"payment": sample_payment()}, to=[])
    delivery = deliver_to(session, event, None, event.created_at)
    session.commit()
    return delivery


def list_events(session: Session, merchant_id: str, page: PageRequest, types: list[str] | None = None,
                object_id: str | None = None, created_from: datetime | None = None,
                created_to: datetime | None = None) -> Page[Event]:
    stmt = select(Event).where(Event.merchant_id == merchant_id)
    if types is not None and set(types) != set(rules.TYPES):
        stmt = stmt.where(Event.type.in_(types))
    if object_id:
        stmt = stmt.where(Event.object_id == object_id)
    if created_from is not None:
        stmt = stmt.where(Event.created_at >= created_from)
    if created_to is not None:
        stmt = stmt.where(Event.created_at <= created_to)
    return paginate(session, Event, stmt, merchant_id, page)


def parse_types(value: str | None) -> list[str] | None:
    """`type=payment.*,refund.processed`: the known types the patterns name; 400 on a bad pattern."""
    if value is None:
        return None
    try:
        return rules.expand_all(part.strip() for part in value.split(",") if part.strip())
    except ValueError as exc:
        raise bad_request(f"type: {exc}")


def get_event(session: Session, merchant_id: str, event_id: str) -> Event:
    return owned(session, Event, event_id, merchant_id, "Event")


def deliveries_of(session: Session, event: Event) -> list[WebhookDelivery]:
    stmt = (select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()).limit(MAX_DELIVERIES_SHOWN))
    return list(session.scalars(stmt))


def resend(session: Session, merchant: Merchant, event_id: str, endpoint_id: str | None) -> tuple[Event, list[WebhookDelivery]]:
    """A new delivery of the event (same body, same webhook-id) to every endpoint that wants it now, or to
    the one named (whatever types it wants: the merchant asked for it)."""
    event = get_event(session, merchant.id, event_id)
    if endpoint_id is None:
        targets = endpoints.wanting(session, merchant.id, event.type)
        if not targets:
            raise bad_request("No enabled endpoint wants this event: add one, or name one with endpoint_id")
    else:
        targets = [endpoints.deliverable(session, merchant, endpoint_id)]
    now = utcnow()
    made = [deliver_to(session, event, target, now) for target in targets]
    session.commit()
    return event, made


def endpoint_id_of(delivery: WebhookDelivery) -> str:
    return delivery.endpoint_id or PRIMARY_ENDPOINT
