"""How PayGate talks to its database: engine options, SQLite's write lock, the liveness check, and the
autocommit engine for writes that are one statement.

Two engines share the URL (Flask-SQLAlchemy binds): the default one, where the Session runs transactions,
and `autocommit`, for a write that is a single statement (an order insert) and so needs no transaction:
it costs one round trip instead of BEGIN, INSERT, COMMIT, and its connections stay in autocommit mode
instead of being switched on every checkout.
"""
from __future__ import annotations

import select
import time
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session

from backend.config import Config
from backend.models import db
from backend.services import outages

AUTOCOMMIT_BIND = "autocommit"

# What the database being unreachable (stopped, restarting, cut off, its pool exhausted) raises, as opposed
# to a bug: the API answers these 503 SERVICE_UNAVAILABLE, the worker waits for the database to come back.
UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)
# A server that does not answer at all (a cut network) must not hold a request for the kernel's 2 minutes.
CONNECT_TIMEOUT_SECONDS = 5

# A connection used this recently is taken as alive without a ping (HikariCP's aliveBypassWindowMs):
# under load no request pays a round trip for it, while one that sat idle (and may have been cut by a
# firewall) is checked before use. A connection the server closed (a restart, pg_terminate_backend) is
# caught either way: its socket turns readable, which a zero-timeout poll sees without a round trip.
ALIVE_BYPASS_SECONDS = 0.5


def engine_options(config: Config) -> dict[str, Any]:
    if config.is_sqlite:
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_size": config.database_pool_size, "max_overflow": 20, "connect_args": connect_args(config)}


def connect_args(config: Config) -> dict[str, Any]:
    """psycopg's connection options. Nothing here, nor anywhere in the code, relies on session state: no
    session SET, advisory lock, LISTEN or temporary table, and no query reads the session's time zone (day
    buckets are UTC dates computed in Python, services/totals.py), so a transaction-pooling PgBouncer,
    which hands each transaction to any server connection, changes nothing.

    Behind PgBouncer (1.18 does not carry prepared statements between transactions) psycopg must never
    prepare (by default it does after 5 runs of a query), and start-up `options` are dropped by PgBouncer
    (`ignore_startup_parameters`), so none are sent. A direct connection still asks for UTC, which keeps
    the server's text renderings of timestamps in UTC; correctness never depends on it."""
    if config.behind_pgbouncer:
        return {"prepare_threshold": None, "connect_timeout": CONNECT_TIMEOUT_SECONDS}
    return {"options": "-c timezone=UTC", "connect_timeout": CONNECT_TIMEOUT_SECONDS}


def binds(config: Config) -> dict[str, dict[str, Any]]:
    """SQLALCHEMY_BINDS: the autocommit engine, with the default engine's options."""
    # Autocommit leaves no transaction behind, so a returned connection needs no ROLLBACK. A connection
    # is held for one statement, so a process never needs more than it has threads (API_THREADS: 4).
    options = engine_options(config)
    if not config.is_sqlite:
        options.update(pool_size=min(8, config.database_pool_size), max_overflow=8)
    return {AUTOCOMMIT_BIND: {"url": config.database_url, "isolation_level": "AUTOCOMMIT",
                              "pool_reset_on_return": None, **options}}


def configure(engine: Engine, autocommit_engine: Engine, config: Config) -> None:
    """Listeners on both engines of an app (Flask-SQLAlchemy keeps the pair per app: `db.engines`)."""
    prepare(engine, config)
    prepare(autocommit_engine, config, transactions=False)


def prepare(engine: Engine, config: Config, transactions: bool = True) -> None:
    """The listeners every engine of ours needs (a script's or a test's too)."""
    _outage_ends_on_connect(engine)
    if config.is_sqlite:
        _sqlite_pragmas(engine)
        if transactions:
            _sqlite_serialised_writes(engine)
    else:
        _ping_when_idle(engine)
        # A multi-row INSERT without RETURNING (a payment's two events, their deliveries) as one statement
        # of many VALUES rows, as with RETURNING, not psycopg's executemany in a pipeline: about 30 us less
        # CPU for two rows, with the same round trip.
        engine.dialect.use_insertmanyvalues_wo_returning = True


def autocommit(session: Session) -> Engine:
    """The autocommit engine of the app whose session this is. A session of its own (a script's) gets the
    same behaviour from its own pool, switched per connection."""
    if session is db.session:
        return db.engines[AUTOCOMMIT_BIND]  # the current app's pair, without making a Session for it
    return session.get_bind().execution_options(isolation_level="AUTOCOMMIT")


class Statement:
    """A single statement for the autocommit engine, compiled once per dialect to the driver's own SQL and
    run on a pooled DBAPI connection (`one`), with SQLAlchemy's conversions of the columns it returns
    (an aware UTC datetime, JSON) and its exceptions, but not its Connection, execution context and
    result objects: about a third of a get-order's or create-order's CPU, per statement (bench.app_cpu).
    For the reads and writes that are one statement and need no transaction (ARCHITECTURE.md, Performance)."""

    def __init__(self, stmt: Any):
        self.stmt = stmt
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, list[Any]]] = {}

    def compiled(self, dialect: Any) -> tuple[str, tuple[str, ...] | None, list[Any]]:
        """(SQL, the names of a positional driver's parameters in order, each returned column's converter:
        none for a statement that returns no rows)."""
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.stmt.compile(dialect=dialect)
            names = tuple(compiled.positiontup) if compiled.positional else None
            columns = getattr(self.stmt, "selected_columns", None) or getattr(self.stmt, "_returning", ())
            converters = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns]
            found = self._compiled[dialect.name] = (compiled.string, names, converters)
        return found

    def one(self, connection: "Raw", params: dict[str, Any]) -> tuple | None:
        """The first row the statement returns, converted, or None."""
        sql, names, converters = self.compiled(connection.dialect)
        row = connection.execute(sql, params if names is None else tuple(params[n] for n in names),
                                 returns_rows=bool(converters))
        if row is None or not any(converters):
            return row
        return tuple(value if convert is None else convert(value) for convert, value in zip(converters, row))


class Raw:
    """A pooled DBAPI connection of an engine, for statements in the driver's own SQL: checked out and
    returned as the engine's own connections are (the pool's listeners run: `_ping_when_idle`), and a
    driver error raised as the SQLAlchemy exception Connection.execute raises (an IntegrityError for a
    taken id, an OperationalError the API answers 503); a lost connection invalidates the pool, as there.
    An engine that asks for an isolation level by execution option (`autocommit()` of a script's session)
    has it set on the connection for the while, and reset before it goes back, as a Connection does."""

    def __init__(self, engine: Engine):
        self.engine, self.dialect = engine, engine.dialect
        try:
            self.connection = engine.raw_connection()
        except self.dialect.loaded_dbapi.Error as exc:
            raise self._wrapped(exc, None, None, self.dialect.is_disconnect(exc, None, None)) from exc
        self._level = engine.get_execution_options().get("isolation_level")
        if self._level is not None:
            self.dialect.set_isolation_level(self.connection.dbapi_connection, self._level)

    def __enter__(self) -> "Raw":
        return self

    def __exit__(self, *_exc: Any) -> None:
        try:
            if self._level is not None and self.connection.is_valid:
                self.dialect.reset_isolation_level(self.connection.dbapi_connection)
        finally:
            self.connection.close()

    @property
    def dbapi_connection(self) -> Any:
        return self.connection.dbapi_connection

    def execute(self, sql: str, params: Any, returns_rows: bool = True) -> tuple | None:
        """Run one statement; its first row, or None when it returns none (`returns_rows`: whether it
        returns any, known from the statement: asking the cursor's description makes psycopg build an
        object per column)."""
        cursor = None
        try:
            cursor = self.connection.cursor()
            cursor.execute(sql, params)
            return cursor.fetchone() if returns_rows else None
        except self.dialect.loaded_dbapi.Error as exc:
            lost = self.dialect.is_disconnect(exc, self.connection.dbapi_connection, cursor)
            if lost:
                self.engine.pool._invalidate(self.connection, exc)  # as Connection does on a disconnect
            raise self._wrapped(exc, sql, params, lost) from exc
        finally:
            if cursor is not None:
                cursor.close()

    def _wrapped(self, exc: Exception, sql: str | None, params: Any, lost: bool) -> Exception:
        return DBAPIError.instance(sql, params, exc, self.dialect.loaded_dbapi.Error, connection_invalidated=lost,
                                   dialect=self.dialect)


def ping() -> bool:
    """Whether the database answers, on the autocommit engine: no transaction, so on SQLite no write lock."""
    try:
        with db.engines[AUTOCOMMIT_BIND].connect() as conn:
            conn.execute(text("SELECT 1"))
    except UNAVAILABLE as exc:
        outages.DATABASE.down(exc)
        return False
    outages.DATABASE.up()
    return True


def _outage_ends_on_connect(engine: Engine) -> None:
    # A failure invalidates the pool, so the first request to succeed after an outage opens a connection.
    @event.listens_for(engine, "connect")
    def _connected(_dbapi_connection, _record) -> None:
        outages.DATABASE.up()


def _ping_when_idle(engine: Engine) -> None:
    """pool_pre_ping, except for connections returned less than ALIVE_BYPASS_SECONDS ago."""

    @event.listens_for(engine, "connect")
    def _fresh(_dbapi_connection, record) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record) -> None:
        if record is not None:
            record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection, record, _proxy) -> None:
        recent = time.monotonic() - record.info.get("returned_at", 0.0) < ALIVE_BYPASS_SECONDS
        if recent and not _server_spoke(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("connection found dead at checkout") from exc  # the pool reconnects


def _server_spoke(dbapi_connection: Any) -> bool:
    """Anything to read on an idle connection: the server said goodbye (or sent a notice); ping to know."""
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    return bool(poller.poll(0))


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def _sqlite_serialised_writes(engine: Engine) -> None:
    """SQLite has no SELECT ... FOR UPDATE: BEGIN IMMEDIATE takes the write lock up front, so a
    read-check-write (a refund against the refundable amount) is serialised like a row lock."""

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
