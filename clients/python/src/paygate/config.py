"""Where the CLI finds its API URL and credentials: PAYGATE_API_URL / PAYGATE_API_KEY / PAYGATE_API_SECRET,
else what `paygate login` stored in the user's config folder (a 0600 file in a 0700 folder)."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from platformdirs import user_config_path

from paygate._meta import DEFAULT_BASE_URL

ENV = {"api_url": "PAYGATE_API_URL", "key": "PAYGATE_API_KEY", "secret": "PAYGATE_API_SECRET"}


@dataclass
class Credentials:
    api_url: str = DEFAULT_BASE_URL
    key: str | None = None
    secret: str | None = None


def config_file() -> Path:
    return user_config_path("paygate") / "config.json"


def load() -> Credentials:
    """Stored values, each overridden by its environment variable when that is set."""
    stored: dict[str, str] = {}
    path = config_file()
    if path.is_file():
        try:
            stored = json.loads(path.read_text("utf-8"))
        except ValueError:
            stored = {}
    values = {name: os.environ.get(var) or stored.get(name) for name, var in ENV.items()}
    return Credentials(api_url=values["api_url"] or DEFAULT_BASE_URL, key=values["key"], secret=values["secret"])


def save(creds: Credentials) -> Path:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Created 0600 before a byte of the secret is written; an older file is tightened too.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(asdict(creds), f, indent=2)
    return path


def forget() -> bool:
    path = config_file()
    if path.exists():
        path.unlink()
        return True
    return False
