"""The bulk writer of the generator: rows of one model at a time, around the ORM.

Rows go in with PostgreSQL's COPY (psycopg2 `copy_expert`), chunk by chunk; on another
database (SQLite in the test suite) with one `executemany` per chunk. No `save()`, no signals:
the history tables stay empty for generated data, and no notifications are sent. Primary keys
are reserved in blocks from each table's sequence before the rows are written, so children can
point at their parents without reading anything back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import connection, models


def _pg_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, list | dict):
        return _pg_text(json.dumps(value, ensure_ascii=False))
    return str(value)


def _sqlite_value(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        return str(value)
    return value


class Writer:
    """Reserves primary keys and writes rows of one model in bulk, bypassing the ORM."""

    def __init__(self, now: dt.datetime):
        self.now = now
        self.is_pg = connection.vendor == "postgresql"
        self.counts: dict[str, int] = {}
        self._plans: dict[tuple, tuple[str, list[str], tuple]] = {}

    def reserve(self, model: type[models.Model], n: int) -> int:
        """The first of `n` consecutive free ids of the model's table."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.is_pg:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), nextval(pg_get_serial_sequence(%s, 'id')) + %s)",
                    [table, table, max(n, 1) - 1],
                )
                return cursor.fetchone()[0] - max(n, 1) + 1
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')  # noqa: S608 - a model's table
            return cursor.fetchone()[0]

    def _plan(self, model: type[models.Model], fields: Sequence[str]):
        key = (model, tuple(fields))
        if key not in self._plans:
            given = set(fields)
            columns = [model._meta.get_field(name).column for name in fields]
            constants = []
            for field in model._meta.concrete_fields:
                if field.attname in given or field.name in given or field.primary_key:
                    continue
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                    value = self.now
                elif field.has_default():
                    value = field.get_default()
                elif field.null:
                    value = None
                elif field.blank and isinstance(field, models.CharField | models.TextField):
                    value = ""
                else:
                    raise ValueError(f"{model.__name__}.{field.name} needs a value")
                columns.append(field.column)
                constants.append(value)
            self._plans[key] = (model._meta.db_table, columns, tuple(constants))
        return self._plans[key]

    def write(self, model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> int:
        """Insert `rows` (tuples in the order of `fields`; other columns get their default)."""
        table, columns, constants = self._plan(model, fields)
        n = 0
        if self.is_pg:
            buffer = io.StringIO()
            tail = ("\t" + "\t".join(_pg_text(v) for v in constants)) if constants else ""
            for row in rows:
                buffer.write("\t".join([_pg_text(v) for v in row]))
                buffer.write(tail)
                buffer.write("\n")
                n += 1
            buffer.seek(0)
            cols = ", ".join(f'"{c}"' for c in columns)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(f'COPY "{table}" ({cols}) FROM STDIN', buffer)
        else:
            params = [tuple(_sqlite_value(v) for v in (*row, *constants)) for row in rows]
            n = len(params)
            if params:
                cols = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                with connection.cursor() as cursor:
                    cursor.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', params)  # noqa: S608
        self.counts[model.__name__] = self.counts.get(model.__name__, 0) + n
        return n

    def m2m(self, through: type[models.Model], fields: Sequence[str], rows: list[tuple]) -> int:
        return self.write(through, fields, rows)


@contextlib.contextmanager
def without_indexes(cursor, table: str):
    """Drop the table's secondary indexes and its unique and foreign-key constraints, and put
    them back afterwards, as pg_restore does: building an index over 25 million rows at once is
    minutes faster than maintaining it row by row, and a foreign key added back is checked by
    one join instead of one deferred trigger per row at commit. Same transaction as the rows;
    the foreign keys still pending are checked first (a table with pending checks cannot be
    altered), as the commit would have checked them."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype DESC",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    for _name, definition in indexes:
        cursor.execute(definition)
    for name, definition in reversed(constraints):
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
