"""docker-compose.yml validated by Debian's docker-compose (no engine needed): services, names, ports, checks."""
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {
    "postgres": ("pg_gateway", "postgres:15-alpine", ["5432"]),
    "redis": ("redis_gateway", "redis:7-alpine", ["6379"]),
    "api": ("gateway_api", None, ["8000"]),
    "worker": ("gateway_worker", None, []),
    "dashboard": ("gateway_dashboard", None, ["3000"]),
    "checkout": ("gateway_checkout", None, ["3001"]),
    "pgbouncer": ("pgbouncer_gateway", None, ["6432"]),  # beyond: only with `--profile pgbouncer`
}
PASSED_THROUGH = ["TEST_MODE", "TEST_PAYMENT_SUCCESS", "TEST_PROCESSING_DELAY", "WEBHOOK_RETRY_INTERVALS_TEST",
                  "UPI_SUCCESS_RATE", "CARD_SUCCESS_RATE", "PROCESSING_DELAY_MIN", "PROCESSING_DELAY_MAX"]


def _config(**env: str) -> dict:
    exe = shutil.which("docker-compose")
    if exe is None:
        pytest.skip("docker-compose is missing (`make test` installs Debian's package)")
    result = subprocess.run([exe, "config"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "TEST_MODE": "true", **env})
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="module")
def compose():
    return _config()


def test_services_names_images_ports(compose):
    services = compose["services"]
    assert set(services) == set(EXPECTED)
    for name, (container, image, ports) in EXPECTED.items():
        svc = services[name]
        assert svc["container_name"] == container
        if image:
            assert svc["image"] == image
        else:
            assert "build" in svc  # our processes come from the one Dockerfile
        published = [str(p["published"] if isinstance(p, dict) else p).split(":")[0] for p in svc.get("ports", [])]
        assert published == ports, name


def test_health_checks(compose):
    services = compose["services"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "redis-cli" in services["redis"]["healthcheck"]["test"] and "ping" in services["redis"]["healthcheck"]["test"]
    assert any("/health" in part for part in services["api"]["healthcheck"]["test"])
    env = services["postgres"]["environment"]
    assert (env["POSTGRES_DB"], env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == \
        ("payment_gateway", "gateway_user", "gateway_pass")


def test_test_mode_variables_pass_through(compose):
    for name in ("api", "worker"):
        env = compose["services"][name]["environment"]
        for var in PASSED_THROUGH:
            assert var in env, (name, var)
        assert env["TEST_MODE"] == "true"  # taken from the caller's environment
        assert env["DATABASE_URL"].startswith("postgresql://gateway_user:gateway_pass@postgres:5432/payment_gateway")


def test_optional_pgbouncer_in_transaction_pooling_mode(compose):
    pgbouncer = compose["services"]["pgbouncer"]
    assert pgbouncer["profiles"] == ["pgbouncer"]  # `docker compose up` alone leaves it out
    assert pgbouncer["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "pg_isready" in pgbouncer["healthcheck"]["test"]
    ini = (ROOT / "deploy/pgbouncer/pgbouncer.ini").read_text()
    settings = dict(line.split(" = ", 1) for line in ini.splitlines() if " = " in line and line[0] not in ";[")
    assert settings["pool_mode"] == "transaction" and settings["listen_port"] == "6432"
    assert settings["ignore_startup_parameters"] == "extra_float_digits,options"
    assert "postgresql-client" in (ROOT / "deploy/pgbouncer/Dockerfile").read_text()  # pg_isready
    assert compose["services"]["api"]["environment"]["DATABASE_POOLER"] == ""  # direct by default

    pooled = _config(DATABASE_HOST="pgbouncer", DATABASE_PORT="6432", DATABASE_POOLER="pgbouncer")
    for name in ("api", "worker"):
        env = pooled["services"][name]["environment"]
        assert env["DATABASE_URL"] == "postgresql://gateway_user:gateway_pass@pgbouncer:6432/payment_gateway"
        assert env["DATABASE_POOLER"] == "pgbouncer"


def test_api_and_dashboard_share_the_forwarding_secret_and_proxy_count(compose):
    """The dashboard signs its visitors' addresses with a secret made in var/shared/: one volume for both."""
    services = compose["services"]
    mounts = {name: [v["source"] if isinstance(v, dict) else v.split(":")[0] for v in services[name].get("volumes", [])
                     if (v["target"] if isinstance(v, dict) else v.split(":")[1]) == "/app/var/shared"]
              for name in ("api", "dashboard")}
    assert mounts["api"] and mounts["api"] == mounts["dashboard"]
    for name in ("api", "dashboard"):
        assert services[name]["environment"]["TRUSTED_PROXIES"] == "0"


def test_api_and_worker_share_one_encryption_key(compose):
    """The worker decrypts the webhook secrets the API encrypted: without ENCRYPTION_KEYS both read the key
    the API generated in one shared volume."""
    api, worker = compose["services"]["api"], compose["services"]["worker"]
    for service in (api, worker):
        assert service["environment"]["ENCRYPTION_KEY_FILE"] == "/keys/encryption.key"
        assert "ENCRYPTION_KEYS" in service["environment"]
    mounts = [{(v["source"], v["target"]) if isinstance(v, dict) else tuple(v.split(":")[:2])
               for v in s["volumes"]} for s in (api, worker)]
    assert ("keys", "/keys") in mounts[0] & mounts[1]
