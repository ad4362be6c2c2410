"""`/login` (and `/` which redirects here): the merchant signs in with email and password; `/session/start`,
`/logout` (POST) and `/session/ended`, the plain HTTP routes that change the session cookie (see
ui_dashboard/api.py)."""
from __future__ import annotations

import logging
import uuid

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app, ui

from ui_common.pages import redirect
from ui_dashboard import api
from ui_dashboard.forms import (credential_inputs, error_banner, form, show_error,
                                sign_in_with, submit_button, switch_link)
from ui_dashboard.layout import SESSION_ENDED, centered_card


log = logging.getLogger(__name__)


def _new_session(request: Request, **values: str) -> None:
    """A new session id: whatever cookie the browser came with (even one planted by someone else) ends."""
    request.session.clear()
    request.session.update({"id": str(uuid.uuid4()), **values})


@app.get("/session/start", include_in_schema=False)
def start_session(request: Request, code: str = "") -> RedirectResponse:
    fresh = api.take_handoff(code, request.session.get("id"))
    if fresh is None:
        return RedirectResponse("/login", status_code=303)
    _new_session(request, **fresh)
    return RedirectResponse("/dashboard", status_code=303)


@app.post("/logout", include_in_schema=False)
async def logout(request: Request) -> RedirectResponse:
    """Revoke the token at the API, then forget it with the session id. POST only (the header's form)."""
    token = request.session.get("session_token")
    if token:
        try:
            await api.MerchantApi(token).logout()
        except api.ApiError as exc:  # already expired or revoked (401), or the API is down
            if exc.status != 401:
                log.warning("logout could not revoke the session token: %s", exc)
    _new_session(request)
    return RedirectResponse("/login", status_code=303)


@app.get(SESSION_ENDED, include_in_schema=False)
async def session_ended(request: Request) -> RedirectResponse:
    """Where a page goes when the API refused its token: the session is forgotten only if the API still
    refuses it, so a link to here from another site ends nobody's session."""
    token = request.session.get("session_token")
    if token and not await _refused(token):
        return RedirectResponse("/dashboard", status_code=303)
    _new_session(request)
    return RedirectResponse("/login", status_code=303)


async def _refused(token: str) -> bool:
    try:
        await api.MerchantApi(token).merchant()
    except api.ApiError as exc:
        return exc.status == 401  # an outage says nothing about the token: keep it
    return False


@ui.page("/")
def index() -> RedirectResponse:
    return redirect("/login")


@ui.page("/login", response_timeout=15)
def login_page() -> RedirectResponse | None:
    if api.current_api() is not None:
        return redirect("/dashboard")
    session_id = app.storage.browser["id"]  # read now: the form's handler runs outside this request

    async def submit() -> None:
        if not email.value.strip() or not password.value:
            show_error(error, "Enter your email and password")
            return
        await sign_in_with(button, error, lambda: api.login(email.value.strip(), password.value),
                           session_id, unauthorised="Invalid email or password")

    with centered_card("Sign in", "Use your merchant account. The sandbox account is test@example.com."):
        with form("login-form", submit):
            email, password = credential_inputs("Password", new_password=False)
            error = error_banner("login-error")
            button = submit_button("Sign in", "login-button")
        switch_link("New to PayGate?", "Create an account", "/signup", "signup-link")
    return None
