"""Thin blueprints: parse and validate the request, call one service, serialise."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from flask_openapi3 import APIBlueprint, Tag
from werkzeug.routing import BaseConverter

from backend.api import responses as documented
from backend.api.http import authenticate_merchant, check_json_body

# The contract's key and secret, or (beyond it) the dashboard's session token.
SECURITY = [{"ApiKey": [], "ApiSecret": []}, {"SessionToken": []}]


class IdConverter(BaseConverter):
    """An id in a path: one segment, but never `public`, so that `/payments/public` (POST only) answers
    other methods with 405 and an honest `Allow` instead of being read as a payment id."""

    regex = r"(?!public\Z)[^/]+"


class Blueprint(APIBlueprint):
    """An APIBlueprint whose operations document every error they can give (backend/api/responses.py)."""

    def __init__(self, *args: Any, authenticated: bool = False, limited: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.authenticated = authenticated
        self.limited = limited  # holds routes with rate limits: served by the app with the limiter

    def _collect_openapi_info(self, rule: str, func: Callable, *, responses: Any = None, method: str = "GET",
                              **kwargs: Any):
        full = documented.build(str(getattr(method, "value", method)), rule, func, self.authenticated, responses)
        return super()._collect_openapi_info(rule, func, responses=full, method=method, **kwargs)


def merchant_blueprint(name: str, tag: str) -> Blueprint:
    """Credentials are checked before the body is looked at. Authenticated endpoints carry no limit."""
    bp = Blueprint(name, __name__, url_prefix="/api/v1", abp_tags=[Tag(name=tag)], abp_security=SECURITY,
                   authenticated=True)
    bp.before_request(authenticate_merchant)
    bp.before_request(check_json_body)
    return bp


def public_blueprint(name: str, tag: str, url_prefix: str = "/api/v1", limited: bool = False) -> Blueprint:
    """`limited`: some of its routes carry a rate limit (`limits.limited`)."""
    bp = Blueprint(name, __name__, url_prefix=url_prefix, abp_tags=[Tag(name=tag)], limited=limited)
    bp.before_request(check_json_body)
    return bp


def all_blueprints() -> list[Blueprint]:
    from backend.api import auth, events, merchant, orders, payments, refunds, system, webhooks

    return [bp for module in (system, auth, orders, payments, refunds, webhooks, events, merchant) for bp in module.BLUEPRINTS]


def limited_blueprints() -> list[Blueprint]:
    return [bp for bp in all_blueprints() if bp.limited]


def register(app, blueprints: Iterable[Blueprint]) -> None:
    app.url_map.converters["default"] = IdConverter
    for bp in blueprints:
        app.register_api(bp)
    for endpoint, view in app.view_functions.items():  # a limit outside a limited blueprint would never apply
        bp = app.blueprints.get(endpoint.rpartition(".")[0])
        if getattr(view, "paygate_limited", False) and not getattr(bp, "limited", False):
            raise RuntimeError(f"{endpoint} has a rate limit but its blueprint is not `limited`")
