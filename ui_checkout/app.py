"""The checkout process: the page, `/checkout.js` for merchants' pages, and `/` -> `/checkout`."""
from __future__ import annotations

import os
from pathlib import Path

from fastapi import Response
from fastapi.responses import JSONResponse, RedirectResponse
from nicegui import app, ui

import ui_checkout.authenticate_page  # noqa: F401  (registers /authenticate: next_action.url)
import ui_checkout.page  # noqa: F401  (registers /checkout)
import ui_checkout.upi_app  # noqa: F401  (registers /upi-app: the sandbox's UPI app)
from ui_common import clients, http

WIDGET = Path(__file__).resolve().parent.parent / "widget" / "dist" / "checkout.js"
WIDGET_HEADERS = {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*",
                  "X-Content-Type-Options": "nosniff"}


@app.api_route("/checkout.js", methods=["GET", "HEAD"], include_in_schema=False)
def checkout_js() -> Response:
    return Response(WIDGET.read_bytes(), media_type="application/javascript; charset=utf-8",
                    headers=WIDGET_HEADERS)


@app.get("/", include_in_schema=False)
def root() -> RedirectResponse:
    return RedirectResponse("/checkout")


@app.get("/health", include_in_schema=False)
def health() -> JSONResponse:
    return JSONResponse({"status": "ok"})


def main() -> None:
    clients.install()
    http.install()
    ui.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("CHECKOUT_PORT", "3001")),
           title="PayGate Checkout", favicon="🔒", reload=False, show=False, language="en-US")
