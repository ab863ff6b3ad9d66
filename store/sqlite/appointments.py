"""The SQLite store's appointment book: booking, listing, cancelling and moving.

Integrity lives in the schema: a partial unique index on the start of booked appointments
refuses a double booking, so nothing here checks-then-inserts as its guard. Each write is
one `_write` transaction, which is what makes an idempotency-key lookup and the write
after it atomic, and what rolls a failed move back.
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime
from typing import Unpack

from typing_extensions import override

from store.errors import (
    AppointmentNotActive,
    AppointmentNotFound,
    IdempotencyConflict,
    SlotUnavailable,
)
from store.instants import parse, slot, utc
from store.models import Appointment
from store.port import AppointmentBook, Booking, Move
from store.sqlite import rows
from store.sqlite.connection import SqliteConnection


class SqliteAppointmentBook(SqliteConnection, AppointmentBook):
    """`AppointmentBook` on the SQLite file."""

    @override
    def booked_starts(self, start: datetime, end: datetime) -> set[datetime]:
        sql = "SELECT start_at FROM appointments WHERE status = 'booked' AND start_at >= ?"
        with self._read() as c:
            found = c.execute(f"{sql} AND start_at < ?", (utc(start), utc(end)))
            return {parse(r["start_at"]) for r in found.fetchall()}

    @override
    def book(self, **booking: Unpack[Booking]) -> Appointment:
        start_at = slot(booking["start"])
        user_id, key = booking["user_id"], booking["idempotency_key"]
        with self._write(durable=True) as c:
            # BEGIN IMMEDIATE holds the write lock, so no concurrent retry can insert this
            # key between the lookup and the insert; no re-check after a failure is needed.
            prior = c.execute(f"{rows.APPT} WHERE idempotency_key = ?", (key,)).fetchone()
            if prior is not None:
                if prior["user_id"] == user_id and prior["start_at"] == start_at:
                    return rows.appointment(prior)
                raise IdempotencyConflict(f"key {key!r} was used for another booking")
            length, notes = booking["duration_min"], booking.get("notes")
            return _insert(c, user_id, start_at, length, key=key, notes=notes)

    @override
    def list_appointments(
        self, user_id: str, *, after: datetime | None = None
    ) -> list[Appointment]:
        sql, args = f"{rows.APPT} WHERE user_id = ? AND status = 'booked'", [user_id]
        if after is not None:
            sql, args = f"{sql} AND start_at >= ?", [*args, utc(after)]
        with self._read() as c:
            found = c.execute(f"{sql} ORDER BY start_at, created_at", args).fetchall()
        return [rows.appointment(r) for r in found]

    @override
    def cancel(self, *, user_id: str, appointment_id: str, idempotency_key: str) -> Appointment:
        key = idempotency_key
        with self._write(durable=True) as c:
            done = c.execute(f"{rows.APPT} WHERE cancel_key = ?", (key,)).fetchone()
            if done is not None:
                if done["id"] == appointment_id and done["user_id"] == user_id:
                    return rows.appointment(done)
                raise IdempotencyConflict(f"key {key!r} cancelled something else")
            if _own(c, user_id, appointment_id)["status"] != "booked":
                raise AppointmentNotActive(f"appointment {appointment_id!r} is not booked")
            c.execute(
                "UPDATE appointments SET status = 'cancelled', cancel_key = ? WHERE id = ?",
                (key, appointment_id),
            )
            return rows.appointment(_own(c, user_id, appointment_id))

    @override
    def reschedule(self, **move: Unpack[Move]) -> Appointment:
        user_id, appointment_id = move["user_id"], move["appointment_id"]
        new_at, key = slot(move["new_start"]), move["idempotency_key"]
        with self._write(durable=True) as c:
            prior = c.execute(f"{rows.APPT} WHERE idempotency_key = ?", (key,)).fetchone()
            if prior is not None:
                same = (prior["user_id"], prior["rescheduled_from"], prior["start_at"])
                if same == (user_id, appointment_id, new_at):
                    return rows.appointment(prior)
                raise IdempotencyConflict(f"key {key!r} was used for another request")
            old = _own(c, user_id, appointment_id)
            if old["status"] != "booked":
                raise AppointmentNotActive(f"appointment {appointment_id!r} is not booked")
            if old["start_at"] == new_at:
                return rows.appointment(old)
            c.execute("UPDATE appointments SET status = 'rescheduled' WHERE id = ?", (old["id"],))
            # A taken slot raises out of this block, so _write rolls the old row back to booked.
            moved = {"key": key, "notes": old["notes"], "rescheduled_from": old["id"]}
            return _insert(c, user_id, new_at, old["duration_min"], **moved)


def _own(c: sqlite3.Connection, user_id: str, appointment_id: str) -> sqlite3.Row:
    """Fetch the caller's row; someone else's id looks exactly like an unknown one."""
    row: sqlite3.Row | None = c.execute(
        f"{rows.APPT} WHERE id = ? AND user_id = ?", (appointment_id, user_id)
    ).fetchone()
    if row is None:
        raise AppointmentNotFound(f"no appointment {appointment_id!r} for this caller")
    return row


def _insert(
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
    new_id, at = str(uuid.uuid4()), parse(start_at)
    row = (new_id, user_id, f"{at:%Y-%m-%d}", f"{at:%H:%M}", start_at, duration_min)
    try:
        c.execute(
            "INSERT INTO appointments (id, user_id, date, time, start_at, duration_min, notes,"
            " idempotency_key, rescheduled_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*row, notes, key, rescheduled_from),
        )
    except sqlite3.IntegrityError:
        # Classify the refusal after the fact; the index, not this lookup, was the guard.
        taken = "SELECT 1 FROM appointments WHERE status = 'booked' AND start_at = ?"
        if c.execute(taken, (start_at,)).fetchone() is None:
            raise
        raise SlotUnavailable(f"the slot at {start_at} is already booked") from None
    return rows.appointment(c.execute(f"{rows.APPT} WHERE id = ?", (new_id,)).fetchone())
