"""The README's first command: `make run` starts API, worker, dashboard and checkout; Ctrl-C stops them all."""
import os
import signal
import subprocess
import time
from pathlib import Path

import requests

from harness.stack import ROOT, free_port


def _wait(url: str, deadline: float, ok=lambda r: r.status_code < 500):
    while time.monotonic() < deadline:
        try:
            r = requests.get(url, timeout=2)
            if ok(r):
                return r
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer")


def _free(port: int) -> bool:
    try:
        requests.get(f"http://127.0.0.1:{port}/", timeout=1)
        return False
    except requests.RequestException:
        return True


def test_make_run_starts_everything_and_ctrl_c_stops_it(tmp_path: Path):
    api, dashboard, checkout = free_port(), free_port(), free_port()
    env = {**os.environ, "PORT": str(api), "DASHBOARD_PORT": str(dashboard), "CHECKOUT_PORT": str(checkout),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", "HUEY_SQLITE_PATH": str(tmp_path / "huey.db"),
           "DASHBOARD_STORAGE_PATH": str(tmp_path / "storage"), "API_URL": f"http://127.0.0.1:{api}",
           "TEST_MODE": "true", "TEST_PROCESSING_DELAY": "200"}
    env.pop("MAKEFLAGS", None)
    env.pop("PYTEST_CURRENT_TEST", None)  # NiceGUI would take itself for a test and ignore its port
    proc = subprocess.Popen(["make", "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        health = _wait(f"http://127.0.0.1:{api}/health", deadline, lambda r: r.json().get("status") == "healthy")
        assert health.json()["worker"] == "running"
        assert _wait(f"http://127.0.0.1:{dashboard}/login", deadline).status_code == 200
        assert _wait(f"http://127.0.0.1:{checkout}/checkout.js", deadline).status_code == 200
        seeded = requests.get(f"http://127.0.0.1:{api}/api/v1/test/merchant", timeout=5).json()
        assert seeded["seeded"] is True
        h = {"X-Api-Key": "key_test_abc123", "X-Api-Secret": "secret_test_xyz789"}
        order = requests.post(f"http://127.0.0.1:{api}/api/v1/orders", json={"amount": 1000}, headers=h).json()
        pay = requests.post(f"http://127.0.0.1:{api}/api/v1/payments", headers=h,
                            json={"order_id": order["id"], "method": "upi", "vpa": "success@test"}).json()
        _wait(f"http://127.0.0.1:{api}/api/v1/payments/{pay['id']}/public", time.monotonic() + 20,
              lambda r: r.json()["status"] == "success")
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        try:
            proc.wait(30)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    output = proc.stdout.read().decode(errors="replace")
    assert all(_free(p) for p in (api, dashboard, checkout)), output[-3000:]
    # honcho names each process in its output
    for name in ("api", "worker", "dashboard", "checkout"):
        assert f"{name}" in output, output[-3000:]
