"""Hosts for tests, made of Linux network namespaces joined by veth pairs to a bridge in a namespace of
their own: every address lives inside namespaces made here, so nothing can reach (or be reached from) any
other network. Processes run in a host with `ip netns exec`; `close()` kills them and deletes every
namespace, which removes their links too."""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path


def available() -> str | None:
    """None when namespaces can be made here, else why not."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if not shutil.which("ip"):
        return "iproute2 (`ip`) is not installed"
    probe = f"paygate-probe-{secrets.token_hex(3)}"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if made.returncode:
        return f"`ip netns add` failed: {made.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


class Network:
    def __init__(self, hosts: list[str]):
        self.tag = secrets.token_hex(3)
        self.subnet = f"10.{200 + secrets.randbelow(50)}.{secrets.randbelow(250)}"
        self.tmp = Path(tempfile.mkdtemp(prefix="paygate-multihost-"))
        self.procs: list[subprocess.Popen] = []
        self.namespaces: list[str] = []
        self.address: dict[str, str] = {}
        self.switch = self._namespace("sw")
        try:
            _ip("-n", self.switch, "link", "add", "br0", "type", "bridge")
            _ip("-n", self.switch, "link", "set", "br0", "up")
            for n, host in enumerate(hosts, start=1):
                self._host(host, n)
        except BaseException:
            self.close()
            raise

    def ns(self, host: str) -> str:
        return f"paygate-{self.tag}-{host}"

    def _namespace(self, host: str) -> str:
        name = self.ns(host)
        _ip("netns", "add", name)
        self.namespaces.append(name)
        _ip("-n", name, "link", "set", "lo", "up")
        return name

    def _host(self, host: str, n: int) -> None:
        name = self._namespace(host)
        port = f"h{n}"
        _ip("-n", self.switch, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", name)
        _ip("-n", self.switch, "link", "set", port, "master", "br0")
        _ip("-n", self.switch, "link", "set", port, "up")
        self.address[host] = f"{self.subnet}.{n}"
        _ip("-n", name, "addr", "add", f"{self.address[host]}/24", "dev", "eth0")
        _ip("-n", name, "link", "set", "eth0", "up")

    def link(self, host: str, up: bool) -> None:
        _ip("-n", self.ns(host), "link", "set", "eth0", "up" if up else "down")

    def spawn(self, host: str, argv: list[str], log: str, env: dict[str, str] | None = None,
              user: str | None = None, cwd: str | Path | None = None) -> subprocess.Popen:
        prefix = ["ip", "netns", "exec", self.ns(host)] + (["runuser", "-u", user, "--"] if user else [])
        out = open(self.tmp / f"{log}.log", "ab")
        proc = subprocess.Popen(prefix + argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        out.close()
        self.procs.append(proc)
        return proc

    def log_text(self, log: str) -> str:
        path = self.tmp / f"{log}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    @staticmethod
    def kill(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)

    def close(self) -> None:
        for proc in reversed(self.procs):
            self.kill(proc)
        for name in reversed(self.namespaces):
            subprocess.run(["ip", "netns", "del", name], capture_output=True)
        shutil.rmtree(self.tmp, ignore_errors=True)
