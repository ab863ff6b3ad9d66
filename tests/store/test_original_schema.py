"""A database made with the original agent's SQL, upgraded in place by `booking db migrate`:
every row kept with its names and meaning (local dates and times, free-form numbers, a
completed status, overlapping bookings), then served by the agent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg.rows import dict_row

from booking.cli import main
from booking.compose import fixed_clock, open_receptionist
from booking.databases import Database
from booking.settings import get_settings
from business.calendar import BusinessCalendar
from store.errors import SlotUnavailable
from store.postgres import PostgresStore
from tests.conftest import NOW, SAM
from tests.pg import shape, throwaway_database

pytestmark = pytest.mark.postgres

ORIGINAL = Path(__file__).parents[3] / "shared/original/supabase_schema.sql"
"""The original agent's schema file, verbatim (../shared beside the repository)."""
ZONE = "America/Los_Angeles"
LA = ZoneInfo(ZONE)

SAM_ID, ANA_ID, BO_ID, TWIN_ID, ODD_ID = (
    f"00000000-0000-4000-8000-00000000000{n}" for n in range(1, 6)
)
USERS = [  # id, contact_number, name, created_at
    (SAM_ID, SAM, "Sam Lee", "2026-01-01T09:00:00-08:00"),
    (ANA_ID, "(415) 555-0199", "Ana", "2026-01-02T09:00:00-08:00"),
    (BO_ID, "4155550142", "Bo", "2026-01-03T09:00:00-08:00"),
    (TWIN_ID, "(415) 555-0123", "Sam again", "2026-01-04T09:00:00-08:00"),  # Sam's number
    (ODD_ID, "555 0123", None, "2026-01-05T09:00:00-08:00"),  # no valid number at all
]
APPOINTMENTS = [  # id, user, date, time, slot, status, created_at
    ("a1", SAM_ID, "2026-12-03", "11:00", "11:00-11:30", "booked", "2026-11-01T10:00:00Z"),
    ("a2", SAM_ID, "2026-11-10", "09:00", "09:00-09:30", "completed", "2026-11-02T10:00:00Z"),
    ("a3", ANA_ID, "2026-11-12", "13:00", "1:00 PM - 2:00 PM", "cancelled", "2026-11-03T10:00Z"),
    ("a4", ANA_ID, "2026-11-30", "14:00", "14:00-15:00", "booked", "2026-11-04T10:00:00Z"),
    ("a5", BO_ID, "2026-11-30", "14:30", "14:30-15:30", "booked", "2026-11-05T10:00:00Z"),
    ("a6", BO_ID, "2026-10-30", "16:00", "4:00 PM", "booked", "2026-10-01T10:00:00Z"),
    ("a7", BO_ID, "2026-11-02", "16:00", "16:00-16:30", "booked", "2026-10-02T10:00:00Z"),
]
"""a5 overlaps a4 (the original had no guard); a6 and a7 sit either side of the end of
daylight saving time (1 November 2026 in Los Angeles)."""
CALL_ID = "00000000-0000-4000-8000-0000000000c1"
TRANSCRIPT = '[{"role": "user", "content": "hi, can I book Thursday?"}]'


def appointment_id(label: str) -> str:
    """Return the uuid a test appointment label stands for ("a1" → ...00a1)."""
    return f"00000000-0000-4000-8000-0000000000{label}"


def seed(url: str) -> None:
    """Make the database with the original SQL file, verbatim, and fill it as the original
    agent would have."""
    with psycopg.connect(url, autocommit=True) as c:
        c.execute(ORIGINAL.read_text(encoding="utf-8").encode())
        c.cursor().executemany(
            "INSERT INTO users (id, contact_number, name, created_at) VALUES (%s, %s, %s, %s)",
            USERS,
        )
        c.cursor().executemany(
            "INSERT INTO appointments (id, user_id, date, time, slot, status, created_at,"
            " updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [(appointment_id(a), u, d, t, s, st, at, at) for a, u, d, t, s, st, at in APPOINTMENTS],
        )
        c.execute(
            "INSERT INTO conversations (id, user_id, summary, transcript, created_at)"
            " VALUES (%s, %s, 'Asked about Thursday', %s, '2026-11-20T10:00:00-08:00'),"
            " (DEFAULT, NULL, NULL, DEFAULT, '2026-11-21T10:00:00-08:00')",
            (CALL_ID, SAM_ID, TRANSCRIPT),
        )


def rows(url: str, table: str) -> dict[str, dict[str, Any]]:
    """Return every row of a table by id, all columns."""
    with psycopg.connect(url, row_factory=dict_row) as c:
        return {str(r["id"]): r for r in c.execute(f"SELECT * FROM {table}".encode())}


def migrate(capsys: pytest.CaptureFixture[str], url: str) -> list[str]:
    """Run `booking db migrate` for a business in Los Angeles; return what it printed."""
    assert main(["db", "migrate"]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return out.splitlines()


@pytest.fixture
def original(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Yield a database made and filled by the original SQL, with the command's settings."""
    with throwaway_database(migrated=False) as url:
        seed(url)
        for name, value in {
            "DATABASE_URL": url,
            "BUSINESS_TIMEZONE": ZONE,
            "PHONE_REGION": "US",
        }.items():
            monkeypatch.setenv(name, value)
        for name in ("BUSINESS_FILE", "SUPABASE_URL", "SUPABASE_KEY"):
            monkeypatch.delenv(name, raising=False)
        get_settings.cache_clear()
        yield url
        get_settings.cache_clear()


def test_migrate_keeps_every_original_row_and_its_meaning(
    original: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every user, appointment and call is kept under its original names and meaning; what
    could be read as E.164 is, the rest is kept and counted, and of two overlapping bookings
    the later-made one is flagged; a second run changes nothing."""
    before = {table: rows(original, table) for table in ("users", "appointments", "conversations")}
    said = migrate(capsys, original)
    assert said[0].startswith("applied: 0000_original_schema, 0001_schema")
    assert said[0].endswith("0008_notify_delivery, checkpoint tables")
    assert said[1:] == [
        "caller numbers rewritten as E.164: 2",
        "caller numbers kept as they were, not E.164 (unreadable in PHONE_REGION, or another"
        " caller's): 2; callers are found by E.164 numbers only",
        "overlapping bookings flagged legacy_overlap (kept booked, the later-made of each"
        " overlap): 1",
    ]
    after = {table: rows(original, table) for table in before}
    rewritten = {"users": {"contact_number"}, "conversations": {"cost_breakdown"}}
    for table, kept in before.items():
        assert after[table].keys() == kept.keys(), table
        for key, old in kept.items():
            changed = {c for c in old if after[table][key][c] != old[c]} - {"updated_at"}
            assert changed <= rewritten.get(table, set()), (table, key)

    numbers = {key: row["contact_number"] for key, row in after["users"].items()}
    assert numbers == {
        SAM_ID: SAM,
        ANA_ID: "+14155550199",
        BO_ID: "+14155550142",
        TWIN_ID: "(415) 555-0123",
        ODD_ID: "555 0123",
    }
    booked = after["appointments"]
    for label, _, day, at, _, status, _ in APPOINTMENTS:
        row = booked[appointment_id(label)]
        local = datetime.combine(date.fromisoformat(day), time.fromisoformat(at), LA)
        assert (row["date"], row["time"], row["status"]) == (local.date(), local.time(), status)
        assert (row["start_at"], row["staff"], row["service"], row["buffer_min"]) == (
            local,
            "main",
            None,
            0,
        )
        assert (
            row["blocked_until"] == row["end_at"] == local + timedelta(minutes=row["duration_min"])
        )
    lengths = {label: booked[appointment_id(label)]["duration_min"] for label in ("a3", "a6")}
    assert lengths == {"a3": 60, "a6": 30}  # "1:00 PM - 2:00 PM", and "4:00 PM" alone
    assert [k for k, r in booked.items() if r["legacy_overlap"]] == [appointment_id("a5")]
    assert booked[appointment_id("a6")]["start_at"] == datetime.fromisoformat("2026-10-30T23:00Z")
    assert booked[appointment_id("a7")]["start_at"] == datetime.fromisoformat("2026-11-03T00:00Z")

    calls = after["conversations"]
    call = calls[CALL_ID]
    assert (call["thread_id"], call["started_at"], call["ended_at"]) == (
        CALL_ID,
        call["created_at"],
        call["created_at"],
    )
    assert [c["cost_breakdown"] for c in calls.values()] == [{}, {}]  # NULL: nothing recorded

    assert migrate(capsys, original) == ["schema is up to date"]
    assert {table: rows(original, table) for table in before} == after


def test_an_adopted_database_has_the_shape_of_a_fresh_one(
    original: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """After migrate, the original database has the columns, constraints, triggers, views
    and functions a fresh database gets, and the store reads its rows."""
    migrate(capsys, original)
    with throwaway_database(migrated=False) as fresh:
        Database(database_url=fresh).migrate()  # as the command does: checkpoint tables too
        assert shape(original) == shape(fresh)
    with PostgresStore(original, timezone=ZONE) as store:
        call = store.get_conversation(CALL_ID)
        assert call is not None and call.transcript == [
            {"role": "user", "content": "hi, can I book Thursday?"}
        ]
        assert [(c.id, c.phone) for c in store.list_conversations()][-1] == (CALL_ID, SAM)
        sam = store.find_user_by_phone(SAM)
        assert sam is not None and sam.name == "Sam Lee"
        ana = store.find_user_by_phone("+14155550199")
        assert ana is not None and ana.name == "Ana"
        completed = store.appointments_between(
            datetime(2026, 11, 1, tzinfo=LA), NOW, status="completed"
        )
        assert [a.id for a in completed] == [appointment_id("a2")]
        # the original's booked past appointments close like ours; the flagged one too
        closed = store.close_appointment(appointment_id("a7"), "no_show", now=NOW)
        assert closed.status == "no_show"
        assert store.complete_past(before=NOW) == 1  # a6 (a4, a5 end on November 30th)


def test_a_flagged_overlap_still_holds_its_time(
    original: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The time a flagged booking holds (outside the constraint) is still refused to others."""
    migrate(capsys, original)
    with PostgresStore(original, timezone=ZONE) as store:
        sam = store.find_user_by_phone(SAM)
        assert sam is not None
        with pytest.raises(SlotUnavailable):  # 15:00-15:30 is a5's time (14:30-15:30) only
            store.book(
                user_id=sam.id,
                start=datetime(2026, 11, 30, 15, 0, tzinfo=LA),
                duration_min=30,
                idempotency_key="k",
            )


def test_the_agent_serves_a_migrated_caller_in_local_time(
    original: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the agent, a caller of the original database hears their appointment, books
    one and moves the old one; the rows written hold the business's local date, time and
    slot, 4:30 PM on Monday staying Monday though it is Tuesday in UTC."""
    migrate(capsys, original)
    late = BusinessCalendar(hours={day: (time(9), time(18)) for day in range(5)})
    database = Database(database_url=original, timezone=ZONE)
    with open_receptionist(database, calendar=late, clock=fixed_clock(NOW)) as agent:
        call = agent.conversation("original-caller")
        assert "Welcome back, Sam Lee" in call.start(caller_id=SAM)
        assert "Thursday, December 3rd at 11 AM" in call.say("what are my appointments?").reply
        call.say("book Monday at 4:30pm")
        assert "booked for Monday, November 30th at 4:30 PM" in call.say("yes").reply
        call.say("move my Thursday appointment to Friday at 5pm")
        assert "to Friday, November 27th at 5 PM" in call.say("the second one").reply
        assert "moved to Friday, November 27th at 5 PM" in call.say("yes").reply
        call.say("that's all")
    sams = [r for r in rows(original, "appointments").values() if str(r["user_id"]) == SAM_ID]
    written = {
        (r["date"], r["time"], r["slot"], r["status"], r["rescheduled_from"], r["start_at"])
        for r in sams
        if str(r["id"]) not in (appointment_id("a1"), appointment_id("a2"))
    }
    assert written == {
        (date(2026, 11, 30), time(16, 30), "16:30-17:00", "booked", None,
         datetime.fromisoformat("2026-12-01T00:30Z")),
        (date(2026, 11, 27), time(17, 0), "17:00-17:30", "booked", UUID(appointment_id("a1")),
         datetime.fromisoformat("2026-11-28T01:00Z")),
    }  # fmt: skip
    moved = rows(original, "appointments")[appointment_id("a1")]
    assert (moved["date"], moved["time"], moved["slot"], moved["status"]) == (
        date(2026, 12, 3),
        time(11, 0),
        "11:00-11:30",
        "rescheduled",
    )
