"""Merchants: the seeded sandbox account, sign-up, login, API-key authentication, webhook settings."""
from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from backend.config import Config
from backend.domain.errors import GatewayError, AUTHENTICATION_ERROR, bad_request, invalid_credentials
from backend.domain.ids import new_uuid
from backend.domain.webhook_urls import check_webhook_url
from backend.models import Merchant

TEST_MERCHANT_ID = "550e8400-e29b-41d4-a716-446655440000"
TEST_MERCHANT_NAME = "Test Merchant"
# Compared against when the key is unknown, so a wrong key costs the same time as a wrong secret.
_DUMMY_SECRET = "secret_" + "0" * 32


TEST_KEY_PREFIX = "key_test_"  # a sandbox key: the checkout shows its test-mode banner


def is_test_key(api_key: str) -> bool:
    return api_key.startswith(TEST_KEY_PREFIX)


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_hex(16)


def seed_test_merchant(session: Session, config: Config) -> bool:
    """Create the sandbox merchant from the TEST_* variables; safe to call any number of times.

    Returns True when this call created it.
    """
    if session.get(Merchant, TEST_MERCHANT_ID) is not None:
        return False
    session.add(Merchant(
        id=TEST_MERCHANT_ID, name=TEST_MERCHANT_NAME, email=config.test_merchant_email,
        api_key=config.test_api_key, api_secret=config.test_api_secret,
        webhook_secret=config.test_webhook_secret, webhook_url=None, is_active=True,
    ))
    try:
        session.commit()
    except IntegrityError:  # another process seeded it at the same moment
        session.rollback()
        return False
    return True


def get_test_merchant(session: Session) -> Merchant | None:
    return session.get(Merchant, TEST_MERCHANT_ID)


@dataclass(frozen=True)
class _Credential:
    merchant_id: str
    api_secret: str
    is_active: bool
    fetched: float


# Every merchant request authenticates: known keys are remembered for a few seconds per process, so a
# request costs no lookup. A deactivated merchant is refused within CREDENTIAL_TTL.
CREDENTIAL_TTL = 5.0
_MAX_CACHED = 10_000
_credentials: dict[str, _Credential] = {}
_credentials_lock = threading.Lock()


def _credential(session: Session, api_key: str) -> _Credential | None:
    now = time.monotonic()
    cached = _credentials.get(api_key)
    if cached is not None and now - cached.fetched < CREDENTIAL_TTL:
        return cached
    row = session.execute(select(Merchant.id, Merchant.api_secret, Merchant.is_active)
                          .where(Merchant.api_key == api_key)).first()
    if row is None:
        return None
    credential = _Credential(row.id, row.api_secret, bool(row.is_active), now)
    with _credentials_lock:
        if len(_credentials) >= _MAX_CACHED:
            _credentials.clear()
        _credentials[api_key] = credential
    return credential


def authenticate(session: Session, api_key: str | None, api_secret: str | None) -> str:
    """The id of the active merchant owning this key and secret; AUTHENTICATION_ERROR otherwise."""
    if not api_key or not api_secret:
        raise invalid_credentials()
    credential = _credential(session, api_key)
    expected = credential.api_secret if credential is not None else _DUMMY_SECRET
    ok = hmac.compare_digest(expected.encode(), api_secret.encode())
    if credential is None or not ok or not credential.is_active:
        raise invalid_credentials()
    return credential.merchant_id


def _normalize_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@") or " " in email:
        raise bad_request("email must be a valid email address")
    return email


def signup(session: Session, name: str, email: str, password: str) -> Merchant:
    email = _normalize_email(email)
    if not name.strip():
        raise bad_request("name must not be empty")
    if len(password) < 8:
        raise bad_request("password must be at least 8 characters")
    if session.execute(select(Merchant.id).where(Merchant.email == email)).first() is not None:
        raise bad_request("A merchant with this email already exists")
    merchant = Merchant(
        id=new_uuid(), name=name.strip(), email=email,
        api_key=TEST_KEY_PREFIX + secrets.token_hex(8), api_secret="secret_test_" + secrets.token_hex(16),
        password_hash=generate_password_hash(password), webhook_secret=new_webhook_secret(), is_active=True,
    )
    session.add(merchant)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise bad_request("A merchant with this email already exists")
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


def regenerate_webhook_secret(session: Session, merchant: Merchant) -> str:
    merchant.webhook_secret = new_webhook_secret()
    session.commit()
    return merchant.webhook_secret
