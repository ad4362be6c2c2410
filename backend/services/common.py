"""Helpers every service uses: locked reads, unique ids, bounded pages."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Generic, TypeVar

from sqlalchemy import Select, bindparam, func, inspect, literal_column, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.session import make_transient_to_detached

from backend import database
from backend.domain.clock import utcnow
from backend.domain.errors import bad_request, not_found
from backend.domain.ids import new_id
from backend.domain.status import PENDING
from backend.models import made
from backend.services import idempotency, jobs, retention

T = TypeVar("T")


ID_ATTEMPTS = 3


def with_fresh_id(prefix: str, insert: Callable[[str], T | None], undo: Callable[[], None] = lambda: None) -> T:
    """The one collision rule for public ids: the primary key decides. `insert` writes under a new id and
    says it was taken by returning None (an insert that skips a conflicting id) or by an IntegrityError
    (after which `undo`); either way a new id is drawn, up to ID_ATTEMPTS times. A collision is one of 95
    random bits, or a concurrent twin. A look-up before the insert would cost a query and still race."""
    for attempt in range(ID_ATTEMPTS):
        try:
            written = insert(new_id(prefix))
        except IntegrityError:
            undo()
            if attempt == ID_ATTEMPTS - 1:
                raise
            continue
        if written is not None:
            return written
    raise IntegrityError(f"INSERT under a fresh {prefix} id", None, Exception("every id drawn was taken"))


@lru_cache(maxsize=32)
def _insert_skipping_taken_id(dialect: str, model: type) -> Any:
    """INSERT ... ON CONFLICT (id) DO NOTHING RETURNING every column, built once per table."""
    table = model.__table__
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=[table.c.id]).returning(*table.c)


def add_with_fresh_id(session: Session, row: T, prefix: str) -> T:
    """Insert a new ORM row under a fresh id (with_fresh_id); it is then the session's, as if loaded. One
    statement, `INSERT ... ON CONFLICT (id) DO NOTHING RETURNING`: a taken id writes nothing and raises
    nothing, so the caller's transaction and the row locks it holds are untouched without a savepoint (two
    round trips fewer than SAVEPOINT/RELEASE around a flush), and no unit of work runs for it. What the
    session then holds, and this returns, is the row as written (the defaults the insert applied, as the
    database holds them), loaded into a new object of the model: the caller goes on with that one."""
    model = type(row)
    mapper = inspect(model)
    state = row.__dict__
    values = {column: state[key] for key, column in _columns(model)[1] if key in state}
    stmt = _insert_skipping_taken_id(session.get_bind(mapper=mapper).dialect.name, model)

    def write(candidate: str) -> T | None:
        written = session.execute(stmt, {**values, "id": candidate}).first()
        if written is None:
            return None
        obj = loaded(model, written)
        make_transient_to_detached(obj)
        session.add(obj)
        # Outside the unit of work, so an Idempotency-Key's mark is told of it (first: inserts lead).
        idempotency.note_written(session, mapper.local_table.name, candidate)
        return obj

    return with_fresh_id(prefix, write)


def commit_if_open(session: Session) -> None:
    """Commit the session's transaction when one is open; cheap when none is (commit() would start one)."""
    session = made(session)  # this thread has no session yet: nothing to commit, none to create
    if session is not None and session.in_transaction():
        session.commit()


@lru_cache(maxsize=64)
def _update_by_id(model: type, columns: tuple[str, ...]) -> Any:
    table = model.__table__
    auto = {c.key for c in table.c if c.onupdate is not None} - set(columns)
    if auto:  # the row would change where the object does not
        raise ValueError(f"{model.__name__}: set {', '.join(sorted(auto))} too")
    return update(table).where(table.c.id == bindparam("w_id")).values({c: bindparam(f"v_{c}") for c in columns})


def write_columns(session: Session, obj: Any, **values: Any) -> None:
    """Change columns of a row the session holds (under its lock) with one Core UPDATE on the session's
    connection, the object taking the values as committed: nothing is left for the unit of work, whose
    flush costs a few hundred microseconds of CPU whatever it carries (bench.app_cpu), and an
    Idempotency-Key's mark is told of the row as a flush would tell it. Every column with an onupdate is
    given, so the object says what the row holds."""
    model = type(obj)
    session.connection().execute(_update_by_id(model, tuple(values)),
                                 {"w_id": obj.id, **{f"v_{k}": v for k, v in values.items()}})
    for key, value in values.items():
        set_committed_value(obj, key, value)
    idempotency.note_written(session, model.__tablename__, obj.id)


def read_of(session: Session, stmt: Any, params: dict[str, Any], *models: type) -> Any:
    """A Core read of `models`' tables in the session's transaction, on its connection: flushed first only
    when the session holds unflushed changes to them, so a write that reads on its way (payment create:
    where its events go) leaves its other changes to the transaction's one flush (each flush costs a few
    hundred microseconds of CPU whatever it carries), and no ORM execution layer runs for a statement
    that loads no objects (bench.app_cpu)."""
    pending = made(session)
    if pending is not None and any(isinstance(obj, models)
                                   for objs in (pending.new, pending.dirty, pending.deleted) for obj in objs):
        session.flush()
    return session.connection().execute(stmt, params)


def get_for_update(session: Session, model: type[T], **where: Any) -> T | None:
    """SELECT ... FOR UPDATE on PostgreSQL; on SQLite every write transaction is already exclusive.

    populate_existing: an object read earlier in this session (unlocked) must take the locked row's values,
    or two duplicate jobs would both act on a stale `pending`.
    """
    stmt = select(model).filter_by(**where).with_for_update().execution_options(populate_existing=True)
    return session.execute(stmt).scalar_one_or_none()


def find(session: Session, model: type[T], object_id: str, lock: bool = False) -> T | None:
    """One row by id, optionally locked as get_for_update; on a time-partitioned table the id's time
    narrows it to one partition (retention.by_id). Any other table's statement is built once (per model
    and lock), its id a parameter: building one per call was a tenth of a payment create's CPU. Its locked
    read is a Core SELECT ... FOR UPDATE on the session's connection whose row the session's object of it
    takes (`_held`), not an ORM query: a third of that read's CPU."""
    if model.__tablename__ in retention.REGISTRY:
        stmt = select(model).where(*retention.by_id(model, object_id))
        if lock:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return session.execute(stmt).scalar_one_or_none()
    if not lock:
        return session.execute(_find_by_id(model), {"id": object_id}).scalar_one_or_none()
    statement, columns = _locked_by_id(model)
    row = read_of(session, statement, {"id": object_id}, model).first()
    return None if row is None else _held(session, model, dict(zip(columns, row)))


@lru_cache(maxsize=32)
def _find_by_id(model: type) -> Select:
    return select(model).where(model.id == bindparam("id"))


@lru_cache(maxsize=32)
def _locked_by_id(model: type) -> tuple[Select, tuple[str, ...]]:
    """_select_by_id's statement, FOR UPDATE, and its columns."""
    statement, columns = _select_by_id(model)
    return statement.stmt.with_for_update(), columns


def _held(session: Session, model: type[T], values: dict[str, Any]) -> T:
    """The session's object of a row just read under its lock, as populate_existing makes it: the one the
    session holds takes the row's values (any change to it was flushed before the read), or a new one
    joins the session as loaded."""
    held = made(session)
    mapper = inspect(model)
    key = mapper.identity_key_from_primary_key(tuple(values[c.key] for c in mapper.primary_key))
    obj = held.identity_map.get(key)
    if obj is None:
        obj = loaded(model, values)
        make_transient_to_detached(obj)
        held.add(obj)
    else:
        _load_columns(obj, values)
    return obj


def owned(session: Session, model: type[T], object_id: str, merchant_id: str | None, what: str,
          lock: bool = False) -> T:
    """The merchant's object, optionally row-locked; another merchant's id is exactly as unknown as a
    made-up one (404). merchant_id None is the public checkout: any merchant's object."""
    found = find(session, model, object_id, lock)
    if found is None or (merchant_id is not None and found.merchant_id != merchant_id):
        session.rollback()
        raise not_found(what)
    return found


@lru_cache(maxsize=32)
def _select_by_id(model: type) -> tuple[database.Statement, tuple[str, ...]]:
    """SELECT every column WHERE id = :id, built once per table (a Core statement, no ORM query), and the
    names of the columns it returns."""
    table = model.__table__
    return database.Statement(select(*table.c).where(table.c.id == bindparam("id"))), tuple(table.c.keys())


@lru_cache(maxsize=32)
def _columns(model: type) -> tuple[Callable[[], Any], tuple[tuple[str, str], ...]]:
    """A model's constructor of blank instances (no __init__, no history) and (attribute, column) of
    every mapped column."""
    mapper = inspect(model)
    return mapper.class_manager.new_instance, tuple((a.key, a.columns[0].key) for a in mapper.column_attrs)


def _load_columns(obj: Any, values: dict[str, Any]) -> None:
    """Every mapped column of an object the session holds set from its row's values, as loaded (nothing
    left to flush)."""
    for key, column in _columns(type(obj))[1]:
        set_committed_value(obj, key, values[column])


def loaded(model: type[T], values: Any) -> T:
    """An ORM object from a row of its table (or a dict of its columns), in no session, as a detached one
    reads: what a service returns for a row it wrote or read with one Core statement. A blank object's
    state has no history to settle, so the values go straight into its dict, as SQLAlchemy's own loading
    puts them (the constructor's instrumented sets, or set_committed_value per column, each cost about a
    tenth of a create-order's or get-order's CPU: bench.app_cpu)."""
    new_instance, columns = _columns(model)
    mapping = getattr(values, "_mapping", values)
    obj = new_instance()
    obj.__dict__.update({key: mapping[column] for key, column in columns})
    return obj


def read_owned(session: Session, model: type[T], object_id: str, merchant_id: str | None, what: str) -> T:
    """A read of one row by id that nothing in the request writes after: one autocommit SELECT (a single
    statement is its own snapshot), not BEGIN + SELECT + ROLLBACK on the session's engine, so a read costs
    one round trip, as a single-statement write does (ARCHITECTURE.md, Performance). A Core statement
    built once, its row made into the model's object outside any session (no identity map, no ORM query:
    about half of a read's CPU), sent on the DBAPI connection (database.Statement); the rules of `owned`
    apply. (A script's session, which has no autocommit engine, reads in a transaction its pool rolls back.)"""
    statement, columns = _select_by_id(model)
    with database.Raw(database.autocommit(session)) as conn:
        row = statement.one(conn, {"id": object_id})
    values = None if row is None else dict(zip(columns, row))
    if values is None or (merchant_id is not None and values["merchant_id"] != merchant_id):
        raise not_found(what)
    return loaded(model, values)


def lock_due(session: Session, model: type, object_id: str, parent: tuple[type, str],
             kind: str) -> tuple[Any, Any] | str:
    """For a job: lock the parent row, then the object (one lock order everywhere: order -> payment ->
    refund). Returns (parent, object) when the object is pending and due; otherwise "skipped" (gone or
    moved on) or "rescheduled" (the job came early and put itself back for the due time)."""
    found = session.get(model, object_id)
    if found is None:
        session.rollback()
        return "skipped"
    parent_model, parent_key = parent
    parent_row = get_for_update(session, parent_model, id=getattr(found, parent_key))
    row = get_for_update(session, model, id=object_id)
    if row.status != PENDING:
        session.rollback()
        return "skipped"
    if jobs.reschedule_if_early(session, kind, object_id, row.ready_at, utcnow()):
        return "rescheduled"
    return parent_row, row


# Deep pages by OFFSET cost a scan of every row skipped; past this, page with starting_after.
MAX_OFFSET = 10_000
# A `total` that cannot come from the running totals is a count that stops here (total_capped says so).
COUNT_BOUND = 10_000


@dataclass(frozen=True)
class PageRequest:
    """A page: `limit` rows after `offset` (the contract), or after/before a cursor object (Stripe's way)."""
    limit: int = 10
    offset: int = 0
    starting_after: str | None = None
    ending_before: str | None = None

    @classmethod
    def of(cls, query: Any) -> "PageRequest":
        return cls(query.limit, query.offset, getattr(query, "starting_after", None),
                   getattr(query, "ending_before", None))


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
    has_more: bool = False
    total_capped: bool = False


def paginate(session: Session, model: Any, stmt: Select, merchant_id: str, page: PageRequest,
             total: Callable[[], int] | None = None) -> Page:
    """Newest first by (created_at, id), the index order of every list. A cursor page seeks to the cursor
    object's key and reads limit + 1 rows (the extra one answers has_more): its cost does not grow with the
    table. `total` from the running totals when the caller can say it; else a count bounded at COUNT_BOUND."""
    key = (model.created_at, model.id)
    filtered = stmt
    cursor = page.starting_after or page.ending_before
    if cursor:
        anchor = session.execute(select(*key).where(*retention.by_id(model, cursor),
                                                    model.merchant_id == merchant_id)).first()
        if anchor is None:
            name = "starting_after" if page.starting_after else "ending_before"
            raise bad_request(f"{name} must be the id of one of your objects in this list")
        if page.starting_after:
            stmt = stmt.where(tuple_(*key) < tuple_(*anchor)).order_by(*(c.desc() for c in key))
        else:  # read upwards from the cursor, then hand the rows back newest first
            stmt = stmt.where(tuple_(*key) > tuple_(*anchor)).order_by(*key)
        rows = list(session.execute(stmt.limit(page.limit + 1)).scalars())
        items = rows[:page.limit]
        if page.ending_before:
            items.reverse()
    else:
        rows = list(session.execute(stmt.order_by(*(c.desc() for c in key)).limit(page.limit + 1)
                                    .offset(page.offset)).scalars())
        items = rows[:page.limit]
    count, capped = (total(), False) if total is not None else bounded_count(session, filtered)
    return Page(items, count, page.limit, page.offset, len(rows) > page.limit, capped)


def bounded_count(session: Session, stmt: Select) -> tuple[int, bool]:
    """(count, capped): rows matching stmt's filter, counting no further than COUNT_BOUND."""
    probe = stmt.order_by(None).with_only_columns(literal_column("1")).limit(COUNT_BOUND + 1).subquery()
    found = session.execute(select(func.count()).select_from(probe)).scalar_one()
    return min(found, COUNT_BOUND), found > COUNT_BOUND
