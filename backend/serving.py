"""What every served WSGI app gets in each server worker (backend/serve.py): the refusals of oversized
requests in the contract's body, and the start-up objects frozen for the garbage collector."""
from __future__ import annotations

import gc
import json
import logging
from typing import Callable, Iterable

from backend.domain.errors import server_refusal_body

# gunicorn's limits, the API's before granian served it: the same requests are refused as before.
MAX_REQUEST_LINE = 4094
MAX_HEADER_LINE = 8190
MAX_HEADERS = 100
_REASONS = {414: "Request-URI Too Long", 431: "Request Header Fields Too Large"}
_NOT_PREFIXED = ("CONTENT_TYPE", "CONTENT_LENGTH")

log = logging.getLogger("_granian")  # granian's own logger, which its log configuration shows


def _refusal(environ: dict) -> int | None:
    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or (
        environ.get("PATH_INFO", "") + ("?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else ""))
    if len(environ.get("REQUEST_METHOD", "")) + len(uri) + len(environ.get("SERVER_PROTOCOL", "")) + 2 > \
            MAX_REQUEST_LINE:
        return 414
    headers = [(k, v) for k, v in environ.items() if k.startswith("HTTP_") or k in _NOT_PREFIXED]
    if len(headers) > MAX_HEADERS or any(len(k) - 3 + len(str(v)) > MAX_HEADER_LINE for k, v in headers):
        return 431  # len(k) - 3: "HTTP_" goes, ": " comes
    return None


def refusals(app: Callable) -> Callable:
    """The app behind the limits gunicorn used to enforce before it: a request over them gets 414 or 431
    with the contract's error body, and the request itself is not echoed."""

    def wrapped(environ: dict, start_response: Callable) -> Iterable[bytes]:
        status = _refusal(environ)
        if status is None:
            return app(environ, start_response)
        body = json.dumps(server_refusal_body(status), separators=(",", ":")).encode()
        start_response(f"{status} {_REASONS[status]}", [("Content-Type", "application/json"),
                                                         ("Content-Length", str(len(body))),
                                                         ("Connection", "close")])
        return [body]

    return wrapped


def prepare(app: Callable) -> Callable:
    """The served app: behind the limits, with everything built so far frozen. The app, SQLAlchemy's
    mappers and pydantic's schemas (about 140,000 objects) live as long as the worker; left to the
    collector, every full collection walks them all (about 80 ms on a 2-core box, serving nobody)."""
    served = refusals(app)
    gc.collect()
    gc.freeze()
    log.info("%d start-up objects frozen for the garbage collector", gc.get_freeze_count())
    return served


def api() -> Callable:
    """The factory the server calls in each of its workers: the HTTP app, without the migration CLI."""
    from backend import create_app

    return prepare(create_app(migrations=False))
