"""The Supabase store's view of every caller's appointments: listing, and closing past ones.

Closing is one rpc() of a SQL function of `migrations/0006_services_and_staff.sql` each, as
in the Postgres store, so the row lock and the checks are the database's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from postgrest import SyncSelectRequestBuilder
from typing_extensions import override

from store.errors import AppointmentNotFound, StoreUnavailable
from store.instants import utc
from store.models import Appointment, AppointmentStatus
from store.port import AppointmentAdmin
from store.supabase import rows
from store.supabase.api import SupabaseApi


class SupabaseAppointmentAdmin(SupabaseApi, AppointmentAdmin):
    """`AppointmentAdmin` through the Supabase API."""

    @override
    def appointments_between(
        self, start: datetime, end: datetime, *, status: AppointmentStatus | None = None
    ) -> list[Appointment]:
        lo, hi = utc(start), utc(end)

        def query() -> SyncSelectRequestBuilder:
            q = self._db.table("appointments").select(rows.APPT_COLS)
            q = q.gte("start_at", lo).lt("start_at", hi)
            if status is not None:
                q = q.eq("status", status)
            return q.order("start_at").order("created_at").order("id")

        return [rows.appointment(r) for r in self._all(query)]

    @override
    def appointment(self, appointment_id: str) -> Appointment | None:
        if rows.as_uuid(appointment_id) is None:
            return None
        query = self._db.table("appointments").select(rows.APPT_COLS).eq("id", appointment_id)
        found = self._rows(query)
        return rows.appointment(found[0]) if found else None

    @override
    def close_appointment(
        self, appointment_id: str, status: Literal["completed", "no_show"], *, now: datetime
    ) -> Appointment:
        at = utc(now)
        if rows.as_uuid(appointment_id) is None:
            raise AppointmentNotFound(f"no appointment {appointment_id!r}")
        params = {"p_appointment_id": appointment_id, "p_status": status, "p_now": at}
        return self._rpc("close_appointment", params)

    @override
    def complete_past(self, *, before: datetime) -> int:
        done = self._call("complete_past", {"p_before": utc(before)})
        if not isinstance(done, int):
            raise StoreUnavailable(f"unexpected response from the API: {done!r}, not a count")
        return done
