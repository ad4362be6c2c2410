"""The `responses` map of every operation in the OpenAPI document, built in one place from what the route
really does, so the document lists every status an endpoint can answer (schemathesis checks it against the
live API in tests/api/test_openapi.py):

- 400 everywhere (validation, NUL characters in the path or query), 405 on every path (another method;
  the answer carries `Allow`), 503 everywhere (the database or the queue is unreachable), 414 and 431
  everywhere (backend/serving.py refuses a request line over 4 KB or oversized headers before the routes);
- 401 on the authenticated blueprints; 404 where the path names an object;
- 413 where a body is read (POST, PUT, PATCH); 409 on `@idempotent` views (the same key still in flight);
- 429 on views that `limits.limited` decorates (Flask-Limiter).

A route declares only its success model; an explicit entry (e.g. `/health`'s own 503 body) wins.
"""
from __future__ import annotations

from typing import Any, Callable

from backend.schemas import ErrorOut

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
DESCRIPTIONS = {
    400: "Invalid input (BAD_REQUEST_ERROR, or INVALID_VPA / INVALID_CARD / EXPIRED_CARD)",
    401: "Missing or wrong X-Api-Key / X-Api-Secret (AUTHENTICATION_ERROR)",
    404: "Unknown id, or another merchant's (NOT_FOUND_ERROR)",
    405: "Method not allowed on this path (METHOD_NOT_ALLOWED); `Allow` lists the methods",
    409: "A request with the same Idempotency-Key is still running (CONFLICT_ERROR)",
    413: "Request body over 1 MB (PAYLOAD_TOO_LARGE)",
    414: "Request line (path and query) over 4 KB, refused by the HTTP server (BAD_REQUEST_ERROR)",
    429: "Too many requests (RATE_LIMIT_ERROR)",
    431: "Request headers too large, refused by the HTTP server (BAD_REQUEST_ERROR)",
    503: "The database or the queue is unreachable (SERVICE_UNAVAILABLE); retry after `Retry-After` seconds",
}
RETRY_AFTER = {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}}
HEADERS = {405: {"Allow": {"description": "The methods this path answers", "required": True,
                           "schema": {"type": "string"}}},
           429: {"Retry-After": RETRY_AFTER},
           503: {"Retry-After": RETRY_AFTER}}


def mark_idempotent(view: Callable) -> None:
    view.paygate_idempotent = True  # type: ignore[attr-defined]


def _mark_success(view: Callable, declared: dict[str, Any]) -> None:
    """An idempotent view's declared 2xx (status, model): how a lost answer is rebuilt (api/http.py)."""
    for status, model in declared.items():
        if 200 <= int(status) < 300 and isinstance(model, type):
            view.paygate_success = (int(status), model)  # type: ignore[attr-defined]
            return


def error(status: int, model: type = ErrorOut, description: str | None = None) -> dict[str, Any]:
    """One response entry in flask-openapi3's dict form (it accepts a model or a dict)."""
    entry = {"description": description or DESCRIPTIONS[status],
             "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}
    if status in HEADERS:
        entry["headers"] = HEADERS[status]
    return entry


def error_statuses(method: str, rule: str, view: Callable, authenticated: bool) -> list[int]:
    statuses = [400, 405, 414, 431, 503]
    if authenticated:
        statuses.append(401)
    if "<" in rule:
        statuses.append(404)
    if method.upper() in BODY_METHODS:
        statuses.append(413)
    if getattr(view, "paygate_idempotent", False):
        statuses.append(409)
    if getattr(view, "paygate_limited", False):  # backend.api.limits.limited
        statuses.append(429)
    return sorted(statuses)


def build(method: str, rule: str, view: Callable, authenticated: bool,
          declared: dict[Any, Any] | None) -> dict[str, Any]:
    """The route's own entries plus every error it can give, all in the contract's error body."""
    declared = {str(status): model for status, model in (declared or {}).items()}
    if getattr(view, "paygate_idempotent", False):
        _mark_success(view, declared)
    out: dict[str, Any] = {str(s): error(s) for s in error_statuses(method, rule, view, authenticated)}
    out.update(declared)
    return out
