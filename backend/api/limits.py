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
from typing import Any, Callable

from flask import Flask, Response, request
from flask_limiter import Limiter
from werkzeug.exceptions import HTTPException

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
    return deps.runtime().forwarding_secret()


limiter = Limiter(key_func=client_address, default_limits=[], headers_enabled=True, swallow_errors=True)


def limited(limit_value: Callable[[], str], **options: Any) -> Callable[[Callable], Callable]:
    """`limiter.limit`, marked so that the route is served by the app that carries the limiter and its
    OpenAPI entry lists 429 (backend/api/responses.py). Its blueprint must be `limited`."""
    def decorate(view: Callable) -> Callable:
        wrapped = limiter.limit(limit_value, **options)(view)
        wrapped.paygate_limited = True  # type: ignore[attr-defined]
        return wrapped
    return decorate


class LimitedRoutes:
    """WSGI middleware in front of the app that holds every route: a request for a route with a limit goes
    to the app that carries Flask-Limiter, every other one (the merchant API above all) to the app without
    it. Flask-Limiter hooks every request of the app it is installed on, and even on an exempt route it
    resolves limits and builds its request context: 12-18% of a create-order's CPU (`python -m
    bench.limiter`); deciding here costs a prefix test of a POST's path, and a URL match against the few
    limited routes only for paths that start like one."""

    def __init__(self, wsgi_app: Callable, limited_app: Flask):
        self.wsgi_app = wsgi_app
        self.limited_app = limited_app
        endpoints = {e for e, view in limited_app.view_functions.items() if getattr(view, "paygate_limited", False)}
        rules = [rule for rule in limited_app.url_map.iter_rules() if rule.endpoint in endpoints]
        self._endpoints = frozenset(endpoints)
        self._methods = frozenset(m for rule in rules for m in rule.methods or ())
        # What each limited path starts with up to its first variable: most requests fail this at once.
        self._prefixes = tuple({rule.rule.partition("<")[0] for rule in rules})
        self._adapter = limited_app.url_map.bind("localhost")

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        if environ.get("REQUEST_METHOD") in self._methods and self._is_limited(environ):
            return self.limited_app(environ, start_response)
        return self.wsgi_app(environ, start_response)

    def _is_limited(self, environ: dict) -> bool:
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")  # as werkzeug reads it
        if not path.startswith(self._prefixes):
            return False
        try:
            endpoint, _args = self._adapter.match(path, environ["REQUEST_METHOD"])
        except HTTPException:  # not a limited route (or not a route at all): the main app answers
            return False
        return endpoint in self._endpoints


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


def init_app(app: Flask) -> None:
    """The limiter on the app that serves the limited routes (backend/app.py), and on no other."""
    config = app.runtime.config  # type: ignore[attr-defined]
    app.config.setdefault("RATELIMIT_STORAGE_URI", config.redis_url or "memory://")
    # Installs sharing one Redis keep their counters apart, as their queues are (QUEUE_NAME).
    app.config.setdefault("RATELIMIT_KEY_PREFIX", f"{config.queue_name}:limits")
    limiter.init_app(app)
