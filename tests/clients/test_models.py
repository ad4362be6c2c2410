"""The SDK's models are what the generator makes from the live API's OpenAPI document, and that document
describes every field the API answers with."""
from __future__ import annotations

import subprocess
import sys

from harness.stack import ROOT


def test_committed_models_match_the_live_document(stack):
    check = subprocess.run([sys.executable, str(ROOT / "clients/python/generate_models.py"), "--check",
                            "--url", stack.api_url + "/api/v1/openapi.json"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_document_describes_payment_fields(stack):
    # The payment schema once came out as a bare object, leaving the SDK's Payment model without fields.
    schema = stack.api("GET", "/api/v1/openapi.json", auth=False).json()["components"]["schemas"]["PaymentOut"]
    assert {"id", "order_id", "amount", "status", "vpa", "card_network", "card_last4",
            "captured"} <= set(schema["properties"])


def test_the_async_resources_are_generated_from_the_sync_ones():
    check = subprocess.run([sys.executable, str(ROOT / "clients/python/generate_async.py"), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
