"""Rate limits on the unauthenticated endpoints (Flask-Limiter), keyed by what an attacker would vary:
login attempts per email (password guessing), public payment attempts per order (card testing through the
checkout), sign-ups per client address. Redis holds the counters when REDIS_URL is set (shared by every
API process); otherwise each process counts in memory. A limiter failure never fails a request."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import Blueprint, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from backend.api import deps

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True, swallow_errors=True)
_exempt_blueprints: set[str] = set()


def exempt(bp: Blueprint) -> None:
    """No limit on this blueprint's routes, and none of the limiter's per-request work either."""
    limiter.exempt(bp)
    _exempt_blueprints.add(bp.name)


def _json_field(name: str) -> str:
    body = request.get_json(silent=True)
    value = body.get(name) if isinstance(body, dict) else None
    return value.strip()[:255] if isinstance(value, str) else ""


def login_key() -> str:
    return "login:" + (_json_field("email").lower() or get_remote_address())


def order_key() -> str:
    return "order:" + (_json_field("order_id") or get_remote_address())


def payment_key() -> str:
    """The payment in the path: one-time password guesses are counted per payment, whoever sends them."""
    return "payment:" + str((request.view_args or {}).get("id", ""))[:64]


def authenticate_limit() -> str:
    return deps.config().rate_limit_authenticate


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
    before = {name: list(registry[None]) for name, registry in _hook_registries(app)}
    limiter.init_app(app)
    # Flask-Limiter hooks every request of the app; on exempt blueprints (the authenticated API, its
    # busiest part) those hooks have nothing to do, so they are skipped there.
    for kind, registry in _hook_registries(app):
        registry[None] = [f if f in before[kind] else _skipped_on_exempt(f, kind) for f in registry[None]]


def _hook_registries(app) -> tuple:
    return (("before", app.before_request_funcs), ("after", app.after_request_funcs),
            ("teardown", app.teardown_request_funcs))


def _on_exempt_blueprint() -> bool:
    return request.blueprint in _exempt_blueprints


def _skipped_on_exempt(hook: Callable, kind: str) -> Callable:
    if kind == "before":
        def guarded():
            return None if _on_exempt_blueprint() else hook()
    elif kind == "after":
        def guarded(response):
            return response if _on_exempt_blueprint() else hook(response)
    else:
        def guarded(exc=None):
            return None if _on_exempt_blueprint() else hook(exc)
    return wraps(hook)(guarded)
