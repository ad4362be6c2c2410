"""A small async client for the PayGate API, shared by the dashboard and the checkout.

Non-blocking (httpx.AsyncClient) so that a slow API never freezes NiceGUI's event loop. One httpx client
per process (its connection pool and TLS context), closed at shutdown (`install`): a client per call would
open a connection, and read certifi's bundle, for every checkout load and status poll.
"""
from __future__ import annotations

import asyncio
import os
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any
from urllib.parse import quote

import httpx

from backend.domain import errors

_shared: tuple[asyncio.AbstractEventLoop, httpx.AsyncClient] | None = None


def api_url() -> str:
    return os.environ.get("API_URL", "http://127.0.0.1:8000").rstrip("/")


def segment(value: str) -> str:
    """An id as one path segment: `/`, `?`, `#` and the rest quoted, and dots too (httpx would resolve a
    `..` segment), so an id can name nothing but itself."""
    return quote(value, safe="").replace(".", "%2E")


def _http() -> httpx.AsyncClient:
    """The process's client; a new one if the event loop changed (each simulated test runs its own loop)."""
    global _shared
    loop = asyncio.get_running_loop()
    if _shared is None or _shared[0] is not loop or _shared[1].is_closed:
        # No cookie jar: the one client serves every merchant's session and every shopper.
        _shared = (loop, httpx.AsyncClient(cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[]))))
    return _shared[1]


async def close() -> None:
    global _shared
    if _shared is not None:
        _, client, _shared = *_shared, None
        await client.aclose()


def install() -> None:
    """Call before `ui.run`: the shared client is closed when the app shuts down."""
    from nicegui import app

    app.on_shutdown(close)


class ApiError(Exception):
    """An error answer of the API, in the contract's shape, or the API being unreachable."""

    def __init__(self, status: int, code: str, description: str):
        super().__init__(f"{status} {code}: {description}")
        self.status = status
        self.code = code
        self.description = description


class ApiClient:
    def __init__(self, base_url: str | None = None, headers: dict[str, str] | None = None,
                 timeout: float = 10.0):
        self.base_url = (base_url or api_url()).rstrip("/")
        self.headers = headers or {}
        self.timeout = timeout

    async def request(self, method: str, path: str, *, json: Any = None,
                      params: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> Any:
        try:
            response = await _http().request(method, self.base_url + path, json=json, params=params,
                                             headers={**self.headers, **(headers or {})}, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise ApiError(errors.HTTP_STATUS[errors.API_UNREACHABLE], errors.API_UNREACHABLE,
                           "The payment service is unreachable, please try again") from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        # Only a 2xx with a JSON body is an answer: a redirect or an HTML page (a proxy's, a server's) is not.
        if not 200 <= response.status_code < 300 or body is None:
            err = body.get("error", {}) if isinstance(body, dict) else {}
            err = err if isinstance(err, dict) else {}
            raise ApiError(response.status_code, err.get("code", errors.UNKNOWN_ERROR),
                           err.get("description", f"HTTP {response.status_code}"))
        return body

    async def get(self, path: str, **kw: Any) -> Any:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, **kw: Any) -> Any:
        return await self.request("POST", path, **kw)

    async def put(self, path: str, **kw: Any) -> Any:
        return await self.request("PUT", path, **kw)
