"""Request and response models (pydantic v2): they validate input, shape output and generate the
OpenAPI document, so the three cannot drift apart.

Validation of payment-method details with their own error codes (VPA, card, expiry) is domain logic
(backend/domain/validation.py); these models check shape and types only.
"""
from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Annotated, Any, ClassVar, Literal, Optional

from urllib.parse import quote, urlencode

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, PrivateAttr, StrictInt,
                      StrictStr, ValidationInfo, computed_field, field_validator, model_serializer,
                      model_validator)

from backend.config import Config
from backend.domain.clock import as_utc, iso
from backend.domain.errors import FAILURE_REASONS
from backend.domain.events import MAX_PATTERNS as MAX_EVENT_PATTERNS, TYPES as EVENT_TYPES
from backend.domain.ids import PRIMARY_ENDPOINT
from backend.domain.money import MAX_AMOUNT, MIN_AMOUNT, format_decimal
from backend.domain.status import AUTHENTICATION_ATTEMPTS, EndpointStatus, PaymentStatus, PaymentWait, values
from backend.domain.validation import VPA_PATTERN
from backend.domain.webhook_urls import MAX_URL_LENGTH as MAX_WEBHOOK_URL_LENGTH
from backend.processors.test_values import TEST_OTP, openapi_summary

Timestamp = Annotated[datetime, PlainSerializer(iso, return_type=str)]


def _digits_as_text(value: Any) -> Any:
    # Expiry month/year are strings in the contract; integers are accepted as a courtesy.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# What the validators below (and the domain's own checks, with their own error codes) enforce, stated in the
# OpenAPI document too, so that a client generated from it sends what the API accepts.
NOTES_SCHEMA = {"maxProperties": 15, "propertyNames": {"maxLength": 256},
                "additionalProperties": {"type": "string", "maxLength": 256}}
METHOD_SCHEMA = {"enum": ["upi", "card"]}
VPA_SCHEMA = {"pattern": VPA_PATTERN}
# Unix seconds are accepted besides ISO-8601, up to the year 2286: pydantic alone would read a larger number
# as milliseconds, and refuse an exponent ("1e+9").
MAX_UNIX_SECONDS = 10**10
TIMESTAMP_QUERY_SCHEMA = {"anyOf": [{"type": "string", "format": "date-time"},
                                    {"type": "number", "minimum": 0, "maximum": MAX_UNIX_SECONDS},
                                    {"type": "null"}]}


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# ---------- requests ----------

class OrderCreate(_In):
    amount: StrictInt = Field(ge=MIN_AMOUNT, le=MAX_AMOUNT, description="Amount in paise (minor units)")
    currency: StrictStr = Field("INR", pattern=r"^[A-Z]{3}$")
    receipt: Optional[StrictStr] = Field(None, max_length=255)
    notes: Optional[dict[str, StrictStr]] = Field(None, description="Up to 15 keys, values up to 256 chars",
                                                  json_schema_extra=NOTES_SCHEMA)

    @field_validator("notes")
    @classmethod
    def _notes_limits(cls, notes: dict[str, str] | None) -> dict[str, str] | None:
        if notes is None:
            return None
        if len(notes) > 15:
            raise ValueError("notes may have at most 15 keys")
        for key, value in notes.items():
            if len(key) > 256 or len(value) > 256:
                raise ValueError("notes keys and values must be at most 256 characters")
        return notes


class CardIn(_In):
    # Generous length caps: a too-long number or expiry is the domain's INVALID_CARD / EXPIRED_CARD.
    number: StrictStr = Field(max_length=256, repr=False)
    expiry_month: Annotated[StrictStr, BeforeValidator(_digits_as_text)] = Field(max_length=32)
    expiry_year: Annotated[StrictStr, BeforeValidator(_digits_as_text)] = Field(max_length=32)
    cvv: StrictStr = Field(max_length=8, repr=False)
    holder_name: StrictStr = Field(max_length=255)


class PaymentCreate(_In):
    order_id: StrictStr = Field(max_length=64)
    method: StrictStr = Field(description="upi or card", json_schema_extra=METHOD_SCHEMA)
    vpa: Optional[StrictStr] = Field(None, max_length=255, description="Required for UPI. Test values, in every "
                                     "mode: " + openapi_summary("upi"),
                                     json_schema_extra=VPA_SCHEMA)
    card: Optional[CardIn] = Field(None, description="Required for cards; never stored. Test numbers, in every "
                                   "mode: " + openapi_summary("card") + f". The 3-D Secure OTP is {TEST_OTP}.")
    return_url: Optional[StrictStr] = Field(None, max_length=2048, description=(
        "Beyond the contract: where next_action.url sends the shopper back after 3-D Secure "
        "(http or https), with ?payment_id=...&status=..."))


class AuthenticateIn(_In):
    otp: StrictStr = Field(min_length=1, max_length=12, description=(
        f"The 3-D Secure one-time password; {TEST_OTP} passes in the sandbox. "
        f"{AUTHENTICATION_ATTEMPTS} wrong ones fail the payment (authentication_failed)."))


class CollectAnswerIn(_In):
    approve: bool = Field(description="true: the shopper approves in the (simulated) UPI app; false: declines")


class CaptureIn(_In):
    amount: StrictInt = Field(ge=1, le=MAX_AMOUNT)


class RefundCreate(_In):
    amount: StrictInt = Field(ge=1, le=MAX_AMOUNT)
    reason: Optional[StrictStr] = Field(None, max_length=255)


class WebhookUrlIn(_In):
    webhook_url: Optional[StrictStr] = Field(max_length=MAX_WEBHOOK_URL_LENGTH, description="http or https")


class SignupIn(_In):
    name: StrictStr = Field(min_length=1, max_length=255)
    email: StrictStr = Field(min_length=3, max_length=255)
    password: StrictStr = Field(min_length=8, max_length=1024)


class LoginIn(_In):
    email: StrictStr = Field(max_length=255)
    password: StrictStr = Field(max_length=1024)


MAX_OFFSET = 10_000  # backend/services/common.py pages deeper by cursor only


class PageQuery(BaseModel):
    """limit/offset (the contract) or, beside them, Stripe's cursors: the id of the last object of the page
    before (starting_after) or of the first of the page after (ending_before)."""
    model_config = ConfigDict(extra="ignore")
    limit: int = Field(10, ge=1, le=100)
    offset: int = Field(0, ge=0, description=f"At most {MAX_OFFSET:,}; page further with starting_after")
    starting_after: Optional[str] = Field(None, min_length=1, max_length=64,
                                          description="Objects older than this id (the next page)")
    ending_before: Optional[str] = Field(None, min_length=1, max_length=64,
                                         description="Objects newer than this id (the previous page)")

    @field_validator("offset")
    @classmethod
    def _offset_bound(cls, offset: int) -> int:
        if offset > MAX_OFFSET:
            raise ValueError(f"offset must be at most {MAX_OFFSET}: page further with starting_after "
                             "(the id of the last object of the page before)")
        return offset

    @field_validator("starting_after", "ending_before")
    @classmethod
    def _one_way(cls, cursor: Optional[str], info: ValidationInfo) -> Optional[str]:
        # A field's error (not the model's) so that the 400 names the field; fields validate in order.
        if cursor and info.data.get("starting_after"):
            raise ValueError("starting_after and ending_before cannot be used together")
        if cursor and info.data.get("offset"):
            raise ValueError("offset cannot be combined with starting_after or ending_before")
        return cursor


class _CreatedRange(PageQuery):
    """`from` and `to` on created_at: ISO-8601 or Unix seconds."""
    from_: Optional[datetime] = Field(None, alias="from", json_schema_extra=TIMESTAMP_QUERY_SCHEMA)
    to: Optional[datetime] = Field(None, json_schema_extra=TIMESTAMP_QUERY_SCHEMA)

    @field_validator("from_", "to", mode="before")
    @classmethod
    def _unix_seconds(cls, value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool) or isinstance(value, str):
            try:
                seconds = float(value)
            except ValueError:
                return value  # ISO-8601, parsed by pydantic
            if not (math.isfinite(seconds) and 0 <= seconds <= MAX_UNIX_SECONDS):
                raise ValueError(f"from and to in Unix seconds must be between 0 and {MAX_UNIX_SECONDS}")
            return datetime.fromtimestamp(seconds, timezone.utc)
        return value

    @field_validator("from_", "to")
    @classmethod
    def _as_utc(cls, value: Optional[datetime]) -> Optional[datetime]:
        # Normalised here, where an out-of-range instant (year 9999 at -01:00) is a 400, not a 500 later.
        if value is None:
            return None
        try:
            return as_utc(value)
        except OverflowError:
            raise ValueError("from and to must be timestamps between the years 1 and 9999")


class PaymentQuery(_CreatedRange):
    status: Optional[Literal[values(PaymentStatus)]] = None  # type: ignore[valid-type]
    error_reason: Optional[Literal[tuple(FAILURE_REASONS)]] = None  # type: ignore[valid-type]
    method: Optional[Literal["upi", "card"]] = None
    order_id: Optional[str] = Field(None, max_length=64)


EVENT_PATTERN_SCHEMA = {"pattern": r"^[a-z_.*]{1,50}$"}


class EventQuery(_CreatedRange):
    type: Optional[str] = Field(None, max_length=400, description=(
        "Event types or patterns, comma-separated; `*` matches any characters (payment.*). Known types: "
        + ", ".join(EVENT_TYPES)))
    object_id: Optional[str] = Field(None, max_length=64, description="The payment's or refund's id")


class WebhookQuery(PageQuery):
    payment_id: Optional[str] = Field(None, max_length=64)


class ResendIn(_In):
    endpoint_id: Optional[StrictStr] = Field(None, max_length=32, description=(
        "Only to this endpoint (whatever types it wants); else to every enabled endpoint that wants the event"))


class EndpointCreate(_In):
    url: StrictStr = Field(max_length=MAX_WEBHOOK_URL_LENGTH, description="http or https, checked like webhook_url")
    description: Optional[StrictStr] = Field(None, max_length=255)
    enabled_events: list[Annotated[StrictStr, Field(json_schema_extra=EVENT_PATTERN_SCHEMA)]] = Field(
        default_factory=lambda: ["*"], min_length=1, max_length=MAX_EVENT_PATTERNS,
        description='Event types or patterns ("*", "payment.*", "refund.processed")')


class EndpointUpdate(_In):
    url: Optional[StrictStr] = Field(None, max_length=MAX_WEBHOOK_URL_LENGTH)
    description: Optional[StrictStr] = Field(None, max_length=255, description="null clears it")
    enabled_events: Optional[list[Annotated[StrictStr, Field(json_schema_extra=EVENT_PATTERN_SCHEMA)]]] = Field(
        None, min_length=1, max_length=MAX_EVENT_PATTERNS)
    status: Optional[Literal[values(EndpointStatus)]] = None  # type: ignore[valid-type]


class IdPath(BaseModel):
    id: str = Field(max_length=64)


# ---------- responses ----------

class OrderOut(_Out):
    id: str
    merchant_id: str
    amount: int
    currency: str
    receipt: Optional[str]
    notes: dict[str, Any]
    status: str
    created_at: Timestamp
    updated_at: Timestamp

    @field_validator("notes", mode="before")
    @classmethod
    def _empty_notes(cls, notes: Any) -> Any:
        return notes or {}


class PublicOrderOut(_Out):
    id: str
    amount: int
    currency: str
    status: str
    merchant_name: str
    test_mode: bool = Field(description="Beyond: the merchant uses a sandbox (key_test_) key")


_METHOD_FIELDS = {"upi": {"vpa"}, "card": {"card_network", "card_last4", "card_issuer"}}
_ALL_METHOD_FIELDS = {"vpa", "card_network", "card_last4", "card_issuer"}
_REASON_DOC = "Beyond the contract: why a failed payment failed (" + ", ".join(FAILURE_REASONS) + "); null otherwise"


class NextAction(BaseModel):
    type: Literal["authenticate"]
    url: str


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


class _Waits(_Out):
    """Beyond the contract: failure reasons, and what a pending payment waits for, with its deadline.

    The links it shows (the checkout's 3-D Secure page, the UPI payee) are the deployment's: validate with
    `context={"config": config}` (dump, api/http's responses); without one, a waiting payment is refused."""
    error_reason: Optional[str] = Field(None, description=_REASON_DOC)
    error_source: Optional[str] = Field(None, description="customer, bank, business or gateway; null unless failed")
    error_step: Optional[str] = Field(None, description=(
        "payment_initiation, payment_authentication or payment_authorization; null unless failed"))
    waiting_for: Optional[str] = Field(None, description=(
        "authentication (3-D Secure) or approval (UPI collect) while the shopper must act; else null"))
    ready_at: Optional[datetime] = Field(None, exclude=True)

    _config: Optional[Config] = PrivateAttr(None)

    @model_validator(mode="after")
    def _keep_config(self, info: ValidationInfo) -> "_Waits":
        self._config = (info.context or {}).get("config")
        return self

    def _links(self) -> Config:
        if self._config is None:
            raise RuntimeError("a waiting payment's links need the configuration: validate with context={'config': ...}")
        return self._config

    @computed_field(description="While waiting: when the wait expires and the payment fails")
    @property
    def expires_at(self) -> Optional[str]:
        return iso(self.ready_at) if self.waiting_for and self.ready_at else None

    @computed_field(description='{"type": "authenticate", "url": ...} while 3-D Secure is pending; else null')
    @property
    def next_action(self) -> Optional[NextAction]:
        if self.waiting_for != PaymentWait.AUTHENTICATION.value:
            return None
        url = f"{self._links().checkout_url}/authenticate?{urlencode({'payment_id': self.id})}"  # type: ignore
        return NextAction(type="authenticate", url=url)


class _MethodFields(_Out):
    """Only the chosen method's fields appear: a UPI payment has `vpa`, a card one its network and last4."""

    # No return annotation: with one, pydantic documents the output as a bare `dict` and the OpenAPI
    # document loses every payment field.
    @model_serializer(mode="wrap")
    def _only_own_method(self, handler: Any):  # type: ignore[no-untyped-def]
        data = handler(self)
        for name in _ALL_METHOD_FIELDS - _METHOD_FIELDS.get(getattr(self, "method", ""), set()):
            data.pop(name, None)
        return data


class PaymentOut(_MethodFields, _Waits):
    id: str
    order_id: str
    amount: int
    currency: str
    method: str
    vpa: Optional[str] = None
    card_network: Optional[str] = None
    card_last4: Optional[str] = None
    card_issuer: Optional[str] = None
    return_url: Optional[str] = None
    status: str
    captured: bool
    # Required of the server (None fails), optional in the document: deliveries of events recorded before
    # the field existed are resent as they were stored.
    amount_refundable: int = Field(None, json_schema_extra=_no_default, description=(  # type: ignore[assignment]
        "Beyond: paise still refundable: a successful payment's amount less its pending and processed "
        "refunds; 0 unless success"))
    error_code: Optional[str]
    error_description: Optional[str]
    created_at: Timestamp
    updated_at: Timestamp


class PublicPaymentOut(_Waits):
    id: str
    order_id: str
    amount: int
    currency: str
    method: str
    status: str
    error_code: Optional[str]
    error_description: Optional[str]
    card_issuer: Optional[str] = None
    return_url: Optional[str] = None
    authentication_attempts: int = Field(0, exclude=True)

    @computed_field(description="Beyond: wrong one-time passwords still allowed while 3-D Secure is pending")
    @property
    def authentication_attempts_left(self) -> Optional[int]:
        if self.waiting_for != PaymentWait.AUTHENTICATION.value:
            return None
        return max(0, AUTHENTICATION_ATTEMPTS - (self.authentication_attempts or 0))

    @computed_field(description="Beyond: the UPI intent link (upi://pay?...) while a collect request waits")
    @property
    def upi_intent(self) -> Optional[str]:
        if self.waiting_for != PaymentWait.APPROVAL.value:
            return None
        query = urlencode({"pa": self._links().upi_payee_vpa, "pn": "PayGate",
                           "am": format_decimal(self.amount), "tr": self.id, "cu": self.currency}, quote_via=quote)
        return f"upi://pay?{query}"


class RefundOut(_Out):
    id: str
    payment_id: str
    amount: int
    reason: Optional[str]
    status: str
    created_at: Timestamp
    processed_at: Optional[Timestamp]


class WebhookLogOut(_Out):
    """One delivery: an endpoint's copy of an event, with its attempts."""
    id: str
    event: str
    status: str
    attempts: int
    created_at: Timestamp
    last_attempt_at: Optional[Timestamp]
    next_retry_at: Optional[Timestamp]
    response_code: Optional[int]
    event_id: Optional[str] = Field(None, description="Beyond: the event delivered (null on deliveries made "
                                    "before events); its webhook-id")
    endpoint_id: Optional[str] = Field(None, description=f"Beyond: the endpoint ({PRIMARY_ENDPOINT}: the webhook_url)")

    @field_validator("endpoint_id", mode="before")
    @classmethod
    def _primary(cls, endpoint_id: Optional[str]) -> str:
        return endpoint_id or PRIMARY_ENDPOINT


class WebhookLogDetailOut(WebhookLogOut):
    payload: Optional[dict[str, Any]]
    response_body: Optional[str]


class EventOut(_Out):
    """Something that happened, stored once; `payload` is the exact JSON every delivery of it sends."""
    id: str
    type: str
    object_id: Optional[str]
    payment_id: Optional[str]
    created_at: Timestamp
    payload: dict[str, Any]


class EventDetailOut(EventOut):
    deliveries: list[WebhookLogOut] = Field(description="Its deliveries, newest first (at most 100)")


class ResendOut(BaseModel):
    id: str
    deliveries: list[WebhookLogOut] = Field(description="The deliveries made now")


class EndpointOut(_Out):
    id: str
    url: str
    description: Optional[str]
    enabled_events: list[str]
    status: Literal[values(EndpointStatus)]  # type: ignore[valid-type]
    created_at: Timestamp
    primary: bool = Field(description=f"The contract's webhook_url ({PRIMARY_ENDPOINT})")


class EndpointSecretOut(EndpointOut):
    secret: str = Field(description="The signing secret, shown only on create and roll")


class EndpointList(BaseModel):
    data: list[EndpointOut]
    total: int


class MerchantOut(_Out):
    id: str
    name: str
    email: str
    api_key: str
    webhook_url: Optional[str]
    webhook_secret: Optional[str]
    created_at: Timestamp


class AuthOut(BaseModel):
    merchant: MerchantOut
    api_key: str
    api_secret: str
    # Beyond the contract: the dashboard's revocable session (send as `Authorization: Bearer <token>`).
    session_token: str
    session_expires_at: Timestamp


class CredentialsOut(BaseModel):
    api_key: str
    api_secret: str


class LogoutOut(BaseModel):
    revoked: bool


class DailyStat(BaseModel):
    date: str
    count: int
    amount: int


class StatsOut(BaseModel):
    total_transactions: int
    successful_transactions: int
    total_amount: int
    success_rate: float
    daily: list[DailyStat]


class PageOut(BaseModel):
    total: int = Field(description="Exact, unless total_capped: then at least this many")
    limit: int
    offset: int
    has_more: bool = Field(description="More objects beyond this page, in the direction of travel")
    total_capped: bool = Field(description="total was counted up to its bound (10,000) and stopped there")


class OrderPage(PageOut):
    data: list[OrderOut]


class PaymentPage(PageOut):
    data: list[PaymentOut]


class RefundPage(PageOut):
    data: list[RefundOut]


class WebhookPage(PageOut):
    data: list[WebhookLogOut]
    retention_days: int = Field(description="Logs older than this many days are deleted")


class EventPage(PageOut):
    data: list[EventOut]
    retention_days: int = Field(description="Events older than this many days are deleted")


class WebhookRetryOut(BaseModel):
    # What no row holds, for an answer rebuilt from the delivery (api/http.py).
    constants: ClassVar[dict[str, str]] = {"message": "Webhook retry scheduled"}
    id: str
    status: str
    message: str


class WebhookSecretOut(BaseModel):
    webhook_secret: str


class WebhookTestOut(BaseModel):
    id: str
    event: str
    status: str
    event_id: str = Field(description="Beyond: the webhook.test event (GET /api/v1/events/{id})")


class HealthOut(BaseModel):
    status: str
    database: str
    redis: str
    worker: str
    timestamp: str


class TestMerchantOut(BaseModel):
    id: str
    email: str
    api_key: str
    seeded: bool


class JobsStatusOut(BaseModel):
    pending: int
    processing: int
    completed: int
    failed: int
    worker_status: str


class ErrorDetail(BaseModel):
    code: str
    description: str


class ErrorOut(BaseModel):
    error: ErrorDetail


def dump(model: type[BaseModel], obj: Any, config: Config | None = None) -> dict[str, Any]:
    """`obj` in `model`'s JSON shape; `config` for the links a waiting payment shows (_Waits)."""
    return model.model_validate(obj, from_attributes=True, context={"config": config}).model_dump(mode="json")

