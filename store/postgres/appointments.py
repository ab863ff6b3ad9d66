"""The Postgres store's appointment book: reads here, writes through the SQL functions.

Booking, cancelling and moving each call one function of
`migrations/0002_write_functions.sql` (one statement, so one transaction): the partial
unique index, the idempotency keys and the release-and-take of a move are enforced in the
database, identically for this store and the Supabase one, with no check-then-insert in
Python. Their SQLSTATEs become domain errors in `rows.translated`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Unpack

from psycopg.rows import DictRow
from typing_extensions import override

from store.instants import aware
from store.models import Appointment
from store.port import AppointmentBook, Booking, Move
from store.postgres import rows
from store.postgres.connection import PostgresConnection


class PostgresAppointmentBook(PostgresConnection, AppointmentBook):
    """`AppointmentBook` on the Postgres database."""

    @override
    def booked_starts(self, start: datetime, end: datetime) -> set[datetime]:
        with self._conn() as c:
            found = c.execute(
                "SELECT start_at FROM appointments"
                " WHERE status = 'booked' AND start_at >= %s AND start_at < %s",
                (aware(start), aware(end)),
            ).fetchall()
        return {rows.dt(r["start_at"]) for r in found}

    @override
    def book(self, **booking: Unpack[Booking]) -> Appointment:
        # The function drops sub-second parts of the start, as the SQLite store does.
        return self._call(
            "SELECT * FROM book_appointment(%s::uuid, %s::timestamptz, %s::integer, %s, %s)",
            (
                rows.key(booking["user_id"]),
                aware(booking["start"]),
                booking["duration_min"],
                booking["idempotency_key"],
                booking.get("notes"),
            ),
        )

    @override
    def list_appointments(
        self, user_id: str, *, after: datetime | None = None
    ) -> list[Appointment]:
        sql = f"{rows.APPT} WHERE user_id = %s AND status = 'booked'"
        args: list[object] = [rows.key(user_id)]
        if after is not None:
            sql += " AND start_at >= %s"
            args.append(aware(after))
        with self._conn() as c:
            found = c.execute(f"{sql} ORDER BY start_at, created_at, id", args).fetchall()
        return [rows.appointment(r) for r in found]

    @override
    def cancel(self, *, user_id: str, appointment_id: str, idempotency_key: str) -> Appointment:
        return self._call(
            "SELECT * FROM cancel_appointment(%s::uuid, %s::uuid, %s)",
            (rows.key(user_id), rows.key(appointment_id), idempotency_key),
        )

    @override
    def reschedule(self, **move: Unpack[Move]) -> Appointment:
        # One statement: a taken slot fails all of it, so the old appointment stays booked.
        return self._call(
            "SELECT * FROM reschedule_appointment(%s::uuid, %s::uuid, %s::timestamptz, %s)",
            (
                rows.key(move["user_id"]),
                rows.key(move["appointment_id"]),
                aware(move["new_start"]),
                move["idempotency_key"],
            ),
        )

    def _call(self, call: str, args: tuple[object, ...]) -> Appointment:
        """Run one write function and return the appointment row it answers with."""
        with self._conn() as c:
            row: DictRow | None = c.execute(call, args).fetchone()
        if row is None:  # pragma: no cover - every path of those functions returns or raises
            raise RuntimeError("a write function returned no row")
        return rows.appointment(row)
