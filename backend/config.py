"""Every environment variable PayGate reads, read once, in one place.

Names follow the user's architecture document (seed) and CONTRACT §9.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

ROOT = Path(__file__).resolve().parent.parent


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: str | None, default: int) -> int:
    return default if value is None or value.strip() == "" else int(value)


def _float(value: str | None, default: float) -> float:
    return default if value is None or value.strip() == "" else float(value)


def normalize_database_url(url: str) -> str:
    """Compose files and people write `postgresql://`; SQLAlchemy needs the psycopg 3 driver named."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@dataclass(frozen=True)
class Config:
    database_url: str
    redis_url: str | None
    huey_sqlite_path: str
    queue_name: str = "paygate"
    port: int = 8000
    test_merchant_email: str = "test@example.com"
    test_api_key: str = "key_test_abc123"
    test_api_secret: str = "secret_test_xyz789"
    test_webhook_secret: str = "whsec_test_abc123"
    test_merchant_password: str | None = None
    upi_success_rate: float = 0.90
    card_success_rate: float = 0.95
    processing_delay_min: int = 5000
    processing_delay_max: int = 10000
    refund_delay_min: int = 3000
    refund_delay_max: int = 5000
    test_mode: bool = False
    test_payment_success: bool = True
    test_processing_delay: int = 1000
    webhook_retry_intervals_test: bool = False
    webhook_block_private_networks: bool = False
    webhook_timeout_seconds: float = 5.0
    webhook_concurrency: int = 64
    # The sweeper re-enqueues work overdue by more than sweep_grace seconds, every sweep_interval seconds.
    sweep_interval: float = 5.0
    sweep_grace: float = 30.0
    # Webhook delivery logs older than this are deleted by the sweeper (idempotency keys go at expires_at).
    webhook_log_retention_days: int = 90
    heartbeat_ttl: float = 30.0
    metrics_token: str | None = None
    rate_limit_login: str = "10/minute;100/hour"
    rate_limit_public_payment: str = "10/minute;30/hour"
    rate_limit_signup: str = "20/hour"
    extra: dict = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Config":
        env = os.environ if env is None else env
        var = ROOT / "var"
        db_url = env.get("DATABASE_URL") or f"sqlite:///{var / 'paygate.db'}"
        return cls(
            database_url=normalize_database_url(db_url),
            redis_url=env.get("REDIS_URL") or None,
            huey_sqlite_path=env.get("HUEY_SQLITE_PATH") or str(var / "huey.db"),
            queue_name=env.get("QUEUE_NAME") or "paygate",
            port=_int(env.get("PORT"), 8000),
            test_merchant_email=env.get("TEST_MERCHANT_EMAIL") or "test@example.com",
            test_api_key=env.get("TEST_API_KEY") or "key_test_abc123",
            test_api_secret=env.get("TEST_API_SECRET") or "secret_test_xyz789",
            test_webhook_secret=env.get("TEST_WEBHOOK_SECRET") or "whsec_test_abc123",
            test_merchant_password=env.get("TEST_MERCHANT_PASSWORD") or None,
            upi_success_rate=_float(env.get("UPI_SUCCESS_RATE"), 0.90),
            card_success_rate=_float(env.get("CARD_SUCCESS_RATE"), 0.95),
            processing_delay_min=_int(env.get("PROCESSING_DELAY_MIN"), 5000),
            processing_delay_max=_int(env.get("PROCESSING_DELAY_MAX"), 10000),
            test_mode=_bool(env.get("TEST_MODE"), False),
            test_payment_success=_bool(env.get("TEST_PAYMENT_SUCCESS"), True),
            test_processing_delay=_int(env.get("TEST_PROCESSING_DELAY"), 1000),
            webhook_retry_intervals_test=_bool(env.get("WEBHOOK_RETRY_INTERVALS_TEST"), False),
            webhook_block_private_networks=_bool(env.get("WEBHOOK_BLOCK_PRIVATE_NETWORKS"), False),
            webhook_concurrency=_int(env.get("WEBHOOK_CONCURRENCY"), 64),
            sweep_interval=_float(env.get("SWEEP_INTERVAL"), 5.0),
            sweep_grace=_float(env.get("SWEEP_GRACE"), 30.0),
            webhook_log_retention_days=max(1, _int(env.get("WEBHOOK_LOG_RETENTION_DAYS"), 90)),
            metrics_token=env.get("METRICS_TOKEN") or None,
            rate_limit_login=env.get("RATE_LIMIT_LOGIN") or "10/minute;100/hour",
            rate_limit_public_payment=env.get("RATE_LIMIT_PUBLIC_PAYMENT") or "10/minute;30/hour",
            rate_limit_signup=env.get("RATE_LIMIT_SIGNUP") or "20/hour",
        )


_config: Config | None = None


def get_config() -> Config:
    """The process-wide configuration (the API and the worker each read the environment once)."""
    global _config
    if _config is None:
        _config = Config.from_env()
    return _config


def set_config(config: Config) -> None:
    global _config
    _config = config
