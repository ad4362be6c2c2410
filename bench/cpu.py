"""CPU time spent by a process tree and by the PostgreSQL backends of one database, from /proc (Linux).

CPU milliseconds per request is a companion to requests/s that other load on a shared machine disturbs far
less: throughput is what the targets are about, CPU cost per request says where it goes."""
from __future__ import annotations

import os
from pathlib import Path

import psycopg

_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2:].split()  # fields from the 3rd (state) on


def _cpu(pid: int) -> float:
    f = _stat(pid)
    return (int(f[11]) + int(f[12])) / _TICK if f else 0.0  # utime, stime


def tree(root: int) -> list[int]:
    """root and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            f = _stat(int(entry.name))
            if f:
                children.setdefault(int(f[1]), []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def db_backends(admin_url: str, db_name: str) -> list[int]:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        return [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (db_name,))]


class CpuMeter:
    """Snapshot CPU of an app's process tree and of the database's backends; `stop()` gives seconds used."""

    def __init__(self, app_root: int | list[int], admin_url: str, db_name: str):
        self.roots = app_root if isinstance(app_root, list) else [app_root]
        self.admin_url, self.db_name = admin_url, db_name

    def _snapshot(self) -> tuple[dict[int, float], dict[int, float]]:
        return ({p: _cpu(p) for root in self.roots for p in tree(root)},
                {p: _cpu(p) for p in db_backends(self.admin_url, self.db_name)})

    def start(self) -> None:
        self.before = self._snapshot()

    def stop(self) -> tuple[float, float]:
        after = self._snapshot()
        used = []
        for b, a in zip(self.before, after):
            used.append(sum(max(0.0, cpu - b.get(pid, 0.0)) for pid, cpu in a.items()))
        return used[0], used[1]
