"""The HTTP edge: JSON responses, the contract's error body for every error, body and auth checks,
and the Idempotency-Key decorator. Everything a route needs besides calling its one service."""
from __future__ import annotations

import json
import logging
import os
import signal
from datetime import timedelta
from functools import wraps
from typing import Any, Callable

from flask import Flask, Response, current_app, g, request
from pydantic import ValidationError
from werkzeug.exceptions import BadRequest, HTTPException, NotFound
from werkzeug.routing import RequestRedirect

from backend import database
from backend.api import deps
from backend.api.responses import mark_idempotent
from backend.domain import errors, ids
from backend.domain.errors import GatewayError, bad_request
from backend.models import Merchant, db
from backend.schemas import dump
from backend.services import idempotency, merchants, outages

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return current_app.response_class(body, status=status, mimetype="application/json", headers=headers)


def _context() -> dict[str, Any]:
    """What an answer's schema needs of the deployment (schemas._Waits: the links a waiting payment shows)."""
    return {"config": deps.config()}


def model_response(model: type, obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """One object in its schema's shape, validated and serialised in one step by pydantic's own JSON
    encoder (the same bytes as json_response(dump(...)), without the intermediate dict)."""
    body = model.model_validate(obj, from_attributes=True, context=_context()).model_dump_json()
    return current_app.response_class(body, status=status, mimetype="application/json", headers=headers)


def page_response(model: type, page: Any, **extra: Any) -> Response:
    """The list envelope of every listing: {"data": [...], "total", "limit", "offset"}, newest first, and
    (beyond) "has_more" and "total_capped" (services/common.py paginate)."""
    config = deps.config()
    return json_response({"data": [dump(model, item, config) for item in page.items], "total": page.total,
                          "limit": page.limit, "offset": page.offset, "has_more": page.has_more,
                          "total_capped": page.total_capped, **extra})


def error_response(code: str, description: str, status: int | None = None) -> Response:
    return json_response(errors.error_body(code, description), status or errors.HTTP_STATUS[code])


# ---------- request checks ----------

def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def check_json_body() -> None:
    """A body, when sent, must be a JSON object sent as application/json (reading it enforces the size cap).

    NUL characters are refused anywhere: PostgreSQL cannot store them in text.
    """
    req = _request()
    query = req.query_string
    if "\x00" in req.path or b"%00" in query or b"\x00" in query:
        raise bad_request("Request must not contain NUL characters")
    if req.method not in ("POST", "PUT", "PATCH"):
        return
    data = req.get_data(cache=True)
    if not data:
        return
    if req.content_length is None and len(data) >= MAX_BODY_BYTES:
        # A chunked body is cut at the limit without an error (werkzeug): one that fills it is too large.
        raise GatewayError(errors.PAYLOAD_TOO_LARGE, "Request body must be at most 1 MB")
    if not req.is_json:
        raise bad_request("Request body must be JSON sent with Content-Type: application/json")
    try:
        parsed = req.get_json()  # cached: the validation that follows reads the same parse
    except (BadRequest, RecursionError):
        raise bad_request("Malformed JSON in request body")
    if not isinstance(parsed, dict):
        raise bad_request("Request body must be a JSON object")
    # In UTF-8 JSON a NUL can only come escaped; UTF-16/32 bodies (json.loads reads them too) hold NUL bytes.
    if (b"\\u0000" in data or b"\x00" in data) and _has_nul(parsed):
        raise bad_request("Request body must not contain NUL characters")


BEARER_SCHEME = "Bearer "


def _request() -> Any:
    """The request itself, for a hook that reads it many times: each read through the `request` proxy
    looks it up in the context again (about 30 such reads per request, bench.app_cpu)."""
    return request._get_current_object()  # type: ignore[attr-defined]


def bearer_token() -> str | None:
    """The token of `Authorization: Bearer <token>` (a dashboard session, a metrics scraper's), else None."""
    header = request.headers.get("Authorization", "")
    return header[len(BEARER_SCHEME):].strip() if header.startswith(BEARER_SCHEME) else None


def authenticate_merchant() -> None:
    """X-Api-Key + X-Api-Secret (the contract), or beyond it a dashboard session token."""
    headers = _request().headers
    api_key = headers.get("X-Api-Key")
    if api_key is None and "Authorization" in headers:
        g.merchant_id = merchants.authenticate_token(db.session, bearer_token())
        return
    g.merchant_id = merchants.authenticate(db.session, deps.runtime().credentials, api_key,
                                           headers.get("X-Api-Secret"))


def current_merchant_id() -> str:
    return g.merchant_id


def current_merchant() -> Merchant:
    """The merchant row, for the few endpoints that need more than its id."""
    return db.session.get(Merchant, g.merchant_id)


# ---------- validation errors ----------

def _field(loc: tuple) -> str:
    return ".".join(str(p) for p in loc)


def describe_validation_error(exc: ValidationError) -> str:
    """The first problem, in words a merchant can act on, never echoing the input (it may be a card)."""
    err = exc.errors(include_input=False, include_url=False)[0]
    kind, loc, ctx = err["type"], tuple(err.get("loc", ())), err.get("ctx") or {}
    field = _field(loc)
    if not loc:
        return "Request body must be a JSON object"
    if kind == "missing":
        return f"{field} is required"
    if kind == "extra_forbidden":
        return f"{field} is not a recognised field"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{field} must be an integer"
    if kind in ("string_type",):
        return f"{field} must be a string"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{field} must be an object"
    if kind == "bool_type":
        return f"{field} must be a boolean"
    if kind == "greater_than_equal":
        return f"{field} must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"{field} must be at most {ctx.get('le')}"
    if kind == "string_too_long":
        return f"{field} must be at most {ctx.get('max_length')} characters"
    if kind == "string_too_short":
        return f"{field} must be at least {ctx.get('min_length')} characters"
    if kind == "string_pattern_mismatch":
        return "currency must be three upper-case letters" if field == "currency" else f"{field} is not valid"
    if kind == "literal_error":
        return f"{field} must be one of: {ctx.get('expected', '')}".replace("'", "")
    if kind == "datetime_from_date_parsing" or kind.startswith("datetime"):
        return f"{field} must be an ISO-8601 timestamp or Unix seconds"
    if kind == "value_error":
        return str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
    return f"{field}: {err['msg']}" if field else err["msg"]


def validation_error_callback(exc: ValidationError) -> Response:
    return error_response(errors.BAD_REQUEST_ERROR, describe_validation_error(exc))


# ---------- request ids ----------

def register_request_ids(app: Flask) -> None:
    """Every response carries X-Request-Id (the caller's, when sane, else a new one) for support and logs."""

    @app.before_request
    def _assign() -> None:
        incoming = request.headers.get("X-Request-Id", "")
        ok = 0 < len(incoming) <= 128 and incoming.isascii() and incoming.isprintable()
        g.request_id = incoming if ok else ids.new_request_id()

    @app.after_request
    def _echo(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        return response


# ---------- paths ----------

def register_exact_paths(app: Flask) -> None:
    """A path matches a route exactly or is a JSON 404: no redirect to a merged-slashes or slash-added
    form (werkzeug's HTML 308s). An id holding "/" (sent as %2F, decoded by every WSGI server) or a
    trailing slash is then just an unknown resource, never a redirect that a client takes for success."""
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = True

    @app.before_request
    def _no_redirects() -> None:
        if isinstance(request.routing_exception, RequestRedirect):
            request.routing_exception = NotFound()


# ---------- error handlers ----------

def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(GatewayError)
    def _gateway_error(exc: GatewayError) -> Response:
        db.session.rollback()
        return error_response(exc.code, exc.description)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        db.session.rollback()
        if exc.response is not None:  # already in our format (validation errors)
            return exc.response
        code, description = errors.HTTP_REFUSALS.get(exc.code or 500,
                                                     (errors.BAD_REQUEST_ERROR, exc.description or ""))
        if exc.code and exc.code >= 500:
            code, description = errors.INTERNAL_ERROR, "Internal error"
        response = error_response(code, description, exc.code)
        if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    register_outage_handler(app)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        db.session.rollback()
        log.error("unhandled %s on %s %s (request %s)", type(exc).__name__, request.method, request.path,
                  g.get("request_id"), exc_info=exc)
        return error_response(errors.INTERNAL_ERROR, "Internal error")


def unavailable_response() -> Response:
    response = error_response(errors.SERVICE_UNAVAILABLE, "The service is temporarily unavailable, retry shortly")
    response.headers["Retry-After"] = str(outages.RETRY_AFTER_SECONDS)
    return response


def register_outage_handler(app: Flask) -> None:
    """The database unreachable is an outage, not a bug: 503 with Retry-After, and one WARNING when it
    starts and one when it ends (services/outages.py) instead of a traceback per request."""

    def _unavailable(exc: Exception) -> Response:
        try:
            db.session.rollback()
        except database.UNAVAILABLE:
            pass
        outages.DATABASE.down(exc)
        return unavailable_response()

    for exc_class in database.UNAVAILABLE:
        app.register_error_handler(exc_class, _unavailable)


# ---------- idempotency ----------

Answer = Callable[[Any], Any]


def idempotent(view: Callable[..., Response] | None = None, *, answer: Answer | None = None) -> Any:
    """Honour Idempotency-Key on a merchant POST: replay the first 2xx byte-for-byte for 24 h.

    `answer`: should the process die between the effect's commit and the stored answer, what the route's
    success model reads for a row the effect wrote (the resource's own read: computed fields, decrypted
    secrets), or None for a row that is not the answer. By default, the row itself."""
    if view is None:
        return lambda v: idempotent(v, answer=answer)

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return view(*args, **kwargs)
        idempotency.validate_key(key)
        merchant_id = current_merchant_id()
        body, config = request.get_data(), deps.config()
        fingerprints = [idempotency.request_fingerprint(request.method, request.path, body, key=k)
                        for k in config.keyring.fingerprint_keys]
        claim = idempotency.begin(db.session, merchant_id, key, fingerprints,
                                  stale_after=timedelta(seconds=config.idempotency_stale_seconds))
        if isinstance(claim, idempotency.Replay):
            return _replayed(claim.status, claim.body)
        if isinstance(claim, idempotency.Committed):
            return _rebuilt(wrapper, claim, answer)
        idempotency.hold(db.session, claim)
        try:
            _crash_point(config, "after_claim")
            response = view(*args, **kwargs)
        except BaseException:
            idempotency.abandon(db.session, claim)
            raise
        _crash_point(config, "after_effect")
        if 200 <= response.status_code < 300:
            idempotency.complete(db.session, claim, response.status_code, response.get_data(as_text=True))
        else:  # a refusal stores nothing: the same key may carry the corrected request
            idempotency.abandon(db.session, claim)
        return response

    mark_idempotent(wrapper)
    return wrapper


def _replayed(status: int, body: str) -> Response:
    return current_app.response_class(body, status=status, mimetype="application/json",
                                      headers={"Idempotent-Replayed": "true"})


class _Rebuilding:
    """An object the effect wrote, as the view's success model reads it; a field no object holds (a fixed
    message) comes from the model's `constants`."""

    def __init__(self, obj: Any, constants: dict[str, Any]):
        self._obj, self._constants = obj, constants

    def __getattr__(self, name: str) -> Any:
        try:
            return getattr(self._obj, name)
        except AttributeError:
            if name in self._constants:
                return self._constants[name]
            raise


def _rebuilt(view: Callable[..., Response], committed: "idempotency.Committed", answer: Answer | None) -> Response:
    """The answer of a request whose effect committed but whose process died before storing the answer:
    the view's declared success model over the first row the effect wrote that fits it, as it is now.
    Stored, so every later replay is the same."""
    status, model = getattr(view, "paygate_success", (None, None))
    classes = {m.local_table.name: m.class_ for m in db.Model.registry.mappers}
    for table, *pk in committed.rows if model is not None else ():
        obj = db.session.get(classes[table], tuple(pk)) if table in classes else None
        if obj is None:
            continue
        source = _Rebuilding(obj, getattr(model, "constants", {})) if answer is None else answer(obj)
        if source is None:
            continue
        try:
            data = model.model_validate(source, from_attributes=True, context=_context()).model_dump(mode="json")
        except ValidationError:
            continue
        body = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        idempotency.complete(db.session, committed.claim, status, body)
        log.warning("idempotency key %r: answer rebuilt from its committed effect (%s %s); the process that "
                    "ran it died before storing it", committed.claim.key, table, pk[0])
        return _replayed(status, body)
    db.session.rollback()
    log.error("idempotency key %r: its effect committed but no answer can be rebuilt from %r",
              committed.claim.key, committed.rows)
    raise GatewayError(errors.CONFLICT_ERROR, "A request with this Idempotency-Key is still in progress")


def _crash_point(config: Any, name: str) -> None:
    """Tests only (PAYGATE_TEST_CRASH_DIR): die here, as a killed host would, if the test armed this point."""
    if config.test_crash_dir is None:
        return
    try:
        os.remove(os.path.join(config.test_crash_dir, name))
    except FileNotFoundError:
        return
    os.kill(os.getpid(), signal.SIGKILL)
