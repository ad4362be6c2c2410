"""(f) UI memory under plain GETs: a crawler or a health check that loads pages and never opens their
websocket. RSS of the checkout and the dashboard before (after a warm-up, once its clients are gone) and
after N loads, the most NiceGUI clients alive at once, and the time until none is left."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from ui_common.clients import DIAGNOSTICS_PATH

WARM_UP = 50
SETTLE_TIMEOUT = 90.0  # NiceGUI alone prunes a never-connected client after 60 s, on a 10 s timer


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def client_count(base: str) -> int:
    return requests.get(base + DIAGNOSTICS_PATH, timeout=10).json()["clients"]


def _load(base: str, path: str, n: int, concurrency: int) -> int:
    local = threading.local()

    def one(_: int) -> int:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return local.session.get(base + path, timeout=30).status_code

    with ThreadPoolExecutor(concurrency) as pool:
        return sum(1 for status in pool.map(one, range(n)) if status == 200)


def _settle(base: str) -> float | None:
    """Seconds until no client is left, or None within SETTLE_TIMEOUT."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < SETTLE_TIMEOUT:
        if client_count(base) == 0:
            return time.monotonic() - t0
        time.sleep(0.5)
    return None


def _one_ui(base: str, path: str, pid: int, loads: int, concurrency: int) -> dict:
    _load(base, path, WARM_UP, concurrency)  # imports, caches and templates: not what we measure
    _settle(base)
    before = rss_mb(pid)
    peak = {"clients": 0, "rss": before}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak["clients"] = max(peak["clients"], client_count(base))
            peak["rss"] = max(peak["rss"], rss_mb(pid))
            done.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.monotonic()
    ok = _load(base, path, loads // 2, concurrency)
    middle = rss_mb(pid)  # growth that goes on in the second half would be a leak, not a plateau
    ok += _load(base, path, loads - loads // 2, concurrency)
    seconds = time.monotonic() - t0
    after = rss_mb(pid)
    done.set()
    sampler.join(5)
    settle_seconds = _settle(base)
    settled = rss_mb(pid)
    return {"loads": loads, "ok": ok, "seconds": seconds, "loads_per_second": loads / seconds,
            "rss_before_mb": before, "rss_middle_mb": middle, "rss_after_mb": after, "rss_peak_mb": peak["rss"], "rss_settled_mb": settled,
            "growth_mb": after - before, "growth_settled_mb": settled - before, "ratio_after_before": after / before,
            "peak_clients": peak["clients"], "seconds_to_no_clients": settle_seconds}


def ui_memory(stack, loads: int = 2000, concurrency: int = 4) -> dict:
    order = stack.create_order()
    targets = {"checkout": (stack.checkout_url, f"/checkout?order_id={order['id']}"),
               "dashboard": (stack.dashboard_url, "/login")}
    out = {}
    for name, (base, path) in targets.items():
        out[name] = _one_ui(base, path, stack.procs[name].pid, loads, concurrency)
        r = out[name]
        left = r["seconds_to_no_clients"]
        print(f"  {name}: {r['ok']}/{loads} loads in {r['seconds']:.0f} s; RSS {r['rss_before_mb']:.0f} → "
              f"{r['rss_middle_mb']:.0f} (half-way) → {r['rss_after_mb']:.0f} MB (peak {r['rss_peak_mb']:.0f}, "
              f"settled {r['rss_settled_mb']:.0f}); most clients at once {r['peak_clients']}, none left "
              f"{'after %.0f s' % left if left is not None else 'within %.0f s' % SETTLE_TIMEOUT}", flush=True)
    return out
