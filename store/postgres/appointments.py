"""The Postgres store's appointment book: reads here, writes through the SQL functions.

Booking, cancelling and moving each call one function of
`migrations/0006_services_and_staff.sql` (one statement, so one transaction): the
exclusion constraint that keeps each person to one booking at a time, the idempotency keys
and the release-and-take of a move are enforced in the database, identically for this
store and the Supabase one, with no check-then-insert in Python. The functions fill the
rows' local date, time and slot in the store's timezone. Their SQLSTATEs become domain
errors in `rows.translated`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Unpack

from typing_extensions import override

from store.instants import aware
from store.models import MAIN, Appointment, Busy
from store.port import AppointmentBook, Booking, Move
from store.postgres import rows
from store.postgres.connection import PostgresConnection


class PostgresAppointmentBook(PostgresConnection, AppointmentBook):
    """`AppointmentBook` on the Postgres database."""

    @override
    def busy(
        self, start: datetime, end: datetime, *, staff: Collection[str] | None = None
    ) -> list[Busy]:
        # blocked_until > start first: its index reaches only time still running at `start`
        sql = (
            "SELECT staff, start_at, blocked_until FROM appointments WHERE status = 'booked'"
            " AND blocked_until > %s AND start_at < %s"
        )
        args: list[object] = [aware(start), aware(end)]
        if staff is not None:
            sql += " AND staff = ANY(%s)"
            args.append([staff] if isinstance(staff, str) else list(staff))
        with self._conn() as c:
            found = c.execute(f"{sql} ORDER BY start_at, staff", args).fetchall()
        return [rows.busy(r) for r in found]

    @override
    def book(self, **booking: Unpack[Booking]) -> Appointment:
        # The function drops sub-second parts of the start, as the SQLite store does.
        return self._appointment(
            "SELECT * FROM book_appointment(p_user_id => %s::uuid,"
            " p_start => %s::timestamptz, p_duration_min => %s::integer, p_key => %s,"
            " p_timezone => %s, p_notes => %s, p_service => %s, p_staff => %s,"
            " p_buffer_min => %s::integer)",
            (
                rows.key(booking["user_id"]),
                aware(booking["start"]),
                booking["duration_min"],
                booking["idempotency_key"],
                self._timezone,
                booking.get("notes"),
                booking.get("service"),
                booking.get("staff", MAIN),
                booking.get("buffer_min", 0),
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
        return self._appointment(
            "SELECT * FROM cancel_appointment(%s::uuid, %s::uuid, %s)",
            (rows.key(user_id), rows.key(appointment_id), idempotency_key),
        )

    @override
    def reschedule(self, **move: Unpack[Move]) -> Appointment:
        # One statement: a taken time fails all of it, so the old appointment stays booked.
        return self._appointment(
            "SELECT * FROM reschedule_appointment(p_user_id => %s::uuid,"
            " p_appointment_id => %s::uuid, p_new_start => %s::timestamptz, p_key => %s,"
            " p_timezone => %s, p_staff => %s, p_duration_min => %s::integer,"
            " p_buffer_min => %s::integer, p_service => %s, p_set_service => %s)",
            (
                rows.key(move["user_id"]),
                rows.key(move["appointment_id"]),
                aware(move["new_start"]),
                move["idempotency_key"],
                self._timezone,
                move.get("staff"),
                move.get("duration_min"),
                move.get("buffer_min"),
                move.get("service"),
                "service" in move,
            ),
        )
