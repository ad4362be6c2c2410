from __future__ import annotations

import hmac

from flask import Response, redirect, request

from backend.api import deps, public_blueprint
from backend.api.http import bearer_token, json_response
from backend.api.responses import error
from backend.domain.errors import not_found
from backend.domain.visitor import is_loopback
from backend.models import db
from backend.schemas import HealthOut, JobsStatusOut, TestMerchantOut
from backend.services import merchants, outages, system
from backend.services.metrics import GatewayCollector

health_bp = public_blueprint("health", "Health", url_prefix="")
bp = public_blueprint("test_helpers", "Test helpers")
BLUEPRINTS = (health_bp, bp)


@health_bp.get("/health", summary="Database, queue and worker status; 503 while the database or the queue is down",
               responses={200: HealthOut, 503: error(503, HealthOut, "The database or the queue is down")})
def health():
    body = system.health(deps.config(), deps.runtime().queue)
    if system.serving(body):
        return json_response(body)
    return json_response(body, 503, {"Retry-After": str(outages.RETRY_AFTER_SECONDS)})


@health_bp.get("/metrics", summary="Prometheus metrics (payments, refunds, deliveries, jobs, worker)",
               doc_ui=False)
def metrics():
    # Business volumes are not for the public internet: loopback scrapers, or METRICS_TOKEN as a bearer.
    # Behind TRUSTED_PROXIES proxies remote_addr is the client they report, so a proxy on this host does
    # not make every client loopback.
    token = deps.config().metrics_token
    given = bearer_token() or ""
    allowed = hmac.compare_digest(given.encode(), token.encode()) if token else is_loopback(request.remote_addr)
    if not allowed:
        raise not_found("Resource")
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    registry = CollectorRegistry()
    registry.register(GatewayCollector(lambda: db.session, deps.config()))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


@bp.get("/test/merchant", summary="The seeded test merchant",
        responses={200: TestMerchantOut, 404: error(404, description="The test merchant is not seeded")})
def test_merchant():
    merchant = merchants.get_test_merchant(db.session)
    if merchant is None:
        raise not_found("Test merchant")
    return json_response({"id": merchant.id, "email": merchant.email, "api_key": merchant.api_key, "seeded": True})


@bp.get("/test/jobs/status", responses={200: JobsStatusOut}, summary="Job counts over all job kinds")
def jobs_status():
    return json_response(system.job_counts(db.session, deps.config()))


@bp.get("/docs", summary="Interactive API documentation", doc_ui=False)
def docs():
    return redirect("/api/v1/swagger")
