"""Postgres backend of the `Store` port: psycopg 3 on a `psycopg_pool.ConnectionPool`.

Integrity lives in the database (`store/migrations`): the partial unique index refuses a
double booking, and booking, cancelling and moving are each one call of a SQL function
(`book_appointment`, `cancel_appointment`, `reschedule_appointment`, also what the
Supabase store calls through rpc()), so each is one statement, hence one transaction,
with no check-then-insert in Python. Connections are autocommit; the one multi-statement
write (`finish_conversation`) runs in an explicit transaction. They skip server-side
prepared statements, so the store also works behind transaction-mode poolers (Supabase).
The pool (`store.postgres_pool`) checks each connection it lends and fails fast when the
server is gone, so a caller hears about an outage at once and the next call after it
comes back works.

`booking db migrate` (`store.migrate`) creates the schema, never this class: opening a
database without it raises StoreUnavailable naming that command. The SQL lives in
`postgres_users`, `postgres_appointments` and `postgres_conversations`; row mapping and
error translation in `postgres_rows`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from psycopg import Connection
from psycopg.rows import DictRow

from store import postgres_appointments as appointments
from store import postgres_conversations as conversations
from store import postgres_rows as rows
from store import postgres_users as users
from store.errors import StoreUnavailable
from store.migrate import applied_versions, versions
from store.models import Appointment, CallOverview, Conversation, TranscriptLine, User
from store.postgres_pool import CheckedPool, PoolTimeouts
from store.sqlite_users import E164


class PostgresStore:
    """A `Store` on a Postgres database, safe to share between threads (one pool)."""

    def __init__(
        self,
        database_url: str,
        *,
        min_size: int = 1,
        max_size: int = 10,
        timeout: float = 10.0,
        timeouts: PoolTimeouts | None = None,
    ) -> None:
        """Open a pool of `min_size`..`max_size` connections and check the schema.

        `timeout` bounds opening the pool; `timeouts` bound every call later (see
        `store.postgres_pool`), so an outage mid-call is a StoreUnavailable in well under
        a second. An unreachable server or a missing schema raises StoreUnavailable.
        """
        self._url = database_url
        self._pool = CheckedPool(
            database_url,
            timeouts=timeouts or PoolTimeouts(),
            name="booking-store",
            min_size=min_size,
            max_size=max_size,
        )
        try:
            with rows.translated(database_url):
                self._pool.open(wait=True, timeout=timeout)
            self._check_schema()
        except BaseException:
            self._pool.close()
            raise

    def _check_schema(self) -> None:
        """Refuse a database `booking db migrate` has not brought up to date."""
        with self._conn() as c:
            recorded = applied_versions(c)
        missing = [v for v in versions() if v not in recorded]
        if missing:
            raise StoreUnavailable(f"{rows.MIGRATE_HINT} (pending: {', '.join(missing)})")

    def __repr__(self) -> str:
        """Describe the store without its connection string (it may hold a password)."""
        return f"PostgresStore(max_size={self._pool.max_size})"

    def close(self) -> None:
        """Close the pool; later calls raise StoreUnavailable."""
        self._pool.close()

    def __enter__(self) -> Self:
        """Return the store itself."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the store."""
        self.close()

    @contextmanager
    def _conn(self) -> Iterator[Connection[DictRow]]:
        """Lend an autocommit connection: each statement is its own transaction."""
        with rows.translated(self._url), self._pool.connection() as conn:
            yield conn

    @contextmanager
    def _tx(self) -> Iterator[Connection[DictRow]]:
        """Run a block in one transaction; roll it all back on any error."""
        with self._conn() as conn, conn.transaction():
            yield conn

    # users -----------------------------------------------------------------
    def find_user_by_phone(self, phone: str) -> User | None:
        """Return the user with this E.164 number, or None."""
        with self._conn() as c:
            return users.by_phone(c, phone)

    def create_user(self, *, phone: str, name: str | None = None) -> User:
        """Create a user; if the number exists already, return that user unchanged."""
        if not E164.fullmatch(phone):
            raise ValueError(f"phone {phone!r} is not E.164 (like +15551234567)")
        with self._conn() as c:
            return users.create(c, phone=phone, name=name)

    def set_user_name(self, user_id: str, name: str) -> User:
        """Record the caller's name."""
        with self._conn() as c:
            user = users.rename(c, user_id, name)
        if user is None:
            raise ValueError(f"unknown user {user_id!r}")
        return user

    def record_identity_check(self, *, user_id: str, passed: bool, at: datetime) -> None:
        """Record whether a caller who said this account's number passed its identity check."""
        with self._conn() as c:
            users.record_check(c, user_id=user_id, passed=passed, at=at)

    def failed_identity_checks(self, user_id: str, *, since: datetime) -> int:
        """Return this account's failed identity checks since `since` and since its last pass."""
        with self._conn() as c:
            return users.failed_checks(c, user_id, since=since)

    # appointments ------------------------------------------------------------
    def booked_starts(self, start: datetime, end: datetime) -> set[datetime]:
        """Return the start instants (UTC) of booked appointments in [start, end)."""
        with self._conn() as c:
            return appointments.booked_starts(c, start, end)

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
        with self._conn() as c:
            return appointments.book(
                c,
                user_id=user_id,
                start=start,
                duration_min=duration_min,
                key=idempotency_key,
                notes=notes,
            )

    def list_appointments(
        self, user_id: str, *, after: datetime | None = None, include_inactive: bool = False
    ) -> list[Appointment]:
        """Return this caller's appointments ordered by start (only booked ones by default)."""
        with self._conn() as c:
            return appointments.for_user(c, user_id, after=after, include_inactive=include_inactive)

    def get_appointment(self, *, user_id: str, appointment_id: str) -> Appointment:
        """Return one of this caller's appointments, else raise AppointmentNotFound."""
        with self._conn() as c:
            return appointments.own(c, user_id, appointment_id)

    def cancel(self, *, user_id: str, appointment_id: str, idempotency_key: str) -> Appointment:
        """Cancel one of this caller's appointments; retrying with the same key is harmless."""
        with self._conn() as c:
            return appointments.cancel(
                c, user_id=user_id, appointment_id=appointment_id, key=idempotency_key
            )

    def reschedule(
        self,
        *,
        user_id: str,
        appointment_id: str,
        new_start: datetime,
        idempotency_key: str,
    ) -> Appointment:
        """Move an appointment in one transaction and return the new booking.

        Moving an appointment to the slot it already has is a no-op that returns it unchanged.
        """
        with self._conn() as c:
            return appointments.reschedule(
                c,
                user_id=user_id,
                appointment_id=appointment_id,
                new_start=new_start,
                key=idempotency_key,
            )

    # conversations -----------------------------------------------------------
    def start_conversation(
        self, *, conversation_id: str, started_at: datetime, user_id: str | None = None
    ) -> None:
        """Create the conversation row if it does not exist yet."""
        with self._conn() as c:
            conversations.insert(
                c, conversation_id=conversation_id, started_at=started_at, user_id=user_id
            )

    def attach_user(self, *, conversation_id: str, user_id: str) -> None:
        """Record who the caller turned out to be."""
        with self._conn() as c:
            conversations.attach_user(c, conversation_id=conversation_id, user_id=user_id)

    def append_turn(self, *, conversation_id: str, line: TranscriptLine) -> None:
        """Store one transcript line; writing the same index again replaces it."""
        with self._conn() as c:
            conversations.upsert_turn(c, conversation_id=conversation_id, line=line)

    def transcript(self, conversation_id: str) -> list[TranscriptLine]:
        """Return the conversation's transcript in order."""
        with self._conn() as c:
            return conversations.transcript(c, conversation_id)

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
        with self._tx() as c:
            conversations.finish(
                c,
                conversation_id=conversation_id,
                ended_at=ended_at,
                outcome=outcome,
                summary=summary,
                appointments_discussed=appointments_discussed,
                preferences_mentioned=preferences_mentioned,
                cost_breakdown=cost_breakdown,
            )

    def get_conversation(self, conversation_id: str) -> Conversation | None:
        """Return a conversation, or None."""
        with self._conn() as c:
            return conversations.get(c, conversation_id)

    def ended_before(self, cutoff: datetime) -> list[str]:
        """Return the ids of conversations that ended before `cutoff` (for retention)."""
        with self._conn() as c:
            return conversations.ended_before(c, cutoff)

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
        """Return conversations, the latest started first, for the analysts' list."""
        with self._conn() as c:
            return conversations.overview(
                c,
                since=since,
                before=before,
                outcome=outcome,
                open_only=open_only,
                phone=phone,
                limit=limit,
            )
