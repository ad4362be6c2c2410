"""The `paygate` CLI through its installed entry point (a real subprocess) against the live stack."""
from __future__ import annotations

import json
import os
import queue
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

import paygate

from tests.clients.conftest import settled_payment, signup, wait_for
from tests.clients.proxy import FlakyProxy
from harness.stack import BIN

PAYGATE = str(BIN / "paygate")


@pytest.fixture
def home(tmp_path):
    """A user with an empty config folder and no PAYGATE_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYGATE_API")}
    env.update({"XDG_CONFIG_HOME": str(tmp_path / "config"), "COLUMNS": "200", "NO_COLOR": "1"})
    return env


@pytest.fixture
def as_merchant(home, stack, merchant):
    return {**home, "PAYGATE_API_URL": stack.api_url, "PAYGATE_API_KEY": merchant["key"],
            "PAYGATE_API_SECRET": merchant["secret"]}


def run(env, *args: str, stdin: str | None = None, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([PAYGATE, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)
    if ok:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def run_json(env, *args: str):
    return json.loads(run(env, *args, "--json").stdout)


def test_login_stores_credentials_0600_and_commands_use_them(home, stack, merchant):
    assert run(home, "payments", "list", ok=False).returncode == 2  # not logged in: says how
    run(home, "login", "--api-url", stack.api_url, "--key", merchant["key"], "--secret", merchant["secret"])
    path = Path(home["XDG_CONFIG_HOME"]) / "paygate" / "config.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert json.loads(path.read_text()) == {"api_url": stack.api_url, "key": merchant["key"],
                                            "secret": merchant["secret"]}
    order = run_json(home, "orders", "create", "--amount", "12345")
    assert order["amount"] == 12345
    run(home, "logout")
    assert not path.exists()


def test_login_asks_and_refuses_wrong_credentials(home, stack, merchant):
    asked = run(home, "login", stdin=f"{stack.api_url}\n{merchant['key']}\n{merchant['secret']}\n")
    assert "SDK Shop" in asked.stdout
    assert merchant["secret"] not in asked.stdout  # the secret prompt hides the input
    (Path(home["XDG_CONFIG_HOME"]) / "paygate" / "config.json").unlink()
    wrong = run(home, "login", "--api-url", stack.api_url, "--key", merchant["key"], "--secret", "nope", ok=False)
    assert wrong.returncode == 1 and "AUTHENTICATION_ERROR" in wrong.stderr and "request id" in wrong.stderr
    assert not (Path(home["XDG_CONFIG_HOME"]) / "paygate" / "config.json").exists()


def test_orders_payments_refunds(as_merchant, sdk):
    order = run_json(as_merchant, "orders", "create", "--amount", "50000", "--receipt", "r-9", "--note", "sku=chai")
    assert (order["receipt"], order["notes"]) == ("r-9", {"sku": "chai"})
    assert run_json(as_merchant, "orders", "get", order["id"])["id"] == order["id"]
    assert run(as_merchant, "orders", "create", "--amount", "500", "--note", "oops", ok=False).returncode == 2
    bad = run(as_merchant, "orders", "create", "--amount", "99", ok=False)
    assert bad.returncode == 1 and "amount must be at least 100" in bad.stderr

    payment = sdk.payments.create(order["id"], "upi", vpa="success@test")
    wait_for(lambda: sdk.payments.get(payment.id).status == "success", what=payment.id)
    got = run_json(as_merchant, "payments", "get", payment.id)
    assert (got["id"], got["status"], got["vpa"]) == (payment.id, "success", "success@test")
    assert payment.id in run(as_merchant, "payments", "get", payment.id).stdout  # the table for people
    listed = run_json(as_merchant, "payments", "list", "--status", "success", "--order-id", order["id"])
    assert [p["id"] for p in listed] == [payment.id]
    assert payment.id in run(as_merchant, "payments", "list", "--limit", "50").stdout

    refund = run_json(as_merchant, "refunds", "create", payment.id, "--amount", "1000", "--reason", "cli")
    assert (refund["payment_id"], refund["amount"], refund["status"]) == (payment.id, 1000, "pending")
    assert run_json(as_merchant, "refunds", "get", refund["id"])["reason"] == "cli"
    missing = run(as_merchant, "refunds", "get", "rfnd_0000000000000000", ok=False)
    assert missing.returncode == 1 and "NOT_FOUND_ERROR" in missing.stderr
    scripted = json.loads(run(as_merchant, "refunds", "get", "rfnd_0000000000000000", "--json", ok=False).stderr)
    assert scripted["error"] == {"code": "NOT_FOUND_ERROR", "description": "Refund not found"}
    assert scripted["status"] == 404 and scripted["request_id"].startswith("req_")


def _event_ids(receiver, event: str) -> list[dict]:
    bodies = [json.loads(r.body) for r in receiver.on("/ok")]
    return [b["data"] for b in bodies if b["event"] == event]


@pytest.mark.parametrize("event", ["payment.created", "payment.pending", "payment.success", "payment.failed",
                                   "refund.created", "refund.processed", "webhook.test"])
def test_trigger_makes_the_event(as_merchant, sdk, receiver, event):
    ids = run_json(as_merchant, "trigger", event)
    assert ids["event"] == event and sdk.events.get(ids["event_id"]).type == event
    if event == "webhook.test":
        wait_for(lambda: sdk.webhooks.get(ids["webhook_id"]).status == "success", what="webhook.test delivered")
        return
    assert sdk.payments.get(ids["payment_id"]).order_id == ids["order_id"]
    if event.startswith("refund."):
        refund = sdk.refunds.get(ids["refund_id"])
        assert refund.payment_id == ids["payment_id"] and (event == "refund.created" or refund.status == "processed")
        key, wanted = "refund", ids["refund_id"]
    else:
        key, wanted = "payment", ids["payment_id"]
    wait_for(lambda: any(d[key]["id"] == wanted for d in _event_ids(receiver, event)), what=f"{event} delivered")


def test_trigger_refuses_an_unknown_event_and_webhook_test_without_a_webhook_url(as_merchant, home, stack):
    refused = run(as_merchant, "trigger", "payment.exploded", ok=False)
    assert refused.returncode == 2 and "payment.success" in refused.stderr
    new = signup(stack)
    env = {**home, "PAYGATE_API_URL": stack.api_url, "PAYGATE_API_KEY": new["api_key"],
           "PAYGATE_API_SECRET": new["api_secret"]}
    made = run_json(env, "trigger", "payment.created")  # events exist without any URL (docs/api.md §10)
    assert made["payment_id"].startswith("pay_") and made["event_id"].startswith("evt_")
    no_url = run(env, "trigger", "webhook.test", ok=False)
    assert no_url.returncode == 1 and "set-url" in no_url.stderr
    assert run(env, "--version").stdout.startswith("paygate ")


class Lines:
    """A subprocess's stdout, line by line, without blocking the test forever."""

    def __init__(self, proc: subprocess.Popen):
        self.proc, self.q = proc, queue.Queue()
        threading.Thread(target=lambda: [self.q.put(line) for line in proc.stdout], daemon=True).start()

    def until(self, predicate, timeout: float = 30) -> list[str]:
        seen, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                seen.append(self.q.get(timeout=0.2))
            except queue.Empty:
                continue
            if predicate(seen[-1]):
                return seen
        raise AssertionError(f"no matching line in {timeout} s; got {seen}")


def test_logs_lists_and_follows_through_an_outage(as_merchant, sdk, stack):
    _, payment = settled_payment(sdk)
    ids = {w.id for w in sdk.webhooks.list(payment_id=payment.id)}
    assert ids <= {row["id"] for row in run_json(as_merchant, "logs", "--limit", "100")}
    assert run_json(as_merchant, "logs", "--payment-id", payment.id, "--limit", "100")[0]["id"] in ids

    # Through a proxy that answers 503 five times after the first page: one poll fails, following goes on.
    proxy = FlakyProxy(stack.api_url, "503", failures=5, after=1)
    follow = subprocess.Popen([PAYGATE, "logs", "--follow", "--json", "--interval", "0.2", "--limit", "1"],
                              env={**as_merchant, "PAYGATE_API_URL": proxy.url}, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        lines = Lines(follow)
        lines.until(lambda line: True)  # the most recent delivery first
        _, fresh = settled_payment(sdk)
        wait_for(lambda: len([w for w in sdk.webhooks.list(payment_id=fresh.id) if w.status == "success"]) == 3,
                 what="three deliveries")
        wanted = {w.id for w in sdk.webhooks.list(payment_id=fresh.id)}
        got: set[str] = set()
        printed = lines.until(lambda line: (row := json.loads(line))["status"] == "success" and
                              got.add(row["id"]) is None and wanted <= got)
        assert {json.loads(line)["id"] for line in printed} == wanted  # older deliveries are not "new"
        assert len([r for r in proxy.seen if not r["answered"]]) == 5
    finally:
        follow.terminate()
        follow.wait(10)
        proxy.close()
    assert "still following" in follow.stderr.read()


def test_follow_reads_back_to_the_last_printed_delivery_after_a_burst():
    from types import SimpleNamespace

    from paygate.cli import _recent_deliveries

    rows = [SimpleNamespace(id=f"w{i}") for i in range(250)]  # newest first
    asked = []

    def page(limit, offset, payment_id):
        asked.append(offset)
        return SimpleNamespace(data=rows[offset:offset + limit])

    fake = SimpleNamespace(webhooks=SimpleNamespace(page=page))
    assert len(_recent_deliveries(fake, None, {"w150": None})) == 200 and asked == [0, 100]
    asked.clear()
    assert len(_recent_deliveries(fake, None, {})) == 250 and asked == [0, 100, 200]


def test_webhook_configuration(home, stack, receiver):
    new = signup(stack)
    env = {**home, "PAYGATE_API_URL": stack.api_url, "PAYGATE_API_KEY": new["api_key"],
           "PAYGATE_API_SECRET": new["api_secret"]}
    assert run_json(env, "webhook", "show")["webhook_url"] is None
    url = receiver.url + "/ok"
    assert run_json(env, "webhook", "set-url", url) == {"webhook_url": url,
                                                        "webhook_secret": run_json(env, "webhook", "show")["webhook_secret"]}
    bad = run(env, "webhook", "set-url", "ftp://nope", ok=False)
    assert bad.returncode == 1 and "BAD_REQUEST_ERROR" in bad.stderr
    rolled = run_json(env, "webhook", "roll-secret")["webhook_secret"]
    assert rolled.startswith("whsec_") and rolled == run_json(env, "webhook", "show")["webhook_secret"]
    sent = run_json(env, "webhook", "test")
    assert sent["event"] == "webhook.test"
    with paygate.PayGate(new["api_key"], new["api_secret"], stack.api_url) as own:
        wait_for(lambda: own.webhooks.get(sent["id"]).status == "success", what="webhook.test delivered")
        assert run_json(env, "webhook", "retry", sent["id"])["status"] == "pending"
        wait_for(lambda: own.webhooks.get(sent["id"]).status == "success", what="delivered again")
    delivered = [r for r in receiver.on("/ok") if r.headers.get("webhook-id") == sent["event_id"]]
    assert len(delivered) == 2
    assert paygate.webhooks.verify(delivered[-1].body, delivered[-1].headers, rolled).event == "webhook.test"
    assert run_json(env, "webhook", "clear-url")["webhook_url"] is None


def test_events_list_get_and_resend(as_merchant, sdk, receiver):
    ids = run_json(as_merchant, "trigger", "payment.success")
    listed = run_json(as_merchant, "events", "list", "--object-id", ids["payment_id"], "--type", "payment.*")
    assert [e["type"] for e in listed] == ["payment.success", "payment.pending", "payment.created"]
    table = run(as_merchant, "events", "list", "--limit", "1").stdout
    assert "evt_" in table and "type" in table
    shown = run_json(as_merchant, "events", "get", ids["event_id"])
    assert shown["id"] == ids["event_id"] and shown["payload"]["id"] == ids["event_id"]
    wait_for(lambda: any(d.status == "success" for d in sdk.events.get(ids["event_id"]).deliveries),
             what="delivered once")
    resent = run_json(as_merchant, "events", "resend", ids["event_id"])
    assert [d["event_id"] for d in resent["deliveries"]] == [ids["event_id"]]
    wait_for(lambda: sum(1 for r in receiver.on("/ok") if r.headers.get("webhook-id") == ids["event_id"]) == 2,
             what="delivered again, same webhook-id")
    bad = run(as_merchant, "events", "list", "--type", "nope.*", ok=False)
    assert bad.returncode == 1 and "BAD_REQUEST_ERROR" in bad.stderr
