"""Request and response models (pydantic v2): they validate input, shape output and generate the
OpenAPI document, so the three cannot drift apart.

Validation of payment-method details with their own error codes (VPA, card, expiry) is domain logic
(backend/domain/validation.py); these models check shape and types only.
"""
from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Annotated, Any, Literal, Optional

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, StrictInt,
                      StrictStr, field_validator, model_serializer)

from backend.domain.clock import as_utc, iso
from backend.domain.money import MAX_AMOUNT, MIN_AMOUNT
from backend.domain.validation import VPA_PATTERN
from backend.domain.webhook_urls import MAX_URL_LENGTH as MAX_WEBHOOK_URL_LENGTH

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
    vpa: Optional[StrictStr] = Field(None, max_length=255, description="Required for UPI",
                                     json_schema_extra=VPA_SCHEMA)
    card: Optional[CardIn] = Field(None, description="Required for cards; never stored")


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


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    limit: int = Field(10, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10**9)


class PaymentQuery(PageQuery):
    status: Optional[Literal["pending", "success", "failed"]] = None
    method: Optional[Literal["upi", "card"]] = None
    order_id: Optional[str] = Field(None, max_length=64)
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


class WebhookQuery(PageQuery):
    payment_id: Optional[str] = Field(None, max_length=64)


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


_METHOD_FIELDS = {"upi": {"vpa"}, "card": {"card_network", "card_last4"}}
_ALL_METHOD_FIELDS = {"vpa", "card_network", "card_last4"}


class _MethodFields(_Out):
    """Only the chosen method's fields appear: a UPI payment has `vpa`, a card one its network and last4."""

    @model_serializer(mode="wrap")
    def _only_own_method(self, handler: Any) -> dict[str, Any]:
        data = handler(self)
        for name in _ALL_METHOD_FIELDS - _METHOD_FIELDS.get(getattr(self, "method", ""), set()):
            data.pop(name, None)
        return data


class PaymentOut(_MethodFields):
    id: str
    order_id: str
    amount: int
    currency: str
    method: str
    vpa: Optional[str] = None
    card_network: Optional[str] = None
    card_last4: Optional[str] = None
    status: str
    captured: bool
    error_code: Optional[str]
    error_description: Optional[str]
    created_at: Timestamp
    updated_at: Timestamp


class PublicPaymentOut(_Out):
    id: str
    order_id: str
    amount: int
    currency: str
    method: str
    status: str
    error_code: Optional[str]
    error_description: Optional[str]


class RefundOut(_Out):
    id: str
    payment_id: str
    amount: int
    reason: Optional[str]
    status: str
    created_at: Timestamp
    processed_at: Optional[Timestamp]


class WebhookLogOut(_Out):
    id: str
    event: str
    status: str
    attempts: int
    created_at: Timestamp
    last_attempt_at: Optional[Timestamp]
    next_retry_at: Optional[Timestamp]
    response_code: Optional[int]


class WebhookLogDetailOut(WebhookLogOut):
    payload: dict[str, Any]
    response_body: Optional[str]


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
    total: int
    limit: int
    offset: int


class OrderPage(PageOut):
    data: list[OrderOut]


class PaymentPage(PageOut):
    data: list[PaymentOut]


class RefundPage(PageOut):
    data: list[RefundOut]


class WebhookPage(PageOut):
    data: list[WebhookLogOut]


class WebhookRetryOut(BaseModel):
    id: str
    status: str
    message: str


class WebhookSecretOut(BaseModel):
    webhook_secret: str


class WebhookTestOut(BaseModel):
    id: str
    event: str
    status: str


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


def dump(model: type[BaseModel], obj: Any) -> dict[str, Any]:
    return model.model_validate(obj, from_attributes=True).model_dump(mode="json")

