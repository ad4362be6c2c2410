"""Exceptions, one per API error code, each carrying the request id (`X-Request-Id`) to quote to support.

    try:
        client.payments.create(order_id, method="upi", vpa="not a vpa")
    except paygate.InvalidVPA as e:
        print(e.code, e.description, e.request_id)

`BadRequestError` catches every 400 (`InvalidVPA`, `InvalidCard` and `ExpiredCard` included); `APIError`
every answer the API refused; `PayGateError` everything this package raises.
"""
from __future__ import annotations

from typing import Any


class PayGateError(Exception):
    """Base of every exception the SDK raises."""

    code: str | None = None

    def __init__(self, message: str, *, code: str | None = None, description: str | None = None,
                 status: int | None = None, request_id: str | None = None, body: Any = None):
        super().__init__(message)
        self.code = code or type(self).code
        self.description = description or message
        self.status = status
        self.request_id = request_id
        self.body = body

    def __str__(self) -> str:
        text = f"{self.code}: {self.description}" if self.code else self.description
        return f"{text} (request id {self.request_id})" if self.request_id else text


class APIConnectionError(PayGateError):
    """The API could not be reached or did not answer in time, after every retry."""


class APIError(PayGateError):
    """The API answered with an error."""


class BadRequestError(APIError):
    code = "BAD_REQUEST_ERROR"


class InvalidVPA(BadRequestError):
    code = "INVALID_VPA"


class InvalidCard(BadRequestError):
    code = "INVALID_CARD"


class ExpiredCard(BadRequestError):
    code = "EXPIRED_CARD"


class AuthenticationError(APIError):
    code = "AUTHENTICATION_ERROR"


class NotFound(APIError):
    code = "NOT_FOUND_ERROR"


class MethodNotAllowed(APIError):
    code = "METHOD_NOT_ALLOWED"


class ConflictError(APIError):
    """The same Idempotency-Key is still in flight (retried automatically)."""

    code = "CONFLICT_ERROR"


class PayloadTooLarge(APIError):
    code = "PAYLOAD_TOO_LARGE"


class RateLimitError(APIError):
    code = "RATE_LIMIT_ERROR"


class InternalError(APIError):
    code = "INTERNAL_ERROR"


class ServiceUnavailable(APIError):
    """The API is up but a store behind it is not (SERVICE_UNAVAILABLE, 503, retried after its Retry-After),
    or a 5xx without the API's error body: a proxy, a restarting server."""

    code = "SERVICE_UNAVAILABLE"


BY_CODE: dict[str, type[APIError]] = {
    cls.code: cls for cls in (BadRequestError, InvalidVPA, InvalidCard, ExpiredCard, AuthenticationError,
                              NotFound, MethodNotAllowed, ConflictError, PayloadTooLarge, RateLimitError,
                              InternalError, ServiceUnavailable) if cls.code
}
BY_STATUS: dict[int, type[APIError]] = {400: BadRequestError, 401: AuthenticationError, 404: NotFound,
                                        405: MethodNotAllowed, 409: ConflictError, 413: PayloadTooLarge,
                                        429: RateLimitError, 500: InternalError, 503: ServiceUnavailable}


def from_response(status: int, body: Any, request_id: str | None) -> APIError:
    """The exception for an error answer: by its code when the body has one, else by its status."""
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    description = error.get("description") if isinstance(error, dict) else None
    cls = BY_CODE.get(code or "") or BY_STATUS.get(status) or (ServiceUnavailable if status >= 500 else APIError)
    # An unknown code is kept as sent; a body without one takes the class's.
    return cls(description or f"HTTP {status}", code=code, description=description or f"HTTP {status}",
               status=status, request_id=request_id, body=body)
