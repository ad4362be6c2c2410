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


# What an HTTP server that refuses a request before the app sees it (a request line or headers too long,
# a malformed request) answers, in the contract's body. The server's own reason text is not echoed: it
# quotes the request, which may hold credentials.
SERVER_REFUSALS: dict[int, tuple[str, str]] = {
    400: (BAD_REQUEST_ERROR, "Malformed HTTP request"),
    403: (BAD_REQUEST_ERROR, "Request refused"),
    414: (BAD_REQUEST_ERROR, "Request line too long"),
    417: (BAD_REQUEST_ERROR, "Expectation not supported"),
    431: (BAD_REQUEST_ERROR, "Request headers too large"),
    501: (BAD_REQUEST_ERROR, "Transfer coding not supported"),
}


def server_refusal_body(status: int) -> dict:
    code, description = SERVER_REFUSALS.get(status, (INTERNAL_ERROR, "Internal error"))
    return {"error": {"code": code, "description": description}}


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
