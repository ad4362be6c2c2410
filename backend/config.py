"""Every environment variable PayGate reads, read once, in one place.

Names follow the user's architecture document (seed) and docs/api.md §9.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Mapping

from backend.keyring import Keyring, load_keys

ROOT = Path(__file__).resolve().parent.parent


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: str | None, default: int) -> int:
    return default if value is None or value.strip() == "" else int(value)


def _float(value: str | None, default: float) -> float:
    return default if value is None or value.strip() == "" else float(value)


POOLERS = ("pgbouncer",)


def _pooler(value: str | None) -> str | None:
    """A typo here would silently keep session features on behind a pooler: refuse it at start."""
    if value is None or value.strip().lower() in {"", "none"}:
        return None
    name = value.strip().lower()
    if name not in POOLERS:
        raise ValueError(f"DATABASE_POOLER must be one of {', '.join(POOLERS)} or empty, not {value!r}")
    return name


def _count(value: str | None, name: str) -> int:
    count = _int(value, 0)
    if count < 0:
        raise ValueError(f"{name} must be a whole number of 0 or more, not {value!r}")
    return count


def normalize_database_url(url: str) -> str:
    """Compose files and people write `postgresql://`; SQLAlchemy needs the psycopg 3 driver named."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def kept_secret(path: Path) -> str:
    """A random secret made once per install and kept in `path` (mode 0600), for what two processes of one
    install must share without configuration. Safe when both start at once: the file appears whole or not
    at all (written aside, then hard-linked into place), and the loser of the race reads the winner's."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(32))
    try:
        os.link(aside, path)
    except FileExistsError:
        pass
    finally:
        aside.unlink()
    return path.read_text().strip()


@dataclass(frozen=True)
class Config:
    database_url: str
    redis_url: str | None
    huey_sqlite_path: str
    queue_name: str = "paygate"
    # "pgbouncer": PostgreSQL is reached through PgBouncer in transaction pooling mode (README.md).
    database_pooler: str | None = None
    # Connections each engine of a process keeps open when idle (the autocommit engine at most 8); a burst
    # opens more for a moment (backend/database.py).
    database_pool_size: int = 10
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
    webhook_timeout_seconds: float = 5.0  # per socket operation: connect, each send, each receive
    webhook_deadline_seconds: float = 10.0  # a whole attempt, whatever the receiver does
    webhook_concurrency: int = 64
    # The most delivery threads one merchant may hold, so a slow endpoint cannot starve the others.
    webhook_concurrency_per_merchant: int = 32
    # The most of those one of its endpoints may hold, so a slow endpoint leaves the merchant's others the rest.
    webhook_concurrency_per_endpoint: int = 24
    # The sweeper re-enqueues work overdue by more than sweep_grace seconds, every sweep_interval seconds.
    sweep_interval: float = 5.0
    sweep_grace: float = 30.0
    # Retention and the totals' compaction run at a worker's start and then every upkeep_interval seconds.
    upkeep_interval: float = 60.0
    # Webhook delivery logs older than this are deleted by the sweeper (idempotency keys go at expires_at).
    webhook_log_retention_days: int = 90
    # A worker whose last heartbeat (one a second) is older than this reads `stopped` (kill -9 included).
    heartbeat_ttl: float = 4.0
    metrics_token: str | None = None
    # Failed logins only (a right password is never counted): per email from one address, and per address.
    rate_limit_login: str = "10/minute;100/hour"
    rate_limit_login_address: str = "20/minute;200/hour"
    rate_limit_public_payment: str = "10/minute;30/hour"
    rate_limit_signup: str = "20/hour"
    # Reverse proxies in front of the API (and the dashboard) whose X-Forwarded-For is believed; 0: none.
    trusted_proxies: int = 0
    # Lets the dashboard forward its visitor's address (backend/domain/visitor.py); None: kept in var/.
    dashboard_forwarding_secret: str | None = None
    # Fernet keys, newest first (MultiFernet): the first encrypts, every one decrypts. Empty: key_file.
    encryption_keys: tuple[str, ...] = ()
    encryption_key_file: str = str(ROOT / "var" / "encryption.key")
    session_token_ttl: float = 12 * 3600.0
    rate_limit_authenticate: str = "10/minute;30/hour"
    # Sandbox waits (beyond the contract), in seconds: 3-D Secure's one-time password and a UPI collect
    # request's approval. Defaults 300, or 30 in test mode.
    authentication_timeout: int = 300
    upi_collect_timeout: int = 300
    upi_require_approval: bool = False
    # Where shoppers reach the hosted checkout: next_action.url points there.
    checkout_url: str = "http://localhost:3001"
    # The payee of the UPI intent link (upi://pay?pa=...) the checkout shows as a QR code.
    upi_payee_vpa: str = "paygate@upi"
    # An idempotency key in flight for longer, whose effect never committed, may be taken over by a retry.
    idempotency_stale_seconds: float = 60.0
    # Tests only: a folder where a file named after a crash point (backend/api/http.py) kills the API
    # process there, once (the file is removed first).
    test_crash_dir: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def behind_pgbouncer(self) -> bool:
        return self.database_pooler == "pgbouncer" and not self.is_sqlite

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @cached_property
    def keyring(self) -> Keyring:
        """This configuration's secrets keys (backend/keyring.py), read once: ENCRYPTION_KEYS or the key file."""
        return Keyring(load_keys(self.encryption_keys, self.encryption_key_file))

    def forwarding_secret(self) -> str:
        """DASHBOARD_FORWARDING_SECRET, else one made once per install in var/shared/, which the API and the
        dashboard share (one folder under `make run`, one volume under compose; separate hosts set the variable)."""
        return self.dashboard_forwarding_secret or kept_secret(ROOT / "var" / "shared" / "dashboard_forwarding_secret")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Config":
        env = os.environ if env is None else env
        var = ROOT / "var"
        db_url = env.get("DATABASE_URL") or f"sqlite:///{var / 'paygate.db'}"
        test_mode = _bool(env.get("TEST_MODE"), False)
        per_merchant = _int(env.get("WEBHOOK_CONCURRENCY_PER_MERCHANT"),
                            max(1, _int(env.get("WEBHOOK_CONCURRENCY"), 64) // 2))
        wait_default = 30 if test_mode else 300
        return cls(
            database_url=normalize_database_url(db_url),
            redis_url=env.get("REDIS_URL") or None,
            database_pooler=_pooler(env.get("DATABASE_POOLER")),
            database_pool_size=max(1, _int(env.get("DATABASE_POOL_SIZE"), 10)),
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
            test_mode=test_mode,
            test_payment_success=_bool(env.get("TEST_PAYMENT_SUCCESS"), True),
            test_processing_delay=_int(env.get("TEST_PROCESSING_DELAY"), 1000),
            webhook_retry_intervals_test=_bool(env.get("WEBHOOK_RETRY_INTERVALS_TEST"), False),
            webhook_block_private_networks=_bool(env.get("WEBHOOK_BLOCK_PRIVATE_NETWORKS"), False),
            webhook_concurrency=_int(env.get("WEBHOOK_CONCURRENCY"), 64),
            webhook_concurrency_per_merchant=per_merchant,
            webhook_concurrency_per_endpoint=_int(env.get("WEBHOOK_CONCURRENCY_PER_ENDPOINT"),
                                                  max(1, per_merchant * 3 // 4)),
            sweep_interval=_float(env.get("SWEEP_INTERVAL"), 5.0),
            sweep_grace=_float(env.get("SWEEP_GRACE"), 30.0),
            upkeep_interval=_float(env.get("UPKEEP_INTERVAL"), 60.0),
            webhook_log_retention_days=max(1, _int(env.get("WEBHOOK_LOG_RETENTION_DAYS"), 90)),
            metrics_token=env.get("METRICS_TOKEN") or None,
            rate_limit_login=env.get("RATE_LIMIT_LOGIN") or "10/minute;100/hour",
            rate_limit_login_address=env.get("RATE_LIMIT_LOGIN_ADDRESS") or "20/minute;200/hour",
            rate_limit_public_payment=env.get("RATE_LIMIT_PUBLIC_PAYMENT") or "10/minute;30/hour",
            rate_limit_signup=env.get("RATE_LIMIT_SIGNUP") or "20/hour",
            trusted_proxies=_count(env.get("TRUSTED_PROXIES"), "TRUSTED_PROXIES"),
            dashboard_forwarding_secret=env.get("DASHBOARD_FORWARDING_SECRET") or None,
            encryption_keys=tuple(k.strip() for k in (env.get("ENCRYPTION_KEYS") or "").split(",") if k.strip()),
            encryption_key_file=env.get("ENCRYPTION_KEY_FILE") or str(var / "encryption.key"),
            session_token_ttl=_float(env.get("SESSION_TOKEN_TTL"), 12 * 3600.0),
            rate_limit_authenticate=env.get("RATE_LIMIT_AUTHENTICATE") or "10/minute;30/hour",
            authentication_timeout=_int(env.get("AUTHENTICATION_TIMEOUT"), wait_default),
            upi_collect_timeout=_int(env.get("UPI_COLLECT_TIMEOUT"), wait_default),
            upi_require_approval=_bool(env.get("UPI_REQUIRE_APPROVAL"), False),
            checkout_url=(env.get("CHECKOUT_URL") or "http://localhost:3001").rstrip("/"),
            upi_payee_vpa=env.get("UPI_PAYEE_VPA") or "paygate@upi",
            idempotency_stale_seconds=_float(env.get("IDEMPOTENCY_STALE_SECONDS"), 60.0),
            test_crash_dir=env.get("PAYGATE_TEST_CRASH_DIR") or None,
        )
