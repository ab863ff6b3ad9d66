"""The Postgres store's view of every caller's appointments: listing, and closing past ones.

Closing is one call of a SQL function of `migrations/0006_services_and_staff.sql` each, as
in the Supabase store, so the row lock and the checks are the database's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from typing_extensions import override

from store.instants import aware
from store.models import Appointment, AppointmentStatus
from store.port import AppointmentAdmin
from store.postgres import rows
from store.postgres.connection import PostgresConnection


class PostgresAppointmentAdmin(PostgresConnection, AppointmentAdmin):
    """`AppointmentAdmin` on the Postgres database."""

    @override
    def appointments_between(
        self, start: datetime, end: datetime, *, status: AppointmentStatus | None = None
    ) -> list[Appointment]:
        sql = f"{rows.APPT} WHERE start_at >= %s AND start_at < %s"
        args: list[object] = [aware(start), aware(end)]
        if status is not None:
            sql += " AND status = %s"
            args.append(status)
        with self._conn() as c:
            found = c.execute(f"{sql} ORDER BY start_at, created_at, id", args).fetchall()
        return [rows.appointment(r) for r in found]

    @override
    def appointment(self, appointment_id: str) -> Appointment | None:
        with self._conn() as c:
            row = c.execute(f"{rows.APPT} WHERE id = %s", (rows.key(appointment_id),)).fetchone()
        return None if row is None else rows.appointment(row)

    @override
    def close_appointment(
        self, appointment_id: str, status: Literal["completed", "no_show"], *, now: datetime
    ) -> Appointment:
        return self._appointment(
            "SELECT * FROM close_appointment(%s::uuid, %s, %s::timestamptz)",
            (rows.key(appointment_id), status, aware(now)),
        )

    @override
    def complete_past(self, *, before: datetime) -> int:
        with self._conn() as c:
            row = c.execute("SELECT complete_past(%s::timestamptz) AS n", (aware(before),))
            found = row.fetchone()
        return int(found["n"]) if found else 0
