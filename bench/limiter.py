"""`python -m bench.limiter`: what Flask-Limiter costs a request of the merchant API, which carries no limit.

In one process, no servers: a minimal Flask app with a blueprint without limits (as the merchant API) and a
limited one (as login), configured as backend/api/limits.py configures the limiter, in four variants, timed
in alternating rounds through the WSGI interface on the unlimited route:
  baseline   no Flask-Limiter at all
  filter     limiter.exempt plus a request filter, the limiter on the one app
  exempt     limiter.exempt alone (the documented exemption; the hooks still resolve limits each request)
  routed     what backend/app.py does: the limiter on a second app that holds the limited routes, and
             `limits.LimitedRoutes` in front sending only those to it
Then PayGate's own create-order (POST /api/v1/orders, the real app on a fresh SQLite file, in process): as
shipped, against the same app without the router in front ("no-limiter": the cost of routing) and with
Flask-Limiter installed on the main app too ("one-app": its hooks on every request, the merchant API exempt
by a request filter).
Prints CPU microseconds per request (this process's CPU time, so other work on the machine hardly counts)
and each variant's time as a ratio of the baseline measured in the same run.
"""
from __future__ import annotations

import statistics
import time
from typing import Callable

from flask import Blueprint, Flask, jsonify, request
from flask_limiter import Limiter
from werkzeug.test import EnvironBuilder

from backend.api import limits

ROUNDS = 9
REQUESTS = 3000
ORDERS = 300


def _app(variant: str) -> Flask:
    app = Flask(f"bench_{variant}")
    app.config.update(RATELIMIT_STORAGE_URI="memory://", RATELIMIT_KEY_PREFIX="bench")
    merchant = Blueprint("merchant", __name__)

    @merchant.get("/orders")
    def orders():
        return jsonify(ok=True)

    app.register_blueprint(merchant)
    if variant == "baseline":
        return app
    limiter = Limiter(key_func=lambda: request.remote_addr or "", default_limits=[], headers_enabled=True,
                      swallow_errors=True)
    public = Blueprint("public", __name__)

    @public.post("/login")
    @limiter.limit("10/minute", deduct_when=lambda r: r.status_code == 401)
    def login():
        return jsonify(ok=True)

    login.paygate_limited = True  # as limits.limited marks it
    if variant == "routed":
        limited = Flask("bench_limited")
        limited.config.update(app.config)
        limited.register_blueprint(public)
        limiter.init_app(limited)
        app.register_blueprint(public)  # documented on the main app, answered by the limited one
        app.wsgi_app = limits.LimitedRoutes(app.wsgi_app, limited)
        return app
    limiter.exempt(merchant)
    if variant == "filter":
        limiter.request_filter(lambda: request.blueprint == "merchant")
    limiter.init_app(app)
    app.register_blueprint(public)
    return app


def _time(app: Flask, n: int) -> float:
    environ = EnvironBuilder(path="/orders", environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_environ()

    def start_response(status, headers, exc_info=None):
        return None

    t0 = time.process_time()  # this process's CPU only: other work on the machine does not count
    for _ in range(n):
        for _chunk in app(dict(environ), start_response):
            pass
    return (time.process_time() - t0) / n


def _paygate_apps() -> tuple[dict[str, Flask], Callable[[], None]]:
    """PayGate as shipped; without the router (the main app alone, no limiter); with the limiter on the main
    app too, the merchant API exempt by a request filter (Flask-Limiter's public API on one app)."""
    import os

    from backend import create_app
    from backend.config import Config
    from harness.stack import DEFAULT_ENV, Stores

    stores = Stores("embedded")
    os.environ.update({**DEFAULT_ENV, **stores.env})
    shipped = create_app(Config.from_env(), configure_logging=False)
    bare = create_app(Config.from_env(), seed=False, configure_logging=False)
    bare.wsgi_app = bare.wsgi_app.wsgi_app  # the router's inner app: every request to the main app
    one_app = create_app(Config.from_env(), seed=False, configure_logging=False)
    one_app.wsgi_app = one_app.wsgi_app.wsgi_app
    limits.init_app(one_app)
    limits.limiter.request_filter(lambda: getattr(one_app.blueprints.get(request.blueprint or ""),
                                                  "authenticated", False))
    return {"shipped": shipped, "no-limiter": bare, "one-app": one_app}, stores.close


def _create_order_time(app: Flask, n: int) -> float:
    from harness.stack import MERCHANT_HEADERS

    client = app.test_client()
    t0 = time.process_time()
    for _ in range(n):
        assert client.post("/api/v1/orders", json={"amount": 5000}, headers=MERCHANT_HEADERS).status_code == 201
    return (time.process_time() - t0) / n


def _rounds(apps: dict, measure: Callable[[Flask, int], float], n: int) -> dict[str, float]:
    for app in apps.values():
        measure(app, max(n // 10, 20))  # warm up
    names = list(apps)
    samples: dict[str, list[float]] = {v: [] for v in names}
    for i in range(ROUNDS):
        for v in (names if i % 2 == 0 else names[::-1]):
            samples[v].append(measure(apps[v], n))
    return {v: statistics.median(samples[v]) for v in names}


def _table(title: str, medians: dict[str, float], baseline: str) -> None:
    base = medians[baseline]
    print(title)
    print(f"  {'variant':<10}  {'CPU µs/request':>14}  {'ratio to ' + baseline:>18}  {'overhead µs':>11}")
    for v, m in medians.items():
        print(f"  {v:<10}  {m * 1e6:>14.1f}  {m / base:>18.3f}  {(m - base) * 1e6:>11.1f}")


def main() -> None:
    medians = _rounds({v: _app(v) for v in ("baseline", "filter", "exempt", "routed")}, _time, REQUESTS)
    _table(f"Flask-Limiter beside a route without limits, median of {ROUNDS} rounds of {REQUESTS} requests", medians, "baseline")
    apps, close = _paygate_apps()
    try:
        medians = _rounds(apps, _create_order_time, ORDERS)
    finally:
        close()
    _table(f"PayGate create-order (SQLite, in process), median of {ROUNDS} rounds of {ORDERS}", medians, "no-limiter")


if __name__ == "__main__":
    main()
