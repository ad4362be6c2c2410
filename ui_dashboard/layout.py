"""The frame every signed-in page shares (header, navigation, logout), and the security headers."""
from __future__ import annotations

from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from fastapi import Request
from nicegui import app, ui
from starlette.middleware.base import BaseHTTPMiddleware

from ui_dashboard import api
from ui_dashboard.components import tid, toast

NAV = [("/dashboard", "Overview", "space_dashboard", "nav-overview"),
       ("/dashboard/transactions", "Transactions", "receipt_long", "nav-transactions"),
       ("/dashboard/webhooks", "Webhooks", "webhook", "nav-webhooks"),
       ("/dashboard/docs", "Docs", "code", "nav-docs")]

BRAND_COLOUR = "#4f46e5"
SESSION_ENDED = "/session/ended"  # where a page goes when the API refuses its token (ui_dashboard/pages/login.py)
T = TypeVar("T")


class SecurityHeaders(BaseHTTPMiddleware):
    """The dashboard shows API secrets: it must never be framed by another site (clickjacking)."""

    async def dispatch(self, request: Request, call_next):
        response = await call_next(request)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


class SecureSessionCookie:
    """Marks the session cookie `Secure` when the request came over https (uvicorn reads X-Forwarded-Proto
    from a proxy it trusts) or when DASHBOARD_COOKIE_SECURE=true. Pure ASGI, outside Starlette's
    SessionMiddleware, which only knows one fixed `https_only` for every request."""

    def __init__(self, inner, cookie_name: str, always: bool):
        self.inner, self.prefix, self.always = inner, cookie_name.encode() + b"=", always

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not (self.always or scope.get("scheme") == "https"):
            return await self.inner(scope, receive, send)

        async def secure_send(message):
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (name, value + b"; secure")
                    if name.lower() == b"set-cookie" and value.startswith(self.prefix)
                    and b"secure" not in value.lower() else (name, value)
                    for name, value in message.get("headers", [])]
            await send(message)

        await self.inner(scope, receive, secure_send)


def install(cookie_name: str, cookie_secure: bool) -> None:
    app.add_middleware(SecurityHeaders)
    # Outermost, around the SessionMiddleware that ui.run adds last: wrap the stack Starlette builds.
    # (From the class, not the instance: a second install, as in the simulated tests, must not nest.)
    app.build_middleware_stack = lambda: SecureSessionCookie(type(app).build_middleware_stack(app), cookie_name,
                                                             cookie_secure)


def theme() -> None:
    ui.colors(primary=BRAND_COLOUR)
    ui.query("body").classes("bg-slate-50")


def logout_button() -> None:
    """A plain `<form method="post">`: only an HTTP response can change the session cookie, and with a Lax
    cookie no other site can post it (a GET could be fired by any page's `<img>`)."""
    with ui.element("form").props('method=post action=/logout').classes("m-0"):
        tid(ui.button("Log out", icon="logout").props("type=submit outline no-caps size=sm"), "logout-button")


@contextmanager
def frame(title: str, active: str) -> Iterator[ui.column]:
    """Header with navigation and logout; yields the page's main column."""
    theme()
    ui.page_title(f"{title} · PayGate Dashboard")
    merchant = api.session_merchant()
    with ui.header().classes("bg-white text-slate-800 border-b border-slate-200 px-6 py-2 items-center gap-6"):
        with ui.row().classes("items-center gap-2"):
            ui.icon("bolt", color="primary").classes("text-2xl")
            ui.label("PayGate").classes("text-lg font-bold tracking-tight")
        with ui.row().classes("gap-1 grow"):
            for path, label, icon, test_id in NAV:
                selected = path == active
                button = ui.button(label, icon=icon, on_click=lambda p=path: ui.navigate.to(p)) \
                    .props("flat no-caps" + ("" if selected else " text-color=grey-8"))
                if selected:
                    button.classes("bg-indigo-50")
                tid(button, test_id)
        with ui.row().classes("items-center gap-3"):
            with ui.column().classes("gap-0 items-end max-sm:hidden"):
                ui.label(merchant["name"]).classes("text-sm font-medium")
                ui.label(merchant["email"]).classes("text-xs text-slate-500")
            logout_button()
    with ui.column().classes("w-full max-w-6xl mx-auto p-6 gap-6") as main:
        ui.label(title).classes("text-2xl font-semibold text-slate-900")
        yield main


@contextmanager
def centered_card(title: str, subtitle: str) -> Iterator[ui.card]:
    """The layout of the signed-out pages (login, sign-up)."""
    theme()
    ui.page_title(f"{title} · PayGate Dashboard")
    with ui.column().classes("w-full min-h-screen items-center justify-center p-4"):
        with ui.row().classes("items-center gap-2 mb-2"):
            ui.icon("bolt", color="primary").classes("text-3xl")
            ui.label("PayGate").classes("text-2xl font-bold tracking-tight")
        with ui.card().classes("w-full max-w-sm p-6 gap-4") as card:
            ui.label(title).classes("text-xl font-semibold")
            ui.label(subtitle).classes("text-sm text-slate-500 -mt-3")
            yield card


async def attempt(awaitable: Awaitable[T], banner: ui.label | None = None) -> T | None:
    """Await an API call; on an API error show its description (in `banner` if given, else a toast)
    and return None. A 401 means the session token was revoked or expired: the session ends."""
    try:
        result = await awaitable
    except api.ApiError as exc:
        if exc.status == 401:
            toast("Your session has ended, please sign in again", "warning")
            ui.navigate.to(SESSION_ENDED)
        elif banner is not None:
            banner.set_text(exc.description)
            banner.set_visibility(True)
        else:
            toast(exc.description, "negative")
        return None
    if banner is not None:
        banner.set_visibility(False)
    return result


def signed_in() -> api.MerchantApi | None:
    return api.current_api()
