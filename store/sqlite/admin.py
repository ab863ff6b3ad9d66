"""The SQLite store's view for the business: every caller's appointments, and closing them.

Closing is a write like any appointment write: one durable `_write` transaction, so a
check of the row's status and the update after it are atomic.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from typing_extensions import override

from store.errors import AppointmentNotActive, AppointmentNotFound
from store.instants import aware, parse, utc
from store.models import Appointment, AppointmentStatus
from store.port import AppointmentAdmin
from store.sqlite import rows
from store.sqlite.connection import SqliteConnection


class SqliteAppointmentAdmin(SqliteConnection, AppointmentAdmin):
    """`AppointmentAdmin` on the SQLite file."""

    @override
    def appointments_between(
        self, start: datetime, end: datetime, *, status: AppointmentStatus | None = None
    ) -> list[Appointment]:
        sql, args = f"{rows.APPT} WHERE start_at >= ? AND start_at < ?", [utc(start), utc(end)]
        if status is not None:
            sql, args = f"{sql} AND status = ?", [*args, status]
        with self._read() as c:
            found = c.execute(f"{sql} ORDER BY start_at, created_at, id", args).fetchall()
        return [rows.appointment(r) for r in found]

    @override
    def appointment(self, appointment_id: str) -> Appointment | None:
        with self._read() as c:
            row = c.execute(f"{rows.APPT} WHERE id = ?", (appointment_id,)).fetchone()
        return None if row is None else rows.appointment(row)

    @override
    def close_appointment(
        self, appointment_id: str, status: Literal["completed", "no_show"], *, now: datetime
    ) -> Appointment:
        if status not in ("completed", "no_show"):
            raise ValueError(f"an appointment is closed as completed or no_show, not {status!r}")
        aware(now)
        with self._write(durable=True) as c:
            row = c.execute(f"{rows.APPT} WHERE id = ?", (appointment_id,)).fetchone()
            if row is None:
                raise AppointmentNotFound(f"no appointment {appointment_id!r}")
            if row["status"] != "booked":
                raise AppointmentNotActive(
                    f"appointment {appointment_id!r} is {row['status']}, not booked"
                )
            if parse(row["start_at"]) > now:
                raise AppointmentNotActive(f"appointment {appointment_id!r} has not started")
            c.execute("UPDATE appointments SET status = ? WHERE id = ?", (status, appointment_id))
            return rows.appointment(
                c.execute(f"{rows.APPT} WHERE id = ?", (appointment_id,)).fetchone()
            )

    @override
    def complete_past(self, *, before: datetime) -> int:
        with self._write(durable=True) as c:
            done = c.execute(
                "UPDATE appointments SET status = 'completed'"
                " WHERE status = 'booked' AND end_at < ?",
                (utc(before),),
            )
            return done.rowcount
