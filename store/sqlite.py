"""SQLite backend of the `Store` port: stdlib sqlite3 and one connection behind a lock.

Integrity lives in the schema (`schema_sqlite.sql`): a partial unique index on the start
of booked appointments refuses a double booking, so no method checks-then-inserts as its
guard. Every write runs in one BEGIN IMMEDIATE transaction, which takes the file's write
lock up front: a lookup (say, of an idempotency key) and the write that follows it are
atomic even against other processes, and a failing write rolls back entirely.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from store.errors import (
    AppointmentNotActive,
    AppointmentNotFound,
    IdempotencyConflict,
    SlotUnavailable,
    StoreUnavailable,
)
from store.models import Appointment, Conversation, TranscriptLine, User

SCHEMA_VERSION = 1
_SCHEMA = Path(__file__).with_name("schema_sqlite.sql")
_E164 = re.compile(r"\+[1-9]\d{1,14}")
_APPT = (
    "SELECT id, user_id, start_at, duration_min, status, notes, rescheduled_from FROM appointments"
)


def _utc(dt: datetime, timespec: Literal["auto", "seconds"] = "auto") -> str:
    """Return an aware datetime as UTC ISO text; reject a naive one."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"naive datetime {dt!r}: the store needs timezone-aware datetimes")
    return dt.astimezone(UTC).isoformat(timespec=timespec)


def _slot(dt: datetime) -> str:
    """Return the canonical text of a start instant, the value the unique index compares."""
    # Sub-second parts are dropped so one instant has exactly one spelling in the index.
    return _utc(dt, "seconds")


def _dt(text: str) -> datetime:
    """Parse stored UTC ISO text into an aware UTC datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)


def _user(row: sqlite3.Row) -> User:
    """Build a User from a users row."""
    return User(row["id"], row["phone_number"], row["name"], _dt(row["created_at"]))


def _appointment(row: sqlite3.Row) -> Appointment:
    """Build an Appointment from a row selected with `_APPT`."""
    return Appointment(
        id=row["id"],
        user_id=row["user_id"],
        start=_dt(row["start_at"]),
        duration_min=row["duration_min"],
        status=row["status"],
        notes=row["notes"],
        rescheduled_from=row["rescheduled_from"],
    )


def _line(row: sqlite3.Row) -> TranscriptLine:
    """Build a TranscriptLine from a conversation_turns row."""
    return TranscriptLine(
        row["idx"], row["role"], row["text"], _dt(row["at"]), bool(row["interrupted"])
    )


@contextmanager
def _translated() -> Iterator[None]:
    """Turn driver errors into domain errors so callers never see sqlite3."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        # Constraints the methods do not map themselves mean the caller passed a bad
        # reference (unknown user or conversation): a programming error, not an outage.
        raise ValueError(f"rejected by the database: {exc}") from exc
    except sqlite3.Error as exc:
        raise StoreUnavailable(f"sqlite store unavailable ({type(exc).__name__}: {exc})") from exc


class SqliteStore:
    """A `Store` on one SQLite file (or ":memory:"), safe to share between threads."""

    def __init__(self, path: str | Path) -> None:
        """Open the database at `path`, creating the file and its schema if needed."""
        self._lock = threading.Lock()
        with _translated():
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
        with self._lock, _translated():
            yield self._conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """Run a block in one BEGIN IMMEDIATE transaction; roll it all back on any error."""
        with self._lock, _translated():
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
            row = c.execute("SELECT * FROM users WHERE phone_number = ?", (phone,)).fetchone()
        return None if row is None else _user(row)

    def create_user(self, *, phone: str, name: str | None = None) -> User:
        """Create a user; if the number exists already, return that user unchanged."""
        if not _E164.fullmatch(phone):
            raise ValueError(f"phone {phone!r} is not E.164 (like +15551234567)")
        with self._write() as c:
            c.execute(
                "INSERT INTO users (id, phone_number, name) VALUES (?, ?, ?)"
                " ON CONFLICT (phone_number) DO NOTHING",
                (str(uuid.uuid4()), phone, name),
            )
            row = c.execute("SELECT * FROM users WHERE phone_number = ?", (phone,)).fetchone()
        return _user(row)

    def set_user_name(self, user_id: str, name: str) -> User:
        """Record the caller's name."""
        with self._write() as c:
            c.execute("UPDATE users SET name = ? WHERE id = ?", (name, user_id))
            row = c.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
        if row is None:
            raise ValueError(f"unknown user {user_id!r}")
        return _user(row)

    # appointments ------------------------------------------------------------
    def booked_starts(self, start: datetime, end: datetime) -> set[datetime]:
        """Return the start instants (UTC) of booked appointments in [start, end)."""
        sql = "SELECT start_at FROM appointments WHERE status = 'booked' AND start_at >= ?"
        with self._read() as c:
            rows = c.execute(f"{sql} AND start_at < ?", (_utc(start), _utc(end))).fetchall()
        return {_dt(r["start_at"]) for r in rows}

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
        start_at = _slot(start)
        with self._write() as c:
            # BEGIN IMMEDIATE holds the write lock, so no concurrent retry can insert this
            # key between the lookup and the insert; no re-check after a failure is needed.
            prior = c.execute(f"{_APPT} WHERE idempotency_key = ?", (idempotency_key,)).fetchone()
            if prior is not None:
                if prior["user_id"] == user_id and prior["start_at"] == start_at:
                    return _appointment(prior)
                raise IdempotencyConflict(f"key {idempotency_key!r} was used for another booking")
            return self._insert(
                c, user_id, start_at, duration_min, key=idempotency_key, notes=notes
            )

    def _insert(
        self,
        c: sqlite3.Connection,
        user_id: str,
        start_at: str,
        duration_min: int,
        *,
        key: str,
        notes: str | None,
        rescheduled_from: str | None = None,
    ) -> Appointment:
        """Insert a booked row; the partial unique index turns a taken slot into SlotUnavailable."""
        new_id, utc = str(uuid.uuid4()), datetime.fromisoformat(start_at)
        slot = (new_id, user_id, f"{utc:%Y-%m-%d}", f"{utc:%H:%M}", start_at, duration_min)
        try:
            c.execute(
                "INSERT INTO appointments (id, user_id, date, time, start_at, duration_min, notes,"
                " idempotency_key, rescheduled_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*slot, notes, key, rescheduled_from),
            )
        except sqlite3.IntegrityError:
            # Classify the refusal after the fact; the index, not this lookup, was the guard.
            taken = "SELECT 1 FROM appointments WHERE status = 'booked' AND start_at = ?"
            if c.execute(taken, (start_at,)).fetchone() is None:
                raise
            raise SlotUnavailable(f"the slot at {start_at} is already booked") from None
        return _appointment(c.execute(f"{_APPT} WHERE id = ?", (new_id,)).fetchone())

    def list_appointments(
        self, user_id: str, *, after: datetime | None = None, include_inactive: bool = False
    ) -> list[Appointment]:
        """Return this caller's appointments ordered by start (only booked ones by default)."""
        sql, args = f"{_APPT} WHERE user_id = ?", [user_id]
        if not include_inactive:
            sql += " AND status = 'booked'"
        if after is not None:
            sql, args = f"{sql} AND start_at >= ?", [*args, _utc(after)]
        with self._read() as c:
            rows = c.execute(f"{sql} ORDER BY start_at, created_at", args).fetchall()
        return [_appointment(r) for r in rows]

    def get_appointment(self, *, user_id: str, appointment_id: str) -> Appointment:
        """Return one of this caller's appointments, else raise AppointmentNotFound."""
        with self._read() as c:
            return _appointment(self._own(c, user_id, appointment_id))

    @staticmethod
    def _own(c: sqlite3.Connection, user_id: str, appointment_id: str) -> sqlite3.Row:
        """Fetch the caller's row; someone else's id looks exactly like an unknown one."""
        row: sqlite3.Row | None = c.execute(
            f"{_APPT} WHERE id = ? AND user_id = ?", (appointment_id, user_id)
        ).fetchone()
        if row is None:
            raise AppointmentNotFound(f"no appointment {appointment_id!r} for this caller")
        return row

    def cancel(self, *, user_id: str, appointment_id: str, idempotency_key: str) -> Appointment:
        """Cancel one of this caller's appointments; retrying with the same key is harmless."""
        with self._write() as c:
            done = c.execute(f"{_APPT} WHERE cancel_key = ?", (idempotency_key,)).fetchone()
            if done is not None:
                if done["id"] == appointment_id and done["user_id"] == user_id:
                    return _appointment(done)
                raise IdempotencyConflict(f"key {idempotency_key!r} cancelled something else")
            if self._own(c, user_id, appointment_id)["status"] != "booked":
                raise AppointmentNotActive(f"appointment {appointment_id!r} is not booked")
            c.execute(
                "UPDATE appointments SET status = 'cancelled', cancel_key = ? WHERE id = ?",
                (idempotency_key, appointment_id),
            )
            return _appointment(self._own(c, user_id, appointment_id))

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
        new_at = _slot(new_start)
        with self._write() as c:
            prior = c.execute(f"{_APPT} WHERE idempotency_key = ?", (idempotency_key,)).fetchone()
            if prior is not None:
                same = (prior["user_id"], prior["rescheduled_from"], prior["start_at"])
                if same == (user_id, appointment_id, new_at):
                    return _appointment(prior)
                raise IdempotencyConflict(f"key {idempotency_key!r} was used for another request")
            old = self._own(c, user_id, appointment_id)
            if old["status"] != "booked":
                raise AppointmentNotActive(f"appointment {appointment_id!r} is not booked")
            if old["start_at"] == new_at:
                return _appointment(old)
            c.execute("UPDATE appointments SET status = 'rescheduled' WHERE id = ?", (old["id"],))
            # A taken slot raises out of this block, so _write rolls the old row back to booked.
            moved = {"key": idempotency_key, "notes": old["notes"], "rescheduled_from": old["id"]}
            return self._insert(c, user_id, new_at, old["duration_min"], **moved)

    # conversations -----------------------------------------------------------
    def start_conversation(
        self, *, conversation_id: str, started_at: datetime, user_id: str | None = None
    ) -> None:
        """Create the conversation row if it does not exist yet."""
        with self._write() as c:
            c.execute(
                "INSERT INTO conversations (id, user_id, started_at) VALUES (?, ?, ?)"
                " ON CONFLICT (id) DO NOTHING",
                (conversation_id, user_id, _utc(started_at)),
            )

    def attach_user(self, *, conversation_id: str, user_id: str) -> None:
        """Record who the caller turned out to be."""
        with self._write() as c:
            cur = c.execute(
                "UPDATE conversations SET user_id = ? WHERE id = ?", (user_id, conversation_id)
            )
            if cur.rowcount == 0:
                raise ValueError(f"unknown conversation {conversation_id!r}")

    def append_turn(self, *, conversation_id: str, line: TranscriptLine) -> None:
        """Store one transcript line; writing the same index again replaces it."""
        with self._write() as c:
            c.execute(
                "INSERT INTO conversation_turns (conversation_id, idx, role, text, at, interrupted)"
                " VALUES (:cid, :index, :role, :text, :at, :interrupted)"
                " ON CONFLICT (conversation_id, idx) DO UPDATE SET role = excluded.role,"
                " text = excluded.text, at = excluded.at, interrupted = excluded.interrupted",
                asdict(line) | {"cid": conversation_id, "at": _utc(line.at)},
            )

    def transcript(self, conversation_id: str) -> list[TranscriptLine]:
        """Return the conversation's transcript in order."""
        sql = "SELECT * FROM conversation_turns WHERE conversation_id = ? ORDER BY idx"
        with self._read() as c:
            return [_line(r) for r in c.execute(sql, (conversation_id,)).fetchall()]

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
        sql = "SELECT * FROM conversation_turns WHERE conversation_id = ? ORDER BY idx"
        with self._write() as c:
            turns = [asdict(_line(r)) | {"at": r["at"]} for r in c.execute(sql, (conversation_id,))]
            as_json = (appointments_discussed, preferences_mentioned, turns, cost_breakdown)
            cur = c.execute(
                "UPDATE conversations SET ended_at = ?, outcome = ?, summary = ?,"
                " appointments_discussed = ?, preferences_mentioned = ?, transcript = ?,"
                " cost_breakdown = ? WHERE id = ?",
                (_utc(ended_at), outcome, summary, *map(json.dumps, as_json), conversation_id),
            )
            if cur.rowcount == 0:
                raise ValueError(f"unknown conversation {conversation_id!r}")

    def get_conversation(self, conversation_id: str) -> Conversation | None:
        """Return a conversation, or None."""
        sql = "SELECT * FROM conversations WHERE id = ?"
        with self._read() as c:
            row = c.execute(sql, (conversation_id,)).fetchone()
        if row is None:
            return None
        lists = ("appointments_discussed", "preferences_mentioned", "transcript", "cost_breakdown")
        ended = None if row["ended_at"] is None else _dt(row["ended_at"])
        return Conversation(
            row["id"],
            row["user_id"],
            _dt(row["started_at"]),
            ended,
            row["outcome"],
            row["summary"],
            **{k: json.loads(row[k]) for k in lists},
        )
