"""The Flask application factory: configuration, database, OpenAPI, routes, errors, queue, seed."""
from __future__ import annotations

import logging

from flask_migrate import Migrate
from flask_openapi3 import Info, OpenAPI
from sqlalchemy.exc import OperationalError, ProgrammingError
from werkzeug.middleware.proxy_fix import ProxyFix

from backend import database
from backend.config import ROOT, Config, get_config, set_config
from backend.models import db
from backend.processors import get_processor
from backend.schemas import ErrorOut

log = logging.getLogger(__name__)

SECURITY_SCHEMES = {
    "ApiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
    "ApiSecret": {"type": "apiKey", "in": "header", "name": "X-Api-Secret"},
    "SessionToken": {"type": "http", "scheme": "bearer", "description": "a dashboard session token (sess_...)"},
}


def create_app(config: Config | None = None, *, seed: bool = True, configure_logging: bool = True) -> OpenAPI:
    if config is not None:
        set_config(config)
    config = get_config()
    if configure_logging:  # the Huey consumer configures its own
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    app = OpenAPI(
        __name__,
        info=Info(title="PayGate API", version="1.0.0",
                  description="Orders, payments (UPI and card), captures, refunds and webhooks."),
        security_schemes=SECURITY_SCHEMES,
        doc_prefix="/api/v1",
        doc_url="/openapi.json",
        validation_error_status=400,
        validation_error_model=ErrorOut,  # what a validation error really looks like
    )
    from backend.api.http import (MAX_BODY_BYTES, register_error_handlers, register_exact_paths,
                                  register_request_ids, validation_error_callback)

    app.validation_error_callback = validation_error_callback
    app.config.update(
        SQLALCHEMY_DATABASE_URI=config.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=database.engine_options(config),
        SQLALCHEMY_BINDS=database.binds(config),
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        JSON_SORT_KEYS=False,
    )
    app.extensions["paygate.config"] = config
    if config.trusted_proxies:
        # The client's address (and scheme) as the proxies report it, for the limits and the /metrics gate.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.trusted_proxies, x_proto=config.trusted_proxies)
    app.extensions["paygate.processor"] = get_processor(config)
    db.init_app(app)
    Migrate(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    with app.app_context():
        if config.is_sqlite:
            (ROOT / "var").mkdir(exist_ok=True)
        database.configure(db.engine, db.engines[database.AUTOCOMMIT_BIND], config)

    from backend import api

    register_exact_paths(app)
    register_request_ids(app)
    from backend.api import limits

    limits.init_app(app)
    api.register(app)
    register_error_handlers(app)

    import tasks  # noqa: F401  installs the Huey queue as the job queue

    from backend.services import merchants
    from seeds import register_cli, seed_all

    register_cli(app)
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
