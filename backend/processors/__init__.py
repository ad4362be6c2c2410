"""The acquirer behind one small interface. Only the simulator exists; a real connector implements Processor."""
from __future__ import annotations

from backend.config import Config
from backend.processors.base import APPROVE, AUTHENTICATE, Answer, Attempt, Outcome, Processor, Submission
from backend.processors.simulated import SimulatedProcessor


def get_processor(config: Config) -> Processor:
    return SimulatedProcessor(config)


__all__ = ["APPROVE", "AUTHENTICATE", "Answer", "Attempt", "Outcome", "Processor", "Submission", "get_processor"]
