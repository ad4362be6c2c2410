"""NiceGUI clients of pages whose browser never connects are dropped, so a crawler cannot grow a UI's memory.

NiceGUI builds a `Client` with its whole element tree for every GET of a page and keeps it until the page's
websocket connects. A client that never connects (a crawler, a health check, a link preview: a plain GET)
is pruned only after 60 s (`Client.prune_instances`, every 10 s), so a crawler fetching 20 pages a second
holds some 1,200 clients at once, and the process keeps that peak's memory for good. Here, after every
HTTP request (so a flood is answered at its own pace) and on a timer (so a quiet UI lets them go too):
- at most `MAX_WAITING` clients wait for their websocket: beyond that the oldest are dropped;
- none waits longer than `WAIT_SECONDS`.
A shopper's page is thus dropped only if it has not connected after 20 s, or while 50 newer pages wait.
A browser whose page was dropped before its websocket connected reloads the page (NiceGUI's handshake
fails and its script reloads), before anyone could have typed into it.

Clients that connected and then lost their socket are NiceGUI's own business (`reconnect_timeout`).

`GET /_paygate/clients` reports the counts, to this host only (loopback, and no proxy headers: behind a
proxy on the same host every request would come from loopback).
"""
from __future__ import annotations

import time

from fastapi import Request
from fastapi.responses import JSONResponse
from nicegui import Client, app

from backend.domain.visitor import is_loopback

WAIT_SECONDS = 20.0
MAX_WAITING = 50  # about 130 KB each (a page's element tree)
INTERVAL_SECONDS = 0.5
DIAGNOSTICS_PATH = "/_paygate/clients"
PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")

_connected_once: set[str] = set()


def _note_connect(client: Client) -> None:
    _connected_once.add(client.id)


def _note_delete(client: Client) -> None:
    _connected_once.discard(client.id)


def _served(client: Client) -> bool:
    # NiceGUI's own flag (its ui.page_title and ui.html read it too); a page still being built is left alone.
    return getattr(client, "_response_built", True)


def waiting() -> list[Client]:
    """Clients whose page was served but whose websocket never connected, oldest first."""
    clients = [c for c in Client.instances.values()
               if c.id not in _connected_once and not c.is_deleted and _served(c)]
    return sorted(clients, key=lambda c: c.created)


def to_drop(clients: list[Client], now: float) -> list[Client]:
    """Of `waiting()`'s answer (oldest first): the oldest beyond MAX_WAITING, and any past WAIT_SECONDS."""
    excess = max(0, len(clients) - MAX_WAITING)
    return clients[:excess] + [c for c in clients[excess:] if now - c.created >= WAIT_SECONDS]


def prune() -> None:
    for client in to_drop(waiting(), time.time()):
        client.delete()


def counts() -> dict[str, int]:
    connected = sum(1 for c in Client.instances.values() if c.id in _connected_once)
    return {"clients": len(Client.instances), "connected": connected, "waiting": len(waiting())}


class _PruneAfterRequests:
    """Pure ASGI (no per-request task or body buffering, unlike BaseHTTPMiddleware)."""

    def __init__(self, asgi_app) -> None:
        self.app = asgi_app

    async def __call__(self, scope, receive, send) -> None:
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            prune()


async def _diagnostics(request: Request) -> JSONResponse:
    local = request.client is not None and is_loopback(request.client.host)
    if not local or any(h in request.headers for h in PROXY_HEADERS):
        return JSONResponse({"detail": "Not Found"}, status_code=404)
    return JSONResponse(counts(), headers={"Cache-Control": "no-store"})


def install() -> None:
    """Call before `ui.run`: the pruning timer, the connect bookkeeping and the diagnostics route."""
    app.on_connect(_note_connect)
    app.on_delete(_note_delete)
    app.on_startup(lambda: app.timer(INTERVAL_SECONDS, prune))
    app.add_middleware(_PruneAfterRequests)
    app.add_api_route(DIAGNOSTICS_PATH, _diagnostics, methods=["GET"], include_in_schema=False)
