"""The Supabase store's appointment book: reads through the table API, writes through rpc().

Every write that must be atomic (book, cancel, reschedule) is one call of a SQL function
from `migrations/0002_write_functions.sql`, so the partial unique index and the functions'
own transactions refuse a double booking or half a move; nothing here checks-then-writes.
Ids that are not uuids are refused before any request, as the id columns would refuse them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Unpack

from postgrest import SyncSelectRequestBuilder
from typing_extensions import override

from store.errors import AppointmentNotFound
from store.instants import slot, utc
from store.models import Appointment
from store.port import AppointmentBook, Booking, Move
from store.supabase import rows
from store.supabase.api import SupabaseApi


class SupabaseAppointmentBook(SupabaseApi, AppointmentBook):
    """`AppointmentBook` through the Supabase API."""

    @override
    def booked_starts(self, start: datetime, end: datetime) -> set[datetime]:
        lo, hi = utc(start), utc(end)
        found = self._all(
            lambda: (
                self._db.table("appointments")
                .select("start_at")
                .eq("status", "booked")
                .gte("start_at", lo)
                .lt("start_at", hi)
                .order("start_at")
            )
        )
        return {rows.dt(r["start_at"]) for r in found}

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
                "p_notes": booking.get("notes"),
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
        return self._rpc(
            "reschedule_appointment",
            {
                "p_user_id": user_id,
                "p_appointment_id": appointment_id,
                "p_new_start": new_at,
                "p_key": move["idempotency_key"],
            },
        )
