"""Thin blueprints: parse and validate the request, call one service, serialise."""
from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from backend.api.http import authenticate_merchant, check_json_body

# The contract's key and secret, or (beyond it) the dashboard's session token.
SECURITY = [{"ApiKey": [], "ApiSecret": []}, {"SessionToken": []}]


def merchant_blueprint(name: str, tag: str) -> APIBlueprint:
    """Credentials are checked before the body is looked at (CONTRACT §1)."""
    from backend.api import limits

    bp = APIBlueprint(name, __name__, url_prefix="/api/v1", abp_tags=[Tag(name=tag)], abp_security=SECURITY)
    bp.before_request(authenticate_merchant)
    bp.before_request(check_json_body)
    limits.exempt(bp)  # authenticated endpoints carry no limit
    return bp


def public_blueprint(name: str, tag: str, url_prefix: str = "/api/v1") -> APIBlueprint:
    bp = APIBlueprint(name, __name__, url_prefix=url_prefix, abp_tags=[Tag(name=tag)])
    bp.before_request(check_json_body)
    return bp


def register(app) -> None:
    from backend.api import auth, merchant, orders, payments, refunds, system, webhooks

    for module in (system, auth, orders, payments, refunds, webhooks, merchant):
        for bp in module.BLUEPRINTS:
            app.register_api(bp)
