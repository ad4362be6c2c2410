"""PgBouncer in transaction pooling mode hands each transaction to any server connection. Statements that
psycopg prepares on one are unknown (or taken) on another, so behind it nothing may prepare; the app's
engines say so. Run by `make test` with PAYGATE_TEST_BACKEND=pgbouncer (tests/run.py), which also runs the
API and worker suites through PgBouncer."""
import psycopg
import pytest

from backend import database
from harness.stack import PG_ADMIN_URL, PgBouncer, backend_kind

pytestmark = pytest.mark.skipif(backend_kind() != "pgbouncer",
                                reason="PgBouncer suite: runs with PAYGATE_TEST_BACKEND=pgbouncer (make test)")


@pytest.fixture
def one_server_connection(stores):
    """A PgBouncer of the test's own with a single server connection, which every client then shares."""
    bouncer = PgBouncer(PG_ADMIN_URL, pool_size=1)
    yield bouncer.url(stores.db_name)
    bouncer.close()


def _run(url: str, sql: str, times: int, **options) -> None:
    with psycopg.connect(url, autocommit=True, **options) as conn:
        for _ in range(times):
            conn.execute(sql)


def test_psycopg_defaults_break_on_a_shared_server_connection(one_server_connection):
    """Why DATABASE_POOLER=pgbouncer exists: two clients with psycopg's defaults each prepare their 6th
    query as `_pg3_0` on the one server connection; the second one's name is taken."""
    _run(one_server_connection, "SELECT 1", 6)
    with pytest.raises(psycopg.errors.DuplicatePreparedStatement):
        _run(one_server_connection, "SELECT 2", 6)


def test_without_prepared_statements_clients_share_it(one_server_connection):
    _run(one_server_connection, "SELECT 1", 6, prepare_threshold=None)
    _run(one_server_connection, "SELECT 2", 6, prepare_threshold=None)


def test_the_apps_engines_never_prepare_behind_pgbouncer(app):
    from backend.models import db

    config = app.runtime.config
    assert config.behind_pgbouncer
    assert "options" not in database.connect_args(config)  # PgBouncer would drop it: nothing relies on it
    with app.app_context():
        for engine in (db.engine, db.engines[database.AUTOCOMMIT_BIND]):
            with engine.connect() as conn:
                assert conn.connection.dbapi_connection.prepare_threshold is None
