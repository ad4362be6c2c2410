"""Rate limits on the unauthenticated endpoints (Flask-Limiter), keyed by what an attacker would vary:
- login: failed attempts only (a right password is never counted), per email from one client address
  (guessing one account's password) and per client address (trying many accounts). Counting per email
  *and address* means that someone hammering an account locks out their own address, never its owner.
- public payment attempts per order (card testing through the checkout);
- sign-ups per client address.
The client address is the peer's, or behind TRUSTED_PROXIES reverse proxies the one they report (ProxyFix,
installed by `create_app`), or the visitor's address the dashboard forwards, signed (backend/domain/visitor.py).
Redis holds the counters when REDIS_URL is set (shared by every API process); otherwise each process counts
in memory. A limiter failure never fails a request."""
from __future__ import annotations

import logging
import time
from functools import wraps
from typing import Callable

from flask import Blueprint, Response, current_app, request
from flask_limiter import Limiter

from backend.api import deps
from backend.domain import visitor

log = logging.getLogger(__name__)


def client_address() -> str:
    forwarded = request.headers.get(visitor.HEADER)
    if forwarded:
        address = visitor.verify(_forwarding_secret(), forwarded, time.time())
        if address:
            return address
        _warn_once_unverified()
    return request.remote_addr or ""


_warned: list[bool] = []


def _warn_once_unverified() -> None:
    # Once per process: anyone can send a bad header, but an operator needs to hear of a mismatch.
    if not _warned:
        _warned.append(True)
        log.warning("a %s header did not verify: its peer's address is counted instead; if the dashboard sent "
                    "it, give the API and the dashboard the same DASHBOARD_FORWARDING_SECRET", visitor.HEADER)


def _forwarding_secret() -> str:
    # Read on first use: a deployment without a dashboard never needs it.
    extensions = current_app.extensions
    if "paygate.forwarding_secret" not in extensions:
        extensions["paygate.forwarding_secret"] = deps.config().forwarding_secret()
    return extensions["paygate.forwarding_secret"]


limiter = Limiter(key_func=client_address, default_limits=[], headers_enabled=True, swallow_errors=True)
_exempt_blueprints: set[str] = set()


def exempt(bp: Blueprint) -> None:
    """No limit on this blueprint's routes, and none of the limiter's per-request work either."""
    limiter.exempt(bp)
    _exempt_blueprints.add(bp.name)


def _json_field(name: str) -> str:
    body = request.get_json(silent=True)
    value = body.get(name) if isinstance(body, dict) else None
    return value.strip()[:255] if isinstance(value, str) else ""


def _address_key() -> str:
    return visitor.rate_key(client_address())


def login_key() -> str:
    return f"login:{_json_field('email').lower()}|{_address_key()}"


def login_address_key() -> str:
    return "login-address:" + _address_key()


def login_failed(response: Response) -> bool:
    return response.status_code == 401


def order_key() -> str:
    return "order:" + (_json_field("order_id") or _address_key())


def signup_key() -> str:
    return "signup:" + _address_key()


def payment_key() -> str:
    """The payment in the path: one-time password guesses are counted per payment, whoever sends them."""
    return "payment:" + str((request.view_args or {}).get("id", ""))[:64]


def authenticate_limit() -> str:
    return deps.config().rate_limit_authenticate


def login_limit() -> str:
    return deps.config().rate_limit_login


def login_address_limit() -> str:
    return deps.config().rate_limit_login_address


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
    # Flask-Limiter hooks every request of the app, and even on an exempt route (or behind a request filter)
    # it resolves limits and builds its request context: 12–18% of a create-order's CPU (`python -m
    # bench.limiter`). On exempt blueprints (the authenticated API, its busiest part) those hooks have nothing
    # to do, so they are skipped there; Flask-Limiter itself is used through its public API only.
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
