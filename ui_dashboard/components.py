"""Small building blocks shared by the dashboard's pages: plain HTML tables, badges, copy buttons, pagers."""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from nicegui import ui
from nicegui.elements.mixins.text_element import TextElement

from backend.domain.status import OrderStatus, PaymentStatus, RefundStatus
from ui_common.pages import tid  # the one test-id helper (the pages import it from here too)

GREEN, AMBER, GREY, RED = ("bg-green-100 text-green-800", "bg-amber-100 text-amber-800",
                            "bg-slate-100 text-slate-700", "bg-red-100 text-red-800")
STATUS_COLOURS = {  # of payments, refunds, deliveries and orders alike (their shared names)
    PaymentStatus.SUCCESS.value: GREEN, RefundStatus.PROCESSED.value: GREEN, PaymentStatus.PENDING.value: AMBER,
    OrderStatus.CREATED.value: GREY, PaymentStatus.FAILED.value: RED,
}


class Tag(TextElement):
    """Any HTML tag holding text: `<td>`, `<th>`, `<pre>`, `<code>`..."""

    def __init__(self, tag: str, text: str = "") -> None:
        super().__init__(tag=tag, text=text)


def html_table(test_id: str, headers: Iterable[str]) -> tuple[ui.element, ui.element]:
    """A real `<table>` (so rows and cells carry their own attributes); returns (table, tbody)."""
    with ui.element("div").classes("w-full overflow-x-auto rounded-lg border border-slate-200 bg-white"):
        table = tid(ui.element("table").classes("w-full text-sm text-left"), test_id)
        with table:
            # No `uppercase`: it would change what browsers and screen readers read (innerText), and the
            # headers must read exactly as the README's tables name them ("Payment ID", "Last Attempt").
            with ui.element("thead").classes("bg-slate-50 text-slate-600 text-xs tracking-wide"):
                with ui.element("tr"):
                    for header in headers:
                        Tag("th", header).classes("px-4 py-3 font-semibold whitespace-nowrap")
            body = ui.element("tbody").mark(f"{test_id}-body")  # rows' clicks land here (on_row_click)
    return table, body


def on_row_click(body: ui.element, data_attribute: str, handler: Callable[[str], Awaitable[None]]) -> None:
    """One click handler on the `<tbody>`, which outlives its rows: a table that refreshes itself rebuilds
    them, and a click on a row that was just replaced would otherwise be dropped. Buttons keep their own."""
    async def clicked(event: Any) -> None:
        if event.args:
            await handler(str(event.args))
    body.on("click", clicked, js_handler=(
        "(e) => { if (e.target.closest('button')) return;"
        f" const row = e.target.closest('tr[{data_attribute}]'); if (row) emit(row.getAttribute('{data_attribute}')); }}"))


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
        f"{STATUS_COLOURS.get(status, GREY)}")
    if test_id:
        tid(badge, test_id)
    return badge


def copy_button(value: Callable[[], str] | str, test_id: str, what: str = "Value") -> ui.button:
    def copy() -> None:
        ui.clipboard.write(value() if callable(value) else value)
        toast(f"{what} copied")
    return icon_button("content_copy", f"Copy {what.lower()}", test_id, copy).props("size=sm")


def icon_button(icon: str, label: str, test_id: str, on_click: Callable[..., Any] | None = None) -> ui.button:
    """A round icon-only button, named for screen readers and with a tooltip."""
    button = ui.button(icon=icon, on_click=on_click).props("flat round dense")
    button.props["aria-label"] = label
    button.tooltip(label)
    return tid(button, test_id)


def timestamp(value: str | None) -> str:
    """`2024-01-15T10:31:00Z` (or with fractions/offset) -> `2024-01-15 10:31:00`; None -> ``."""
    if not value:
        return ""
    return value.replace("T", " ")[:19]


def whole_percent(rate: float | int | None) -> str:
    """A 0-100 rate -> `95%`, rounding halves up as people (and JavaScript's Math.round) do."""
    return f"{int(float(rate or 0) + 0.5)}%"


def native_select(options: Iterable[tuple[str, str]], test_id: str, on_change: Callable[[str], Awaitable[None]],
                  value: str = "", label: str = "") -> ui.element:
    """A plain `<select>` (easy for people, screen readers and browser tests alike), named by `label`."""
    select = ui.element("select").classes(
        "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-800 focus:outline-indigo-500")
    if label:
        select.props["aria-label"] = label
    with select:
        for option_value, label in options:
            option = Tag("option", label)
            option.props["value"] = option_value
            if option_value == value:
                option.props["selected"] = True

    return tid(_on_value_change(select, on_change), test_id)


def date_input(label: str, test_id: str, on_change: Callable[[str], Awaitable[None]]) -> ui.element:
    """A native `<input type="date">` (the browser's own picker); reports `YYYY-MM-DD` or ``."""
    with ui.element("label").classes("flex items-center gap-2 text-sm text-slate-600"):
        Tag("span", label)
        field = ui.element("input").classes(
            "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-800")
        field.props["type"] = "date"
    return tid(_on_value_change(field, on_change), test_id)


def _on_value_change(element: ui.element, on_change: Callable[[str], Awaitable[None]]) -> ui.element:
    async def changed(event: Any) -> None:
        await on_change(str(event.args or ""))
    element.on("change", changed, js_handler="(e) => emit(e.target.value)")
    return element


def pager(on_prev: Callable[[], Awaitable[None]], on_next: Callable[[], Awaitable[None]],
          prefix: str = "", extra: Callable[[], Any] | None = None) -> tuple[ui.label, ui.button, ui.button]:
    """`Showing 1–10 of 42` with previous/next buttons (and `extra` controls on the left); the caller
    updates them after each load with `update_pager`."""
    with ui.row().classes("w-full items-center justify-between"):
        with ui.row().classes("items-center gap-4"):
            if extra is not None:
                extra()
            info = tid(ui.label("").classes("text-sm text-slate-500"), f"{prefix}pagination-info")
        with ui.row().classes("gap-2"):
            prev = tid(ui.button("Previous", icon="chevron_left", on_click=on_prev)
                       .props("outline no-caps size=sm"), f"{prefix}prev-page-button")
            nxt = tid(ui.button("Next", on_click=on_next).props("icon-right=chevron_right")
                      .props("outline no-caps size=sm"), f"{prefix}next-page-button")
    return info, prev, nxt


def update_pager(parts: tuple[ui.label, ui.button, ui.button], offset: int, shown: int, total: int, *,
                 has_previous: bool | None = None, has_next: bool | None = None, capped: bool = False) -> None:
    """`has_previous`/`has_next` from a cursor page's has_more (else worked out from offset and total);
    `capped`: the API counted up to its bound and stopped, so the total reads `10,000+`."""
    info, prev, nxt = parts
    of = f"{total:,}+" if capped else str(total)
    info.set_text(f"Showing {offset + 1}–{offset + shown} of {of}" if shown else f"No results (total {of})")
    prev.set_enabled(offset > 0 if has_previous is None else has_previous)
    nxt.set_enabled(offset + shown < total if has_next is None else has_next)


class CursorPages:
    """Where a list paged by cursor stands: Next is `starting_after` the last row shown, Previous
    `ending_before` the first (the API's cursors, so a deep page costs what the first does); `position`,
    the index of the first row shown, only numbers the rows for the pager."""

    def __init__(self, limit: int = 10) -> None:
        self.limit = limit
        self.position = 0
        self.cursor: dict[str, str] = {}  # {} (the first page), {"starting_after": id} or {"ending_before": id}
        self.first_id = self.last_id = ""

    def first(self) -> None:
        self.position, self.cursor = 0, {}

    def next(self) -> None:
        self.position += self.limit
        self.cursor = {"starting_after": self.last_id}

    def previous(self) -> None:
        self.position = max(0, self.position - self.limit)
        self.cursor = {"ending_before": self.first_id}

    def show(self, parts: tuple[ui.label, ui.button, ui.button], page: dict[str, Any]) -> None:
        """Take in the page drawn and set the pager: a previous page exists, a next page exists."""
        rows = page["data"]
        if rows:
            self.first_id, self.last_id = rows[0]["id"], rows[-1]["id"]
        if "ending_before" in self.cursor:
            if not page["has_more"]:  # reached the newest rows: number them from 1 again
                self.position = 0
            has_previous, has_next = page["has_more"], True
        else:
            has_previous, has_next = self.position > 0, page["has_more"]
        update_pager(parts, self.position, len(rows), page["total"], has_previous=has_previous, has_next=has_next,
                     capped=page.get("total_capped", False))


def confirm_dialog(test_id: str, title: str, text: str, action: str, on_confirm: Callable[..., Any],
                   cancel_id: str, confirm_id: str) -> ui.dialog:
    """A dialog asking before something that cannot be undone; `on_confirm` should close it."""
    with ui.dialog() as dialog, tid(ui.card().classes("max-w-md"), test_id):
        ui.label(title).classes("text-lg font-semibold")
        ui.label(text).classes("text-sm text-slate-600")
        with ui.row().classes("w-full justify-end gap-2"):
            tid(ui.button("Cancel", on_click=dialog.close).props("flat no-caps"), cancel_id)
            tid(ui.button(action, on_click=on_confirm).props("unelevated no-caps color=negative"), confirm_id)
    return dialog


def toast(message: str, kind: str = "positive") -> None:
    """A short notification in the corner (out of the way of tables and screenshots)."""
    ui.notify(message, type=kind, position="top-right", timeout=2500, multi_line=len(message) > 60)


class Latest:
    """Only the newest of overlapping loads may draw: filters clicked quickly, or a timer tick racing a
    click, must not let an older, slower answer overwrite a newer one."""

    def __init__(self) -> None:
        self.current = 0

    def begin(self) -> int:
        self.current += 1
        return self.current

    def is_stale(self, ticket: int) -> bool:
        return ticket != self.current
