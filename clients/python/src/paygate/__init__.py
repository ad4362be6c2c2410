"""PayGate's Python SDK: typed models, sync and async clients, safe retries, webhook verification.

    import paygate
    client = paygate.PayGate("key_test_abc123", "secret_test_xyz789", "http://localhost:8000")
    order = client.orders.create(amount=50000)
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from paygate._meta import __version__
from paygate.errors import (APIConnectionError, APIError, AuthenticationError, BadRequestError, ConflictError,
                            ExpiredCard, InternalError, InvalidCard, InvalidVPA, MethodNotAllowed, NotFound,
                            PayGateError, PayloadTooLarge, RateLimitError, ServiceUnavailable)

if TYPE_CHECKING:
    from paygate import models, webhooks
    from paygate.client import AsyncPayGate, PayGate
    from paygate.webhooks import SignatureVerificationError, WebhookEvent

__all__ = [
    "PayGate", "AsyncPayGate", "models", "webhooks", "WebhookEvent", "SignatureVerificationError",
    "PayGateError", "APIConnectionError", "APIError", "BadRequestError", "InvalidVPA", "InvalidCard",
    "ExpiredCard", "AuthenticationError", "NotFound", "MethodNotAllowed", "ConflictError", "PayloadTooLarge",
    "RateLimitError", "InternalError", "ServiceUnavailable", "__version__",
]

# The clients (httpx) and the models and webhooks (pydantic) are imported on first use, not with the
# package: they are most of its import time, and `paygate --version` or a CLI command needs few of them.
_SUBMODULES = {"models", "webhooks"}
_LAZY = {"PayGate": "paygate.client", "AsyncPayGate": "paygate.client", "WebhookEvent": "paygate.webhooks",
         "SignatureVerificationError": "paygate.webhooks"}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"paygate.{name}")  # the import sets the package's attribute too
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'paygate' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
