"""Merchant secrets at rest: encrypted with Fernet keys from the environment, API secrets kept as a keyed hash.

What must be shown or used again (the API secret the dashboard displays, the webhook signing secret) is
encrypted with `cryptography`'s MultiFernet; what is only checked (the API secret on every request) is
verified against an HMAC-SHA256 whose key is derived (HKDF) from the same Fernet keys, so that one
variable, `ENCRYPTION_KEYS`, holds everything a database dump lacks.

Rotation: put a new key first in `ENCRYPTION_KEYS` (old ones after it), restart, run
`flask rotate-encryption-key` (re-encrypts and re-hashes every row under the first key), then drop the
old keys. Until then, every listed key still decrypts and verifies.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


__all__ = ["InvalidToken", "Keyring", "load_keys", "new_key"]

_API_SECRET_INFO = b"paygate api-secret hash v1"
_FINGERPRINT_INFO = b"paygate idempotency fingerprint v1"


def new_key() -> str:
    return Fernet.generate_key().decode()


def _derive(key: str, info: bytes) -> bytes:
    raw = base64.urlsafe_b64decode(key)  # the 32 bytes a Fernet key encodes
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(raw)


class Keyring:
    """Fernet keys, newest first: the first encrypts and hashes; every one decrypts and verifies."""

    def __init__(self, keys: list[str] | tuple[str, ...]):
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self._fernet = MultiFernet([Fernet(k) for k in keys])
        self._hash_keys = [_derive(k, _API_SECRET_INFO) for k in keys]
        # The first makes new fingerprints; all are compared, so a retry made before a rotation still matches.
        self.fingerprint_keys = [_derive(k, _FINGERPRINT_INFO) for k in keys]
        self.fingerprint_key = self.fingerprint_keys[0]

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()

    def rotate(self, token: str) -> str:
        """The same value, encrypted again under the first key."""
        return self._fernet.rotate(token.encode()).decode()

    def secret_hash(self, secret: str) -> str:
        return hmac.new(self._hash_keys[0], secret.encode(), hashlib.sha256).hexdigest()

    def verify(self, secret: str, stored_hash: str) -> bool:
        """Constant time, and the same work whether it matches or not: every key is tried."""
        ok = False
        for key in self._hash_keys:
            candidate = hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()
            ok |= hmac.compare_digest(candidate, stored_hash)
        return ok


def _key_file(path: Path) -> str:
    """The embedded default's key: made once, kept mode 0600 (O_EXCL: two processes starting together agree)."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = new_key()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(key + "\n")
        return key


def load_keys(keys: tuple[str, ...], key_file: str) -> tuple[str, ...]:
    """ENCRYPTION_KEYS, else the embedded default's one key from its file (made on first use)."""
    return keys or (_key_file(Path(key_file)),)
