"""Form helpers: a real `<form>` that submits without reloading the page, inputs, error banners."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from ui_dashboard import api
from ui_dashboard.components import tid


def form(test_id: str, on_submit: Callable[[], Awaitable[None]]) -> ui.element:
    """Quasar's QForm renders `<form>`; with a submit listener it prevents the native submission."""
    element = tid(ui.element("q-form").classes("flex flex-col gap-3 w-full"), test_id)
    element.on("submit", on_submit)
    return element


def text_input(label: str, test_id: str, *, input_type: str = "text", autocomplete: str = "",
               password: bool = False) -> ui.input:
    field = ui.input(label, password=password).props(f"outlined dense type={input_type}").classes("w-full")
    if autocomplete:
        field.props(f"autocomplete={autocomplete}")
    return tid(field, test_id)


def submit_button(label: str, test_id: str) -> ui.button:
    return tid(ui.button(label).props("type=submit unelevated no-caps").classes("w-full"), test_id)


def error_banner(test_id: str) -> ui.label:
    banner = ui.label("").classes("text-sm text-red-700 bg-red-50 rounded px-3 py-2 w-full")
    banner.set_visibility(False)
    return tid(banner, test_id)


def show_error(banner: ui.label, message: str) -> None:
    banner.set_text(message)
    banner.set_visibility(bool(message))


async def sign_in_with(button: ui.button, banner: ui.label, call: Callable[[], Awaitable[dict]],
                       session_id: str, unauthorised: str = "") -> None:
    """Run login or signup, then let `/session/start` put the answered token in a new session (see api.py)."""

    button.props("loading")
    try:
        auth = await call()
    except api.ApiError as exc:
        show_error(banner, unauthorised if exc.status == 401 and unauthorised else exc.description)
        return
    finally:
        button.props(remove="loading")
    ui.navigate.to(f"/session/start?code={api.hand_off(auth, session_id)}")


def credential_inputs(password_label: str, new_password: bool) -> tuple[ui.input, ui.input]:
    email = text_input("Email", "email-input", input_type="email", autocomplete="username")
    password = text_input(password_label, "password-input", input_type="password", password=True,
                          autocomplete="new-password" if new_password else "current-password")
    return email, password


def switch_link(question: str, text: str, target: str, test_id: str) -> None:
    with ui.row().classes("text-sm gap-1 justify-center w-full"):
        ui.label(question).classes("text-slate-500")
        tid(ui.link(text, target), test_id)
