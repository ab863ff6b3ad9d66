"""Appointment SQL for the Postgres store: reads here, writes through the SQL functions.

Booking, cancelling and moving each call one function of
`migrations/0002_write_functions.sql` (one statement, so one transaction): the partial
unique index, the idempotency keys and the release-and-take of a move are enforced in the
database, identically for this store and the Supabase one. Their SQLSTATEs become domain
errors in `postgres_rows.translated`.
"""

from __future__ import annotations

from datetime import datetime

from psycopg import Connection
from psycopg.rows import DictRow

from store import postgres_rows as rows
from store.errors import AppointmentNotFound
from store.models import Appointment


def booked_starts(c: Connection[DictRow], start: datetime, end: datetime) -> set[datetime]:
    """Return the start instants (UTC) of booked appointments in [start, end)."""
    found = c.execute(
        "SELECT start_at FROM appointments"
        " WHERE status = 'booked' AND start_at >= %s AND start_at < %s",
        (rows.aware(start), rows.aware(end)),
    ).fetchall()
    return {rows.dt(r["start_at"]) for r in found}


def book(
    c: Connection[DictRow],
    *,
    user_id: str,
    start: datetime,
    duration_min: int,
    key: str,
    notes: str | None,
) -> Appointment:
    """Book `start` once per key (the function drops sub-second parts, as SQLite does)."""
    row = c.execute(
        "SELECT * FROM book_appointment(%s::uuid, %s::timestamptz, %s::integer, %s, %s)",
        (rows.key(user_id), rows.aware(start), duration_min, key, notes),
    ).fetchone()
    return rows.appointment(_returned(row))


def for_user(
    c: Connection[DictRow], user_id: str, *, after: datetime | None, include_inactive: bool
) -> list[Appointment]:
    """Return this caller's appointments ordered by start (only booked ones by default)."""
    sql = f"{rows.APPT} WHERE user_id = %s"
    args: list[object] = [rows.key(user_id)]
    if not include_inactive:
        sql += " AND status = 'booked'"
    if after is not None:
        sql += " AND start_at >= %s"
        args.append(rows.aware(after))
    found = c.execute(f"{sql} ORDER BY start_at, created_at, id", args).fetchall()
    return [rows.appointment(r) for r in found]


def own(c: Connection[DictRow], user_id: str, appointment_id: str) -> Appointment:
    """Return the caller's appointment; someone else's id looks exactly like an unknown one."""
    row = c.execute(
        f"{rows.APPT} WHERE id = %s AND user_id = %s",
        (rows.key(appointment_id), rows.key(user_id)),
    ).fetchone()
    if row is None:
        raise AppointmentNotFound(f"no appointment {appointment_id!r} for this caller")
    return rows.appointment(row)


def cancel(c: Connection[DictRow], *, user_id: str, appointment_id: str, key: str) -> Appointment:
    """Cancel one of this caller's appointments; retrying with the same key is harmless."""
    row = c.execute(
        "SELECT * FROM cancel_appointment(%s::uuid, %s::uuid, %s)",
        (rows.key(user_id), rows.key(appointment_id), key),
    ).fetchone()
    return rows.appointment(_returned(row))


def reschedule(
    c: Connection[DictRow], *, user_id: str, appointment_id: str, new_start: datetime, key: str
) -> Appointment:
    """Move an appointment; a taken slot fails the whole statement, so the old stays booked."""
    row = c.execute(
        "SELECT * FROM reschedule_appointment(%s::uuid, %s::uuid, %s::timestamptz, %s)",
        (rows.key(user_id), rows.key(appointment_id), rows.aware(new_start), key),
    ).fetchone()
    return rows.appointment(_returned(row))


def _returned(row: DictRow | None) -> DictRow:
    """Return a write function's row; every path of those functions returns or raises."""
    if row is None:  # pragma: no cover - guarded by the functions themselves
        raise RuntimeError("a write function returned no row")
    return row
