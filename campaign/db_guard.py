"""Frozen rows, refused by the database itself.

A closed measure, a rectified problem, a decided closure, a closed special task, a submitted
weekly report and an issued document change only through their services, which move the row out
of its frozen state first (reopen, return). The services and the admin already refuse; this is
the last door: a trigger that refuses an UPDATE changing the listed columns of a row that is
and stays in a frozen state (whatever writes it: a script, a shell, a bulk generator).

Used from migrations (`frozen_row_trigger(...)` is a migration operation), on PostgreSQL and
SQLite; other databases get no trigger."""

from __future__ import annotations

from django.db import migrations

MESSAGE = "frozen row: %s is %s; change it through its service (reopen, return)"


def _names(table: str) -> tuple[str, str]:
    return f"{table}_frozen_fn", f"{table}_frozen"


def _postgres(table: str, state: str, frozen: tuple[str, ...], columns: tuple[str, ...]) -> tuple[list, list]:
    fn, trigger = _names(table)
    states = ", ".join(f"'{s}'" for s in frozen)
    old = ", ".join(f"OLD.{c}" for c in columns)
    new = ", ".join(f"NEW.{c}" for c in columns)
    message = MESSAGE.replace("%s", "%")
    function = f"""
CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger AS $$
BEGIN
  IF OLD.{state} IN ({states}) AND NEW.{state} = OLD.{state} AND ROW({new}) IS DISTINCT FROM ROW({old}) THEN
    RAISE EXCEPTION '{message}', '{table} ' || OLD.id, OLD.{state} USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql"""
    create = [
        function,
        f"DROP TRIGGER IF EXISTS {trigger} ON {table}",
        f"CREATE TRIGGER {trigger} BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {fn}()",
    ]
    return create, [f"DROP TRIGGER IF EXISTS {trigger} ON {table}", f"DROP FUNCTION IF EXISTS {fn}()"]


def _sqlite(table: str, state: str, frozen: tuple[str, ...], columns: tuple[str, ...]) -> tuple[list, list]:
    _fn, trigger = _names(table)
    states = ", ".join(f"'{s}'" for s in frozen)
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
    message = MESSAGE % (table, "frozen")
    create = (
        f"CREATE TRIGGER IF NOT EXISTS {trigger} BEFORE UPDATE ON {table} FOR EACH ROW "
        f"WHEN OLD.{state} IN ({states}) AND NEW.{state} = OLD.{state} AND ({changed}) "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )
    return [create], [f"DROP TRIGGER IF EXISTS {trigger}"]


def frozen_row_trigger(
    *, table: str, state: str, frozen: tuple[str, ...], columns: tuple[str, ...]
) -> migrations.RunPython:
    """A migration operation installing (and, backwards, dropping) the trigger on `table`."""

    def sql(schema_editor) -> tuple[list, list] | None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            return _postgres(table, state, frozen, columns)
        if vendor == "sqlite":
            return _sqlite(table, state, frozen, columns)
        return None

    def forwards(apps, schema_editor):
        for statement in (sql(schema_editor) or ([], []))[0]:
            schema_editor.execute(statement, params=None)

    def backwards(apps, schema_editor):
        for statement in (sql(schema_editor) or ([], []))[1]:
            schema_editor.execute(statement, params=None)

    return migrations.RunPython(forwards, backwards)
