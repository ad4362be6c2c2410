"""DATABASE_POOLER: read once, checked at start, and what it changes in psycopg's connection options."""
import pytest

from backend import database
from backend.config import Config

PG = "postgresql://paygate@db.internal:6432/paygate"


def test_pgbouncer_turns_off_prepared_statements_and_start_up_options():
    config = Config.from_env({"DATABASE_URL": PG, "DATABASE_POOLER": " PgBouncer "})
    assert config.database_pooler == "pgbouncer" and config.behind_pgbouncer
    pooled = {"prepare_threshold": None, "connect_timeout": database.CONNECT_TIMEOUT_SECONDS}  # no `options`
    assert database.connect_args(config) == pooled
    assert database.binds(config)["autocommit"]["connect_args"] == pooled


@pytest.mark.parametrize("value", [None, "", "none"])
def test_direct_connections_by_default(value):
    env = {"DATABASE_URL": PG, **({"DATABASE_POOLER": value} if value is not None else {})}
    config = Config.from_env(env)
    assert config.database_pooler is None and not config.behind_pgbouncer
    assert "prepare_threshold" not in database.connect_args(config)


def test_an_unknown_pooler_is_refused_at_start():
    with pytest.raises(ValueError, match="DATABASE_POOLER must be one of pgbouncer"):
        Config.from_env({"DATABASE_URL": PG, "DATABASE_POOLER": "pgpool"})


def test_sqlite_ignores_the_pooler():
    config = Config.from_env({"DATABASE_URL": "sqlite:///x.db", "DATABASE_POOLER": "pgbouncer"})
    assert not config.behind_pgbouncer and "connect_args" in database.engine_options(config)
