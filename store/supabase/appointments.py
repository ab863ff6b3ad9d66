"""The Supabase store's appointment book: reads through the table API, writes through rpc().

Every write that must be atomic (book, cancel, reschedule) is one call of a SQL function
from `migrations/0006_services_and_staff.sql` (cancel's from 0002), so the exclusion
constraint and the functions' own transactions refuse a double booking or half a move;
nothing here checks-then-writes. The functions fill the rows' local date, time and slot in
the store's timezone. Ids that are not uuids are refused before any request, as the id
columns would refuse them.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Unpack

from postgrest import SyncSelectRequestBuilder
from typing_extensions import override

from store.errors import AppointmentNotFound
from store.instants import slot, utc
from store.models import MAIN, Appointment, Busy
from store.port import AppointmentBook, Booking, Move
from store.supabase import rows
from store.supabase.api import SupabaseApi


class SupabaseAppointmentBook(SupabaseApi, AppointmentBook):
    """`AppointmentBook` through the Supabase API."""

    @override
    def busy(
        self, start: datetime, end: datetime, *, staff: Collection[str] | None = None
    ) -> list[Busy]:
        lo, hi = utc(start), utc(end)
        people = None if staff is None else [staff] if isinstance(staff, str) else list(staff)
        if people == []:
            return []

        def query() -> SyncSelectRequestBuilder:
            q = self._db.table("appointments").select(rows.BUSY_COLS).eq("status", "booked")
            q = q.gt("blocked_until", lo).lt("start_at", hi)
            if people is not None:
                q = q.in_("staff", people)
            return q.order("start_at").order("staff")

        return [rows.busy(r) for r in self._all(query)]

    @override
    def book(self, **booking: Unpack[Booking]) -> Appointment:
        start_at, user_id = slot(booking["start"]), booking["user_id"]
        if rows.as_uuid(user_id) is None:
            raise ValueError(f"unknown user {user_id!r}")
        return self._rpc(
            "book_appointment",
            {
                "p_user_id": user_id,
                "p_start": start_at,
                "p_duration_min": booking["duration_min"],
                "p_key": booking["idempotency_key"],
                "p_timezone": self._timezone,
                "p_notes": booking.get("notes"),
                "p_service": booking.get("service"),
                "p_staff": booking.get("staff", MAIN),
                "p_buffer_min": booking.get("buffer_min", 0),
            },
        )

    @override
    def list_appointments(
        self, user_id: str, *, after: datetime | None = None
    ) -> list[Appointment]:
        since = None if after is None else utc(after)
        if rows.as_uuid(user_id) is None:
            return []

        def query() -> SyncSelectRequestBuilder:
            q = self._db.table("appointments").select(rows.APPT_COLS)
            q = q.eq("user_id", user_id).eq("status", "booked")
            if since is not None:
                q = q.gte("start_at", since)
            return q.order("start_at").order("created_at").order("id")

        return [rows.appointment(r) for r in self._all(query)]

    @override
    def cancel(self, *, user_id: str, appointment_id: str, idempotency_key: str) -> Appointment:
        if rows.as_uuid(user_id) is None or rows.as_uuid(appointment_id) is None:
            raise AppointmentNotFound(f"no appointment {appointment_id!r} for this caller")
        return self._rpc(
            "cancel_appointment",
            {"p_user_id": user_id, "p_appointment_id": appointment_id, "p_key": idempotency_key},
        )

    @override
    def reschedule(self, **move: Unpack[Move]) -> Appointment:
        new_at = slot(move["new_start"])
        user_id, appointment_id = move["user_id"], move["appointment_id"]
        if rows.as_uuid(user_id) is None or rows.as_uuid(appointment_id) is None:
            raise AppointmentNotFound(f"no appointment {appointment_id!r} for this caller")
        # What the move leaves out (None) stays the old appointment's.
        return self._rpc(
            "reschedule_appointment",
            {
                "p_user_id": user_id,
                "p_appointment_id": appointment_id,
                "p_new_start": new_at,
                "p_key": move["idempotency_key"],
                "p_timezone": self._timezone,
                "p_staff": move.get("staff"),
                "p_duration_min": move.get("duration_min"),
                "p_buffer_min": move.get("buffer_min"),
                "p_service": move.get("service"),
                "p_set_service": "service" in move,
            },
        )
