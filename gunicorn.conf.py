"""gunicorn settings of the API, read by gunicorn from the working directory (the command line still sets
workers, threads and the address)."""
import gc
import json

import gunicorn.util

from backend.domain.errors import server_refusal_body


def _json_error(sock, status_int, reason, _mesg):
    """gunicorn's own answers to requests it refuses before the app (400, 414 request line, 431 headers)
    in the API's JSON error body instead of its HTML page. gunicorn has no setting for them: its workers
    call gunicorn.util.write_error, replaced here."""
    body = json.dumps(server_refusal_body(status_int), separators=(",", ":")).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode("latin-1")
    gunicorn.util.write_nonblock(sock, head + body)


gunicorn.util.write_error = _json_error


def post_worker_init(worker):
    # The app, SQLAlchemy's mappers and pydantic's schemas (about 140,000 objects) live as long as the
    # worker. Left to the collector, every full collection walks them all: about 80 ms on a 2-core box,
    # during which the worker serves nobody. Frozen, they are skipped.
    gc.collect()
    gc.freeze()
    worker.log.info("worker %s: %d start-up objects frozen for the garbage collector", worker.pid,
                    gc.get_freeze_count())
