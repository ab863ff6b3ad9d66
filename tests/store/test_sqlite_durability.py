"""How far each SQLite write is durable: an appointment (booked, moved, cancelled or
closed) reaches the disk before it is confirmed; a transcript line or a call row survives
a killed process (WAL, synchronous NORMAL) and may lose its last commits only to a power
loss."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from store.models import TranscriptLine
from store.sqlite import SqliteStore

SLOT = datetime(2030, 5, 6, 8, 0, tzinfo=UTC)
LATER = SLOT + timedelta(hours=1)


def synchronous_at_commit(store: SqliteStore, act: Callable[[], object]) -> list[int]:
    """Run `act()` and return the connection's synchronous level at each COMMIT it made."""
    conn: sqlite3.Connection = store._conn  # the store's own connection, read only here
    levels: list[int] = []

    def seen(statement: str) -> None:
        if statement.strip().upper() == "COMMIT":
            levels.append(conn.execute("PRAGMA synchronous").fetchone()[0])

    conn.set_trace_callback(seen)
    try:
        act()
    finally:
        conn.set_trace_callback(None)
    return levels


FULL, NORMAL = 2, 1


def test_an_appointment_write_waits_for_the_disk_and_a_transcript_line_does_not(
    tmp_path: Path,
) -> None:
    """book, cancel and reschedule commit at synchronous FULL; the lines of a call at NORMAL."""
    with SqliteStore(tmp_path / "s.db") as store:
        user = store.create_user(phone="+15550000001")
        store.start_conversation(conversation_id="c", started_at=SLOT)
        line = TranscriptLine(index=0, role="caller", text="hello", at=SLOT)
        assert synchronous_at_commit(
            store, lambda: store.append_turn(conversation_id="c", lines=[line])
        ) == [NORMAL]
        booked: list[str] = []
        assert synchronous_at_commit(
            store,
            lambda: booked.append(
                store.book(user_id=user.id, start=SLOT, duration_min=30, idempotency_key="k").id
            ),
        ) == [FULL]
        assert synchronous_at_commit(
            store,
            lambda: store.cancel(user_id=user.id, appointment_id=booked[0], idempotency_key="c"),
        ) == [FULL]
        # and the connection is back at NORMAL for what follows
        assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == NORMAL


def test_closing_appointments_waits_for_the_disk(tmp_path: Path) -> None:
    """Marking one appointment completed, or every past one, commits at synchronous FULL."""
    with SqliteStore(tmp_path / "s.db") as store:
        user = store.create_user(phone="+15550000001")
        came = store.book(user_id=user.id, start=SLOT, duration_min=30, idempotency_key="a")
        store.book(user_id=user.id, start=LATER, duration_min=30, idempotency_key="b")
        after = LATER + timedelta(hours=1)
        assert synchronous_at_commit(
            store, lambda: store.close_appointment(came.id, "no_show", now=after)
        ) == [FULL]
        assert synchronous_at_commit(store, lambda: store.complete_past(before=after)) == [FULL]
