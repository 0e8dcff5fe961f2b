"""Plain SQL for the statements every comment post runs.

The ORM compiles each query anew: 0.2 to 0.3 ms of Python per statement on
this machine, ten times what SQLite then takes to run it. Posting a comment
ran about ten, and under ``make bench`` (sampled with py-spy) building them
was a third of the time of a post. The few statements on that path are
written out here and in their modules instead; everything else keeps the
ORM.

The helpers quote table and column names from the models' own metadata and
convert values with the fields' own ``get_db_prep_save``, as the ORM does,
so the statements follow the models and run on SQLite and PostgreSQL alike
(both know ``RETURNING``). Only fixed text goes into the SQL; values are
always parameters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence, Sized
from functools import cache, lru_cache
from typing import Any, TypeVar

from django.db import (
    DEFAULT_DB_ALIAS,
    connection,
    connections,
    models,
    router,
    transaction,
)

M = TypeVar("M", bound=models.Model)
QMARK = re.compile(r"(?<!%)%s")  # as django.db.backends.sqlite3.base


@cache
def name(identifier: str) -> str:
    """``identifier`` quoted for the site's database. Remembered: a process
    talks to one kind of database, and a post quotes about fifteen names."""
    return connection.ops.quote_name(identifier)


@cache
def table(model: type[models.Model]) -> str:
    return name(model._meta.db_table)


@cache
def _columns(model: type[models.Model]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    fields = model._meta.concrete_fields
    return tuple(str(f.column) for f in fields), tuple(f.attname for f in fields)


def columns(model: type[models.Model], alias: str = "") -> str:
    """Every column of ``model``, in the order :func:`instance` reads them."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + name(column) for column in _columns(model)[0])


@cache
def _converters(model: type[models.Model], vendor: str) -> tuple[tuple[Any, ...], ...]:
    """Per column, what turns the driver's value into the field's (as the ORM does)."""
    found = []
    for field in model._meta.concrete_fields:
        column = field.get_col(model._meta.db_table)
        found.append(
            (
                tuple(connection.ops.get_db_converters(column))
                + tuple(field.get_db_converters(connection)),
                column,
            )
        )
    return tuple(found)


def instance(model: type[M], row: Sequence[Any], using: str = DEFAULT_DB_ALIAS) -> M:
    """A model instance from the first columns of ``row`` (see :func:`columns`)."""
    found = connections[using]
    values = []
    for (converters, column), value in zip(
        _converters(model, found.vendor), row, strict=False
    ):
        for convert in converters:
            value = convert(value, column, found)
        values.append(value)
    return model.from_db(found.alias, list(_columns(model)[1]), values)


def reading(model: type[models.Model]) -> str:
    """The database a read of ``model`` goes to: a reader's GET may read the
    replica (``core/routers.py``); everything else reads the primary."""
    return router.db_for_read(model) or DEFAULT_DB_ALIAS


def one(
    sql: str, params: Sequence[Any] = (), using: str = DEFAULT_DB_ALIAS
) -> tuple[Any, ...] | None:
    db = connections[using]
    if _direct(db):
        found: tuple[Any, ...] | None = _sqlite(db, sql, params).fetchone()
        return found
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def all_rows(
    sql: str, params: Sequence[Any] = (), using: str = DEFAULT_DB_ALIAS
) -> list[tuple[Any, ...]]:
    db = connections[using]
    if _direct(db):
        found: list[tuple[Any, ...]] = _sqlite(db, sql, params).fetchall()
        return found
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def listed(values: Sized) -> str:
    """The placeholders of ``IN (...)`` for ``values``."""
    return ", ".join(["%s"] * len(values))


def execute(sql: str, params: Sequence[Any] = ()) -> int:
    """Run a statement; the number of rows it changed."""
    if _direct(connection):
        changed: int = _sqlite(connection, sql, params).rowcount
        return changed
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _direct(db: Any) -> bool:
    """Whether a statement may go to the SQLite driver itself.

    Django's cursor (its wrapper, a new cursor object, the placeholders
    rewritten by a regular expression on every call) costs about 10 µs a
    statement, twice what SQLite takes for these; a post runs about ten.
    Not when Django logs queries (tests count them; DEBUG) or an execute
    wrapper listens: then everything goes through Django's cursor.
    """
    return db.vendor == "sqlite" and not db.queries_logged and not db.execute_wrappers


def _sqlite(db: Any, sql: str, params: Sequence[Any]) -> Any:
    """What Django's cursor does around the driver's execute, minus the cost."""
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_no_broken_transaction()
    with db.wrap_database_errors:
        return db.connection.execute(_qmark(sql), params)


@lru_cache(maxsize=1024)
def _qmark(sql: str) -> str:
    """SQLite's placeholders for ours, as Django's SQLite cursor writes them."""
    return QMARK.sub("?", sql).replace("%%", "%")


def datetime(value: Any) -> Any:
    """A datetime parameter as the ORM stores it (text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


@cache
def _insert_sql(
    model: type[models.Model], keep_id: bool = False
) -> tuple[str, tuple[models.Field, ...]]:
    pk = model._meta.pk
    fields = tuple(f for f in model._meta.concrete_fields if keep_id or f is not pk)
    sql = "INSERT INTO {} ({}) VALUES ({}) RETURNING {}".format(  # noqa: S608
        table(model),
        ", ".join(name(str(f.column)) for f in fields),
        listed(fields),
        name(str(pk.column)),
    )
    return sql, fields


def insert(obj: models.Model, *, keep_id: bool = False) -> models.Model:
    """Save a new ``obj`` with one INSERT, as ``obj.save()`` would, and set its id.

    For models without save() overrides or signal receivers that matter:
    neither runs. With ``keep_id``, ``obj`` already has its id (from
    :func:`reserve_ids`) and is written with it.
    """
    sql, fields = _insert_sql(type(obj), keep_id)
    params = []
    for field, taken in zip(fields, _taken(fields), strict=True):
        value = getattr(obj, field.attname) if taken else None
        if type(value) not in taken:
            # Not a plain field, or a value the driver would not store as
            # the field does (a lazy translation, a number in a text field):
            # what save() would send.
            value = field.get_db_prep_save(field.pre_save(obj, True), connection)
        params.append(value)
    row = one(sql, params)
    assert row is not None  # INSERT ... RETURNING returns a row
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj


# Field types whose values go to the driver as they are, and the types of
# value each column takes from it exactly as the field itself would send them.
TAKEN = {
    **dict.fromkeys(
        ("CharField", "EmailField", "SlugField", "TextField", "URLField"), (str,)
    ),
    **dict.fromkeys(
        (
            "AutoField",
            "BigAutoField",
            "BigIntegerField",
            "IntegerField",
            "PositiveBigIntegerField",
            "PositiveIntegerField",
            "PositiveSmallIntegerField",
            "SmallIntegerField",
        ),
        (int,),
    ),
    "BooleanField": (bool,),
    "FloatField": (float,),
}


# What insert_many and update_many pass as they are (a foreign key's value is
# its target's id): converting them through the field, as bulk_create does,
# cost more than the INSERT itself.
PLAIN = {*TAKEN, "ForeignKey"}


@cache
def _taken(fields: tuple[models.Field, ...]) -> tuple[frozenset[type], ...]:
    """Per field, the types of value :func:`insert` sends as they are (none
    for a field whose ``pre_save`` does something, such as ``auto_now``)."""
    found = []
    for field in fields:
        kind = field.get_internal_type()
        if kind == "ForeignKey":
            kind = field.target_field.get_internal_type()  # type: ignore[attr-defined]
        plain = type(field).pre_save is models.Field.pre_save and kind in TAKEN
        found.append(frozenset((*TAKEN[kind], type(None))) if plain else frozenset())
    return tuple(found)


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """``n`` ids for new rows of ``model``, increasing, that nobody else gets.

    Rows can then be written with their ids (``insert_many(keep_ids=True)``)
    and anything derived from an id, such as a comment's path, goes into
    the same INSERT instead of a second statement. PostgreSQL hands them out
    from the table's sequence. On SQLite they follow the highest id the
    table has used (AUTOINCREMENT's record, or its rows): only this
    connection can write while its transaction is open (``IMMEDIATE``), so
    it must be in one, and must write them before it commits.
    """
    if n <= 0:
        return []
    pk = model._meta.pk
    assert pk is not None
    if connection.vendor == "postgresql":
        rows = all_rows(
            "SELECT nextval(pg_get_serial_sequence(%s, %s))"
            " FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, n],
        )
        return sorted(row[0] for row in rows)
    if connection.vendor != "sqlite":
        raise NotImplementedError(connection.vendor)
    if not connection.in_atomic_block:
        raise RuntimeError("reserve_ids on SQLite needs a transaction")
    sequence = "SELECT seq FROM sqlite_sequence WHERE name = %s"
    used = f"SELECT max({name(str(pk.column))}) FROM {table(model)}"  # noqa: S608
    sql = f"SELECT max(coalesce(({sequence}), 0), coalesce(({used}), 0))"
    row = one(sql, [model._meta.db_table])
    last = int(row[0]) if row else 0
    return list(range(last + 1, last + 1 + n))


def insert_many(
    objs: Sequence[models.Model], *, batch: int = 300, keep_ids: bool = False
) -> None:
    """Save new ``objs`` (one model) in multi-row INSERTs and set their ids.

    What ``bulk_create`` does for plain rows, at a fifth of its cost: values
    of plain fields go to the driver as they are, the rest through their
    field (``auto_now_add`` included). No save() and no signals, like
    bulk_create. Ids come back with ``RETURNING``, in the rows' order, as
    bulk_create relies on too. With ``keep_ids``, every object already has
    its id (see ``reserve_ids``) and the rows are written with it.
    """
    if not objs:
        return
    model = type(objs[0])
    _sql, fields = _insert_sql(model)
    pk = model._meta.pk
    if keep_ids:
        assert all(obj.pk is not None for obj in objs)
        fields = (pk, *fields)
    plain = [f.get_internal_type() in PLAIN for f in fields]
    stamped = [
        bool(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
        for f in fields
    ]
    attnames = [f.attname for f in fields]
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608
        table(model), ", ".join(name(str(f.column)) for f in fields)
    )
    row = "(" + listed(fields) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch):
            chunk = objs[start : start + batch]
            params: list[Any] = []
            for obj in chunk:
                # A parent saved since this object was made: its id, as
                # save() and bulk_create take it.
                obj._prepare_related_fields_for_save(operation_name="insert_many")  # type: ignore[attr-defined]
                for field, attname, is_plain, is_stamped in zip(
                    fields, attnames, plain, stamped, strict=True
                ):
                    if is_stamped:
                        value = field.pre_save(obj, True)
                    else:
                        value = getattr(obj, attname)
                    if not is_plain and value is not None:
                        value = field.get_db_prep_save(value, connection)
                    params.append(value)
            cursor.execute(
                head
                + ", ".join([row] * len(chunk))
                + f" RETURNING {name(str(pk.column))}",
                params,
            )
            for obj, (new_id,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = new_id
                obj._state.adding = False
                obj._state.db = connection.alias


def update_many(
    model: type[models.Model], attnames: Sequence[str], rows: Sequence[Sequence[Any]]
) -> int:
    """Set ``attnames`` of many rows by id: each row is (id, *values).

    What ``bulk_update`` does, without its CASE expressions (which the ORM
    builds and resolves per object: a minute for 20,000 notes): one
    ``UPDATE … WHERE id = %s`` run with ``executemany``, values through
    their fields as the ORM saves them. No save() and no signals.
    """
    if not rows:
        return 0
    fields = [model._meta.get_field(a) for a in attnames]
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - names from the model
        table(model),
        ", ".join(f"{name(str(f.column))} = %s" for f in fields),  # type: ignore[union-attr]
        name(str(model._meta.pk.column)),
    )
    plain = [f.get_internal_type() in PLAIN for f in fields]
    params = [
        [
            v if is_plain or v is None else f.get_db_prep_save(v, connection)  # type: ignore[union-attr]
            for f, is_plain, v in zip(fields, plain, row[1:], strict=True)
        ]
        + [row[0]]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(rows)


SWEEP_BATCH = 500


def sweep(
    rows: models.QuerySet[Any],
    change: Callable[[models.QuerySet[Any]], int],
    size: int = SWEEP_BATCH,
) -> int:
    """``change`` (an update or a delete) on ``rows``, ``size`` at a time.

    For housekeeping over many rows (forgetting old addresses, old live
    events). One statement over them all would hold the database's write
    lock for as long as it runs: on SQLite, seconds over a table of a
    million comments, while every comment post waits. Here the ids are read
    first (a read takes no write lock), then each batch is changed in a
    transaction of its own, still filtered by ``rows``, so writers get in
    between batches. Returns how many rows ``change`` counted.
    """
    ids = list(rows.order_by().values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), size):
        with transaction.atomic(using=rows.db):
            done += change(rows.filter(pk__in=ids[start : start + size]))
    return done


def update_swept(
    model: type[models.Model],
    attnames: Sequence[str],
    rows: Sequence[Sequence[Any]],
    size: int = SWEEP_BATCH,
) -> int:
    """:func:`update_many` ``size`` rows at a time, each batch in a
    transaction of its own, for the reason :func:`sweep` gives."""
    for start in range(0, len(rows), size):
        with transaction.atomic():
            update_many(model, attnames, rows[start : start + size])
    return len(rows)
