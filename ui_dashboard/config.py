"""Every setting of the dashboard, read from the environment once."""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from backend.config import Config, kept_secret
from ui_common.http import api_url

VAR_DIR = Path(__file__).resolve().parent.parent / "var"


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    public_api_url: str   # the API as merchants reach it (for the docs' snippets); this server uses API_URL
    checkout_url: str     # the public checkout, for the SDK snippet
    storage_path: Path
    storage_secret: str
    cookie_secure: bool   # Secure on the session cookie even over plain http (set it behind a TLS proxy)


def _storage_secret(storage_path: Path) -> str:
    """DASHBOARD_STORAGE_SECRET, else a random value made once per install and kept in var/.

    Fine for one local machine; a deployment with several dashboard replicas must set the variable.
    """
    return os.environ.get("DASHBOARD_STORAGE_SECRET") or kept_secret(storage_path / ".storage_secret")


@functools.cache
def visitor_forwarding() -> tuple[int, str]:
    """TRUSTED_PROXIES in front of the dashboard, and the secret it signs its visitors' addresses with for the
    API's per-visitor limits: read by backend/config.py, which defines both for the API too."""
    shared = Config.from_env()
    return shared.trusted_proxies, shared.forwarding_secret()


def load() -> Settings:
    storage_path = Path(os.environ.get("DASHBOARD_STORAGE_PATH", VAR_DIR / "dashboard-storage"))
    return Settings(
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("DASHBOARD_PORT", "3000")),
        public_api_url=os.environ.get("PUBLIC_API_URL", api_url()).rstrip("/"),
        checkout_url=os.environ.get("CHECKOUT_URL", "http://localhost:3001").rstrip("/"),
        storage_path=storage_path,
        storage_secret=_storage_secret(storage_path),
        cookie_secure=os.environ.get("DASHBOARD_COOKIE_SECURE", "").strip().lower() in {"1", "true", "yes", "on"},
    )
