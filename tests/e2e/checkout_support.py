"""Shared by the checkout and widget browser tests."""
from __future__ import annotations

FINAL_TIMEOUT = 15_000  # ms: 0.5 s of processing plus a 2 s poll, with room for a busy machine

