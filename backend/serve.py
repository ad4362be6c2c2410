"""The API's HTTP server: `python -m backend.serve [module:factory]` runs granian's WSGI interface over the
app (the Procfile, the compose file, the Dockerfile and the test harness all start it so).

Why granian (ARCHITECTURE.md, Performance): its workers each accept their own connections, so wrk's
keep-alive connections spread over both (gunicorn's gthread workers let one worker take them all), and a
request costs less CPU. Settings come from the environment, read here at start-up only:

    HOST, PORT         the address (127.0.0.1:8000)
    API_WORKERS        processes, about one per core (2)
    API_THREADS        threads per process running the app, the most requests one process serves at once (4)
    API_MAX_CONNECTIONS open connections the server holds at once, idle keep-alive ones included (1024)
    API_GRACE_SECONDS  on SIGTERM a worker stops accepting and finishes what it serves, for up to this (30)

What the server refuses before the app sees it: granian takes any request line and headers to the app,
which refuses the oversized ones itself (backend.serving.refusals: 414, 431, in the contract's body); a
request that is not HTTP at all gets granian's own `400 Bad Request` with an empty body and the connection
closed (it has no hook for that answer)."""
from __future__ import annotations

import os
import sys

DEFAULT_TARGET = "backend.serving:api"


def settings(env: dict[str, str]) -> dict:
    workers = int(env.get("API_WORKERS", "2"))
    threads = int(env.get("API_THREADS", "4"))
    return {"address": env.get("HOST", "127.0.0.1"), "port": int(env.get("PORT", "8000")), "workers": workers,
            "blocking_threads": threads,
            # granian counts open connections against backpressure, idle keep-alive ones too: a small bound
            # let a client's pooled connections starve every new one (they waited in the kernel's queue
            # until a connection closed). Threads bound the app's concurrency; this bounds connections.
            "backpressure": int(env.get("API_MAX_CONNECTIONS", "1024")) // workers,
            "workers_kill_timeout": int(env.get("API_GRACE_SECONDS", "30")),
            "respawn_failed_workers": True}


def main(argv: list[str]) -> None:
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces

    target = argv[0] if argv else DEFAULT_TARGET
    Granian(target, interface=Interfaces.WSGI, factory=True, http=HTTPModes.http1, websockets=False,
            log_access=True, **settings(dict(os.environ))).serve()


if __name__ == "__main__":
    main(sys.argv[1:])
