"""`/login` (and `/` which redirects here): the merchant signs in with email and password."""
from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import ui

from ui_dashboard import api
from ui_dashboard.forms import (credential_inputs, error_banner, form, show_error,
                                sign_in_with, submit_button, switch_link)
from ui_dashboard.layout import centered_card


@ui.page("/")
def index() -> RedirectResponse:
    return RedirectResponse("/login")


@ui.page("/login", response_timeout=15)
def login_page() -> RedirectResponse | None:
    if api.current_api() is not None:
        return RedirectResponse("/dashboard")

    async def submit() -> None:
        if not email.value.strip() or not password.value:
            show_error(error, "Enter your email and password")
            return
        await sign_in_with(button, error, lambda: api.login(email.value.strip(), password.value),
                           unauthorised="Invalid email or password")

    with centered_card("Sign in", "Use your merchant account. The sandbox account is test@example.com."):
        with form("login-form", submit):
            email, password = credential_inputs("Password", new_password=False)
            error = error_banner("login-error")
            button = submit_button("Sign in", "login-button")
        switch_link("New to PayGate?", "Create an account", "/signup", "signup-link")
    return None
