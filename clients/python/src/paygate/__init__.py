"""PayGate's Python SDK: typed models, sync and async clients, safe retries, webhook verification.

    import paygate
    client = paygate.PayGate("key_test_abc123", "secret_test_xyz789", "http://localhost:8000")
    order = client.orders.create(amount=50000)
"""
from paygate import models, webhooks
from paygate._http import __version__
from paygate.client import AsyncPayGate, PayGate
from paygate.errors import (APIConnectionError, APIError, AuthenticationError, BadRequestError, ConflictError,
                            ExpiredCard, InternalError, InvalidCard, InvalidVPA, MethodNotAllowed, NotFound,
                            PayGateError, PayloadTooLarge, RateLimitError, ServiceUnavailable)
from paygate.webhooks import SignatureVerificationError, WebhookEvent

__all__ = [
    "PayGate", "AsyncPayGate", "models", "webhooks", "WebhookEvent", "SignatureVerificationError",
    "PayGateError", "APIConnectionError", "APIError", "BadRequestError", "InvalidVPA", "InvalidCard",
    "ExpiredCard", "AuthenticationError", "NotFound", "MethodNotAllowed", "ConflictError", "PayloadTooLarge",
    "RateLimitError", "InternalError", "ServiceUnavailable", "__version__",
]
