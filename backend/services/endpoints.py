"""Webhook endpoints (docs/api.md §11): URLs with their own secret and the event types they want.

The contract's webhook_url is the primary endpoint (`we_primary`): it stays on the merchant, wants every
event, signs with the merchant's webhook_secret, and is listed first; PATCH changes its URL, DELETE
clears it, as `PUT /merchant/webhook` does.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import Session

from backend.config import Config
from backend.domain import events as rules
from backend.domain.errors import bad_request, not_found
from backend.domain import ids
from backend.domain.ids import ENDPOINT, PRIMARY_ENDPOINT
from backend.domain.status import EndpointStatus, move
from backend.services.webhook_urls import check_webhook_url
from backend.models import Merchant, WebhookEndpoint
from backend.services import merchants
from backend.services.common import add_with_fresh_id, read_of

MAX_ENDPOINTS = 16  # besides the primary
WHAT = "Webhook endpoint"


@dataclass
class EndpointView:
    """What the API shows of an endpoint, primary or not; `secret` only on create and roll."""
    id: str
    url: str
    description: str | None
    enabled_events: list[str]
    status: str
    created_at: datetime
    primary: bool
    secret: str | None = None


def _view(endpoint: WebhookEndpoint, secret: str | None = None) -> EndpointView:
    return EndpointView(endpoint.id, endpoint.url, endpoint.description, list(endpoint.enabled_events),
                        endpoint.status, endpoint.created_at, False, secret)


def _primary(merchant: Merchant, secret: str | None = None) -> EndpointView:
    return EndpointView(PRIMARY_ENDPOINT, merchant.webhook_url or "", "The merchant's webhook_url",
                        [rules.ALL], EndpointStatus.ENABLED.value, merchant.created_at, True, secret)


def with_secret(config: Config, row: Any) -> EndpointView | None:
    """An endpoint with its signing secret decrypted (what create and roll answer); None for another row."""
    if isinstance(row, WebhookEndpoint):
        return _view(row, row.secret(config.keyring))
    return _primary(row, row.webhook_secret(config.keyring)) if isinstance(row, Merchant) else None


def wanting(session: Session, merchant_id: str, event_type: str) -> list[str | None]:
    """The endpoints an event goes to: None for the primary (when a webhook_url is set), then every enabled
    endpoint whose enabled_events name the type."""
    return wanting_each(session, merchant_id, (event_type,))[event_type]


# The merchant's webhook_url and its enabled endpoints in one round trip (a merchant row, outer-joined),
# built once: every event a service records asks it.
_TARGETS = (select(Merchant.webhook_url, WebhookEndpoint.id, WebhookEndpoint.enabled_events)
            .outerjoin(WebhookEndpoint, and_(WebhookEndpoint.merchant_id == Merchant.id,
                                             WebhookEndpoint.status == EndpointStatus.ENABLED.value))
            .where(Merchant.id == bindparam("merchant_id"))
            .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id))


def wanting_each(session: Session, merchant_id: str, event_types: Iterable[str]) -> dict[str, list[str | None]]:
    """`wanting` for several types at once, from one look-up of the merchant's webhook_url and endpoints."""
    rows = read_of(session, _TARGETS, {"merchant_id": merchant_id}, Merchant, WebhookEndpoint).all()
    primary: list[str | None] = [None] if rows and rows[0].webhook_url else []
    found = [row for row in rows if row.id is not None]
    return {t: primary + [row.id for row in found if rules.wants(row.enabled_events, t)] for t in event_types}


def deliverable(session: Session, merchant: Merchant, endpoint_id: str) -> str | None:
    """The delivery target for a resend to one endpoint: None for the primary; 400 when it is disabled."""
    if endpoint_id == PRIMARY_ENDPOINT:
        if not merchant.webhook_url:
            raise not_found(WHAT)
        return None
    endpoint = _own(session, merchant.id, endpoint_id)
    if endpoint.status != EndpointStatus.ENABLED.value:
        raise bad_request("The endpoint is disabled: enable it first")
    return endpoint.id


def list_all(session: Session, merchant: Merchant) -> list[EndpointView]:
    rows = session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.merchant_id == merchant.id)
                           .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id))
    views = [_view(row) for row in rows]
    return ([_primary(merchant)] if merchant.webhook_url else []) + views


def _own(session: Session, merchant_id: str, endpoint_id: str) -> WebhookEndpoint:
    found = session.get(WebhookEndpoint, endpoint_id)
    if found is None or found.merchant_id != merchant_id:
        session.rollback()
        raise not_found(WHAT)
    return found


def get(session: Session, merchant: Merchant, endpoint_id: str) -> EndpointView:
    if endpoint_id == PRIMARY_ENDPOINT:
        if not merchant.webhook_url:
            raise not_found(WHAT)
        return _primary(merchant)
    return _view(_own(session, merchant.id, endpoint_id))


def _enabled_events(patterns: list[str]) -> list[str]:
    try:
        rules.expand_all(patterns)
    except ValueError as exc:
        raise bad_request(f"enabled_events: {exc}")
    return list(dict.fromkeys(patterns))


def _url(config: Config, url: str) -> str:
    url = url.strip()
    check_webhook_url(url, block_private=config.webhook_block_private_networks, field="url")
    return url


def create(session: Session, config: Config, merchant: Merchant, url: str, description: str | None,
           enabled_events: list[str]) -> EndpointView:
    url, wanted = _url(config, url), _enabled_events(enabled_events)
    held = session.execute(select(func.count()).select_from(WebhookEndpoint)
                           .where(WebhookEndpoint.merchant_id == merchant.id)).scalar_one()
    if held >= MAX_ENDPOINTS:
        raise bad_request(f"At most {MAX_ENDPOINTS} webhook endpoints besides the webhook_url: delete one first")
    secret = ids.new_webhook_secret()
    endpoint = WebhookEndpoint(merchant_id=merchant.id, url=url, description=description,
                               enabled_events=wanted, status=EndpointStatus.ENABLED.value)
    endpoint.set_secret(config.keyring, secret)
    endpoint = add_with_fresh_id(session, endpoint, ENDPOINT)
    session.commit()
    return _view(endpoint, secret)


def _update_primary(session: Session, config: Config, merchant: Merchant, changes: dict[str, Any]) -> EndpointView:
    if set(changes) - {"url"}:
        raise bad_request("The primary endpoint is the webhook_url: only its url can change")
    if "url" in changes:
        merchants.set_webhook_url(session, config, merchant, changes["url"])
    return _primary(merchant)


def update(session: Session, config: Config, merchant: Merchant, endpoint_id: str,
           changes: dict[str, Any]) -> EndpointView:
    """Only the fields given change; `None` for description clears it."""
    if endpoint_id == PRIMARY_ENDPOINT:
        get(session, merchant, endpoint_id)
        return _update_primary(session, config, merchant, changes)
    endpoint = _own(session, merchant.id, endpoint_id)
    if changes.get("url") is not None:
        endpoint.url = _url(config, changes["url"])
    if changes.get("enabled_events") is not None:
        endpoint.enabled_events = _enabled_events(changes["enabled_events"])
    if "description" in changes:
        endpoint.description = changes["description"]
    status = changes.get("status")
    if status is not None and status != endpoint.status:
        endpoint.status = move(endpoint.status, EndpointStatus(status))
    session.commit()
    return _view(endpoint)


def delete(session: Session, config: Config, merchant: Merchant, endpoint_id: str) -> EndpointView:
    """Its deliveries still pending fail at their next attempt (the endpoint is gone)."""
    if endpoint_id == PRIMARY_ENDPOINT:
        view = get(session, merchant, endpoint_id)
        merchants.set_webhook_url(session, config, merchant, None)
        return view
    endpoint = _own(session, merchant.id, endpoint_id)
    view = _view(endpoint)
    session.delete(endpoint)
    session.commit()
    return view


def roll_secret(session: Session, config: Config, merchant: Merchant, endpoint_id: str) -> EndpointView:
    if endpoint_id == PRIMARY_ENDPOINT:
        get(session, merchant, endpoint_id)
        return _primary(merchant, merchants.regenerate_webhook_secret(session, config, merchant))
    endpoint = _own(session, merchant.id, endpoint_id)
    secret = ids.new_webhook_secret()
    endpoint.set_secret(config.keyring, secret)
    session.commit()
    return _view(endpoint, secret)
