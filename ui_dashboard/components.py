"""Small building blocks shared by the pages: test ids, plain HTML tables, badges, copy buttons."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from nicegui import ui
from nicegui.elements.mixins.text_element import TextElement

from backend.domain.money import format_amount, format_whole

__all__ = ["tid", "Tag", "html_table", "cell", "status_badge", "copy_button", "timestamp",
           "format_amount", "format_whole", "whole_percent"]

STATUS_COLOURS = {
    "success": "bg-green-100 text-green-800", "processed": "bg-green-100 text-green-800",
    "pending": "bg-amber-100 text-amber-800", "created": "bg-slate-100 text-slate-700",
    "failed": "bg-red-100 text-red-800",
}


def tid(element: ui.element, test_id: str, **data: str) -> ui.element:
    """Give an element the contract's `data-test-id` (and `data-*` attributes), and the same marker
    for NiceGUI's simulated User tests."""
    element.props["data-test-id"] = test_id
    for name, value in data.items():
        element.props[f"data-{name.replace('_', '-')}"] = value
    element.mark(test_id)
    element.update()
    return element


class Tag(TextElement):
    """Any HTML tag holding text: `<td>`, `<th>`, `<pre>`, `<code>`..."""

    def __init__(self, tag: str, text: str = "") -> None:
        super().__init__(tag=tag, text=text)


def html_table(test_id: str, headers: Iterable[str]) -> tuple[ui.element, ui.element]:
    """A real `<table>` (so rows and cells carry their own attributes); returns (table, tbody)."""
    with ui.element("div").classes("w-full overflow-x-auto rounded-lg border border-slate-200 bg-white"):
        table = tid(ui.element("table").classes("w-full text-sm text-left"), test_id)
        with table:
            with ui.element("thead").classes("bg-slate-50 text-slate-600 uppercase text-xs"):
                with ui.element("tr"):
                    for header in headers:
                        Tag("th", header).classes("px-4 py-3 font-semibold whitespace-nowrap")
            body = ui.element("tbody")
    return table, body


def cell(text: Any, test_id: str | None = None, classes: str = "") -> Tag:
    td = Tag("td", "" if text is None else str(text)).classes(f"px-4 py-3 whitespace-nowrap {classes}")
    if test_id:
        tid(td, test_id)
    return td


def empty_row(columns: int, message: str) -> None:
    with ui.element("tr"):
        td = Tag("td", message).classes("px-4 py-8 text-center text-slate-500")
        td.props["colspan"] = columns


def status_badge(status: str, test_id: str | None = None) -> ui.element:
    badge = Tag("span", status).classes(
        f"inline-block rounded-full px-2.5 py-0.5 text-xs font-medium "
        f"{STATUS_COLOURS.get(status, 'bg-slate-100 text-slate-700')}")
    if test_id:
        tid(badge, test_id)
    return badge


def copy_button(value: Callable[[], str] | str, test_id: str, what: str = "Value") -> ui.button:
    def copy() -> None:
        ui.clipboard.write(value() if callable(value) else value)
        ui.notify(f"{what} copied", type="positive", timeout=1500)
    button = ui.button(icon="content_copy", on_click=copy).props("flat round dense size=sm")
    button.tooltip(f"Copy {what.lower()}")
    return tid(button, test_id)


def timestamp(value: str | None) -> str:
    """`2024-01-15T10:31:00Z` (or with fractions/offset) -> `2024-01-15 10:31:00`; None -> ``."""
    if not value:
        return ""
    return value.replace("T", " ")[:19]


def whole_percent(rate: float | int | None) -> str:
    """A 0-100 rate -> `95%`, rounding halves up as people (and JavaScript's Math.round) do."""
    return f"{int(float(rate or 0) + 0.5)}%"
