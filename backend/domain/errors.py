"""The error codes of CONTRACT.md and their HTTP statuses, in one table.

Domain rules, services and the API raise `GatewayError`; only the API layer turns it into a response.
"""
from __future__ import annotations

AUTHENTICATION_ERROR = "AUTHENTICATION_ERROR"
BAD_REQUEST_ERROR = "BAD_REQUEST_ERROR"
NOT_FOUND_ERROR = "NOT_FOUND_ERROR"
INVALID_VPA = "INVALID_VPA"
INVALID_CARD = "INVALID_CARD"
EXPIRED_CARD = "EXPIRED_CARD"
PAYMENT_FAILED = "PAYMENT_FAILED"
PAYMENT_FAILED_DESCRIPTION = "Payment processing failed"  # stored with PAYMENT_FAILED on a failed payment
CONFLICT_ERROR = "CONFLICT_ERROR"
RATE_LIMIT_ERROR = "RATE_LIMIT_ERROR"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"  # a store is unreachable: retry after Retry-After seconds
INTERNAL_ERROR = "INTERNAL_ERROR"

HTTP_STATUS: dict[str, int] = {
    AUTHENTICATION_ERROR: 401,
    BAD_REQUEST_ERROR: 400,
    NOT_FOUND_ERROR: 404,
    INVALID_VPA: 400,
    INVALID_CARD: 400,
    EXPIRED_CARD: 400,
    CONFLICT_ERROR: 409,
    RATE_LIMIT_ERROR: 429,
    METHOD_NOT_ALLOWED: 405,
    PAYLOAD_TOO_LARGE: 413,
    SERVICE_UNAVAILABLE: 503,
    INTERNAL_ERROR: 500,
}


class GatewayError(Exception):
    """A refusal the merchant should see, with a contract error code."""

    def __init__(self, code: str, description: str):
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.code]

    def body(self) -> dict:
        return {"error": {"code": self.code, "description": self.description}}


def bad_request(description: str) -> GatewayError:
    return GatewayError(BAD_REQUEST_ERROR, description)


def not_found(what: str) -> GatewayError:
    return GatewayError(NOT_FOUND_ERROR, f"{what} not found")


def invalid_credentials() -> GatewayError:
    return GatewayError(AUTHENTICATION_ERROR, "Invalid API credentials")
