"""A SQLite file made by an older version of the store upgrades in place when it opens.

`V3` is what such a file looks like: the v3 schema, `users` and the view as
`store/sqlite/schema.sql` wrote them (v4 renames a column in them, so their text carries
over), the rest with fewer words; the appointments table's trigger is left out, since v4
drops that table and all it had.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from store.errors import SlotUnavailable
from store.models import MAIN
from store.sqlite import SCHEMA_VERSION, SqliteStore
from store.sqlite.connection import _PART, _SCHEMA, _statements

V3 = """
CREATE TABLE users (
    id           TEXT PRIMARY KEY,                      -- uuid4
    phone_number TEXT NOT NULL UNIQUE
                 CHECK (phone_number GLOB '+[1-9]*'),   -- E.164, normalised by the caller
    name         TEXT,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'))
);
CREATE TABLE appointments (
    id               TEXT PRIMARY KEY,                  -- uuid4
    user_id          TEXT NOT NULL REFERENCES users(id),
    date             TEXT NOT NULL,                     -- UTC YYYY-MM-DD
    time             TEXT NOT NULL,                     -- UTC HH:MM
    start_at         TEXT NOT NULL,                     -- UTC YYYY-MM-DDTHH:MM:SS+00:00
    duration_min     INTEGER NOT NULL CHECK (duration_min > 0),
    status           TEXT NOT NULL DEFAULT 'booked'
                     CHECK (status IN ('booked', 'cancelled', 'rescheduled')),
    notes            TEXT,
    idempotency_key  TEXT UNIQUE,
    cancel_key       TEXT UNIQUE,
    rescheduled_from TEXT REFERENCES appointments(id),
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')),
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'))
);
CREATE UNIQUE INDEX appointments_one_booking_per_slot
    ON appointments (start_at) WHERE status = 'booked';
CREATE TABLE conversations (
    id TEXT PRIMARY KEY, user_id TEXT REFERENCES users(id), started_at TEXT NOT NULL,
    ended_at TEXT, outcome TEXT, summary TEXT,
    appointments_discussed TEXT NOT NULL DEFAULT '[]',
    preferences_mentioned TEXT NOT NULL DEFAULT '[]',
    transcript TEXT NOT NULL DEFAULT '[]', cost_breakdown TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'))
);
CREATE TABLE conversation_turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id), idx INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('caller', 'agent')), text TEXT NOT NULL,
    at TEXT NOT NULL, interrupted INTEGER NOT NULL DEFAULT 0 CHECK (interrupted IN (0, 1)),
    PRIMARY KEY (conversation_id, idx)
);
CREATE INDEX conversations_by_start ON conversations (started_at);
CREATE TABLE identity_checks (
    user_id TEXT NOT NULL REFERENCES users(id), at TEXT NOT NULL,
    passed INTEGER NOT NULL CHECK (passed IN (0, 1))
);
CREATE INDEX identity_checks_by_user ON identity_checks (user_id, at);
CREATE VIEW conversation_overview AS
SELECT c.id, c.started_at, c.ended_at, c.outcome, u.phone_number AS phone,
       (SELECT count(*) FROM conversation_turns t
         WHERE t.conversation_id = c.id AND t.role = 'caller') AS caller_turns,
       (SELECT max(t.at) FROM conversation_turns t WHERE t.conversation_id = c.id) AS last_at
FROM conversations c LEFT JOIN users u ON u.id = c.user_id;
PRAGMA user_version = 3;
"""

ZONE = "America/Los_Angeles"
MONDAY = datetime(2026, 11, 3, 0, 0, tzinfo=UTC)
"""Monday 2 November 2026, 16:00 in Los Angeles (PST): already Tuesday in UTC."""


def after(minutes: int) -> datetime:
    """Return the instant `minutes` after MONDAY."""
    return MONDAY + timedelta(minutes=minutes)


def at(minutes: int) -> str:
    """Return how the store spells the instant `minutes` after MONDAY."""
    return after(minutes).isoformat()


def v3_file(path: Path) -> Path:
    """Write a v3 file with two callers, their bookings (some overlapping) and a call."""
    with sqlite3.connect(path) as db:
        db.executescript(V3)
        db.executemany(
            "INSERT INTO users (id, phone_number, name) VALUES (?, ?, ?)",
            [("sam", "+14155550123", "Sam"), ("kim", "+14155550124", None)],
        )
        # (id, user, UTC start, minutes, status, moved from, made at): rows in order made
        rows = [
            ("a", "sam", at(0), 60, "booked", None, "2026-10-01T10:00:00.000+00:00"),
            ("b", "kim", at(30), 60, "booked", None, "2026-10-02T10:00:00.000+00:00"),
            ("c", "kim", at(75), 30, "booked", None, "2026-10-03T10:00:00.000+00:00"),
            ("gone", "sam", at(120), 30, "cancelled", None, "2026-10-04T10:00:00.000+00:00"),
            ("was", "sam", at(240), 30, "rescheduled", None, "2026-10-05T10:00:00.000+00:00"),
            ("now", "sam", at(180), 30, "booked", "was", "2026-10-06T10:00:00.000+00:00"),
        ]
        db.executemany(
            "INSERT INTO appointments (id, user_id, date, time, start_at, duration_min, status,"
            " rescheduled_from, created_at, notes)"
            " VALUES (?, ?, substr(?3, 1, 10), substr(?3, 12, 5), ?3, ?, ?, ?, ?, 'a cut')",
            rows,
        )
        db.execute(
            "INSERT INTO conversations (id, user_id, started_at) VALUES ('call', 'sam', ?)",
            (at(-600),),
        )
        db.execute(
            "INSERT INTO conversation_turns (conversation_id, idx, role, text, at)"
            " VALUES ('call', 0, 'caller', 'hi', ?)",
            (at(-599),),
        )
    return path


def test_a_v3_file_keeps_every_row_and_reads_them_in_local_time(tmp_path: Path) -> None:
    """Opening a v3 file upgrades it: the same callers, appointments and calls, and each
    appointment's date, time and slot in the business's local time."""
    path = v3_file(tmp_path / "old.db")
    with SqliteStore(path, timezone=ZONE) as store:
        sam = store.find_user_by_phone("+14155550123")
        assert sam is not None and (sam.id, sam.name) == ("sam", "Sam")
        assert [(a.id, a.start, a.duration_min) for a in store.list_appointments("sam")] == [
            ("a", MONDAY, 60),
            ("now", after(180), 30),
        ]
        moved = store.list_appointments("sam")[1]
        assert (moved.rescheduled_from, moved.notes, moved.staff, moved.service) == (
            "was",
            "a cut",
            MAIN,
            None,
        )
        assert [c.phone for c in store.list_conversations()] == ["+14155550123"]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        stored = db.execute(
            "SELECT id, status, date, time, slot, end_at FROM appointments ORDER BY created_at"
        ).fetchall()
    assert stored == [
        ("a", "booked", "2026-11-02", "16:00", "16:00-17:00", at(60)),
        ("b", "booked", "2026-11-02", "16:30", "16:30-17:30", at(90)),
        ("c", "booked", "2026-11-02", "17:15", "17:15-17:45", at(105)),
        ("gone", "cancelled", "2026-11-02", "18:00", "18:00-18:30", at(150)),
        ("was", "rescheduled", "2026-11-02", "20:00", "20:00-20:30", at(270)),
        ("now", "booked", "2026-11-02", "19:00", "19:00-19:30", at(210)),
    ]


def test_overlapping_v3_bookings_are_kept_and_the_later_flagged(tmp_path: Path) -> None:
    """Bookings that overlapped before the guard existed all stay booked; of each clash the
    one made later is flagged legacy_overlap, and every one of them blocks new bookings."""
    path = v3_file(tmp_path / "old.db")
    with SqliteStore(path, timezone=ZONE) as store:
        # b (made second) overlaps a; c overlaps only b, which is flagged, so c is kept.
        assert [b.start for b in store.busy(MONDAY, after(120))] == [
            MONDAY,
            after(30),
            after(75),
        ]
        with pytest.raises(SlotUnavailable):
            store.book(user_id="kim", start=after(50), duration_min=10, idempotency_key="k")
        # the flagged booking takes its time like any other
        with pytest.raises(SlotUnavailable):
            store.book(user_id="kim", start=after(60), duration_min=15, idempotency_key="gap")
    with sqlite3.connect(path) as db:
        flagged = db.execute("SELECT id FROM appointments WHERE legacy_overlap = 1").fetchall()
    assert flagged == [("b",)]


def shape(path: Path) -> list[tuple[object, ...]]:
    """Return a file's tables, views, indexes and triggers, the columns of each table, and
    the text of what v4 rebuilds or renames (the calls' tables were written shorter here)."""
    with sqlite3.connect(path) as db:
        found = db.execute(
            "SELECT type, name, tbl_name, CASE WHEN tbl_name IN"
            " ('users', 'appointments', 'conversation_overview') THEN sql END"
            " FROM sqlite_master ORDER BY name"
        ).fetchall()
        tables = [name for kind, name, _, _ in found if kind == "table"]
        columns = [(t, *c) for t in tables for c in db.execute(f"PRAGMA table_xinfo({t})")]
    return [*found, *columns]


def test_an_upgraded_file_has_the_shape_of_a_new_one(tmp_path: Path) -> None:
    """A v3 file, once upgraded, has the same tables, columns, indexes, triggers and view
    as a file the store creates."""
    SqliteStore(v3_file(tmp_path / "old.db")).close()
    SqliteStore(tmp_path / "new.db").close()
    assert shape(tmp_path / "old.db") == shape(tmp_path / "new.db")


def test_a_failed_upgrade_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    """An upgrade that cannot finish (a row with an unreadable start) changes nothing."""
    path = v3_file(tmp_path / "old.db")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE appointments SET start_at = 'soon' WHERE id = 'gone'")
    with pytest.raises(ValueError):
        SqliteStore(path, timezone=ZONE)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 3
        assert db.execute(
            "SELECT count(*) FROM users WHERE phone_number LIKE '+1%'"
        ).fetchone() == (2,)
        assert db.execute("SELECT count(*) FROM appointments").fetchone() == (6,)


def test_stores_opening_a_v3_file_at_once_upgrade_it_once(tmp_path: Path) -> None:
    """Several processes opening one v3 file together (workers after a deploy) all open it,
    and its rows are upgraded once."""
    path, n = v3_file(tmp_path / "old.db"), 8
    barrier = threading.Barrier(n)
    outcomes: list[Exception | None] = []

    def open_it() -> None:
        barrier.wait()
        try:
            SqliteStore(path, timezone=ZONE).close()
            outcomes.append(None)
        except Exception as exc:  # collected and asserted on below
            outcomes.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == [None] * n
    with SqliteStore(path, timezone=ZONE) as store:
        assert [a.id for a in store.list_appointments("sam")] == ["a", "now"]


def v5_file(path: Path) -> Path:
    """Write a v5 file (schema.sql's parts up to 5) with Sam booked and notified: the
    booking's confirmation sent by SMS, and a 2-hour reminder pending."""
    parts = {int(m[1]): m[0] for m in _PART.finditer(_SCHEMA.read_text(encoding="utf-8"))}
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.row_factory = sqlite3.Row
        db.execute("BEGIN")
        for number in sorted(n for n in parts if n <= 5):
            for statement in _statements(parts[number]):
                db.execute(statement)
        db.execute("PRAGMA user_version = 5")
        db.execute("INSERT INTO users (id, contact_number) VALUES ('sam', '+15550000001')")
        start = "2030-05-06T08:00:00+00:00"
        db.execute(
            "INSERT INTO appointments (id, user_id, date, time, slot, start_at, end_at,"
            " blocked_until, duration_min) VALUES ('a', 'sam', '', '', '', ?, ?, ?, 30)",
            (start, "2030-05-06T08:30:00+00:00", "2030-05-06T08:30:00+00:00"),
        )
        db.execute("UPDATE notices SET status = 'sent', attempts = 1 WHERE kind = 'booked'")
        db.execute(
            "INSERT INTO deliveries (notice_id, channel, at, ok)"
            " SELECT id, 'sms', '2030-05-01T00:00:00.000000+00:00', 1 FROM notices"
        )
        db.execute(
            "INSERT INTO notices (id, appointment_id, kind, reminder_minutes, due_at)"
            " VALUES ('r', 'a', 'reminder', 120, '2030-05-06T06:00:00.000000+00:00')"
        )
        db.execute("COMMIT")
    finally:
        db.close()
    return path


def test_a_v5_file_keeps_its_notices_and_deliveries(tmp_path: Path) -> None:
    """Opening a v5 file keeps every notice (id, state) and delivery, and its triggers
    write notices again: a cancel skips the reminder and owes a `cancelled` one, and a
    callback owes staff one."""
    path = v5_file(tmp_path / "v5.db")
    with sqlite3.connect(path) as db:
        before = db.execute("SELECT * FROM notices ORDER BY rowid").fetchall()
    with SqliteStore(path) as store:
        (sam,) = store.users_by_id(["sam"]).values()
        assert sam.email is None
        store.cancel(user_id="sam", appointment_id="a", idempotency_key="c")
        store.request_callback(
            conversation_id="call",
            user_id="sam",
            phone=None,
            name=None,
            need="x",
            reason="message",
            at=datetime(2030, 5, 1, tzinfo=UTC),
        )
        far = datetime(2100, 1, 1, tzinfo=UTC)
        owed = store.claim_notices(now=far, limit=10, lease_until=far, worker="w")
        assert [n.kind for n in owed] == ["cancelled", "callback"]
        assert [d.channel for d in store.deliveries(before[0][0])] == ["sms"]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        kept = db.execute(
            "SELECT id, appointment_id, kind, reminder_minutes, due_at, attempts"
            " FROM notices ORDER BY rowid LIMIT 2"
        ).fetchall()
        states = dict(db.execute("SELECT kind, status FROM notices").fetchall())
    assert kept == [(r[0], r[1], r[2], r[3], r[4], r[6]) for r in before]
    assert states == {
        "booked": "sent",
        "reminder": "skipped",
        "cancelled": "pending",
        "callback": "pending",
    }
