"""The store port: what the conversation needs from persistence.

Every backend (SQLite now; Postgres and Supabase later) implements `Store` and raises
the errors of `store.errors`. Datetimes going in must be timezone-aware; datetimes
coming out are aware and in UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from store.models import Appointment, CallOverview, Conversation, TranscriptLine, User


class Store(Protocol):
    """Users, appointments and conversations, with integrity enforced by the database."""

    # users -----------------------------------------------------------------
    def find_user_by_phone(self, phone: str) -> User | None:
        """Return the user with this E.164 number, or None."""
        ...

    def create_user(self, *, phone: str, name: str | None = None) -> User:
        """Create a user; if the number exists already, return that user unchanged."""
        ...

    def set_user_name(self, user_id: str, name: str) -> User:
        """Record the caller's name."""
        ...

    def record_identity_check(self, *, user_id: str, passed: bool, at: datetime) -> None:
        """Record whether a caller who said this account's number passed its identity check."""
        ...

    def failed_identity_checks(self, user_id: str, *, since: datetime) -> int:
        """Return this account's failed identity checks since `since` and since its last pass."""
        ...

    # appointments ------------------------------------------------------------
    def booked_starts(self, start: datetime, end: datetime) -> set[datetime]:
        """Return the start instants (UTC) of booked appointments in [start, end)."""
        ...

    def book(
        self,
        *,
        user_id: str,
        start: datetime,
        duration_min: int,
        idempotency_key: str,
        notes: str | None = None,
    ) -> Appointment:
        """Book a slot once per key; a slot already taken raises SlotUnavailable."""
        ...

    def list_appointments(
        self, user_id: str, *, after: datetime | None = None, include_inactive: bool = False
    ) -> list[Appointment]:
        """Return this caller's appointments ordered by start (only booked ones by default)."""
        ...

    def get_appointment(self, *, user_id: str, appointment_id: str) -> Appointment:
        """Return one of this caller's appointments, else raise AppointmentNotFound."""
        ...

    def cancel(self, *, user_id: str, appointment_id: str, idempotency_key: str) -> Appointment:
        """Cancel one of this caller's appointments; retrying with the same key is harmless."""
        ...

    def reschedule(
        self,
        *,
        user_id: str,
        appointment_id: str,
        new_start: datetime,
        idempotency_key: str,
    ) -> Appointment:
        """Move an appointment in one transaction and return the new booking.

        The old slot is released only if the new one is taken; a taken new slot raises
        SlotUnavailable and leaves the old appointment booked.
        """
        ...

    # conversations -----------------------------------------------------------
    def start_conversation(
        self, *, conversation_id: str, started_at: datetime, user_id: str | None = None
    ) -> None:
        """Create the conversation row if it does not exist yet."""
        ...

    def attach_user(self, *, conversation_id: str, user_id: str) -> None:
        """Record who the caller turned out to be."""
        ...

    def append_turn(self, *, conversation_id: str, line: TranscriptLine) -> None:
        """Store one transcript line; writing the same index again replaces it."""
        ...

    def transcript(self, conversation_id: str) -> list[TranscriptLine]:
        """Return the conversation's transcript in order."""
        ...

    def finish_conversation(
        self,
        *,
        conversation_id: str,
        ended_at: datetime,
        outcome: str,
        summary: str,
        appointments_discussed: list[str],
        preferences_mentioned: list[str],
        cost_breakdown: dict[str, Any],
    ) -> None:
        """Store the summary; the transcript column is filled from the stored lines."""
        ...

    def get_conversation(self, conversation_id: str) -> Conversation | None:
        """Return a conversation, or None."""
        ...

    def ended_before(self, cutoff: datetime) -> list[str]:
        """Return the ids of conversations that ended before `cutoff` (for retention)."""
        ...

    def list_conversations(
        self,
        *,
        since: datetime | None = None,
        before: datetime | None = None,
        outcome: str | None = None,
        open_only: bool = False,
        phone: str | None = None,
        limit: int | None = None,
    ) -> list[CallOverview]:
        """Return conversations, the latest started first, for the analysts' list.

        `since` keeps calls started at or after it, `before` those started before it,
        `outcome` those with that outcome, `open_only` those not finished yet, `phone` those
        of the caller with that E.164 number; `limit` caps the rows (None: all). One query,
        however many calls there are.
        """
        ...
