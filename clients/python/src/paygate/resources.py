"""Every endpoint of the API, one class per resource, for `PayGate`: a method returns the model, `list` an
iterator over every item of every page. `_async_resources.py`, for `AsyncPayGate`, is generated from this
file (clients/python/generate_async.py): edit here, then regenerate."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from paygate import models
from paygate._http import Call, call


def _card(card: models.CardIn | dict[str, Any] | None) -> dict[str, Any] | None:
    if card is None:
        return None
    return card.model_dump() if isinstance(card, models.CardIn) else dict(card)


def _stamp(value: datetime | str | None) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value


class Resource:
    def __init__(self, transport: Any):
        self._t = transport

    def _run(self, c: Call) -> Any:
        return self._t.run(c)

    def _all(self, c: Call, model: type) -> Any:
        return self._t.paginate(c, model)


class Orders(Resource):
    def create(self, amount: int, currency: str | None = None, receipt: str | None = None,
               notes: dict[str, str] | None = None, *, idempotency_key: str | None = None) -> models.OrderOut:
        body = {"amount": amount, "currency": currency, "receipt": receipt, "notes": notes}
        return self._run(call("POST", "/api/v1/orders", models.OrderOut, json=body, idempotency_key=idempotency_key))

    def get(self, order_id: str) -> models.OrderOut:
        return self._run(call("GET", f"/api/v1/orders/{order_id}", models.OrderOut))

    def list(self) -> Iterator[models.OrderOut]:
        return self._all(call("GET", "/api/v1/orders"), models.OrderOut)

    def get_public(self, order_id: str) -> models.PublicOrderOut:
        """What the hosted checkout sees (no credentials needed)."""
        return self._run(call("GET", f"/api/v1/orders/{order_id}/public", models.PublicOrderOut, auth=False))


class Payments(Resource):
    def create(self, order_id: str, method: str = "upi", *, vpa: str | None = None,
               card: models.CardIn | dict[str, Any] | None = None, return_url: str | None = None,
               idempotency_key: str | None = None) -> models.PaymentOut:
        """A UPI (`vpa=`) or card (`card={number, expiry_month, expiry_year, cvv, holder_name}`) payment.

        Answered at once with status `pending`; the card number and CVV are never stored by the API. A card
        that needs 3-D Secure answers with `next_action` (its `url`, then back to `return_url`).
        """
        body = {"order_id": order_id, "method": method, "vpa": vpa, "card": _card(card), "return_url": return_url}
        return self._run(call("POST", "/api/v1/payments", models.PaymentOut, json=body,
                              idempotency_key=idempotency_key))

    def get(self, payment_id: str) -> models.PaymentOut:
        return self._run(call("GET", f"/api/v1/payments/{payment_id}", models.PaymentOut))

    def list(self, *, status: str | None = None, method: str | None = None, order_id: str | None = None,
             created_from: datetime | str | None = None,
             created_to: datetime | str | None = None) -> Iterator[models.PaymentOut]:
        params = {"status": status, "method": method, "order_id": order_id, "from": _stamp(created_from),
                  "to": _stamp(created_to)}
        return self._all(call("GET", "/api/v1/payments", params=params), models.PaymentOut)

    def capture(self, payment_id: str, amount: int, *, idempotency_key: str | None = None) -> models.PaymentOut:
        return self._run(call("POST", f"/api/v1/payments/{payment_id}/capture", models.PaymentOut,
                              json={"amount": amount}, idempotency_key=idempotency_key))

    def create_public(self, order_id: str, method: str = "upi", *, vpa: str | None = None,
                      card: models.CardIn | dict[str, Any] | None = None,
                      return_url: str | None = None) -> models.PublicPaymentOut:
        """The hosted checkout's endpoint (no credentials). It takes no Idempotency-Key, so it is retried
        only when the request surely never reached the API or was refused with a 429."""
        body = {"order_id": order_id, "method": method, "vpa": vpa, "card": _card(card), "return_url": return_url}
        return self._run(call("POST", "/api/v1/payments/public", models.PublicPaymentOut, json=body, auth=False,
                              dedupable=False))

    def get_public(self, payment_id: str) -> models.PublicPaymentOut:
        return self._run(call("GET", f"/api/v1/payments/{payment_id}/public", models.PublicPaymentOut,
                              auth=False))

    # The shopper's answers, as the hosted checkout sends them (no credentials, no Idempotency-Key).

    def authenticate(self, payment_id: str, otp: str) -> models.PublicPaymentOut:
        """3-D Secure: the one-time password (the sandbox's is 123456), while authentication is pending."""
        return self._run(call("POST", f"/api/v1/payments/{payment_id}/authenticate", models.PublicPaymentOut,
                              json={"otp": otp}, auth=False, dedupable=False))

    def cancel_authentication(self, payment_id: str) -> models.PublicPaymentOut:
        """3-D Secure: the shopper gives up; the payment fails."""
        return self._run(call("POST", f"/api/v1/payments/{payment_id}/authenticate/cancel",
                              models.PublicPaymentOut, auth=False, dedupable=False))

    def answer_collect(self, payment_id: str, approve: bool) -> models.PublicPaymentOut:
        """UPI collect: the shopper approves (True) or declines (False) in the simulated UPI app."""
        return self._run(call("POST", f"/api/v1/payments/{payment_id}/collect", models.PublicPaymentOut,
                              json={"approve": approve}, auth=False, dedupable=False))


class Refunds(Resource):
    def create(self, payment_id: str, amount: int, reason: str | None = None, *,
               idempotency_key: str | None = None) -> models.RefundOut:
        return self._run(call("POST", f"/api/v1/payments/{payment_id}/refunds", models.RefundOut,
                              json={"amount": amount, "reason": reason}, idempotency_key=idempotency_key))

    def get(self, refund_id: str) -> models.RefundOut:
        return self._run(call("GET", f"/api/v1/refunds/{refund_id}", models.RefundOut))

    def list(self, payment_id: str | None = None) -> Iterator[models.RefundOut]:
        """Every refund, or one payment's."""
        path = f"/api/v1/payments/{payment_id}/refunds" if payment_id else "/api/v1/refunds"
        return self._all(call("GET", path), models.RefundOut)


class Webhooks(Resource):
    """Delivery logs: one row per event sent to the merchant's webhook URL, with its attempts."""

    def list(self, payment_id: str | None = None) -> Iterator[models.WebhookLogOut]:
        return self._all(call("GET", "/api/v1/webhooks", params={"payment_id": payment_id}), models.WebhookLogOut)

    def page(self, limit: int = 10, offset: int = 0, payment_id: str | None = None) -> models.WebhookPage:
        """One page, newest first (what `paygate logs --follow` polls)."""
        params = {"limit": limit, "offset": offset, "payment_id": payment_id}
        return self._run(call("GET", "/api/v1/webhooks", models.WebhookPage, params=params))

    def get(self, log_id: str) -> models.WebhookLogDetailOut:
        return self._run(call("GET", f"/api/v1/webhooks/{log_id}", models.WebhookLogDetailOut))

    def retry(self, log_id: str, *, idempotency_key: str | None = None) -> models.WebhookRetryOut:
        return self._run(call("POST", f"/api/v1/webhooks/{log_id}/retry", models.WebhookRetryOut,
                              idempotency_key=idempotency_key))


class Events(Resource):
    """Events (`evt_...`), each stored once and delivered to every endpoint that wants it."""

    def list(self, *, type: str | None = None, object_id: str | None = None,
             created_from: datetime | str | None = None,
             created_to: datetime | str | None = None) -> Iterator[models.EventOut]:
        """`type`: types or patterns, comma-separated (`payment.*,refund.processed`)."""
        params = {"type": type, "object_id": object_id, "from": _stamp(created_from), "to": _stamp(created_to)}
        return self._all(call("GET", "/api/v1/events", params=params), models.EventOut)

    def page(self, limit: int = 10, *, starting_after: str | None = None, ending_before: str | None = None,
             type: str | None = None) -> models.EventPage:
        """One page, newest first; `ending_before` the newest id seen gives the events made since."""
        params = {"limit": limit, "starting_after": starting_after, "ending_before": ending_before, "type": type}
        return self._run(call("GET", "/api/v1/events", models.EventPage, params=params))

    def get(self, event_id: str) -> models.EventDetailOut:
        return self._run(call("GET", f"/api/v1/events/{event_id}", models.EventDetailOut))

    def resend(self, event_id: str, endpoint_id: str | None = None, *,
               idempotency_key: str | None = None) -> models.ResendOut:
        """Deliver again, with the same body and webhook-id: to every endpoint that wants it, or to one."""
        return self._run(call("POST", f"/api/v1/events/{event_id}/resend", models.ResendOut,
                              json={"endpoint_id": endpoint_id}, idempotency_key=idempotency_key))


class WebhookEndpoints(Resource):
    """The URLs events go to, each with its secret and `enabled_events`; `we_primary` is the webhook_url."""

    def list(self) -> models.EndpointList:
        """All of them at once (at most 17): `.data`, the primary first."""
        return self._run(call("GET", "/api/v1/webhook_endpoints", models.EndpointList))

    def create(self, url: str, enabled_events: Sequence[str] | None = None, description: str | None = None, *,
               idempotency_key: str | None = None) -> models.EndpointSecretOut:
        """`enabled_events`: types or patterns, ["*"] (everything) when not given."""
        wanted = None if enabled_events is None else [str(e) for e in enabled_events]
        body = {"url": url, "enabled_events": wanted, "description": description}
        return self._run(call("POST", "/api/v1/webhook_endpoints", models.EndpointSecretOut, json=body,
                              idempotency_key=idempotency_key))

    def get(self, endpoint_id: str) -> models.EndpointOut:
        return self._run(call("GET", f"/api/v1/webhook_endpoints/{endpoint_id}", models.EndpointOut))

    def update(self, endpoint_id: str, **changes: Any) -> models.EndpointOut:
        """Any of url, description (None clears it), enabled_events, status ("enabled" | "disabled")."""
        return self._run(Call("PATCH", f"/api/v1/webhook_endpoints/{endpoint_id}", models.EndpointOut,
                              json=dict(changes)))

    def delete(self, endpoint_id: str) -> models.EndpointOut:
        return self._run(Call("DELETE", f"/api/v1/webhook_endpoints/{endpoint_id}", models.EndpointOut))

    def roll_secret(self, endpoint_id: str, *, idempotency_key: str | None = None) -> models.EndpointSecretOut:
        return self._run(call("POST", f"/api/v1/webhook_endpoints/{endpoint_id}/secret/roll",
                              models.EndpointSecretOut, idempotency_key=idempotency_key))


class Merchant(Resource):
    """The merchant's profile and webhook configuration."""

    def get(self) -> models.MerchantOut:
        return self._run(call("GET", "/api/v1/merchant", models.MerchantOut))

    def credentials(self) -> models.CredentialsOut:
        return self._run(call("GET", "/api/v1/merchant/credentials", models.CredentialsOut))

    def roll_api_secret(self) -> models.CredentialsOut:
        """A new API secret; the old one, this client's included, is refused at once. Not retried once it
        may have reached the API: a retry would carry the old secret, so the key could not replay it."""
        return self._run(call("POST", "/api/v1/merchant/credentials/roll", models.CredentialsOut, dedupable=False))

    def set_webhook_url(self, url: str | None) -> models.MerchantOut:
        return self._run(Call("PUT", "/api/v1/merchant/webhook", models.MerchantOut, json={"webhook_url": url}))

    def roll_webhook_secret(self, *, idempotency_key: str | None = None) -> models.WebhookSecretOut:
        return self._run(call("POST", "/api/v1/merchant/webhook/secret", models.WebhookSecretOut,
                              idempotency_key=idempotency_key))

    def send_test_webhook(self, *, idempotency_key: str | None = None) -> models.WebhookTestOut:
        return self._run(call("POST", "/api/v1/merchant/webhook/test", models.WebhookTestOut,
                              idempotency_key=idempotency_key))


class Stats(Resource):
    def get(self) -> models.StatsOut:
        return self._run(call("GET", "/api/v1/stats", models.StatsOut))
