"""One-off trial of WSGI servers for the API (issue 15 item 1): each candidate serves the same app on the same
PostgreSQL + Redis stack; create-order at 8 and 32 connections and get-order at 8, alternating rounds; the
load average with each figure; CPU per worker process (how wrk's connections spread).

    .venv/bin/python -m bench.server_trial [rounds] [seconds]
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from bench.cpu import _cpu, tree
from bench.loadgen import run_wrk
from bench.scenarios import BenchStack
from harness.stack import BIN, MERCHANT_HEADERS, Stores, free_port

APP = "backend:create_app()"


def candidates(port: int) -> dict[str, list[str]]:
    b = f"127.0.0.1:{port}"
    g = [str(BIN / "gunicorn"), "-b", b, "--access-logfile", "-", "-w", "2"]
    gr = [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
          "--no-ws", "--http", "1", "--access-log", "--factory", "backend:create_app"]
    out = {"gunicorn-sync": g + ["-k", "sync", APP],
           "gunicorn-gthread8": g + ["--threads", "8", APP],
           "gunicorn-gthread4": g + ["--threads", "4", APP],
           "granian-bt1": gr + ["--blocking-threads", "1"],
           "granian-bt4-bp16": gr + ["--blocking-threads", "4", "--backpressure", "16"]}
    out["bjoern-fork2"] = [str(BIN / "python"), "/tmp/speed_bjoern_run.py", str(port), "2"]
    return out


def run_wrk_get(url: str, c: int, secs: float) -> dict:
    script = "wrk.method='GET'\n" + "\n".join(f"wrk.headers[{json.dumps(k)}]={json.dumps(v)}"
                                                 for k, v in MERCHANT_HEADERS.items())
    script += ("\ndone=function(s,l,r) io.write(string.format('WRKJSON %d %d %d %d\\n', s.requests, s.duration,"
               " s.errors.status+s.errors.read+s.errors.connect+s.errors.timeout, l:percentile(50))) end\n")
    path = "/tmp/speed-get.lua"
    open(path, "w").write(script)
    out = subprocess.run(["wrk", "-t", "2", "-c", str(c), "-d", f"{int(secs)}s", "-s", path, url],
                         capture_output=True, text=True).stdout
    n, dur, err, p50 = map(int, next(ln for ln in out.splitlines() if ln.startswith("WRKJSON")).split()[1:])
    return {"rps": (n - err) / (dur / 1e6), "p50_ms": p50 / 1000, "errors": err}


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    secs = float(sys.argv[2]) if len(sys.argv) > 2 else 5
    stores = Stores("postgres")
    stack = BenchStack(stores, TEST_MODE="false")
    stack.kill("api")
    order_id = None
    results: dict = {}
    port = free_port()
    names = list(candidates(port))
    for r in range(rounds):
        for name in (names if r % 2 == 0 else names[::-1]):
            argv = candidates(port)[name]
            proc = stack._spawn("trial", argv)
            stack.procs["api"] = proc
            url = f"http://127.0.0.1:{port}"
            stack._wait_http(url + "/health", "trial", 60)
            stack.api_url = url
            if order_id is None:
                order_id = stack.create_order()["id"]
            run_wrk(wrk="wrk", url=url + "/api/v1/orders", body={"amount": 50000, "receipt": "bench"},
                    headers=MERCHANT_HEADERS, concurrency=8, seconds=2)  # warm-up
            fig = {}
            for label, fn in (("create_c8", lambda: run_wrk("wrk", url + "/api/v1/orders", {"amount": 50000, "receipt": "bench"}, MERCHANT_HEADERS, 8, secs).as_dict()),
                              ("create_c32", lambda: run_wrk("wrk", url + "/api/v1/orders", {"amount": 50000, "receipt": "bench"}, MERCHANT_HEADERS, 32, secs).as_dict()),
                              ("get_c8", lambda: run_wrk_get(url + f"/api/v1/orders/{order_id}", 8, secs))):
                pids = [p for p in tree(proc.pid) if p != proc.pid]
                before = {p: _cpu(p) for p in pids}
                res = fn()
                res["cpu_s_per_pid"] = sorted(round(_cpu(p) - before[p], 2) for p in pids)
                res["load1"] = round(os.getloadavg()[0], 2)
                fig[label] = {k: (round(v, 1) if isinstance(v, float) else v) for k, v in res.items()
                              if k in ("rps", "p50_ms", "errors", "cpu_s_per_pid", "load1")}
            rss = sum(int(open(f"/proc/{p}/status").read().split("VmRSS:")[1].split()[0]) for p in tree(proc.pid))
            fig["rss_mb_tree"] = round(rss / 1024, 1)
            print(r, name, json.dumps(fig), flush=True)
            results.setdefault(name, []).append(fig)
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(20)
    json.dump(results, open("bench/results/server_trial.json", "w"), indent=1)
    stack.close()
    stores.close()


if __name__ == "__main__":
    main()
