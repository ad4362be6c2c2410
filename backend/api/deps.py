"""What routes need from the running app: its runtime (configuration, processor, queue, credentials)."""
from __future__ import annotations

from flask import current_app

from backend.config import Config
from backend.processors import Processor
from backend.runtime import Runtime


def runtime() -> Runtime:
    return current_app.runtime  # type: ignore[attr-defined]  (backend.app.PayGateApp)


def config() -> Config:
    return runtime().config


def processor() -> Processor:
    return runtime().processor
