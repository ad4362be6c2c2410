"""Shared by the checkout and widget browser tests."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

FINAL_TIMEOUT = 15_000  # ms: 0.5 s of processing plus a 2 s poll, with room for a busy machine


@pytest.fixture(autouse=True)
def patient_expect():
    """The suite shares two cores with the API, the worker and two UIs: give assertions 10 s, not 5."""
    expect.set_options(timeout=10_000)
    yield
    expect.set_options(timeout=5_000)
