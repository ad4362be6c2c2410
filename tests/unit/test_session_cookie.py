"""The dashboard's session cookie is `Secure` over https (directly or as a trusted proxy says) or when
DASHBOARD_COOKIE_SECURE=true, and only then: the real Starlette SessionMiddleware, wrapped as the dashboard does."""
from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from ui_dashboard.layout import SecureSessionCookie

COOKIE = "paygate_dashboard_session"


def _client(always: bool, base_url: str) -> httpx.AsyncClient:
    def touch(request):
        request.session["id"] = "x"
        response = PlainTextResponse("ok")
        response.set_cookie("other", "1")  # another cookie is left as it is
        return response

    app = Starlette(routes=[Route("/", touch)],
                    middleware=[Middleware(SessionMiddleware, secret_key="k", session_cookie=COOKIE)])
    return httpx.AsyncClient(transport=httpx.ASGITransport(SecureSessionCookie(app, COOKIE, always)),
                             base_url=base_url)


def _session_cookie(response) -> str:
    (header,) = [v for v in response.headers.get_list("set-cookie") if v.startswith(COOKIE + "=")]
    return header.lower()


@pytest.mark.parametrize("always, base_url, secure", [
    (False, "http://testserver", False),
    (False, "https://testserver", True),
    (True, "http://testserver", True),
])
async def test_secure_flag(always, base_url, secure):
    async with _client(always, base_url) as client:
        response = await client.get("/")
    cookie = _session_cookie(response)
    assert ("; secure" in cookie) is secure
    assert "httponly" in cookie and "samesite=lax" in cookie
    (other,) = [v for v in response.headers.get_list("set-cookie") if v.startswith("other=")]
    assert "secure" not in other.lower()
