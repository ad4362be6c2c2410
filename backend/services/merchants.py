"""Merchants: the seeded sandbox account, sign-up, login, API-key and session-token authentication, secret
rolling, webhook settings, and re-encryption after an encryption key rotation."""
from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from backend.config import Config
from backend.domain.clock import utcnow
from backend.domain.errors import GatewayError, AUTHENTICATION_ERROR, bad_request, invalid_credentials
from backend.domain.ids import (SESSION_TOKEN, TEST_KEY, TEST_MERCHANT_ID, new_api_key, new_api_secret,
                                new_session_token, new_uuid, new_webhook_secret)
from backend.keyring import InvalidToken
from backend.models import Merchant, MerchantSession, WebhookEndpoint
from backend.services import credential_events
from backend.services.webhook_urls import check_webhook_url

TEST_MERCHANT_NAME = "Test Merchant"


def is_test_key(api_key: str) -> bool:
    return api_key.startswith(TEST_KEY)


def seed_test_merchant(session: Session, config: Config) -> bool:
    """Create the sandbox merchant from the TEST_* variables; safe to call any number of times.

    Returns True when this call created it.
    """
    if session.get(Merchant, TEST_MERCHANT_ID) is not None:
        return False
    merchant = Merchant(id=TEST_MERCHANT_ID, name=TEST_MERCHANT_NAME, email=config.test_merchant_email,
                        api_key=config.test_api_key, webhook_url=None, is_active=True)
    merchant.set_api_secret(config.keyring, config.test_api_secret)
    merchant.set_webhook_secret(config.keyring, config.test_webhook_secret)
    session.add(merchant)
    try:
        session.commit()
    except IntegrityError:  # another process seeded it at the same moment
        session.rollback()
        return False
    return True


def profile(config: Config, merchant: Merchant) -> dict[str, Any]:
    """The merchant as the API shows it (schemas.MerchantOut), its webhook secret decrypted."""
    return {"id": merchant.id, "name": merchant.name, "email": merchant.email, "api_key": merchant.api_key,
            "webhook_url": merchant.webhook_url, "webhook_secret": merchant.webhook_secret(config.keyring),
            "created_at": merchant.created_at}


def credentials_of(config: Config, row: Any) -> dict[str, str] | None:
    """A merchant's API key and secret, decrypted (schemas.CredentialsOut); None for another row."""
    if not isinstance(row, Merchant):
        return None
    return {"api_key": row.api_key, "api_secret": row.api_secret(config.keyring)}


def webhook_secret_of(config: Config, row: Any) -> dict[str, str | None] | None:
    """A merchant's webhook signing secret, decrypted (schemas.WebhookSecretOut); None for another row."""
    return {"webhook_secret": row.webhook_secret(config.keyring)} if isinstance(row, Merchant) else None


def get_test_merchant(session: Session) -> Merchant | None:
    return session.get(Merchant, TEST_MERCHANT_ID)


@dataclass(frozen=True)
class _Credential:
    merchant_id: str
    api_secret_hash: str
    is_active: bool
    fetched: float


# Every merchant request authenticates: keys are remembered for a few seconds per process, known and unknown
# alike, so a request costs no lookup, and an unknown key takes the same path and time as a wrong secret.
# A change (rolled secret, new merchant) is announced to every process, which drops its cache at once
# (services/credential_events.py); the expiry only bounds what an announcement lost on the way would leave.
CREDENTIAL_TTL = 5.0
_MAX_CACHED = 10_000
_UNKNOWN_HASH = "0" * 64  # an unknown key's: verified against like a real one, never matches


class CredentialCache:
    """One runtime's cache of looked-up keys, and the announcements that empty it (backend/runtime.py)."""

    def __init__(self, config: Config):
        self.config = config
        self._signal = credential_events.make_signal(config)
        self._entries: dict[str, _Credential] = {}
        self._lock = threading.Lock()

    def drop(self) -> None:
        with self._lock:
            self._entries.clear()

    def announce(self) -> None:
        """After a commit that changed credentials: every process (this one too) forgets what it cached."""
        self._signal.publish()
        self.drop()

    def get(self, session: Session, api_key: str) -> _Credential:
        if self._signal.changed():
            self.drop()
        now = time.monotonic()
        cached = self._entries.get(api_key)
        if cached is not None and now - cached.fetched < CREDENTIAL_TTL:
            return cached
        row = session.execute(select(Merchant.id, Merchant.api_secret_hash, Merchant.is_active)
                              .where(Merchant.api_key == api_key)).first()
        credential = (_Credential(row.id, row.api_secret_hash, bool(row.is_active), now) if row is not None
                      else _Credential("", _UNKNOWN_HASH, False, now))
        with self._lock:
            if len(self._entries) >= _MAX_CACHED:  # bounded: a flood of made-up keys only churns the cache
                self._entries.clear()
            self._entries[api_key] = credential
        return credential


def authenticate(session: Session, credentials: CredentialCache, api_key: str | None, api_secret: str | None) -> str:
    """The id of the active merchant owning this key and secret; AUTHENTICATION_ERROR otherwise."""
    if not api_key or not api_secret:
        raise invalid_credentials()
    credential = credentials.get(session, api_key)
    ok = credentials.config.keyring.verify(api_secret, credential.api_secret_hash)
    if not ok or not credential.is_active or not credential.merchant_id:
        raise invalid_credentials()
    return credential.merchant_id


def roll_api_secret(session: Session, credentials: CredentialCache, merchant: Merchant) -> Merchant:
    """A new API secret; the old one is refused by every API process from the moment this returns."""
    if merchant.id == TEST_MERCHANT_ID:
        raise bad_request("The sandbox merchant's secret is set by TEST_API_SECRET and cannot be rolled")
    merchant.set_api_secret(credentials.config.keyring, new_api_secret())
    session.commit()
    credentials.announce()
    return merchant


# ---------- dashboard sessions ----------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, config: Config, merchant: Merchant) -> tuple[str, datetime]:
    """A new revocable session token for the dashboard (stored only as its hash); expired ones are purged."""
    token = new_session_token()
    now = utcnow()
    expires_at = now + timedelta(seconds=config.session_token_ttl)
    session.execute(delete(MerchantSession).where(MerchantSession.expires_at <= now))
    session.add(MerchantSession(token_hash=_token_hash(token), merchant_id=merchant.id, created_at=now,
                                expires_at=expires_at))
    session.commit()
    return token, expires_at


def authenticate_token(session: Session, token: str | None) -> str:
    """The merchant of a live session token. Not cached: a revoked token is refused at once everywhere."""
    if not token or not token.startswith(SESSION_TOKEN) or len(token) > 128:
        raise invalid_credentials()
    row = session.execute(select(MerchantSession.merchant_id, Merchant.is_active)
                          .join(Merchant, Merchant.id == MerchantSession.merchant_id)
                          .where(MerchantSession.token_hash == _token_hash(token),
                                 MerchantSession.expires_at > utcnow())).first()
    session.rollback()  # end the read: the request's service opens its own transaction
    if row is None or not row.is_active:
        raise invalid_credentials()
    return row.merchant_id


def close_session(session: Session, token: str | None) -> None:
    """Revoke a session token (logout); unknown or already revoked is refused like a wrong credential."""
    merchant_id = authenticate_token(session, token)
    session.execute(delete(MerchantSession).where(MerchantSession.token_hash == _token_hash(token),
                                                  MerchantSession.merchant_id == merchant_id))
    session.commit()


# ---------- encryption key rotation ----------

def keys_read_the_stored_secrets(session: Session, config: Config) -> bool:
    """Whether the configured keys decrypt a stored secret (false: ENCRYPTION_KEYS lost its old key)."""
    ciphertext = session.execute(select(Merchant.api_secret_encrypted).limit(1)).scalar()
    session.rollback()
    try:
        if ciphertext is not None:
            config.keyring.decrypt(ciphertext)
    except InvalidToken:
        return False
    return True


def reencrypt_all(session: Session, credentials: CredentialCache) -> int:
    """Re-encrypt and re-hash every merchant's secrets under the first key of ENCRYPTION_KEYS.

    Run after putting a new key first; once it has run, the old keys can be removed.
    """
    ring = credentials.config.keyring
    merchants = session.execute(select(Merchant).order_by(Merchant.id).with_for_update()).scalars().all()
    for merchant in merchants:
        secret = ring.decrypt(merchant.api_secret_encrypted)
        merchant.api_secret_hash = ring.secret_hash(secret)
        merchant.api_secret_encrypted = ring.rotate(merchant.api_secret_encrypted)
        if merchant.webhook_secret_encrypted is not None:
            merchant.webhook_secret_encrypted = ring.rotate(merchant.webhook_secret_encrypted)
    for endpoint in session.execute(select(WebhookEndpoint).with_for_update()).scalars():
        endpoint.secret_encrypted = ring.rotate(endpoint.secret_encrypted)
    session.commit()
    credentials.announce()
    return len(merchants)


def _normalize_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@") or " " in email:
        raise bad_request("email must be a valid email address")
    return email


def signup(session: Session, credentials: CredentialCache, name: str, email: str, password: str) -> Merchant:
    email = _normalize_email(email)
    if not name.strip():
        raise bad_request("name must not be empty")
    if len(password) < 8:
        raise bad_request("password must be at least 8 characters")
    if session.execute(select(Merchant.id).where(Merchant.email == email)).first() is not None:
        raise bad_request("A merchant with this email already exists")
    merchant = Merchant(id=new_uuid(), name=name.strip(), email=email, api_key=new_api_key(),
                        password_hash=generate_password_hash(password), is_active=True)
    merchant.set_api_secret(credentials.config.keyring, new_api_secret())
    merchant.set_webhook_secret(credentials.config.keyring, new_webhook_secret())
    session.add(merchant)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise bad_request("A merchant with this email already exists")
    credentials.announce()  # its key may sit in a process's cache as unknown
    return merchant


def login(session: Session, config: Config, email: str, password: str) -> Merchant:
    try:
        email = _normalize_email(email)
    except GatewayError:
        raise GatewayError(AUTHENTICATION_ERROR, "Invalid email or password")
    merchant = session.execute(select(Merchant).where(Merchant.email == email)).scalar_one_or_none()
    if merchant is None or not merchant.is_active:
        raise GatewayError(AUTHENTICATION_ERROR, "Invalid email or password")
    if merchant.id == TEST_MERCHANT_ID and merchant.password_hash is None:
        # The sandbox account: any password, unless TEST_MERCHANT_PASSWORD pins one.
        expected = config.test_merchant_password
        if expected is None or hmac.compare_digest(expected.encode(), password.encode()):
            return merchant
    elif merchant.password_hash and check_password_hash(merchant.password_hash, password):
        return merchant
    raise GatewayError(AUTHENTICATION_ERROR, "Invalid email or password")


def set_webhook_url(session: Session, config: Config, merchant: Merchant, url: str | None) -> Merchant:
    if url is not None:
        url = url.strip()
        check_webhook_url(url, block_private=config.webhook_block_private_networks)
    merchant.webhook_url = url or None
    session.commit()
    return merchant


def regenerate_webhook_secret(session: Session, config: Config, merchant: Merchant) -> str:
    secret = new_webhook_secret()
    merchant.set_webhook_secret(config.keyring, secret)
    session.commit()
    return secret
