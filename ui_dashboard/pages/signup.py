"""`/signup`: a new merchant creates an account and receives its own test-mode keys."""
from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import app, ui

from ui_common.pages import redirect
from ui_dashboard import api
from ui_dashboard.forms import (credential_inputs, error_banner, form, show_error,
                                sign_in_with, submit_button, switch_link, text_input)
from ui_dashboard.layout import centered_card

MIN_PASSWORD = 8


@ui.page("/signup", response_timeout=15)
def signup_page() -> RedirectResponse | None:
    if api.current_api() is not None:
        return redirect("/dashboard")
    session_id = app.storage.browser["id"]  # read now: the form's handler runs outside this request

    async def submit() -> None:
        if not name.value.strip() or not email.value.strip():
            show_error(error, "Enter your business name and email")
            return
        if len(password.value) < MIN_PASSWORD:
            show_error(error, f"The password needs at least {MIN_PASSWORD} characters")
            return
        await sign_in_with(button, error,
                           lambda: api.signup(name.value.strip(), email.value.strip(), password.value), session_id)

    with centered_card("Create your account", "You get test-mode API keys at once."):
        with form("signup-form", submit):
            name = text_input("Business name", "name-input", autocomplete="organization")
            email, password = credential_inputs(f"Password (at least {MIN_PASSWORD} characters)",
                                                new_password=True)
            error = error_banner("signup-error")
            button = submit_button("Create account", "signup-button")
        switch_link("Already have an account?", "Sign in", "/login", "login-link")
    return None
