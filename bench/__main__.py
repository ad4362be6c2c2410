"""`python -m bench [all|throughput|api|payments|webhooks|scaleout|ui]`: start PayGate on PostgreSQL + Redis with the test harness,
measure, print a table with the targets of the issues, and save the figures to var/bench/ as JSON.

  throughput  (issue 15, about 3 minutes) create-order c=8/32, get-order c=8, create-payment c=16 against
            bare ceilings with the same SQL on the same server; RSS per API and worker process at idle
  api       (a) create-order req/s, p50/p99 at concurrency 8 and 32; (b) the same against a bare Flask +
            psycopg INSERT of the same row (the framework ceiling), and our throughput as a ratio of it
  payments  (c) 1,000 payments at once with the production delays (5–10 s): time until all are final;
            (d) TEST_PROCESSING_DELAY=0: payments/s from create to final, one payment's create-to-final p50
  webhooks  (e) deliveries/s to a local receiver answering at once and after 2 s, most in flight at once
  scaleout  (f) payments/s end to end with 1, 2, 4 worker processes x 1, 2 API processes, as ratios of
            1 x 1; CPU per API request, payment job and delivery, and so each step's capacity per core
  ui        (g) RSS of the checkout and the dashboard before and after 2,000 plain GETs of a page (a crawler
            that never opens the websocket), the most NiceGUI clients alive at once, the time until none is left
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from datetime import datetime, timezone

from bench import scaleout, scenarios, throughput, ui_memory
from bench.loadgen import ensure_wrk
from harness.stack import ROOT, Stores

TARGETS = {  # key: (description, comparison, target)
    "ratio_c8": ("(b) create-order / ceiling, c=8", ">=", 0.7),
    "ratio_c32": ("(b) create-order / ceiling, c=32", ">=", 0.7),
    "t_create_order_c8": ("create-order / ceiling, c=8", ">=", 0.8),
    "t_create_order_c32": ("create-order / ceiling, c=32", ">=", 0.8),
    "t_get_order_c8": ("get-order / ceiling, c=8", ">=", 0.8),
    "t_create_payment_c16": ("create-payment / ceiling, c=16", ">=", 0.6),
    "t_abs_create_order_c8": ("create-order req/s, c=8 (1.5 x 937)", ">=", 1405),
    "t_abs_get_order_c8": ("get-order req/s, c=8 (2.5 x 562)", ">=", 1405),
    "t_rss_mb": ("API + worker RSS at idle, MB", "<=", 250),
    "burst_all_final_s": ("(c) 1,000 payments (5–10 s) all final, s", "<=", 15.0),
    "single_p50_ms": ("(d) one payment create→final p50, ms", "<", 100.0),
    "slow_max_in_flight": ("(e) most deliveries in flight, receiver 2 s", ">=", 20),
    "checkout_growth_mb": ("(f) checkout RSS growth, MB", "<", 20.0),
    "dashboard_growth_mb": ("(f) dashboard RSS growth, MB", "<", 20.0),
}


def _stack(args, **env) -> scenarios.BenchStack:
    return scenarios.BenchStack(Stores("postgres"), consumer_threads=args.consumer_threads,
                                **scenarios.PRODUCTION_SWEEPER, **env)


def _close(stack) -> None:
    if stack is not None:
        stack.close()
        stack.stores.close()


def run(args) -> dict:
    results: dict = {}
    wrk = None if args.python_loadgen else ensure_wrk()
    if args.part in ("all", "throughput"):
        stack = None
        try:
            print("starting the stack (PostgreSQL + Redis) for the throughput figures ...", flush=True)
            stack = _stack(args, TEST_MODE="false", PROCESSING_DELAY_MIN="5000", PROCESSING_DELAY_MAX="10000")
            print(f"  api: {stack.command('api')}", flush=True)
            results["throughput"] = throughput.run(stack, rounds=args.rounds)
        finally:
            _close(stack)
    if args.part in ("all", "api", "payments"):
        stack = None
        try:
            print("starting the stack (PostgreSQL + Redis) with the production delays ...", flush=True)
            stack = _stack(args, TEST_MODE="false", PROCESSING_DELAY_MIN="5000", PROCESSING_DELAY_MAX="10000")
            print(f"  api: {stack.command('api')}\n  worker: {stack.command('worker')}", flush=True)
            if args.part in ("all", "api"):
                print(f"(a)+(b) create-order vs the bare Flask + psycopg ceiling, load by "
                      f"{'wrk' if wrk else 'Python threads'}, {args.seconds:g} s per target and "
                      f"concurrency in {scenarios.API_ROUNDS} alternating rounds", flush=True)
                results["api"] = scenarios.api_vs_ceiling(stack, wrk, args.seconds)
            if args.part in ("all", "payments"):
                print(f"(c) {args.burst} payments at once, production delays 5–10 s", flush=True)
                results["burst"] = scenarios.production_burst(stack, args.burst)
        finally:
            _close(stack)
    if args.part in ("all", "payments", "webhooks"):
        stack = None
        try:
            print("starting the stack with TEST_MODE=true, TEST_PROCESSING_DELAY=0 ...", flush=True)
            stack = _stack(args, TEST_MODE="true", TEST_PROCESSING_DELAY="0")
            if args.part in ("all", "payments"):
                print("(d) zero processing delay", flush=True)
                results["zero_delay"] = scenarios.zero_delay(stack)
            if args.part in ("all", "webhooks"):
                print("(e) webhook deliveries to a local receiver", flush=True)
                results["webhooks"] = scenarios.webhooks(stack)
        finally:
            _close(stack)
    if args.part in ("all", "scaleout"):
        print(f"(f) scale-out: {scaleout.PAYMENTS} zero-delay payments per configuration", flush=True)
        results["scaleout"] = scaleout.run()
    if args.part in ("all", "ui"):
        stack = None
        try:
            print(f"(g) UI memory: {args.ui_loads} plain GETs of the checkout and of the dashboard", flush=True)
            stack = _stack(args)
            results["ui"] = ui_memory.ui_memory(stack, args.ui_loads)
        finally:
            _close(stack)
    return results


def figures(results: dict) -> list[tuple[str, float | None, str | None]]:
    """(label, value, target key or None) rows for the table."""
    rows: list = []
    tp = results.get("throughput")
    if tp:
        for name, run in tp["runs"].items():
            rows += [(f"{name}: ours / ceiling req/s (load)",
                      f"{run['api_rps']:.0f} / {run['ceiling_rps']:.0f} ({run['load1'][0]})", None),
                     (TARGETS[f"t_{name}"][0], run["ratio"], f"t_{name}")]
        rows += [(TARGETS["t_abs_create_order_c8"][0], tp["runs"]["create_order_c8"]["api_rps"], "t_abs_create_order_c8"),
                 (TARGETS["t_abs_get_order_c8"][0], tp["runs"]["get_order_c8"]["api_rps"], "t_abs_get_order_c8")]
        for which, procs in tp["rss_mb"].items():
            rows.append((f"RSS per {which} process, MB", " + ".join(f"{v:.0f}" for v in procs.values()), None))
        rows.append((TARGETS["t_rss_mb"][0], sum(sum(p.values()) for p in tp["rss_mb"].values()), "t_rss_mb"))
    api = results.get("api")
    if api:
        for c, run in api["runs"].items():
            a, b = run["api"], run["ceiling"]
            rows += [(f"(a) create-order req/s, c={c}", a["rps"], None),
                     (f"(a) create-order p50 / p99 ms, c={c}", f"{a['p50_ms']:.1f} / {a['p99_ms']:.1f}", None),
                     (f"(a) create-order CPU ms/req app + db, c={c}",
                      f"{a['app_cpu_ms_per_req']:.2f} + {a['db_cpu_ms_per_req']:.2f}", None),
                     (f"(b) ceiling req/s, c={c}", b["rps"], None),
                     (f"(b) ceiling p50 / p99 ms, c={c}", f"{b['p50_ms']:.1f} / {b['p99_ms']:.1f}", None),
                     (f"(b) ceiling CPU ms/req app + db, c={c}",
                      f"{b['app_cpu_ms_per_req']:.2f} + {b['db_cpu_ms_per_req']:.2f}", None),
                     (f"(b) CPU-cost ratio ceiling/ours, c={c}", run["cpu_ratio"], None),
                     (TARGETS[f"ratio_c{c}"][0], run["ratio"], f"ratio_c{c}")]
            if a["errors"] or b["errors"]:
                rows.append((f"(a)/(b) non-2xx or socket errors, c={c}", f"{a['errors']} / {b['errors']}", None))
    burst = results.get("burst")
    if burst:
        rows += [("(c) payments created / created in, s", f"{burst['created']} / {burst['create_seconds'] or 0:.1f}", None),
                 ("(c) gateway CPU ms per payment create (api+worker+db)", burst.get("server_cpu_ms_per_create"), None),
                 (TARGETS["burst_all_final_s"][0].replace("1,000", f"{burst['payments']:,}"),
                  burst["all_final_seconds"], "burst_all_final_s"),
                 ("(c) outcome applied after due, p50 / max ms",
                  f"{burst.get('server_lateness_after_due_p50_ms') or 0:.0f} / "
                  f"{burst.get('server_lateness_after_due_max_ms') or 0:.0f}", None)]
    zero = results.get("zero_delay")
    if zero:
        rows += [("(d) payments/s, create→final (500 at c=32)", zero["payments_per_second"], None),
                 (TARGETS["single_p50_ms"][0], zero["single"]["p50_ms"], "single_p50_ms"),
                 ("(d) same, server-side p50 ms", zero["single"]["server_create_to_final_p50_ms"], None)]
    hooks = results.get("webhooks")
    if hooks:
        rows += [("(e) deliveries/s, receiver answers at once", hooks["fast"]["deliveries_per_second"], None),
                 ("(e) deliveries/s, receiver answers in 2 s", hooks["slow"]["deliveries_per_second"], None),
                 (TARGETS["slow_max_in_flight"][0], hooks["slow"]["max_in_flight"], "slow_max_in_flight"),
                 ("(e) a 0-delay payment, create→final during it, ms",
                  hooks["slow"].get("payment_create_to_final_ms_during_drain"), None)]
    scale = results.get("scaleout")
    if scale:
        for row in scale["grid"]:
            rows.append((f"(f) payments/s, {row['api_processes']} API x {row['worker_processes']} worker "
                         f"processes (ratio to 1 x 1; load)", f"{row['payments_per_second']:.0f} "
                         f"({row['ratio_to_1x1']:.2f}; {row['loadavg'][0]:.1f})", None))
        for name, step in scale["costs"].items():
            rows.append((f"(f) {name.replace('_', ' ')}: CPU ms app + db (per core-second)",
                         f"{step['app_ms']:.2f} + {step['db_ms']:.2f} ({step['per_core_per_second'] or 0:.0f})", None))
    for name, r in (results.get("ui") or {}).items():
        loads = f"{r['loads']:,}"
        rows += [(f"(g) {name} RSS before / half-way / after {loads} plain GETs, MB",
                  f"{r['rss_before_mb']:.0f} / {r['rss_middle_mb']:.0f} / {r['rss_after_mb']:.0f}", None),
                 (f"(g) {name} RSS after / before", r["ratio_after_before"], None),
                 (f"(g) {name} most clients at once / s until none", f"{r['peak_clients']} / "
                  f"{_show(r['seconds_to_no_clients'])}", None),
                 (TARGETS[f"{name}_growth_mb"][0], r["growth_mb"], f"{name}_growth_mb")]
    return rows


def verdict(key: str, value) -> str:
    _, op, target = TARGETS[key]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "MISS"
    ok = {">=": value >= target, "<=": value <= target, "<": value < target}[op]
    return "PASS" if ok else "MISS"


def _show(value) -> str:
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}" if value < 10 else f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"


def print_table(results: dict) -> dict:
    rows = figures(results)
    verdicts = {}
    width = max(len(r[0]) for r in rows) if rows else 20
    print()
    print(f"{'figure':<{width}}  {'value':>14}  {'target':>8}  verdict")
    print("-" * (width + 36))
    for label, value, key in rows:
        shown = _show(value)
        target = verdict_s = ""
        if key:
            _, op, t = TARGETS[key]
            target, verdict_s = f"{op} {t:g}", verdict(key, value)
            verdicts[key] = verdict_s
        print(f"{label:<{width}}  {shown:>14}  {target:>8}  {verdict_s}")
    return verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", nargs="?", default="all",
                        choices=("all", "throughput", "api", "payments", "webhooks", "scaleout", "ui"))
    parser.add_argument("--rounds", type=int, default=throughput.ROUNDS,
                        help=f"alternating rounds of 3 s per figure in `throughput` (default {throughput.ROUNDS})")
    parser.add_argument("--seconds", type=float, default=3.0 * scenarios.API_ROUNDS,
                        help="seconds of load per target and concurrency, split over the alternating rounds "
                             f"({scenarios.API_ROUNDS}; default {3 * scenarios.API_ROUNDS})")
    parser.add_argument("--burst", type=int, default=1000, help="payments in the (c) burst (default 1000)")
    parser.add_argument("--ui-loads", type=int, default=2000, help="plain GETs per UI in (f) (default 2000)")
    parser.add_argument("--consumer-threads", type=int, default=None,
                        help="override the worker's -w (python -m tasks; default: the harness's, 16 as in the Procfile)")
    parser.add_argument("--python-loadgen", action="store_true", help="use Python threads even if wrk is there")
    args = parser.parse_args(argv)

    from harness.servers import main as servers_up

    if servers_up() != 0:
        print("PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) must answer for the benchmark", file=sys.stderr)
        return 1
    started = datetime.now(timezone.utc)
    t0 = time.monotonic()
    load = os.getloadavg()
    if load[0] > 1.0:
        print(f"NOTE: load average {load[0]:.1f} on {os.cpu_count()} cores before the run: other work shares this "
              "machine and will make the figures noisy (throughput most, CPU ms per request least)", flush=True)
    results = run(args)
    verdicts = print_table(results)
    doc = {"started_at": started.isoformat(timespec="seconds"), "seconds": round(time.monotonic() - t0, 1),
           "part": args.part, "consumer_threads_override": args.consumer_threads, "machine": platform.platform(),
           "cpus": os.cpu_count(), "loadavg_before": load, "loadavg_after": os.getloadavg(),
           "results": results, "verdicts": verdicts}
    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"bench-{started.strftime('%Y%m%dT%H%M%SZ')}-{args.part}.json"
    text = json.dumps(doc, indent=2, default=str)
    path.write_text(text)
    (out_dir / "latest.json").write_text(text)
    print(f"\nfigures saved to {path.relative_to(ROOT)} (took {doc['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
