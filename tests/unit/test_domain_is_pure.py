"""backend/domain/ does no I/O (ARCHITECTURE.md, Layout): no module of it imports the network, the database,
the queue, the web framework or processes; what needs them (resolving a webhook URL's host) is a service's."""
from __future__ import annotations

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "backend" / "domain"
IO = {"socket", "ssl", "http", "urllib.request", "urllib3.connection", "urllib3.connectionpool", "urllib3.poolmanager",
      "httpx", "requests", "sqlalchemy", "psycopg",
      "redis", "huey", "flask", "subprocess", "backend.services", "backend.models", "backend.database"}


def io_imports(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return {n for n in names if any(n == io or n.startswith(io + ".") for io in IO)}


def test_the_scan_sees_an_io_import():
    assert io_imports("import socket\nfrom sqlalchemy.orm import Session\nimport ipaddress\n") == {
        "socket", "sqlalchemy.orm"}


def test_domain_imports_no_io():
    found = {path.name: io_imports(path.read_text()) for path in sorted(DOMAIN.glob("*.py"))}
    assert {name: names for name, names in found.items() if names} == {}
