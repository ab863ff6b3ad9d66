"""SQLite-specific guarantees: the schema enforces integrity and failures stay domain errors."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path

import pytest

from store.errors import SlotUnavailable, StoreUnavailable
from store.models import MAIN, Appointment, TranscriptLine
from store.port import Store
from store.sqlite import SCHEMA_VERSION, SqliteStore
from tests.store.stored import transcript

SLOT = datetime(2030, 5, 6, 8, 0, tzinfo=UTC)


def test_store_satisfies_the_port() -> None:
    """SqliteStore is structurally a Store (checked by mypy) and works in memory."""
    with SqliteStore(":memory:") as memory:
        store: Store = memory
        user = store.create_user(phone="+15550000001")
        store.book(user_id=user.id, start=SLOT, duration_min=30, idempotency_key="k")
        assert [b.start for b in store.busy(SLOT, SLOT + timedelta(minutes=1))] == [SLOT]


def test_overlap_trigger_refuses_raw_overlapping_row(tmp_path: Path) -> None:
    """The database itself refuses a booked row overlapping another of the same person, even
    via plain SQL; history rows, other people and rows flagged legacy_overlap pass."""
    path = tmp_path / "s.db"
    with SqliteStore(path) as store:
        user = store.create_user(phone="+15550000001")
        store.book(user_id=user.id, start=SLOT, duration_min=30, idempotency_key="k")
    raw = sqlite3.connect(path)
    try:
        insert = (
            "INSERT INTO appointments (id, user_id, date, time, slot, start_at, end_at,"
            " blocked_until, duration_min, staff, status, legacy_overlap)"
            " VALUES (?, ?, '2030-05-06', '08:15', '08:15-08:45', ?, ?, ?, 30, ?, ?, ?)"
        )
        at, end = [(SLOT + timedelta(minutes=m)).isoformat() for m in (15, 45)]
        with pytest.raises(sqlite3.IntegrityError, match="appointments_no_overlap"):
            raw.execute(insert, ("dup", user.id, at, end, end, "main", "booked", 0))
        raw.execute(insert, ("old", user.id, at, end, end, "main", "cancelled", 0))
        raw.execute(insert, ("ana", user.id, at, end, end, "ana", "booked", 0))
        raw.execute(insert, ("legacy", user.id, at, end, end, "main", "booked", 1))
        # and a history row cannot be booked again over the live one
        with pytest.raises(sqlite3.IntegrityError, match="appointments_no_overlap"):
            raw.execute("UPDATE appointments SET status = 'booked' WHERE id = 'old'")
    finally:
        raw.close()


def test_a_rows_end_and_buffer_follow_its_start(tmp_path: Path) -> None:
    """A row whose end or end of buffer is not its start plus its length (and buffer) is
    refused, so no hand-written row can slip past the overlap guard."""
    path = tmp_path / "s.db"
    with SqliteStore(path) as store:
        user = store.create_user(phone="+15550000001")
        appt = store.book(user_id=user.id, start=SLOT, duration_min=30, idempotency_key="k")
    raw = sqlite3.connect(path)
    try:
        for change in ("blocked_until = start_at", "duration_min = 60", "start_at = 'soon'"):
            with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
                raw.execute(f"UPDATE appointments SET {change} WHERE id = ?", (appt.id,))
        raw.execute(
            "UPDATE appointments SET buffer_min = 15, blocked_until = ? WHERE id = ?",
            ((SLOT + timedelta(minutes=45)).isoformat(), appt.id),
        )
    finally:
        raw.close()


def test_unknown_status_refused(tmp_path: Path) -> None:
    """The status column accepts the five statuses of the port and nothing else."""
    with SqliteStore(tmp_path / "s.db") as store:
        user = store.create_user(phone="+15550000001")
        appt = store.book(user_id=user.id, start=SLOT, duration_min=30, idempotency_key="k")
    raw = sqlite3.connect(tmp_path / "s.db")
    try:
        with pytest.raises(sqlite3.IntegrityError):
            raw.execute("UPDATE appointments SET status = 'maybe' WHERE id = ?", (appt.id,))
        raw.execute("UPDATE appointments SET status = 'no_show' WHERE id = ?", (appt.id,))
    finally:
        raw.close()


Attempt = Callable[[Store, str], Appointment]
"""One booking a thread tries, given its store and its caller's id."""


def race(path: Path, attempts: list[Attempt], *, shared: bool) -> list[Appointment]:
    """Run every attempt in its own thread, all at once, each for its own caller.

    `shared`: the threads share one store (one connection behind its lock); else each
    opens its own, as separate processes would, and the file's lock alone orders them.
    """
    n = len(attempts)
    stores = [SqliteStore(path)] if shared else [SqliteStore(path) for _ in range(n)]
    users = [stores[0].create_user(phone=f"+1555000{i:04d}") for i in range(n)]
    barrier = threading.Barrier(n)
    outcomes: list[Appointment | Exception] = []

    def attempt(i: int) -> None:
        store = stores[0 if shared else i]
        barrier.wait()
        try:
            outcomes.append(attempts[i](store, users[i].id))
        except Exception as exc:  # collected and asserted on below
            outcomes.append(exc)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in stores:
        store.close()
    assert len(outcomes) == n
    booked = [o for o in outcomes if isinstance(o, Appointment)]
    assert all(isinstance(o, SlotUnavailable) for o in outcomes if o not in booked)
    return booked


def booking(start: datetime, minutes: int, *, staff: str = MAIN, key: str) -> Attempt:
    """Return an attempt to book `start` for `minutes` of `staff`'s time."""

    def book(store: Store, user_id: str) -> Appointment:
        return store.book(
            user_id=user_id, start=start, duration_min=minutes, staff=staff, idempotency_key=key
        )

    return book


@pytest.mark.parametrize("shared", [True, False], ids=["one-store", "store-per-thread"])
def test_concurrent_bookings_of_one_slot(tmp_path: Path, shared: bool) -> None:
    """Twenty threads booking one slot at once yield one booking and nineteen SlotUnavailable."""
    path = tmp_path / "s.db"
    booked = race(path, [booking(SLOT, 30, key=str(i)) for i in range(20)], shared=shared)
    assert len(booked) == 1
    with SqliteStore(path) as store:
        assert [b.start for b in store.busy(SLOT, SLOT + timedelta(hours=1))] == [SLOT]


@pytest.mark.parametrize("shared", [True, False], ids=["one-store", "store-per-thread"])
def test_concurrent_overlapping_bookings(tmp_path: Path, shared: bool) -> None:
    """Fifty threads booking overlapping lengths of two people's time book one per window each.

    Each person has five one-hour windows; in each, five threads try to book 40 minutes
    starting 0, 5, ..., 20 minutes in: any two of a window overlap, no two windows do.
    """
    path, windows = tmp_path / "s.db", [SLOT + timedelta(hours=h) for h in range(5)]
    attempts = [
        booking(window + timedelta(minutes=5 * i), 40, staff=person, key=f"{person}{h}.{i}")
        for person in ("ana", "ben")
        for h, window in enumerate(windows)
        for i in range(5)
    ]
    booked = race(path, attempts, shared=shared)
    assert sorted((a.staff, a.start.hour) for a in booked) == [
        (person, window.hour) for person in ("ana", "ben") for window in windows
    ]
    with SqliteStore(path) as store:
        taken = store.busy(SLOT, SLOT + timedelta(hours=5))
    assert sorted((b.staff, b.start, b.until) for b in taken) == sorted(
        (a.staff, a.start, a.end) for a in booked
    )


def test_data_persists_across_reopen(tmp_path: Path) -> None:
    """Users, bookings and conversations survive closing and reopening the file."""
    path = tmp_path / "s.db"
    with SqliteStore(path) as store:
        user = store.create_user(phone="+15550000001", name="Al")
        appt = store.book(user_id=user.id, start=SLOT, duration_min=30, idempotency_key="k")
        store.start_conversation(conversation_id="t", started_at=SLOT, user_id=user.id)
    with SqliteStore(path) as store:
        assert store.find_user_by_phone("+15550000001") == user
        assert store.list_appointments(user.id) == [appt]
        assert store.get_conversation("t") is not None


def test_file_database_uses_wal_and_records_schema_version(tmp_path: Path) -> None:
    """A file database runs in WAL mode and records its schema version, the one schema.sql names."""
    with SqliteStore(tmp_path / "s.db"):
        pass
    raw = sqlite3.connect(tmp_path / "s.db")
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        raw.close()
    header = files("store.sqlite").joinpath("schema.sql").read_text(encoding="utf-8")
    assert f"version {SCHEMA_VERSION} " in header.splitlines()[0]


def test_newer_schema_refused(tmp_path: Path) -> None:
    """A database written by a newer schema version is refused as unavailable."""
    raw = sqlite3.connect(tmp_path / "s.db")
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(StoreUnavailable):
        SqliteStore(tmp_path / "s.db")


def test_updated_at_trigger(tmp_path: Path) -> None:
    """Changing an appointment refreshes its updated_at timestamp."""
    path = tmp_path / "s.db"
    with SqliteStore(path) as store:
        user = store.create_user(phone="+15550000001")
        appt = store.book(user_id=user.id, start=SLOT, duration_min=30, idempotency_key="k")
        raw = sqlite3.connect(path)
        try:
            stamp = "SELECT updated_at FROM appointments WHERE id = ?"
            raw.execute(
                "UPDATE appointments SET updated_at = '2000-01-01' WHERE id = ?", (appt.id,)
            )
            raw.commit()
            store.cancel(user_id=user.id, appointment_id=appt.id, idempotency_key="c")
            assert raw.execute(stamp, (appt.id,)).fetchone()[0] > "2001"
        finally:
            raw.close()


def _directory(tmp_path: Path) -> Path:
    """Return a path that is a directory, not a database file."""
    return tmp_path


def _garbage(tmp_path: Path) -> Path:
    """Return a file that is not a SQLite database."""
    path = tmp_path / "s.db"
    path.write_bytes(b"this is not a database" * 200)
    return path


@pytest.mark.parametrize("make", [_directory, _garbage], ids=["directory", "corrupt-file"])
def test_unusable_file_raises_store_unavailable(
    tmp_path: Path, make: Callable[[Path], Path]
) -> None:
    """Opening something that is not a usable database raises StoreUnavailable."""
    with pytest.raises(StoreUnavailable) as caught:
        SqliteStore(make(tmp_path))
    assert isinstance(caught.value.__cause__, sqlite3.Error)


def test_file_corrupted_while_closed(tmp_path: Path) -> None:
    """A database file that gets overwritten is reported as StoreUnavailable on reopen."""
    path = tmp_path / "s.db"
    with SqliteStore(path) as store:
        store.create_user(phone="+15550000001")
    path.write_bytes(b"\0garbage" * 1000)
    for side in ("-wal", "-shm"):
        path.with_name(path.name + side).unlink(missing_ok=True)
    with pytest.raises(StoreUnavailable):
        SqliteStore(path).find_user_by_phone("+15550000001")


def test_closed_store_raises_store_unavailable(tmp_path: Path) -> None:
    """Using a store after close raises StoreUnavailable, not a sqlite3 error."""
    store = SqliteStore(tmp_path / "s.db")
    store.close()
    with pytest.raises(StoreUnavailable):
        store.find_user_by_phone("+15550000001")
    with pytest.raises(StoreUnavailable):
        store.create_user(phone="+15550000001")


def test_unknown_references_refused_without_writing(tmp_path: Path) -> None:
    """Foreign keys refuse an unknown user or conversation with ValueError, writing nothing."""
    with SqliteStore(tmp_path / "s.db") as store:
        with pytest.raises(ValueError):
            store.book(user_id="ghost", start=SLOT, duration_min=30, idempotency_key="k")
        assert store.busy(SLOT, SLOT + timedelta(hours=1)) == []
        line = TranscriptLine(0, "caller", "hi", SLOT)
        with pytest.raises(ValueError):
            store.append_turn(conversation_id="ghost", lines=[line])
        with pytest.raises(ValueError):
            store.attach_user(conversation_id="ghost", user_id="ghost")
        assert transcript(store, "ghost") == []
