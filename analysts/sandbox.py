"""The replay's sandbox: a private SQLite copy of the store that a fork may write to.

A fork never touches real appointments. It runs on a SQLite file of its own, filled at
fork time with every user and appointment and the forked call's conversation, from the
store the parent thread ran against (the SQLite file, Postgres, or the parent fork's own
sandbox), then rewound to the fork point: the call's own writes made after it are undone
and its later transcript lines dropped, so "what if they had said no" starts from the
world as it was when the question was asked. Other callers' bookings stay as they are now.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from store.instants import slot, utc
from store.sqlite import SqliteStore

TABLES = ("users", "appointments", "conversations", "conversation_turns")
CALL_ROWS = {"conversations": " WHERE id = ?", "conversation_turns": " WHERE conversation_id = ?"}
"""Of these two tables only the forked call's rows are copied; the others are copied whole."""


class SandboxUnavailable(RuntimeError):
    """The parent's store cannot be copied into a sandbox; nothing was forked."""


@dataclass(frozen=True)
class ForkPoint:
    """What the store held for the forked call at the checkpoint it is forked at."""

    conversation_id: str
    """The call's id in the store (`CallState.call_id`, the parent's thread at first)."""
    made: frozenset[str]
    """Appointments the call had booked or moved to by then (from `CallState.outcomes`)."""
    cancelled: frozenset[str]
    """Appointments the call had cancelled by then."""
    line_no: int
    """Transcript lines the call had stored by then."""
    at: datetime
    """The clock reading at the fork point."""

    @classmethod
    def of(cls, values: dict[str, Any], *, at: datetime) -> ForkPoint:
        """Read the fork point from a checkpoint's channel values."""
        outcomes = [o for o in values.get("outcomes") or [] if isinstance(o, dict)]
        ids = {
            kind: {str(o.get("appointment_id")) for o in outcomes if o.get("kind") == kind}
            for kind in ("booked", "rescheduled", "cancelled")
        }
        return cls(
            conversation_id=str(values.get("call_id", "")),
            made=frozenset(ids["booked"] | ids["rescheduled"]),
            cancelled=frozenset(ids["cancelled"]),
            line_no=int(values.get("line_no", 0)),
            at=at,
        )


def from_sqlite(source: Path, target: Path, point: ForkPoint) -> Path:
    """Fill `target` from a SQLite store file, read-only, and rewind it to the fork point."""
    if not source.is_file():
        raise SandboxUnavailable(f"no store file at {source} to copy into a sandbox")
    with _fresh(target) as sandbox:
        sandbox.execute("ATTACH DATABASE ? AS src", (source.resolve().as_uri() + "?mode=ro",))
        sandbox.execute("BEGIN")  # one transaction: a consistent read of the source
        for table in TABLES:
            columns = ", ".join(_shared_columns(sandbox, table))
            clause = CALL_ROWS.get(table, "")
            sandbox.execute(
                f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM src.{table}{clause}",
                (point.conversation_id,) if clause else (),
            )  # table names from the fixed TABLES, columns from the schema itself
        _rewind(sandbox, point)
        sandbox.execute("COMMIT")
        sandbox.execute("DETACH DATABASE src")
    return target


def from_postgres(database_url: str, target: Path, point: ForkPoint) -> Path:
    """Fill `target` from a Postgres store in one read-only snapshot, rewound to the fork point.

    Postgres keys rows by uuid and conversations by `thread_id` (its own uuid `id` stays
    behind); the SQLite schema keeps UTC text, so every value is converted on the way.
    """
    # The Postgres driver is an optional extra: only a Postgres store is copied with it.
    import psycopg  # noqa: PLC0415 (above)
    from psycopg.rows import dict_row  # noqa: PLC0415 (above)

    from store.postgres import rows as postgres_rows  # noqa: PLC0415 (above)

    with (
        postgres_rows.translated(database_url),
        psycopg.connect(database_url, row_factory=dict_row, prepare_threshold=None) as pg,
    ):
        pg.read_only = True
        pg.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with pg.transaction():
            users = pg.execute("SELECT * FROM users ORDER BY created_at, id").fetchall()
            appointments = pg.execute("SELECT * FROM appointments ORDER BY created_at, id")
            appts = appointments.fetchall()
            key = (point.conversation_id,)
            calls = pg.execute("SELECT * FROM conversations WHERE thread_id = %s", key).fetchall()
            lines = pg.execute(
                "SELECT * FROM conversation_turns WHERE thread_id = %s ORDER BY idx", key
            ).fetchall()
    with _fresh(target) as sandbox:
        sandbox.execute("BEGIN")
        _insert(sandbox, "users", (_sqlite_values(row) for row in users))
        _insert(sandbox, "appointments", (_appointment(row) for row in appts))
        _insert(sandbox, "conversations", (_conversation(row) for row in calls))
        _insert(sandbox, "conversation_turns", (_line(row) for row in lines))
        _rewind(sandbox, point)
        sandbox.execute("COMMIT")
    return target


@contextmanager
def _fresh(target: Path) -> Iterator[sqlite3.Connection]:
    """Create the store schema in a new file and lend a plain connection to fill it."""
    if target.exists():
        raise SandboxUnavailable(f"sandbox {target} exists already")
    target.parent.mkdir(parents=True, exist_ok=True)
    SqliteStore(target).close()  # the store makes its own schema, as the agent would
    with closing(sqlite3.connect(target.resolve().as_uri(), uri=True, isolation_level=None)) as c:
        try:
            yield c
        except BaseException:
            if c.in_transaction:
                c.execute("ROLLBACK")
            raise


def _shared_columns(sandbox: sqlite3.Connection, table: str) -> list[str]:
    """Return the columns both schemas have, so an older source file copies too."""
    mine = [r[1] for r in sandbox.execute(f"PRAGMA main.table_info({table})")]
    theirs = {r[1] for r in sandbox.execute(f"PRAGMA src.table_info({table})")}
    if not theirs:
        raise SandboxUnavailable(f"the store file has no {table} table")
    return [column for column in mine if column in theirs]


def _insert(sandbox: sqlite3.Connection, table: str, rows: Iterable[dict[str, Any]]) -> None:
    """Insert rows given as {column: value}; columns absent from the sandbox are dropped."""
    columns = [r[1] for r in sandbox.execute(f"PRAGMA main.table_info({table})")]
    names, marks = ", ".join(columns), ", ".join(f":{c}" for c in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # table from TABLES
    sandbox.executemany(sql, ({c: row.get(c) for c in columns} for row in rows))


def _sqlite_values(row: dict[str, Any]) -> dict[str, Any]:
    """Spell a Postgres row as the SQLite schema stores it (UTC text, JSON text, 0/1)."""
    return {column: _sqlite_value(value) for column, value in row.items()}


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list | dict):
        return json.dumps(value)
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)  # uuid


def _appointment(row: dict[str, Any]) -> dict[str, Any]:
    """Convert an appointments row; `start_at` in the one spelling the unique index compares."""
    return _sqlite_values(row) | {"start_at": slot(row["start_at"])}


def _conversation(row: dict[str, Any]) -> dict[str, Any]:
    """Convert a conversations row: the SQLite id is the thread id."""
    return _sqlite_values(row) | {"id": row["thread_id"]}


def _line(row: dict[str, Any]) -> dict[str, Any]:
    """Convert a conversation_turns row: SQLite keys lines by `conversation_id`."""
    return _sqlite_values(row) | {"conversation_id": row["thread_id"]}


def _rewind(sandbox: sqlite3.Connection, point: ForkPoint) -> None:
    """Undo what the call wrote after the fork point; leave everyone else's rows alone.

    The call's writes carry its idempotency keys (`<call>:<turn>:<kind>`, nodes/confirm.py);
    the checkpoint's outcomes say which of them had happened by the fork point.
    """
    ours = re.compile(rf"{re.escape(point.conversation_id)}:\d+:(book|cancel|reschedule)")
    rows = sandbox.execute(
        "SELECT rowid, id, idempotency_key, cancel_key, rescheduled_from FROM appointments"
        " ORDER BY created_at DESC, rowid DESC"
    ).fetchall()
    for _, appointment_id, _, cancel_key, _ in rows:
        if cancel_key and ours.fullmatch(cancel_key) and appointment_id not in point.cancelled:
            # OR IGNORE: if someone else booked the freed slot since, their booking stands.
            sandbox.execute(
                "UPDATE OR IGNORE appointments SET status = 'booked', cancel_key = NULL"
                " WHERE id = ?",
                (appointment_id,),
            )
    for _, appointment_id, key, _, moved_from in rows:  # newest first: a chain unwinds
        if key and ours.fullmatch(key) and appointment_id not in point.made:
            sandbox.execute("DELETE FROM appointments WHERE id = ?", (appointment_id,))
            if moved_from is not None:
                sandbox.execute(
                    "UPDATE OR IGNORE appointments SET status = 'booked' WHERE id = ?",
                    (moved_from,),
                )
    call = (point.conversation_id,)
    sandbox.execute(
        "DELETE FROM conversation_turns WHERE conversation_id = ? AND idx >= ?",
        (point.conversation_id, point.line_no),
    )
    sandbox.execute(
        "UPDATE conversations SET ended_at = NULL, outcome = NULL, summary = NULL,"
        " appointments_discussed = '[]', preferences_mentioned = '[]', transcript = '[]',"
        " cost_breakdown = '{}' WHERE id = ?",
        call,
    )
    # A call whose row never reached the store (an outage at the greeting) still needs
    # one, or the fork's first transcript line would be refused.
    sandbox.execute(
        "INSERT OR IGNORE INTO conversations (id, started_at) VALUES (?, ?)",
        (point.conversation_id, utc(point.at)),
    )
