"""The error codes of docs/api.md and their HTTP statuses, in one table.

Domain rules, services and the API raise `GatewayError`; only the API layer turns it into a response.
"""
from __future__ import annotations

from dataclasses import dataclass

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
# The UIs' API client's own (ui_common/http.py), never in an API answer: the API unreachable, and an error
# answer without the contract's body (a proxy's page).
API_UNREACHABLE = "UNAVAILABLE"
UNKNOWN_ERROR = "UNKNOWN"

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
    API_UNREACHABLE: 503,
}


def error_body(code: str, description: str) -> dict:
    """The contract's error body, the one place it is built (docs/api.md §1)."""
    return {"error": {"code": code, "description": description}}


# What the app answers for the HTTP errors its framework raises (an unknown route, a wrong method, ...).
HTTP_REFUSALS: dict[int, tuple[str, str]] = {
    404: (NOT_FOUND_ERROR, "The requested resource was not found"),
    405: (METHOD_NOT_ALLOWED, "Method not allowed for this endpoint"),
    413: (PAYLOAD_TOO_LARGE, "Request body must be at most 1 MB"),
    429: (RATE_LIMIT_ERROR, "Too many requests, slow down"),
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
    return error_body(*SERVER_REFUSALS.get(status, (INTERNAL_ERROR, "Internal error")))


class GatewayError(Exception):
    """A refusal the merchant should see, with a contract error code."""

    def __init__(self, code: str, description: str):
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description


def bad_request(description: str) -> GatewayError:
    return GatewayError(BAD_REQUEST_ERROR, description)


def not_found(what: str) -> GatewayError:
    return GatewayError(NOT_FOUND_ERROR, f"{what} not found")


def invalid_credentials() -> GatewayError:
    return GatewayError(AUTHENTICATION_ERROR, "Invalid API credentials")


# ---------- why a payment failed (beyond the contract; Razorpay's names) ----------
# A failed payment keeps error_code PAYMENT_FAILED and its description; these say why, where and at which
# step, and what to tell the shopper (the checkout shows the sentence, never the code).

SOURCE_CUSTOMER, SOURCE_BANK, SOURCE_BUSINESS, SOURCE_GATEWAY = "customer", "bank", "business", "gateway"
STEP_INITIATION, STEP_AUTHENTICATION, STEP_AUTHORIZATION = (
    "payment_initiation", "payment_authentication", "payment_authorization")


@dataclass(frozen=True)
class FailureReason:
    reason: str
    source: str
    step: str
    shopper_message: str


PAYMENT_DECLINED = "payment_declined"
PAYMENT_TIMEOUT = "payment_timeout"
CARD_DECLINED = "card_declined"
INSUFFICIENT_FUNDS = "insufficient_funds"
CARD_EXPIRED = "expired_card"
INCORRECT_CVC = "incorrect_cvc"
PROCESSING_ERROR = "processing_error"
AUTHENTICATION_FAILED = "authentication_failed"
AUTHENTICATION_TIMEOUT = "authentication_timeout"
AUTHENTICATION_CANCELLED = "authentication_cancelled"
ORDER_ALREADY_PAID = "order_already_paid"

FAILURE_REASONS: dict[str, FailureReason] = {r.reason: r for r in (
    FailureReason(PAYMENT_DECLINED, SOURCE_BANK, STEP_AUTHORIZATION,
                  "Your bank declined this payment. Try again, or pay another way."),
    FailureReason(PAYMENT_TIMEOUT, SOURCE_CUSTOMER, STEP_AUTHENTICATION,
                  "The payment request expired before it was approved in your UPI app."),
    FailureReason(CARD_DECLINED, SOURCE_BANK, STEP_AUTHORIZATION,
                  "Your card was declined. Try another card, or contact your bank."),
    FailureReason(INSUFFICIENT_FUNDS, SOURCE_BANK, STEP_AUTHORIZATION,
                  "Your card has insufficient funds. Try another card or payment method."),
    FailureReason(CARD_EXPIRED, SOURCE_BANK, STEP_AUTHORIZATION,
                  "Your bank says this card has expired. Try another card."),
    FailureReason(INCORRECT_CVC, SOURCE_CUSTOMER, STEP_AUTHORIZATION,
                  "The CVV didn't match your card. Check it and try again."),
    FailureReason(PROCESSING_ERROR, SOURCE_GATEWAY, STEP_AUTHORIZATION,
                  "Something went wrong while processing your card. No money was taken; please try again."),
    FailureReason(AUTHENTICATION_FAILED, SOURCE_CUSTOMER, STEP_AUTHENTICATION,
                  "Your card couldn't be verified: the one-time password was wrong too many times."),
    FailureReason(AUTHENTICATION_TIMEOUT, SOURCE_CUSTOMER, STEP_AUTHENTICATION,
                  "Verification with your bank timed out. Please try again."),
    FailureReason(AUTHENTICATION_CANCELLED, SOURCE_CUSTOMER, STEP_AUTHENTICATION,
                  "You cancelled the verification with your bank."),
    FailureReason(ORDER_ALREADY_PAID, SOURCE_BUSINESS, STEP_AUTHORIZATION,
                  "This order was already paid by another payment, so this one was not charged."),
)}


def shopper_message(reason: str | None) -> str:
    found = FAILURE_REASONS.get(reason or "")
    return found.shopper_message if found else "Your payment could not be completed. Please try again."
