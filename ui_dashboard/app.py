"""Wires the dashboard together: the pages, the security headers, and `ui.run`."""
from __future__ import annotations

import importlib
import os

from nicegui import ui

from ui_common import clients, http
from ui_dashboard import config, layout

PAGES = ("login", "signup", "home", "transactions", "webhooks", "docs")
SESSION_COOKIE = "paygate_dashboard_session"


def main() -> None:
    os.umask(0o077)  # NiceGUI's session files and everything else this process writes: owner only
    settings = config.load()
    settings.storage_path.mkdir(parents=True, exist_ok=True)
    settings.storage_path.chmod(0o700)
    for name in PAGES:  # importing a page module registers its route
        importlib.import_module(f"ui_dashboard.pages.{name}")
    layout.install(SESSION_COOKIE, settings.cookie_secure)
    clients.install()
    http.install()
    ui.run(host=settings.host, port=settings.port, title="PayGate Dashboard", favicon="⚡",
           storage_secret=settings.storage_secret, reload=False, show=False,
           # its own cookie name: cookies ignore ports, so another app on localhost must not clobber it
           session_middleware_kwargs={"session_cookie": SESSION_COOKIE, "same_site": "lax"},
           reconnect_timeout=10,
           # uvicorn would believe X-Forwarded-For from any local client; TRUSTED_PROXIES decides instead
           proxy_headers=False)
