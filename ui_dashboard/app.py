"""Wires the dashboard together: the pages, the security headers, and `ui.run`."""
from __future__ import annotations

import importlib

from nicegui import ui

from ui_common import clients
from ui_dashboard import config, layout

PAGES = ("login", "signup", "home", "transactions", "webhooks", "docs")


def main() -> None:
    settings = config.load()
    for name in PAGES:  # importing a page module registers its route
        importlib.import_module(f"ui_dashboard.pages.{name}")
    layout.install()
    clients.install()
    ui.run(host=settings.host, port=settings.port, title="PayGate Dashboard", favicon="⚡",
           storage_secret=settings.storage_secret, reload=False, show=False,
           # its own cookie name: cookies ignore ports, so another app on localhost must not clobber it
           session_middleware_kwargs={"session_cookie": "paygate_dashboard_session", "same_site": "lax"},
           reconnect_timeout=10)
