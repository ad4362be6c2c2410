"""Identifiers and credentials, one place: public object ids (a prefix and 16 characters of [A-Za-z0-9]
from `secrets`), merchant and event UUIDs, request ids, API keys and secrets, session tokens."""
from __future__ import annotations

import os
import re
import secrets
import string
import uuid
from datetime import datetime, timedelta, timezone

_ALPHABET = string.ascii_letters + string.digits
ID_LENGTH = 16

ORDER = "order_"
PAYMENT = "pay_"
REFUND = "rfnd_"
EVENT = "evt_"
ENDPOINT = "we_"
# The contract's webhook_url, shown as the first of the merchant's endpoints (docs/api.md §11).
PRIMARY_ENDPOINT = "we_primary"


# Random bytes map to the alphabet by table; the top bytes (248 and up for 62 characters) are dropped so
# that every character stays equally likely (no modulo bias). One urandom call per id, not one per character.
_TO_ALPHABET = bytes(ord(_ALPHABET[b % len(_ALPHABET)]) for b in range(256))
_BIASED = bytes(range(256 - 256 % len(_ALPHABET), 256))


def new_id(prefix: str) -> str:
    chars = b""
    while len(chars) < ID_LENGTH:
        chars += secrets.token_bytes(2 * ID_LENGTH).translate(_TO_ALPHABET, _BIASED)
    return prefix + chars[:ID_LENGTH].decode("ascii")


# Time-ordered ids (events): 8 characters of milliseconds since the epoch in an alphabet sorted as ASCII
# sorts, then the random part, so ids grow with created_at (a time-partitioned table's lookups by id can
# find the partition from the id alone) and sort as they were made.
_SORTED = string.digits + string.ascii_uppercase + string.ascii_lowercase
TIME_LENGTH = 8


def new_time_ordered_id(prefix: str, millis: int) -> str:
    stamp = ""
    for _ in range(TIME_LENGTH):
        millis, digit = divmod(millis, len(_SORTED))
        stamp = _SORTED[digit] + stamp
    return prefix + stamp + new_id("")


def time_of(time_ordered_id: str, prefix: str) -> int:
    """The milliseconds a time-ordered id was made at (the id must be one: see made_at)."""
    millis = 0
    for char in time_ordered_id[len(prefix):len(prefix) + TIME_LENGTH]:
        millis = millis * len(_SORTED) + _SORTED.index(char)
    return millis


def new_uuid() -> str:
    return str(uuid.uuid4())


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MS = timedelta(milliseconds=1)
_V7 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z")


def new_time_uuid(at: datetime) -> str:
    """A version-7 UUID (RFC 9562): `at` to the millisecond, then 74 random bits. A row of a table
    partitioned by its creation time carries that time in its id, so a look-up by id reads one partition."""
    h = f"{(at - _EPOCH) // _MS:012x}{os.urandom(10).hex()}"  # string slicing: the loader makes millions
    return f"{h[:8]}-{h[8:12]}-7{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"


def uuid_time(value: str) -> datetime | None:
    """The millisecond a version-7 UUID was made at (new_time_uuid); None for any other string."""
    if not _V7.match(value):
        return None
    return _EPOCH + int(value[:8] + value[9:13], 16) * _MS


_EVENT_ID = re.compile(f"{EVENT}[0-9A-Za-z]{{{TIME_LENGTH + ID_LENGTH}}}\\Z")


def made_at(value: str) -> datetime | None:
    """The millisecond a time-carrying id was made at: a version-7 UUID or an event id; None for any other."""
    if _EVENT_ID.match(value):
        return _EPOCH + time_of(value, EVENT) * _MS
    return uuid_time(value)


_ID_RE = {p: re.compile(re.escape(p) + r"[A-Za-z0-9]{16}\Z") for p in (ORDER, PAYMENT, REFUND, ENDPOINT)}
_ID_RE[EVENT] = re.compile(re.escape(EVENT) + r"[A-Za-z0-9]{24}\Z")
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




def looks_like(prefix: str, value: str) -> bool:
    return bool(_ID_RE[prefix].match(value))
