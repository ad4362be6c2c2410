"""Identifiers and credentials, one place: public object ids (a prefix and 16 characters of [A-Za-z0-9]
from `secrets`), merchant and event UUIDs, request ids, API keys and secrets, session tokens."""
from __future__ import annotations

import re
import secrets
import string
import uuid

_ALPHABET = string.ascii_letters + string.digits
ID_LENGTH = 16

ORDER = "order_"
PAYMENT = "pay_"
REFUND = "rfnd_"


# Random bytes map to the alphabet by table; the top bytes (248 and up for 62 characters) are dropped so
# that every character stays equally likely (no modulo bias). One urandom call per id, not one per character.
_TO_ALPHABET = bytes(ord(_ALPHABET[b % len(_ALPHABET)]) for b in range(256))
_BIASED = bytes(range(256 - 256 % len(_ALPHABET), 256))


def new_id(prefix: str) -> str:
    chars = b""
    while len(chars) < ID_LENGTH:
        chars += secrets.token_bytes(2 * ID_LENGTH).translate(_TO_ALPHABET, _BIASED)
    return prefix + chars[:ID_LENGTH].decode("ascii")


def new_uuid() -> str:
    return str(uuid.uuid4())


TEST_MERCHANT_ID = "550e8400-e29b-41d4-a716-446655440000"  # the sandbox merchant (docs/api.md §9)

REQUEST = "req_"
TEST_KEY = "key_test_"  # a sandbox key: the checkout shows its test-mode banner
TEST_SECRET = "secret_test_"
WEBHOOK_SECRET = "whsec_"
SESSION_TOKEN = "sess_"


def new_request_id() -> str:
    return REQUEST + secrets.token_hex(16)


def new_api_key() -> str:
    return TEST_KEY + secrets.token_hex(8)


def new_api_secret() -> str:
    return TEST_SECRET + secrets.token_hex(16)


def new_webhook_secret() -> str:
    return WEBHOOK_SECRET + secrets.token_hex(16)


def new_session_token() -> str:
    return SESSION_TOKEN + secrets.token_urlsafe(32)


_ID_RE = {p: re.compile(re.escape(p) + r"[A-Za-z0-9]{16}\Z") for p in (ORDER, PAYMENT, REFUND)}


def looks_like(prefix: str, value: str) -> bool:
    return bool(_ID_RE[prefix].match(value))
