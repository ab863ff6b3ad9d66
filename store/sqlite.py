"""SQLite backend of the `Store` port: stdlib sqlite3 and one connection behind a lock.

Integrity lives in the schema (`schema_sqlite.sql`): a partial unique index on the start
of booked appointments refuses a double booking, so no method checks-then-inserts as its
guard. Every write runs in one BEGIN IMMEDIATE transaction, which takes the file's write
lock up front: a lookup (say, of an idempotency key) and the write that follows it are
atomic even against other processes, and a failing write rolls back entirely. This class
owns the connection and those transactions; the SQL run inside them lives in
`sqlite_users`, `sqlite_appointments` and `sqlite_conversations`, row mapping in
`sqlite_rows`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from store import sqlite_appointments as appointments
from store import sqlite_conversations as conversations
from store import sqlite_rows as rows
from store import sqlite_users as users
from store.errors import StoreUnavailable
from store.models import Appointment, CallOverview, Conversation, TranscriptLine, User

SCHEMA_VERSION = 3
_SCHEMA = Path(__file__).with_name("schema_sqlite.sql")


class SqliteStore:
    """A `Store` on one SQLite file (or ":memory:"), safe to share between threads."""

    def __init__(self, path: str | Path) -> None:
        """Open the database at `path`, creating the file and its schema if needed."""
        self._lock = threading.Lock()
        with rows.translated():
            self._conn = sqlite3.connect(
                str(path), timeout=5.0, isolation_level=None, check_same_thread=False
            )
            try:
                self._conn.row_factory = sqlite3.Row
                self._conn.execute("PRAGMA busy_timeout = 5000")
                self._conn.execute("PRAGMA foreign_keys = ON")
                if str(path) != ":memory:":
                    self._conn.execute("PRAGMA journal_mode = WAL")
                self._migrate()
            except BaseException:
                self._conn.close()
                raise

    def _migrate(self) -> None:
        """Bring the schema up to SCHEMA_VERSION in one transaction."""
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreUnavailable(f"database schema v{version} is newer than this code")
        if version < SCHEMA_VERSION:
            # executescript commits any open transaction first, so BEGIN goes in the script.
            script = f"BEGIN IMMEDIATE;\n{_SCHEMA.read_text(encoding='utf-8')}\n"
            try:
                self._conn.executescript(
                    f"{script}PRAGMA user_version = {SCHEMA_VERSION};\nCOMMIT;"
                )
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        """Close the connection; later calls raise StoreUnavailable."""
        with self._lock:
            self._conn.close()

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
    def _read(self) -> Iterator[sqlite3.Connection]:
        """Lend the connection for reads (autocommit: each statement sees committed data)."""
        with self._lock, rows.translated():
            yield self._conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """Run a block in one BEGIN IMMEDIATE transaction; roll it all back on any error."""
        with self._lock, rows.translated():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    # users -----------------------------------------------------------------
    def find_user_by_phone(self, phone: str) -> User | None:
        """Return the user with this E.164 number, or None."""
        with self._read() as c:
            return users.by_phone(c, phone)

    def create_user(self, *, phone: str, name: str | None = None) -> User:
        """Create a user; if the number exists already, return that user unchanged."""
        if not users.E164.fullmatch(phone):
            raise ValueError(f"phone {phone!r} is not E.164 (like +15551234567)")
        with self._write() as c:
            return users.create(c, phone=phone, name=name)

    def set_user_name(self, user_id: str, name: str) -> User:
        """Record the caller's name."""
        with self._write() as c:
            user = users.rename(c, user_id, name)
        if user is None:
            raise ValueError(f"unknown user {user_id!r}")
        return user

    def record_identity_check(self, *, user_id: str, passed: bool, at: datetime) -> None:
        """Record whether a caller who said this account's number passed its identity check."""
        with self._write() as c:
            users.record_check(c, user_id=user_id, passed=passed, at=at)

    def failed_identity_checks(self, user_id: str, *, since: datetime) -> int:
        """Return this account's failed identity checks since `since` and since its last pass."""
        with self._read() as c:
            return users.failed_checks(c, user_id, since=since)

    # appointments ------------------------------------------------------------
    def booked_starts(self, start: datetime, end: datetime) -> set[datetime]:
        """Return the start instants (UTC) of booked appointments in [start, end)."""
        with self._read() as c:
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
        start_at = rows.slot(start)
        with self._write() as c:
            return appointments.book(
                c,
                user_id=user_id,
                start_at=start_at,
                duration_min=duration_min,
                key=idempotency_key,
                notes=notes,
            )

    def list_appointments(
        self, user_id: str, *, after: datetime | None = None, include_inactive: bool = False
    ) -> list[Appointment]:
        """Return this caller's appointments ordered by start (only booked ones by default)."""
        with self._read() as c:
            return appointments.for_user(c, user_id, after=after, include_inactive=include_inactive)

    def get_appointment(self, *, user_id: str, appointment_id: str) -> Appointment:
        """Return one of this caller's appointments, else raise AppointmentNotFound."""
        with self._read() as c:
            return rows.appointment(appointments.own(c, user_id, appointment_id))

    def cancel(self, *, user_id: str, appointment_id: str, idempotency_key: str) -> Appointment:
        """Cancel one of this caller's appointments; retrying with the same key is harmless."""
        with self._write() as c:
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
        new_at = rows.slot(new_start)
        with self._write() as c:
            # A taken slot raises out of this block, so _write rolls the old row back to booked.
            return appointments.reschedule(
                c,
                user_id=user_id,
                appointment_id=appointment_id,
                new_at=new_at,
                key=idempotency_key,
            )

    # conversations -----------------------------------------------------------
    def start_conversation(
        self, *, conversation_id: str, started_at: datetime, user_id: str | None = None
    ) -> None:
        """Create the conversation row if it does not exist yet."""
        with self._write() as c:
            conversations.insert(
                c, conversation_id=conversation_id, started_at=started_at, user_id=user_id
            )

    def attach_user(self, *, conversation_id: str, user_id: str) -> None:
        """Record who the caller turned out to be."""
        with self._write() as c:
            conversations.attach_user(c, conversation_id=conversation_id, user_id=user_id)

    def append_turn(self, *, conversation_id: str, line: TranscriptLine) -> None:
        """Store one transcript line; writing the same index again replaces it."""
        with self._write() as c:
            conversations.upsert_turn(c, conversation_id=conversation_id, line=line)

    def transcript(self, conversation_id: str) -> list[TranscriptLine]:
        """Return the conversation's transcript in order."""
        with self._read() as c:
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
        with self._write() as c:
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
        with self._read() as c:
            return conversations.get(c, conversation_id)

    def ended_before(self, cutoff: datetime) -> list[str]:
        """Return the ids of conversations that ended before `cutoff` (for retention)."""
        with self._read() as c:
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
        with self._read() as c:
            return conversations.overview(
                c,
                since=since,
                before=before,
                outcome=outcome,
                open_only=open_only,
                phone=phone,
                limit=limit,
            )
