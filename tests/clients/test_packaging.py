"""`pip install ./clients/python` gets the whole SDK: built as a wheel, it holds every module, the generated
ones and py.typed included, and installs the `paygate` command."""
from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from harness.stack import ROOT, backend_kind


@pytest.mark.skipif(backend_kind() != "embedded", reason="no database involved: checked once, on the embedded run")
def test_the_wheel_holds_the_package_and_the_command(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path),
                            str(ROOT / "clients" / "python")], capture_output=True, text=True, timeout=300,
                           cwd=tmp_path)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = tmp_path.glob("paygate-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.name for p in (ROOT / "clients" / "python" / "src" / "paygate").iterdir() if p.suffix == ".py"}
    assert {f"paygate/{m}" for m in modules} | {"paygate/py.typed"} <= names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "paygate = paygate.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
