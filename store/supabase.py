"""Supabase backend of the `Store` port: supabase-py 2.x over PostgREST.

Integrity never depends on this client. Every write that must be atomic (book, cancel,
reschedule) is one call of a SQL function from `migrations/0002_write_functions.sql`
through `rpc()`, so the partial unique index and the functions' own transactions refuse a
double booking or half a move; this class never checks-then-writes. The rest uses the
table API: plain selects, an insert-or-ignore for conversations, an upsert for turns.

Failing fast matters more than retrying on a phone call: the client is built with
postgrest retries off (they sleep 1 + 2 + 4 s on a dead URL) and a short httpx timeout,
and every request also sets `.retry(False)`, so a client passed in behaves the same.

Layout: `supabase_api` builds the client and runs requests (paging, no retries),
`supabase_rows` maps rows and translates errors (no message carries the API key),
`supabase_conversations` holds the conversation methods; this class adds users and
appointments.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from postgrest import APIError, SyncSelectRequestBuilder

from store import supabase_rows as rows
from store.errors import AppointmentNotFound, StoreUnavailable
from store.models import Appointment, User
from store.supabase_api import SupabaseApi, connect
from store.supabase_conversations import SupabaseConversations

__all__ = ["SupabaseApi", "SupabaseStore", "connect"]


class SupabaseStore(SupabaseConversations):
    """A `Store` on a Supabase project (or any PostgREST with the migrations applied).

    `SupabaseStore(url, key, *, client=None, timeout=5.0, transport=None)`: see
    `SupabaseApi.__init__`. Use it as a context manager, or call `close`.
    """

    # users -----------------------------------------------------------------
    def find_user_by_phone(self, phone: str) -> User | None:
        """Return the user with this E.164 number, or None."""
        users = self._db.table("users")
        found = self._rows(users.select(rows.USER_COLS).eq("phone_number", phone))
        return rows.user(found[0]) if found else None

    def create_user(self, *, phone: str, name: str | None = None) -> User:
        """Create a user; if the number exists already, return that user unchanged."""
        if not rows.E164.fullmatch(phone):
            raise ValueError(f"phone {phone!r} is not E.164 (like +15551234567)")
        insert = self._db.table("users").insert({"phone_number": phone, "name": name})
        with rows.translated(self._key):
            try:
                made = rows.rows(insert.retry(False).execute().data)
            except APIError as exc:
                if exc.code != "23505":  # the only unique column written is the phone
                    raise
                made = []  # the number exists: fall through to reading that user
        if made:
            return rows.user(made[0])
        existing = self.find_user_by_phone(phone)
        if existing is None:
            raise StoreUnavailable(f"user {phone!r} both exists and does not")
        return existing

    def set_user_name(self, user_id: str, name: str) -> User:
        """Record the caller's name."""
        found: list[dict[str, Any]] = []
        if rows.as_uuid(user_id) is not None:
            update = self._db.table("users").update({"name": name}).eq("id", user_id)
            found = self._rows(update.select(rows.USER_COLS))
        if not found:
            raise ValueError(f"unknown user {user_id!r}")
        return rows.user(found[0])

    def record_identity_check(self, *, user_id: str, passed: bool, at: datetime) -> None:
        """Record whether a caller who said this account's number passed its identity check."""
        if rows.as_uuid(user_id) is None:
            raise ValueError(f"unknown user {user_id!r}")
        check = {"user_id": user_id, "at": rows.utc(at), "passed": passed}
        self._rows(self._db.table("identity_checks").insert(check))

    def failed_identity_checks(self, user_id: str, *, since: datetime) -> int:
        """Return this account's failed identity checks since `since` and since its last pass."""
        if rows.as_uuid(user_id) is None:
            return 0
        checks = self._db.table("identity_checks")
        passes = self._rows(
            checks.select("at")
            .eq("user_id", user_id)
            .is_("passed", "true")
            .order("at", desc=True)
            .limit(1)
        )
        failed = checks.select("at").eq("user_id", user_id).is_("passed", "false")
        failed = failed.gte("at", rows.utc(since))
        if passes:
            failed = failed.gt("at", rows.utc(rows.dt(passes[0]["at"])))
        return len(self._rows(failed))

    # appointments ------------------------------------------------------------
    def booked_starts(self, start: datetime, end: datetime) -> set[datetime]:
        """Return the start instants (UTC) of booked appointments in [start, end)."""
        lo, hi = rows.utc(start), rows.utc(end)
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

    def book(
        self,
        *,
        user_id: str,
        start: datetime,
        duration_min: int,
        idempotency_key: str,
        notes: str | None = None,
    ) -> Appointment:
        """Book a slot once per key; a taken slot raises SlotUnavailable."""
        start_at = rows.slot(start)
        if rows.as_uuid(user_id) is None:
            raise ValueError(f"unknown user {user_id!r}")
        return self._rpc(
            "book_appointment",
            {
                "p_user_id": user_id,
                "p_start": start_at,
                "p_duration_min": duration_min,
                "p_key": idempotency_key,
                "p_notes": notes,
            },
        )

    def list_appointments(
        self, user_id: str, *, after: datetime | None = None, include_inactive: bool = False
    ) -> list[Appointment]:
        """Return this caller's appointments ordered by start (only booked ones by default)."""
        since = None if after is None else rows.utc(after)
        if rows.as_uuid(user_id) is None:
            return []

        def query() -> SyncSelectRequestBuilder:
            q = self._db.table("appointments").select(rows.APPT_COLS).eq("user_id", user_id)
            if not include_inactive:
                q = q.eq("status", "booked")
            if since is not None:
                q = q.gte("start_at", since)
            return q.order("start_at").order("created_at").order("id")

        return [rows.appointment(r) for r in self._all(query)]

    def get_appointment(self, *, user_id: str, appointment_id: str) -> Appointment:
        """Return one of this caller's appointments, else raise AppointmentNotFound."""
        found: list[dict[str, Any]] = []
        if rows.as_uuid(user_id) is not None and rows.as_uuid(appointment_id) is not None:
            appts = self._db.table("appointments").select(rows.APPT_COLS)
            found = self._rows(appts.eq("id", appointment_id).eq("user_id", user_id))
        if not found:
            raise AppointmentNotFound(f"no appointment {appointment_id!r} for this caller")
        return rows.appointment(found[0])

    def cancel(self, *, user_id: str, appointment_id: str, idempotency_key: str) -> Appointment:
        """Cancel one of this caller's appointments; retrying with the same key is harmless."""
        if rows.as_uuid(user_id) is None or rows.as_uuid(appointment_id) is None:
            raise AppointmentNotFound(f"no appointment {appointment_id!r} for this caller")
        return self._rpc(
            "cancel_appointment",
            {"p_user_id": user_id, "p_appointment_id": appointment_id, "p_key": idempotency_key},
        )

    def reschedule(
        self,
        *,
        user_id: str,
        appointment_id: str,
        new_start: datetime,
        idempotency_key: str,
    ) -> Appointment:
        """Move an appointment in one transaction (one SQL function) and return the new booking."""
        new_at = rows.slot(new_start)
        if rows.as_uuid(user_id) is None or rows.as_uuid(appointment_id) is None:
            raise AppointmentNotFound(f"no appointment {appointment_id!r} for this caller")
        return self._rpc(
            "reschedule_appointment",
            {
                "p_user_id": user_id,
                "p_appointment_id": appointment_id,
                "p_new_start": new_at,
                "p_key": idempotency_key,
            },
        )
