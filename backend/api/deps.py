"""What routes need from the running app: the session, the configuration, the processor."""
from __future__ import annotations

from flask import current_app

from backend.config import Config
from backend.processors import Processor


def config() -> Config:
    return current_app.extensions["paygate.config"]


def processor() -> Processor:
    return current_app.extensions["paygate.processor"]
