"""The base of the generated models (`[tool.datamodel-codegen] base-class`)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    # Each model's validator is built on first use, not at import: `paygate --help` and a CLI command that
    # touches two models start in a fraction of the time.
    model_config = ConfigDict(defer_build=True)
