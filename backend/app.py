"""The Flask application factory: the HTTP app (OpenAPI, routes, errors, limits, seed) over a runtime
(backend/runtime.py: configuration, database, queue, processor), one runtime per app."""
from __future__ import annotations

import logging
from typing import Any, Iterable

from flask_openapi3 import Info, OpenAPI
from sqlalchemy.exc import OperationalError, ProgrammingError
from werkzeug.middleware.proxy_fix import ProxyFix

from backend import runtime as composition
from backend.config import ROOT, Config
from backend.models import db
from backend.runtime import Runtime
from backend.schemas import ErrorOut

log = logging.getLogger(__name__)

SECURITY_SCHEMES = {
    "ApiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
    "ApiSecret": {"type": "apiKey", "in": "header", "name": "X-Api-Secret"},
    "SessionToken": {"type": "http", "scheme": "bearer", "description": "a dashboard session token (sess_...)"},
}


class PayGateApp(OpenAPI):
    """The API's Flask app; `runtime` is what its routes work with (backend/api/deps.py)."""

    runtime: Runtime

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._plain: set[Any] = set()

    def ensure_sync(self, func: Any) -> Any:
        """Flask asks `inspect.iscoroutinefunction` of every hook and view on every request (seven per
        merchant request); a plain function stays one, so each is asked once."""
        if func in self._plain:
            return func
        sync = super().ensure_sync(func)
        if sync is func:
            self._plain.add(func)
        return sync


def create_app(config: Config | None = None, *, seed: bool = True, configure_logging: bool = True,
               runtime: Runtime | None = None, migrations: bool = True) -> PayGateApp:
    """The API over `runtime`, else over a new one built from `config` (default: the environment).
    `migrations`: carry `flask db ...` (Flask-Migrate, and with it Alembic, Mako and Pygments: about 11 MB
    per process); the served app (backend/serving.py) runs no CLI command and goes without.

    Two Flask apps answer: this one holds every route (the OpenAPI document, the CLI, the test client) and
    carries no rate limiter; the routes that have limits are answered by a second app over the same
    runtime that carries Flask-Limiter (backend/api/limits.py), so the merchant API never meets it."""
    from backend import api
    from backend.api import limits

    runtime = runtime or composition.build(config)
    config = runtime.config
    if configure_logging:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    app = _http_app(runtime, api.all_blueprints())
    limited = _http_app(runtime, api.limited_blueprints())
    limits.init_app(limited)
    app.wsgi_app = limits.LimitedRoutes(app.wsgi_app, limited)  # type: ignore[method-assign]
    if migrations:
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)

    from backend.services import merchants
    from seeds import register_cli, seed_all

    register_cli(app, runtime)
    if seed:
        with app.app_context():
            try:
                seed_all(config)
                if not merchants.keys_read_the_stored_secrets(db.session, config):
                    log.error("ENCRYPTION_KEYS cannot decrypt the stored merchant secrets: list the key they were "
                              "encrypted with (see README, Rotating the key)")
            except (OperationalError, ProgrammingError):
                db.session.rollback()
                log.warning("database not migrated yet; run `flask db upgrade` (make run does it)")
    return app


def _http_app(runtime: Runtime, blueprints: Iterable[Any]) -> PayGateApp:
    from backend import api
    from backend.api.http import (MAX_BODY_BYTES, register_error_handlers, register_exact_paths,
                                  register_request_ids, validation_error_callback)

    config = runtime.config
    app = PayGateApp(
        __name__,
        info=Info(title="PayGate API", version="1.0.0",
                  description="Orders, payments (UPI and card), captures, refunds and webhooks."),
        security_schemes=SECURITY_SCHEMES,
        doc_prefix="/api/v1",
        doc_url="/openapi.json",
        validation_error_status=400,
        validation_error_model=ErrorOut,  # what a validation error really looks like
    )
    app.validation_error_callback = validation_error_callback
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, JSON_SORT_KEYS=False)
    app.runtime = runtime
    if config.trusted_proxies:
        # The client's address (and scheme) as the proxies report it, for the limits and the /metrics gate.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.trusted_proxies,  # type: ignore[method-assign]
                                x_proto=config.trusted_proxies)
    runtime.init_database(app)
    register_exact_paths(app)
    register_request_ids(app)
    api.register(app, blueprints)
    register_error_handlers(app)
    return app
