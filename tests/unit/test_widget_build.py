"""The committed widget bundle is exactly what `python -m widget.build` makes from widget/checkout.py."""
from __future__ import annotations

import pytest

from widget import build


def test_committed_bundle_matches_a_fresh_build(tmp_path):
    fresh = build.build(tmp_path / "checkout.js")
    committed = build.DEFAULT_OUT.read_bytes()
    assert fresh.read_bytes() == committed, (
        "widget/dist/checkout.js is stale or was edited by hand: run `python -m widget.build` and commit it")


def test_bundle_is_one_classic_script_exporting_only_payment_gateway(tmp_path):
    text = build.build(tmp_path / "checkout.js").read_text(encoding="utf-8")
    assert text.startswith("/*! PayGate checkout.js")
    assert "window.PaymentGateway=__module_checkout.PaymentGateway;" in text
    assert text.count("window.PaymentGateway=") == 1
    for module_syntax in ("\nimport ", "\nexport ", "import {", "export var", "sourceMappingURL"):
        assert module_syntax not in text


@pytest.mark.parametrize("source, problem", [
    ("if (n := 1):\n    pass\n", "':='"),
    ("match x:\n    case 1:\n        pass\n", "'match'"),
    ("def f(a, /):\n    pass\n", "positional-only"),
    ("f(a=1)\n", "keyword arguments"),
    ("x = f'{a:>3}'\n", "format specs"),
])
def test_syntax_transcrypt_miscompiles_is_refused(source, problem):
    with pytest.raises(build.BuildError, match=problem):
        build.check_source(source, "widget.py")


def test_widget_source_passes_the_check():
    build.check_source(build.SOURCE.read_text(encoding="utf-8"))
