"""What every page of both UIs shares: the test-id helper, the poll period, and a redirect that leaves no
NiceGUI client behind.

The shape of a page (ARCHITECTURE.md, "The UIs' pages"): the `@ui.page` function only checks its inputs
(and the session) and builds one object, a class per browser tab that holds the tab's state, draws it and
owns its handlers as methods.
"""
from __future__ import annotations

from typing import TypeVar

from fastapi.responses import RedirectResponse
from nicegui import context, ui

# How often a page asks the API about something still pending (a payment, a refund, a delivery): the
# checkout's "polls its status every 2 s" (docs/api.md §7), and the dashboard's lists and panels alike.
POLL_SECONDS = 2.0

E = TypeVar("E", bound=ui.element)


def tid(element: E, test_id: str, **data: str) -> E:
    """Give an element the contract's `data-test-id` (docs/api.md §6 and docs/api.md §7) and `data-*` attributes
    (`payment_id=` is `data-payment-id`), and the same marker for NiceGUI's simulated User tests."""
    element.props["data-test-id"] = test_id
    for name, value in data.items():
        element.props[f"data-{name.replace('_', '-')}"] = value
    element.mark(test_id)
    element.update()
    return element


def redirect(url: str) -> RedirectResponse:
    """What a page answers instead of itself: the redirect, with the page's NiceGUI client dropped at once
    (NiceGUI would keep it, unserved and unconnected, for a minute: see ui_common/clients.py)."""
    try:
        context.client.delete()
    except RuntimeError:  # not inside a page
        pass
    return RedirectResponse(url)
