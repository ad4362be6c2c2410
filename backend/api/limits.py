"""Rate limits on the unauthenticated endpoints (Flask-Limiter), keyed by what an attacker would vary:
login attempts per email (password guessing), public payment attempts per order (card testing through the
checkout), sign-ups per client address. Redis holds the counters when REDIS_URL is set (shared by every
API process); otherwise each process counts in memory. A limiter failure never fails a request."""
from __future__ import annotations

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from backend.api import deps

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True, swallow_errors=True)


def _json_field(name: str) -> str:
    body = request.get_json(silent=True)
    value = body.get(name) if isinstance(body, dict) else None
    return value.strip()[:255] if isinstance(value, str) else ""


def login_key() -> str:
    return "login:" + (_json_field("email").lower() or get_remote_address())


def order_key() -> str:
    return "order:" + (_json_field("order_id") or get_remote_address())


def login_limit() -> str:
    return deps.config().rate_limit_login


def public_payment_limit() -> str:
    return deps.config().rate_limit_public_payment


def signup_limit() -> str:
    return deps.config().rate_limit_signup


def init_app(app) -> None:
    config = app.extensions["paygate.config"]
    app.config.setdefault("RATELIMIT_STORAGE_URI", config.redis_url or "memory://")
    # Installs sharing one Redis keep their counters apart, as their queues are (QUEUE_NAME).
    app.config.setdefault("RATELIMIT_KEY_PREFIX", f"{config.queue_name}:limits")
    limiter.init_app(app)
