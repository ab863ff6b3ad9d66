"""What a store holds, read behind the port's back, for tests that check rows the agent never reads.

The port serves the agent only: it has no method just for tests. These helpers read a
backend's own tables through its connection (SQLite, Postgres) or its API client
(Supabase), and map the rows with that backend's own `rows` module.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from store.models import Appointment, TranscriptLine
from store.port import Store
from store.postgres import PostgresStore
from store.postgres import rows as postgres_rows
from store.sqlite import SqliteStore
from store.sqlite import rows as sqlite_rows
from store.supabase import SupabaseStore
from store.supabase import rows as supabase_rows


def transcript(store: Store, conversation_id: str) -> list[TranscriptLine]:
    """Return a call's stored lines in order."""
    call = "conversation_id" if isinstance(store, SqliteStore) else "thread_id"
    found, mapped = _select(store, "conversation_turns", call, conversation_id, order="idx")
    return [mapped.line(r) for r in found]


def appointments(store: Store, user_id: str) -> list[Appointment]:
    """Return every appointment row of a caller, whatever its status, ordered by start."""
    order = "start_at, created_at, id"
    found, mapped = _select(store, "appointments", "user_id", user_id, order=order)
    return [mapped.appointment(r) for r in found]


def appointment(store: Store, appointment_id: str) -> Appointment:
    """Return one appointment row by id, whoever's it is and whatever its status."""
    (row,), mapped = _select(store, "appointments", "id", appointment_id, order="id")
    return mapped.appointment(row)  # type: ignore[no-any-return]  # the mapper module's type


def _select(
    store: Store, table: str, column: str, value: str, *, order: str
) -> tuple[list[Any], ModuleType]:
    """Return the rows of `table` whose `column` is `value`, and the module that maps them."""
    match store:
        case SqliteStore():
            with store._read() as c:
                sql = f"SELECT * FROM {table} WHERE {column} = ? ORDER BY {order}"
                return c.execute(sql, (value,)).fetchall(), sqlite_rows
        case PostgresStore():
            with store._conn() as c:
                sql = f"SELECT * FROM {table} WHERE {column} = %s ORDER BY {order}"
                return c.execute(sql.encode(), (value,)).fetchall(), postgres_rows
        case SupabaseStore():
            query = store._db.table(table).select("*").eq(column, value)
            for name in order.split(", "):
                query = query.order(name)
            return store._rows(query), supabase_rows
    raise TypeError(f"no row reader for {type(store).__name__}")
