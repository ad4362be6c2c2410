"""`python -m bench throughput` (issue 15): PayGate's create-order (c=8, 32), get-order (c=8) and UPI
create-payment (c=16) against bare ceilings with the same SQL (bench/ceiling.py), both served by the same
server and settings on the same database, in alternating rounds; the ratio of each round's pair, the
median over rounds; and the RSS of each API and worker process at idle.

Ratios are what to judge on a shared machine: the load from others drifts, pairs close in time see the
same. Absolute figures are for a quiet machine: the load average is printed with each."""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench.cpu import tree
from bench.loadgen import _lua_string
from bench.scenarios import ORDER_BODY, BenchStack
from harness.stack import MERCHANT_HEADERS

ROUNDS = 3
PAYMENT_ORDERS = 40_000  # per side, split between its rounds: more than any round pays, each order paid once

_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"errors":%d,"non2xx":%d,"p50_us":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50)))
end
"""


def _headers_lua(headers: dict[str, str]) -> str:
    return "\n".join(f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}"
                     for k, v in {"Content-Type": "application/json", **headers}.items())


def _wrk(url: str, lua: str, concurrency: int, seconds: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua + _DONE)
    try:
        out = subprocess.run(["wrk", "-t", "2", "-c", str(concurrency), "-d", f"{seconds}s", "--timeout", "10s",
                              "-s", f.name, url], capture_output=True, text=True, timeout=seconds + 60,
                             check=True).stdout
    finally:
        Path(f.name).unlink(missing_ok=True)
    d = json.loads(next(ln for ln in out.splitlines() if ln.startswith("WRKJSON "))[8:])
    secs = d["duration_us"] / 1e6
    return {"rps": (d["requests"] - d["non2xx"]) / secs, "p50_ms": d["p50_us"] / 1000,
            "errors": d["errors"] + d["non2xx"], "load1": round(os.getloadavg()[0], 1)}


def _post_lua(path_body_headers: tuple[str, dict, dict]) -> str:
    path, body, headers = path_body_headers
    return (f'wrk.method = "POST"\nwrk.path = {_lua_string(path)}\n'
            f"wrk.body = {_lua_string(json.dumps(body, separators=(',', ':')))}\n{_headers_lua(headers)}")


def _payments_lua(path: str, order_ids: list[str], headers: dict) -> str:
    """Each request pays the next unpaid order; wrk's two threads take alternate ones. Every run starts at
    the first of `order_ids`, so each run must get orders of its own: one that the worker settled after an
    earlier run is refused (400, already paid) and counted as an error."""
    ids = ",".join(_lua_string(i) for i in order_ids)
    return (f"{_headers_lua(headers)}\nlocal next_tid = 0\n"
            "function setup(thread) thread:set('tid', next_tid); next_tid = next_tid + 1 end\n"
            f"local ids = {{{ids}}}\nlocal i = 0\n"
            "function request()\n  i = i + 1\n  local id = ids[((i * 2 + tid) % #ids) + 1]\n"
            f"  return wrk.format('POST', {_lua_string(path)}, nil, "
            "'{\"order_id\":\"' .. id .. '\",\"method\":\"upi\",\"vpa\":\"success@test\"}')\nend\n")


def _seed_orders(stack: BenchStack, merchant_id: str, tag: str, n: int) -> list[str]:
    """Orders to pay, written in one statement (their creation is not what is measured)."""
    with stack.db() as conn:
        rows = conn.execute(
            "INSERT INTO orders (id, merchant_id, amount, currency, receipt, notes, status, created_at, updated_at)"
            " SELECT 'order_' || %s || lpad(g::text, 10, '0'), %s, 50000, 'INR', 'bench', '{}', 'created',"
            " now(), now() FROM generate_series(1, %s) g RETURNING id", (tag, merchant_id, n)).fetchall()
    return [r[0] for r in rows]


def _slices(ids: list[str], n: int) -> list[list[str]]:
    """`ids` in n runs of their own: no run pays an order another run paid."""
    size = len(ids) // n
    return [ids[i * size:(i + 1) * size] for i in range(n)]


def rss_mb(pid: int) -> dict[int, float]:
    out = {}
    for p in tree(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        out[p] = int(status.split("VmRSS:")[1].split()[0]) / 1024
    return out


def run(stack: BenchStack, rounds: int = ROUNDS, seconds: int = 3) -> dict:
    merchant_id = stack.api("GET", "/api/v1/merchant").json()["id"]
    rss = {"api": rss_mb(stack.procs["api"].pid), "worker": rss_mb(stack.procs["worker"].pid)}
    ceiling = stack.start_ceiling(merchant_id)
    api = stack.api_url
    order_id = stack.create_order()["id"]
    ours_pay = _seed_orders(stack, merchant_id, "benchA", PAYMENT_ORDERS)
    ceil_pay = _seed_orders(stack, merchant_id, "benchB", PAYMENT_ORDERS)
    get_lua = _headers_lua(MERCHANT_HEADERS)
    scenarios = {
        "create_order_c8": (8, (api, _post_lua(("/api/v1/orders", ORDER_BODY, MERCHANT_HEADERS))),
                            (ceiling, _post_lua(("/orders", ORDER_BODY, {})))),
        "create_order_c32": (32, (api, _post_lua(("/api/v1/orders", ORDER_BODY, MERCHANT_HEADERS))),
                             (ceiling, _post_lua(("/orders", ORDER_BODY, {})))),
        "get_order_c8": (8, (f"{api}/api/v1/orders/{order_id}", get_lua), (f"{ceiling}/orders/{order_id}", "")),
        "create_payment_c16": (16, [(api, _payments_lua("/api/v1/payments", ids, MERCHANT_HEADERS))
                                    for ids in _slices(ours_pay, rounds)],
                               [(ceiling, _payments_lua("/payments", ids, {})) for ids in _slices(ceil_pay, rounds)]),
    }
    for _, ours, theirs in scenarios.values():  # warm-up: pools, first-request paths
        if not isinstance(ours, list):  # not the payments: their orders are for the measured runs
            _wrk(*ours, 8, 1)
            _wrk(*theirs, 8, 1)
    out: dict = {"rss_mb": rss, "rounds": rounds, "seconds": seconds, "api_command": stack.command("api"),
                 "ceiling_command": stack.command("ceiling"), "runs": {}}
    for name, (c, ours, theirs) in scenarios.items():
        per = {"api": [], "ceiling": []}
        for i in range(rounds):
            for which in (("api", "ceiling") if i % 2 == 0 else ("ceiling", "api")):
                target = ours if which == "api" else theirs
                per[which].append(_wrk(*(target[i] if isinstance(target, list) else target), c, seconds))
        ratios = [a["rps"] / b["rps"] for a, b in zip(per["api"], per["ceiling"]) if b["rps"]]
        run_ = {"api_rps": statistics.median(r["rps"] for r in per["api"]),
                "ceiling_rps": statistics.median(r["rps"] for r in per["ceiling"]),
                "api_p50_ms": statistics.median(r["p50_ms"] for r in per["api"]),
                "ratio": statistics.median(ratios) if ratios else 0.0, "ratio_rounds": [round(r, 2) for r in ratios],
                "errors": sum(r["errors"] for r in per["api"]) + sum(r["errors"] for r in per["ceiling"]),
                "load1": [r["load1"] for r in per["api"]], "rounds": per}
        out["runs"][name] = run_
        print(f"  {name:<20} api {run_['api_rps']:6.0f} req/s (p50 {run_['api_p50_ms']:.1f} ms) | ceiling "
              f"{run_['ceiling_rps']:6.0f} req/s | ratio {run_['ratio']:.2f} {run_['ratio_rounds']} | "
              f"load {run_['load1']} | errors {run_['errors']}", flush=True)
    stack.kill("ceiling")
    return out
