"""A small async client for the PayGate API, shared by the dashboard and the checkout.

Non-blocking (httpx.AsyncClient) so that a slow API never freezes NiceGUI's event loop.
"""
from __future__ import annotations

import os
from typing import Any

import httpx

from backend.domain import errors

# One TLS context per process: httpx would otherwise build one, reading certifi's bundle, for every
# request's client (milliseconds of CPU and memory churn on each checkout load and status poll).
_TLS = httpx.create_ssl_context()


def api_url() -> str:
    return os.environ.get("API_URL", "http://127.0.0.1:8000").rstrip("/")


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
            async with httpx.AsyncClient(base_url=self.base_url, timeout=self.timeout, verify=_TLS) as client:
                response = await client.request(method, path, json=json, params=params,
                                                headers={**self.headers, **(headers or {})})
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
