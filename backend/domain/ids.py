"""Public identifiers: a prefix and 16 characters of [A-Za-z0-9] from `secrets`."""
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


def new_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(ID_LENGTH))


def new_uuid() -> str:
    return str(uuid.uuid4())


_ID_RE = {p: re.compile(re.escape(p) + r"[A-Za-z0-9]{16}\Z") for p in (ORDER, PAYMENT, REFUND)}


def looks_like(prefix: str, value: str) -> bool:
    return bool(_ID_RE[prefix].match(value))
