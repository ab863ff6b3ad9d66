"""The SQLite store's appointment book: busy time, booking, listing, cancelling and moving.

Integrity lives in the schema: triggers refuse a booked row that overlaps another booked
row of the same person, so nothing here checks-then-inserts as its guard. Each write is
one `_write` transaction, which is what makes an idempotency-key lookup and the write
after it atomic, and what rolls a failed move back.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Collection
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
from store.models import MAIN, Appointment, Busy
from store.port import AppointmentBook, Booking, Move
from store.sqlite import rows
from store.sqlite.connection import SqliteConnection

_OVERLAP = "appointments_no_overlap"
"""The overlap triggers' message starts with this (schema.sql)."""


class SqliteAppointmentBook(SqliteConnection, AppointmentBook):
    """`AppointmentBook` on the SQLite file."""

    @override
    def busy(
        self, start: datetime, end: datetime, *, staff: Collection[str] | None = None
    ) -> list[Busy]:
        sql = "SELECT staff, start_at, blocked_until FROM appointments WHERE status = 'booked'"
        sql, args = f"{sql} AND start_at < ? AND blocked_until > ?", [utc(end), utc(start)]
        if staff is not None:
            people = list(staff)
            sql, args = f"{sql} AND staff IN ({', '.join('?' * len(people))})", args + people
        with self._read() as c:
            found = c.execute(f"{sql} ORDER BY start_at, staff", args).fetchall()
        return [Busy(r["staff"], parse(r["start_at"]), parse(r["blocked_until"])) for r in found]

    @override
    def book(self, **booking: Unpack[Booking]) -> Appointment:
        start_at, staff = slot(booking["start"]), booking.get("staff", MAIN)
        user_id, key = booking["user_id"], booking["idempotency_key"]
        with self._write(durable=True) as c:
            # BEGIN IMMEDIATE holds the write lock, so no concurrent retry can insert this
            # key between the lookup and the insert; no re-check after a failure is needed.
            prior = c.execute(f"{rows.APPT} WHERE idempotency_key = ?", (key,)).fetchone()
            if prior is not None:
                same = (prior["user_id"], prior["start_at"], prior["staff"])
                if same == (user_id, start_at, staff):
                    return rows.appointment(prior)
                raise IdempotencyConflict(f"key {key!r} was used for another booking")
            return self._insert(
                c,
                user_id=user_id,
                start=booking["start"],
                duration_min=booking["duration_min"],
                buffer_min=booking.get("buffer_min", 0),
                service=booking.get("service"),
                staff=staff,
                notes=booking.get("notes"),
                key=key,
            )

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
                # A move that named no person kept the old one, which the new row has.
                same = (prior["user_id"], prior["rescheduled_from"], prior["start_at"])
                person = move.get("staff", prior["staff"])
                if same == (user_id, appointment_id, new_at) and prior["staff"] == person:
                    return rows.appointment(prior)
                raise IdempotencyConflict(f"key {key!r} was used for another request")
            old = rows.appointment(_own(c, user_id, appointment_id))
            if old.status != "booked":
                raise AppointmentNotActive(f"appointment {appointment_id!r} is not booked")
            staff = move.get("staff", old.staff)
            if (slot(old.start), old.staff) == (new_at, staff):
                return old
            # The old row stops being booked first, so it never blocks its own move (10:00
            # to 11:00 moved to 10:30); a taken time raises out of this block, and _write
            # rolls the old row back to booked.
            c.execute("UPDATE appointments SET status = 'rescheduled' WHERE id = ?", (old.id,))
            return self._insert(
                c,
                user_id=user_id,
                start=move["new_start"],
                duration_min=move.get("duration_min", old.duration_min),
                buffer_min=move.get("buffer_min", old.buffer_min),
                service=move.get("service", old.service),
                staff=staff,
                notes=old.notes,
                key=key,
                rescheduled_from=old.id,
            )

    def _insert(
        self,
        c: sqlite3.Connection,
        *,
        user_id: str,
        start: datetime,
        duration_min: int,
        buffer_min: int,
        service: str | None,
        staff: str,
        notes: str | None,
        key: str,
        rescheduled_from: str | None = None,
    ) -> Appointment:
        """Insert a booked row; the overlap triggers turn a taken time into SlotUnavailable."""
        row = {
            "id": str(uuid.uuid4()),
            "user_id": user_id,
            **rows.span(start, duration_min, buffer_min),
            **rows.local(start, duration_min, self._zone),
            "duration_min": duration_min,
            "buffer_min": buffer_min,
            "service": service,
            "staff": staff,
            "notes": notes,
            "idempotency_key": key,
            "rescheduled_from": rescheduled_from,
        }
        try:
            c.execute(
                f"INSERT INTO appointments ({', '.join(row)})"  # column names are ours
                f" VALUES ({', '.join(f':{name}' for name in row)})",
                row,
            )
        except sqlite3.IntegrityError as error:
            if not str(error).startswith(_OVERLAP):
                raise
            raise SlotUnavailable(
                f"{staff!r} is booked between {row['start_at']} and {row['blocked_until']}"
            ) from None
        return rows.appointment(c.execute(f"{rows.APPT} WHERE id = ?", (row["id"],)).fetchone())


def _own(c: sqlite3.Connection, user_id: str, appointment_id: str) -> sqlite3.Row:
    """Fetch the caller's row; someone else's id looks exactly like an unknown one."""
    row: sqlite3.Row | None = c.execute(
        f"{rows.APPT} WHERE id = ? AND user_id = ?", (appointment_id, user_id)
    ).fetchone()
    if row is None:
        raise AppointmentNotFound(f"no appointment {appointment_id!r} for this caller")
    return row
