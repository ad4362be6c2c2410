"""The SDK is typed for its users: mypy --strict passes over the package and over merchant code that
asserts what each call returns (sync results, awaited async results, iterators, webhook events)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from harness.stack import ROOT, backend_kind

CLIENT = ROOT / "clients" / "python"


@pytest.mark.skipif(backend_kind() != "embedded", reason="no database involved: checked once, on the embedded run")
def test_mypy_strict_over_the_sdk_and_a_merchant_sample(tmp_path):
    checked = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"),
                              "src/paygate", str(ROOT / "tests" / "clients" / "typing_sample.py")],
                             cwd=CLIENT, capture_output=True, text=True, timeout=600)
    assert checked.returncode == 0, checked.stdout + checked.stderr
