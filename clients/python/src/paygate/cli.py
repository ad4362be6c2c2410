"""The `paygate` command: log in once, then create, inspect, trigger and follow from the terminal.

Every command that prints objects takes `--json` (one JSON document, or one JSON line per delivery with
`logs --follow`) for scripts; without it the output is a table for people. Errors go to stderr with the
API's code and request id, and the exit status is 1.
"""
from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable, Iterable
from itertools import islice
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from paygate import __version__, config, errors

if TYPE_CHECKING:
    from rich.console import Console

    from paygate.client import PayGate

app = typer.Typer(help="PayGate from the terminal: payments, orders, refunds, test events and webhook logs.",
                  no_args_is_help=True, add_completion=False)
payments_app = typer.Typer(help="Payments: list and get.", no_args_is_help=True)
orders_app = typer.Typer(help="Orders: create and get.", no_args_is_help=True)
refunds_app = typer.Typer(help="Refunds: create and get.", no_args_is_help=True)
app.add_typer(payments_app, name="payments")
app.add_typer(orders_app, name="orders")
app.add_typer(refunds_app, name="refunds")
webhook_app = typer.Typer(help="Your webhook: its URL and secret, a test event, a delivery sent again.",
                          no_args_is_help=True)
app.add_typer(webhook_app, name="webhook")
events_app = typer.Typer(help="Events: list, get (with its deliveries) and resend.", no_args_is_help=True)
app.add_typer(events_app, name="events")



def _version(value: bool) -> None:
    if value:
        out.print(f"paygate {__version__}")
        raise typer.Exit()


@app.callback()
def _options(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                   help="Print the version and exit.")] = False) -> None:
    """Options for every command."""


class _LazyConsole:
    """A rich Console made at the first print: rich is imported only by the commands that print with it."""

    def __init__(self, **options: Any):
        self._options = options
        self._console: Console | None = None

    def print(self, *objects: Any, **options: Any) -> None:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        self._console.print(*objects, **options)


out = _LazyConsole()
err = _LazyConsole(stderr=True)

Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]
PAYMENT_COLUMNS = ("id", "order_id", "amount", "currency", "method", "status", "created_at")
LOG_COLUMNS = ("created_at", "event", "status", "attempts", "response_code", "id")
EVENT_COLUMNS = ("created_at", "type", "object_id", "id")
# What each event needs made (test values: success@test always succeeds, failure@test always fails).
TRIGGERS = ("payment.created", "payment.pending", "payment.success", "payment.failed", "refund.created",
            "refund.processed", "webhook.test")


def client() -> PayGate:
    creds = config.load()
    if not creds.key or not creds.secret:
        err.print("[red]Not logged in:[/] run [bold]paygate login[/] or set PAYGATE_API_URL, PAYGATE_API_KEY "
                  "and PAYGATE_API_SECRET.")
        raise typer.Exit(2)
    from paygate.client import PayGate  # httpx and the models: not for --version, --help, logout

    return PayGate(creds.key, creds.secret, creds.api_url)


def plain(obj: Any) -> Any:
    from pydantic import BaseModel  # loaded already when obj is a model (the SDK made it)

    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    return obj


def emit(obj: Any, as_json: bool, columns: Iterable[str] | None = None, title: str | None = None) -> None:
    """JSON, or a table: one row per object for a list, one row per field for a single object."""
    data = plain(obj)
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        return
    from rich.table import Table  # only a table needs it

    table = Table(title=title, show_lines=False)
    if isinstance(data, list):
        cols = list(columns or (data[0].keys() if data else ["id"]))
        for col in cols:
            table.add_column(col)
        for row in data:
            table.add_row(*(_cell(row.get(col)) for col in cols))
    else:
        table.add_column("field")
        table.add_column("value")
        for key, value in data.items():
            table.add_row(key, _cell(value))
    out.print(table)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)


def guarded(action: Callable[[], Any], as_json: bool = False) -> Any:
    """Run one API action; an API error goes to stderr (a line, or JSON under --json) and exits 1."""
    try:
        return action()
    except errors.PayGateError as e:
        if as_json:
            sys.stderr.write(json.dumps({"error": {"code": e.code, "description": e.description},
                                         "status": e.status, "request_id": e.request_id}) + "\n")
        else:
            err.print(f"[red]error:[/] {e}", markup=True, highlight=False)
        raise typer.Exit(1)


# ---------- login ----------

@app.command()
def login(api_url: Annotated[Optional[str], typer.Option(help="The API's base URL.")] = None,
          key: Annotated[Optional[str], typer.Option(help="API key (key_...).")] = None,
          secret: Annotated[Optional[str], typer.Option(help="API secret (secret_...).")] = None) -> None:
    """Ask for the API URL, key and secret, check them, and store them (mode 0600) in your config folder."""
    current = config.load()
    api_url = api_url or typer.prompt("API URL", default=current.api_url)
    key = key or typer.prompt("API key", default=current.key or None)
    secret = secret or typer.prompt("API secret", hide_input=True)
    from paygate.client import PayGate

    with PayGate(key, secret, api_url, max_retries=1) as c:
        merchant = guarded(c.merchant.get)
    path = config.save(config.Credentials(api_url=api_url.rstrip("/"), key=key, secret=secret))
    out.print(f"Logged in to {api_url} as [bold]{merchant.name}[/] ({merchant.email}); saved to {path}")


@app.command()
def logout() -> None:
    """Forget the stored credentials."""
    out.print("Credentials removed." if config.forget() else "No stored credentials.")


# ---------- payments, orders, refunds ----------

@payments_app.command("list")
def payments_list(status: Annotated[Optional[str], typer.Option(help="pending, success or failed.")] = None,
                  method: Annotated[Optional[str], typer.Option(help="upi or card.")] = None,
                  order_id: Annotated[Optional[str], typer.Option(help="Only this order's payments.")] = None,
                  limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 20,
                  as_json: Json = False) -> None:
    """List payments, newest first."""
    _list(lambda c: c.payments.list(status=status, method=method, order_id=order_id), limit, as_json,
          PAYMENT_COLUMNS, "payments")


def _list(items: Callable[[PayGate], Iterable[Any]], limit: int, as_json: bool, columns: Iterable[str],
          title: str) -> None:
    with client() as c:
        rows = guarded(lambda: list(islice(items(c), limit)), as_json)
    emit(rows, as_json, columns, title)


@payments_app.command("get")
def payments_get(payment_id: str, as_json: Json = False) -> None:
    """Show one payment."""
    with client() as c:
        emit(guarded(lambda: c.payments.get(payment_id), as_json), as_json)


@orders_app.command("create")
def orders_create(amount: Annotated[int, typer.Option(help="Amount in paise: 50000 is ₹500.00.")],
                  currency: Annotated[str, typer.Option()] = "INR",
                  receipt: Annotated[Optional[str], typer.Option()] = None,
                  note: Annotated[Optional[list[str]], typer.Option(help="key=value, repeatable.")] = None,
                  as_json: Json = False) -> None:
    """Create an order."""
    notes: dict[str, str] = {}
    for item in note or []:
        name, sep, value = item.partition("=")
        if not sep:
            err.print(f"[red]error:[/] --note takes key=value, not {item!r}")
            raise typer.Exit(2)
        notes[name] = value
    with client() as c:
        emit(guarded(lambda: c.orders.create(amount=amount, currency=currency, receipt=receipt, notes=notes or None),
                     as_json), as_json)


@orders_app.command("get")
def orders_get(order_id: str, as_json: Json = False) -> None:
    """Show one order."""
    with client() as c:
        emit(guarded(lambda: c.orders.get(order_id), as_json), as_json)


@refunds_app.command("create")
def refunds_create(payment_id: str, amount: Annotated[int, typer.Option(help="Amount in paise.")],
                   reason: Annotated[Optional[str], typer.Option()] = None, as_json: Json = False) -> None:
    """Refund all or part of a successful payment."""
    with client() as c:
        emit(guarded(lambda: c.refunds.create(payment_id, amount, reason), as_json), as_json)


@refunds_app.command("get")
def refunds_get(refund_id: str, as_json: Json = False) -> None:
    """Show one refund."""
    with client() as c:
        emit(guarded(lambda: c.refunds.get(refund_id), as_json), as_json)


# ---------- webhook configuration ----------

def _webhook_view(merchant: Any) -> dict[str, Any]:
    return {"webhook_url": merchant.webhook_url, "webhook_secret": merchant.webhook_secret}


@webhook_app.command("show")
def webhook_show(as_json: Json = False) -> None:
    """Show the webhook URL and the secret that signs its deliveries."""
    with client() as c:
        emit(_webhook_view(guarded(c.merchant.get, as_json)), as_json)


@webhook_app.command("set-url")
def webhook_set_url(url: str, as_json: Json = False) -> None:
    """Send events to URL (http or https)."""
    with client() as c:
        emit(_webhook_view(guarded(lambda: c.merchant.set_webhook_url(url), as_json)), as_json)


@webhook_app.command("clear-url")
def webhook_clear_url(as_json: Json = False) -> None:
    """Stop sending events."""
    with client() as c:
        emit(_webhook_view(guarded(lambda: c.merchant.set_webhook_url(None), as_json)), as_json)


@webhook_app.command("roll-secret")
def webhook_roll_secret(as_json: Json = False) -> None:
    """Replace the webhook secret; deliveries from now on are signed with the new one."""
    with client() as c:
        emit(guarded(c.merchant.roll_webhook_secret, as_json), as_json)


@webhook_app.command("test")
def webhook_test(as_json: Json = False) -> None:
    """Queue a webhook.test event to the URL."""
    with client() as c:
        emit(guarded(c.merchant.send_test_webhook, as_json), as_json)


@webhook_app.command("retry")
def webhook_retry(delivery_id: str, as_json: Json = False) -> None:
    """Send a delivery again, now (its id is in `paygate logs`)."""
    with client() as c:
        emit(guarded(lambda: c.webhooks.retry(delivery_id), as_json), as_json)


# ---------- trigger ----------

def _wait(fetch: Callable[[], Any], done: Callable[[Any], bool], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        obj = fetch()
        if done(obj):
            return obj
        if time.monotonic() > deadline:
            raise errors.PayGateError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.5)


def run_trigger(c: PayGate, event: str, amount: int, timeout: float) -> dict[str, str]:
    """Make the objects whose life produces `event` and return their ids, the event's too."""
    if event == "webhook.test":
        sent = c.merchant.send_test_webhook()
        return {"webhook_id": sent.id, "event_id": sent.event_id}
    ids = _make_objects(c, event, amount, timeout)
    about = ids.get("refund_id") if event.startswith("refund.") else ids["payment_id"]
    found = _wait(lambda: next(iter(c.events.list(type=event, object_id=about)), None), lambda e: e is not None,
                  timeout, f"the {event} event")
    return {**ids, "event_id": found.id}


def _make_objects(c: PayGate, event: str, amount: int, timeout: float) -> dict[str, str]:
    order = c.orders.create(amount=amount, receipt=f"paygate trigger {event}")
    vpa = "failure@test" if event == "payment.failed" else "success@test"
    payment = c.payments.create(order.id, "upi", vpa=vpa)
    ids = {"order_id": order.id, "payment_id": payment.id}
    if event in ("payment.created", "payment.pending"):
        return ids
    settled = _wait(lambda: c.payments.get(payment.id), lambda p: p.status != "pending", timeout,
                    f"payment {payment.id}")
    if event in ("payment.success", "payment.failed"):
        return ids
    if settled.status != "success":
        raise errors.PayGateError(f"payment {payment.id} ended {settled.status}: no refund possible")
    refund = c.refunds.create(payment.id, amount, "paygate trigger")
    ids["refund_id"] = refund.id
    if event == "refund.processed":
        _wait(lambda: c.refunds.get(refund.id), lambda r: r.status != "pending", timeout, f"refund {refund.id}")
    return ids


@app.command()
def trigger(event: Annotated[str, typer.Argument(help="One of: " + ", ".join(TRIGGERS))],
            amount: Annotated[int, typer.Option(help="Order amount in paise.")] = 50000,
            timeout: Annotated[float, typer.Option(help="Seconds to wait for processing.")] = 60,
            as_json: Json = False) -> None:
    """Make the objects that produce EVENT (with the test values success@test / failure@test); print their ids."""
    if event not in TRIGGERS:
        err.print(f"[red]error:[/] unknown event {event!r}; one of: {', '.join(TRIGGERS)}")
        raise typer.Exit(2)
    with client() as c:
        if event == "webhook.test" and not guarded(c.merchant.get, as_json).webhook_url:
            err.print("[red]error:[/] webhook.test goes to the webhook URL: set one with `paygate webhook set-url`")
            raise typer.Exit(1)
        ids = guarded(lambda: run_trigger(c, event, amount, timeout), as_json)
    if as_json:
        emit({"event": event, **ids}, True)
    else:
        out.print(f"[green]{event}[/] triggered: " + "  ".join(f"{k}={v}" for k, v in ids.items()))


# ---------- logs ----------

def _log_line(row: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return
    colour = {"success": "green", "failed": "red"}.get(row["status"], "yellow")
    out.print(f"{row['created_at']}  {row['event']:<17} [{colour}]{row['status']:<8}[/] "
              f"attempts={row['attempts']} code={row['response_code'] or '-'}  {row['id']}", highlight=False)


def _recent_deliveries(c: PayGate, payment_id: str | None, known: dict[str, Any]) -> list[Any]:
    """Newest first, back to the first page that holds a delivery already printed (10 pages at most)."""
    rows: list[Any] = []
    for offset in range(0, 1000, 100):
        page = c.webhooks.page(limit=100, offset=offset, payment_id=payment_id)
        rows += page.data
        if len(page.data) < 100 or any(r.id in known for r in page.data):
            break
    return rows


@app.command()
def logs(follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep printing deliveries as they happen.")]
         = False,
         limit: Annotated[int, typer.Option(help="How many recent deliveries to show first (up to 100).")] = 10,
         payment_id: Annotated[Optional[str], typer.Option(help="Only this payment's deliveries.")] = None,
         interval: Annotated[float, typer.Option(help="Seconds between polls with --follow.")] = 1.0,
         as_json: Json = False) -> None:
    """Webhook deliveries, newest last; with --follow, a line for each new delivery and each new attempt."""
    with client() as c:
        # The newest 100 are read in any case: with --follow, those not shown are known, not "new".
        first = [plain(r) for r in guarded(lambda: c.webhooks.page(limit=100, payment_id=payment_id), as_json).data]
        rows = first[:max(0, limit)][::-1]
        if not follow:
            emit(rows, as_json, LOG_COLUMNS, "webhook deliveries")
            return
        seen: dict[str, Any] = {r["id"]: (r["status"], r["attempts"]) for r in first}
        for row in rows:
            _log_line(row, as_json)
        outage = False
        while True:
            time.sleep(interval)
            try:
                recent = _recent_deliveries(c, payment_id, seen)
            except (errors.APIConnectionError, errors.ServiceUnavailable, errors.InternalError) as e:
                if not outage:
                    err.print(f"[yellow]API unavailable ({e}); still following[/]")
                outage = True
                continue
            except errors.PayGateError as e:
                err.print(f"[red]error:[/] {e}")
                raise typer.Exit(1)
            outage = False
            for row in map(plain, reversed(recent)):
                state = (row["status"], row["attempts"])
                if seen.get(row["id"]) != state:
                    seen[row["id"]] = state
                    _log_line(row, as_json)


# ---------- events ----------

@events_app.command("list")
def events_list(type: Annotated[Optional[str], typer.Option("--type", help="Types or patterns: payment.*,refund.*")]
                = None,
                object_id: Annotated[Optional[str], typer.Option(help="Only this payment's or refund's.")] = None,
                limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 20,
                as_json: Json = False) -> None:
    """List events, newest first."""
    _list(lambda c: c.events.list(type=type, object_id=object_id), limit, as_json, EVENT_COLUMNS, "events")


@events_app.command("get")
def events_get(event_id: str, as_json: Json = False) -> None:
    """Show one event, its payload and its deliveries."""
    with client() as c:
        emit(guarded(lambda: c.events.get(event_id), as_json), as_json)


@events_app.command("resend")
def events_resend(event_id: str,
                  endpoint_id: Annotated[Optional[str], typer.Option(help="Only to this endpoint (we_...).")] = None,
                  as_json: Json = False) -> None:
    """Deliver an event again (same body and webhook-id), to every endpoint that wants it or to one."""
    with client() as c:
        emit(guarded(lambda: c.events.resend(event_id, endpoint_id), as_json), as_json)


@app.command()
def listen(forward_to: Annotated[str, typer.Option("--forward-to", help="Local URL to POST each event to.")],
           events: Annotated[Optional[str], typer.Option("--events", help="Types or patterns: payment.*,refund.*")]
           = None,
           secret: Annotated[Optional[str], typer.Option(help="Sign with this secret (default: a new one).")] = None,
           interval: Annotated[float, typer.Option(help="Seconds between polls.")] = 1.0,
           as_json: Json = False) -> None:
    """Forward your events, as they happen, to a local URL, signed both ways with a secret printed now."""
    from paygate.listen import Listener

    with client() as c:
        listener = Listener(c, forward_to, events, secret)
        guarded(listener.start, as_json)
        if as_json:
            sys.stdout.write(json.dumps({"ready": True, "secret": listener.secret, "forward_to": forward_to}) + "\n")
            sys.stdout.flush()
        else:
            out.print(f"Ready: forwarding events to [bold]{forward_to}[/]; signing secret "
                      f"[bold]{listener.secret}[/] (Ctrl-C stops)", highlight=False)
        guarded(lambda: listener.run(interval, lambda line: _listen_line(line, as_json), err.print), as_json)


def _listen_line(line: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return
    answer = line["status"] if line["status"] is not None else line["error"]
    colour = "green" if line["status"] is not None and 200 <= line["status"] < 300 else "red"
    out.print(f"{line['created_at']}  {line['type']:<17} {line['id']}  -> [{colour}]{answer}[/]", highlight=False)


def main() -> None:
    # Start-up (imports: classes, functions, pydantic's schemas) makes many objects and next to no garbage; at
    # the default threshold of 700 the collector runs a hundred times over them for nothing, some 5% of a
    # command's CPU. With 100000 it rarely runs while starting, and still does in logs --follow and listen.
    gc.set_threshold(100_000)
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        # The interpreter's teardown collects garbage, tracing every object the imports made: another 10-15%
        # of a command's CPU. Frozen, they are skipped; the process is ending, so nothing is kept for long.
        gc.freeze()


if __name__ == "__main__":
    main()
