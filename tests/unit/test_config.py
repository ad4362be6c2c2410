"""backend/config.py: the variables of the rate limits and proxies, and secrets kept in var/."""
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest

from backend.config import Config, kept_secret


def test_kept_secret_is_made_once_private_and_the_same_for_racing_processes(tmp_path):
    path = tmp_path / "shared" / "secret"
    with ThreadPoolExecutor(8) as pool:
        values = set(pool.map(lambda _: kept_secret(path), range(16)))
    assert len(values) == 1 and len(values.pop()) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["secret"]  # nothing left aside


def test_trusted_proxies_default_none_and_refuse_nonsense():
    assert Config.from_env({}).trusted_proxies == 0
    assert Config.from_env({"TRUSTED_PROXIES": "2"}).trusted_proxies == 2
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        Config.from_env({"TRUSTED_PROXIES": "-1"})


def test_forwarding_secret_from_the_environment_first():
    assert Config.from_env({"DASHBOARD_FORWARDING_SECRET": "abc"}).forwarding_secret() == "abc"
