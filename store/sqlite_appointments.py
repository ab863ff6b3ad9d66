"""Appointment SQL for the SQLite store: booking, listing, cancelling and moving.

Each function runs on a connection the caller (`SqliteStore`) has already locked and, for
writes, opened a BEGIN IMMEDIATE transaction on. That transaction is what makes an
idempotency-key lookup and the write after it atomic, and what rolls a failed move back,
so none of these functions commits, retries or re-checks by itself.
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime

from store import sqlite_rows as rows
from store.errors import (
    AppointmentNotActive,
    AppointmentNotFound,
    IdempotencyConflict,
    SlotUnavailable,
)
from store.models import Appointment


def booked_starts(c: sqlite3.Connection, start: datetime, end: datetime) -> set[datetime]:
    """Return the start instants (UTC) of booked appointments in [start, end)."""
    sql = "SELECT start_at FROM appointments WHERE status = 'booked' AND start_at >= ?"
    found = c.execute(f"{sql} AND start_at < ?", (rows.utc(start), rows.utc(end))).fetchall()
    return {rows.dt(r["start_at"]) for r in found}


def book(
    c: sqlite3.Connection,
    *,
    user_id: str,
    start_at: str,
    duration_min: int,
    key: str,
    notes: str | None,
) -> Appointment:
    """Book the slot `start_at` (canonical text) once per key."""
    # BEGIN IMMEDIATE holds the write lock, so no concurrent retry can insert this
    # key between the lookup and the insert; no re-check after a failure is needed.
    prior = c.execute(f"{rows.APPT} WHERE idempotency_key = ?", (key,)).fetchone()
    if prior is not None:
        if prior["user_id"] == user_id and prior["start_at"] == start_at:
            return rows.appointment(prior)
        raise IdempotencyConflict(f"key {key!r} was used for another booking")
    return insert(c, user_id, start_at, duration_min, key=key, notes=notes)


def insert(
    c: sqlite3.Connection,
    user_id: str,
    start_at: str,
    duration_min: int,
    *,
    key: str,
    notes: str | None,
    rescheduled_from: str | None = None,
) -> Appointment:
    """Insert a booked row; the partial unique index turns a taken slot into SlotUnavailable."""
    new_id, utc = str(uuid.uuid4()), datetime.fromisoformat(start_at)
    slot = (new_id, user_id, f"{utc:%Y-%m-%d}", f"{utc:%H:%M}", start_at, duration_min)
    try:
        c.execute(
            "INSERT INTO appointments (id, user_id, date, time, start_at, duration_min, notes,"
            " idempotency_key, rescheduled_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*slot, notes, key, rescheduled_from),
        )
    except sqlite3.IntegrityError:
        # Classify the refusal after the fact; the index, not this lookup, was the guard.
        taken = "SELECT 1 FROM appointments WHERE status = 'booked' AND start_at = ?"
        if c.execute(taken, (start_at,)).fetchone() is None:
            raise
        raise SlotUnavailable(f"the slot at {start_at} is already booked") from None
    return rows.appointment(c.execute(f"{rows.APPT} WHERE id = ?", (new_id,)).fetchone())


def for_user(
    c: sqlite3.Connection, user_id: str, *, after: datetime | None, include_inactive: bool
) -> list[Appointment]:
    """Return this caller's appointments ordered by start (only booked ones by default)."""
    sql, args = f"{rows.APPT} WHERE user_id = ?", [user_id]
    if not include_inactive:
        sql += " AND status = 'booked'"
    if after is not None:
        sql, args = f"{sql} AND start_at >= ?", [*args, rows.utc(after)]
    found = c.execute(f"{sql} ORDER BY start_at, created_at", args).fetchall()
    return [rows.appointment(r) for r in found]


def own(c: sqlite3.Connection, user_id: str, appointment_id: str) -> sqlite3.Row:
    """Fetch the caller's row; someone else's id looks exactly like an unknown one."""
    row: sqlite3.Row | None = c.execute(
        f"{rows.APPT} WHERE id = ? AND user_id = ?", (appointment_id, user_id)
    ).fetchone()
    if row is None:
        raise AppointmentNotFound(f"no appointment {appointment_id!r} for this caller")
    return row


def cancel(c: sqlite3.Connection, *, user_id: str, appointment_id: str, key: str) -> Appointment:
    """Cancel one of this caller's appointments; retrying with the same key is harmless."""
    done = c.execute(f"{rows.APPT} WHERE cancel_key = ?", (key,)).fetchone()
    if done is not None:
        if done["id"] == appointment_id and done["user_id"] == user_id:
            return rows.appointment(done)
        raise IdempotencyConflict(f"key {key!r} cancelled something else")
    if own(c, user_id, appointment_id)["status"] != "booked":
        raise AppointmentNotActive(f"appointment {appointment_id!r} is not booked")
    c.execute(
        "UPDATE appointments SET status = 'cancelled', cancel_key = ? WHERE id = ?",
        (key, appointment_id),
    )
    return rows.appointment(own(c, user_id, appointment_id))


def reschedule(
    c: sqlite3.Connection, *, user_id: str, appointment_id: str, new_at: str, key: str
) -> Appointment:
    """Move an appointment to `new_at` (canonical text) and return the new booking."""
    prior = c.execute(f"{rows.APPT} WHERE idempotency_key = ?", (key,)).fetchone()
    if prior is not None:
        same = (prior["user_id"], prior["rescheduled_from"], prior["start_at"])
        if same == (user_id, appointment_id, new_at):
            return rows.appointment(prior)
        raise IdempotencyConflict(f"key {key!r} was used for another request")
    old = own(c, user_id, appointment_id)
    if old["status"] != "booked":
        raise AppointmentNotActive(f"appointment {appointment_id!r} is not booked")
    if old["start_at"] == new_at:
        return rows.appointment(old)
    c.execute("UPDATE appointments SET status = 'rescheduled' WHERE id = ?", (old["id"],))
    # A taken slot raises out of here, so the caller's transaction rolls the old row back.
    moved = {"key": key, "notes": old["notes"], "rescheduled_from": old["id"]}
    return insert(c, user_id, new_at, old["duration_min"], **moved)
