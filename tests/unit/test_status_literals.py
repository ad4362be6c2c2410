"""No bare status string outside backend/domain/ (ARCHITECTURE.md rule 3): every order, payment, refund,
delivery and job status is spelt by its enum in backend/domain/status.py, so a renamed or added status is
found in one place."""
from __future__ import annotations

import ast
import inspect
from enum import Enum
from pathlib import Path

from backend.domain import status

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("backend", "tasks", "seeds")
DOMAIN = ROOT / "backend" / "domain"


def status_values() -> set[str]:
    return {member.value for _, enum in inspect.getmembers(status, inspect.isclass)
            if issubclass(enum, Enum) and enum.__module__ == status.__name__ for member in enum}


def bare_literals(source: str, words: set[str]) -> list[tuple[int, str]]:
    return [(node.lineno, node.value) for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in words]


def test_the_status_words_are_the_enums():
    assert {"pending", "success", "failed", "processed", "created", "attempted", "paid",
            "authentication", "approval", "processing", "completed"} <= status_values()


def test_the_scan_finds_a_bare_status():
    found = bare_literals('if payment.status == "success":\n    x = {"status": "pending"}\n', status_values())
    assert found == [(1, "success"), (2, "pending")]
    assert bare_literals('x = PaymentStatus.SUCCESS.value  # "success"\n"""a pending payment"""\n',
                         status_values()) == []


def test_no_bare_status_outside_domain():
    words = status_values()
    offenders = [f"{path.relative_to(ROOT)}:{line}: {value!r}"
                 for top in SCANNED for path in sorted((ROOT / top).rglob("*.py"))
                 if DOMAIN not in path.parents
                 for line, value in bare_literals(path.read_text(), words)]
    assert offenders == []
