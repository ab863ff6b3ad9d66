"""The appointments' `date`, `time` and `slot` columns hold the business's local date and
time, on Postgres and through Supabase, across a change of daylight saving time; and a
database of ours from before (UTC in those columns) is upgraded to local time in place."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg.rows import dict_row

from store.errors import SlotUnavailable
from store.port import Store
from store.postgres import PostgresStore
from store.postgres.migrate import migrate
from tests.pg import shape, throwaway_database
from tests.store.supabase_backend import open_store as open_supabase_store

pytestmark = pytest.mark.postgres

ZONE = "America/Los_Angeles"
LA = ZoneInfo(ZONE)
BEFORE_DST_ENDS = datetime(2026, 10, 30, 16, 0, tzinfo=LA)
"""Friday 30 October 2026, 4 PM in Los Angeles (PDT): 23:00 UTC, the same day."""
AFTER_DST_ENDS = datetime(2026, 11, 2, 16, 0, tzinfo=LA)
"""Monday 2 November 2026, 4 PM in Los Angeles (PST): midnight UTC, already Tuesday."""
OLD_SCHEMA = Path(__file__).with_name("fixtures") / "schema_0005.sql"


def appointment_rows(url: str) -> dict[str, dict[str, Any]]:
    """Return every appointment row by id, all columns, read straight from SQL."""
    with psycopg.connect(url, row_factory=dict_row) as conn:
        return {str(r["id"]): r for r in conn.execute("SELECT * FROM appointments")}


def local_columns(url: str) -> dict[str, tuple[date, time, str, str]]:
    """Return each appointment's (date, time, slot, status) by id."""
    return {
        key: (r["date"], r["time"], r["slot"], r["status"])
        for key, r in appointment_rows(url).items()
    }


@pytest.fixture(params=["postgres", "supabase"])
def zoned(request: pytest.FixtureRequest, clean_postgres_url: str) -> Iterator[Store]:
    """Yield a Postgres store and a Supabase one on the emptied database, in Los Angeles."""
    if request.param == "postgres":
        with PostgresStore(clean_postgres_url, timezone=ZONE) as pg:
            yield pg
    else:
        with open_supabase_store(clean_postgres_url, timezone=ZONE) as supabase:
            yield supabase


def test_local_date_and_time_survive_the_end_of_daylight_saving(
    zoned: Store, clean_postgres_url: str
) -> None:
    """4 PM on the Friday before and on the Monday after DST ends are stored as those local
    dates and times, not as the next UTC day; a move writes its new row locally too."""
    sam = zoned.create_user(phone="+14155550123")
    friday = zoned.book(user_id=sam.id, start=BEFORE_DST_ENDS, duration_min=30, idempotency_key="f")
    monday = zoned.book(user_id=sam.id, start=AFTER_DST_ENDS, duration_min=45, idempotency_key="m")
    moved = zoned.reschedule(
        user_id=sam.id,
        appointment_id=friday.id,
        new_start=AFTER_DST_ENDS + timedelta(hours=1),
        idempotency_key="r",
    )
    assert local_columns(clean_postgres_url) == {
        friday.id: (date(2026, 10, 30), time(16, 0), "16:00-16:30", "rescheduled"),
        monday.id: (date(2026, 11, 2), time(16, 0), "16:00-16:45", "booked"),
        moved.id: (date(2026, 11, 2), time(17, 0), "17:00-17:30", "booked"),
    }
    assert monday.start == datetime.fromisoformat("2026-11-03T00:00Z")


def test_a_slot_across_midnight_spells_both_ends_locally(
    zoned: Store, clean_postgres_url: str
) -> None:
    """A booking from 11:30 PM to half past midnight is the day it starts, "23:30-00:30"."""
    sam = zoned.create_user(phone="+14155550123")
    late = zoned.book(
        user_id=sam.id,
        start=datetime(2026, 11, 2, 23, 30, tzinfo=LA),
        duration_min=60,
        idempotency_key="k",
    )
    assert local_columns(clean_postgres_url)[late.id] == (
        date(2026, 11, 2),
        time(23, 30),
        "23:30-00:30",
        "booked",
    )


# a database of ours from before services and staff -------------------------------------


def old_database(url: str) -> str:
    """Make the database as migrations 0001-0005 and `booking db migrate` left it then, with
    Sam as a caller; return Sam's id."""
    with psycopg.connect(url, autocommit=True) as c:
        c.execute(OLD_SCHEMA.read_text(encoding="utf-8").encode())
        c.execute(
            "CREATE TABLE schema_migrations ("
            " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        c.execute(
            "INSERT INTO schema_migrations (version) VALUES ('0001_schema'),"
            " ('0002_write_functions'), ('0003_row_level_security'),"
            " ('0004_conversation_overview'), ('0005_identity_checks')"
        )
        row = c.execute(
            "INSERT INTO users (phone_number, name) VALUES ('+14155550123', 'Sam') RETURNING id"
        ).fetchone()
    assert row is not None
    return str(row[0])


def old_write(url: str, call: str, *args: Any) -> str:
    """Run one of the old write functions as the old store did; return the row's id."""
    with psycopg.connect(url, autocommit=True) as c:
        row = c.execute(f"SELECT id FROM {call}".encode(), args).fetchone()
    assert row is not None
    return str(row[0])


def test_a_database_of_ours_from_before_becomes_local(clean_postgres_url: str) -> None:
    """A database at 0005 with rows the old functions wrote (date and time in UTC) is
    upgraded in place: every row kept with its status and instant, date and time made
    local, a slot written, and the same shape as a fresh database."""
    with throwaway_database(migrated=False) as url:
        sam = old_database(url)
        book = "book_appointment(%s, %s, %s, %s)"
        monday = old_write(url, book, sam, AFTER_DST_ENDS, 60, "a")
        overlap = old_write(url, book, sam, AFTER_DST_ENDS + timedelta(minutes=30), 30, "b")
        friday = old_write(url, book, sam, BEFORE_DST_ENDS, 30, "c")
        moved = old_write(
            url,
            "reschedule_appointment(%s, %s, %s, %s)",
            sam,
            friday,
            BEFORE_DST_ENDS + timedelta(hours=-1),
            "d",
        )
        old_write(url, "cancel_appointment(%s, %s, %s)", sam, monday, "e")
        before = appointment_rows(url)
        assert (before[overlap]["date"], before[overlap]["time"]) == (
            date(2026, 11, 3),
            time(0, 30),
        )
        done = migrate(url, timezone=ZONE)
        assert done.applied == (
            "0000_original_schema",
            "0006_services_and_staff",
            "0007_outbox_and_callbacks",
            "0008_notify_delivery",
        )
        assert done.overlaps_flagged == 0  # monday was cancelled: no overlap is left booked

        assert local_columns(url) == {
            monday: (date(2026, 11, 2), time(16, 0), "16:00-17:00", "cancelled"),
            overlap: (date(2026, 11, 2), time(16, 30), "16:30-17:00", "booked"),
            friday: (date(2026, 10, 30), time(16, 0), "16:00-16:30", "rescheduled"),
            moved: (date(2026, 10, 30), time(15, 0), "15:00-15:30", "booked"),
        }
        after = appointment_rows(url)
        for key, old in before.items():
            kept = {name: after[key][name] for name in old if name not in ("date", "time")}
            assert kept == {n: v for n, v in old.items() if n not in ("date", "time")}, key

        with PostgresStore(url, timezone=ZONE) as store:
            user = store.find_user_by_phone("+14155550123")
            assert user is not None and user.name == "Sam"
            assert [a.id for a in store.list_appointments(user.id)] == [moved, overlap]
        fresh = shape(clean_postgres_url)
        assert shape(url) == fresh


def test_overlaps_our_old_index_let_through_are_flagged() -> None:
    """Our old guard refused a second booking of one start only: two booked appointments of
    different lengths that overlap are both kept, the later-made flagged, and it still holds
    its time."""
    with throwaway_database(migrated=False) as url:
        sam = old_database(url)
        book = "book_appointment(%s, %s, %s, %s)"
        first = old_write(url, book, sam, AFTER_DST_ENDS, 60, "a")
        second = old_write(url, book, sam, AFTER_DST_ENDS + timedelta(minutes=30), 60, "b")
        assert migrate(url, timezone=ZONE).overlaps_flagged == 1
        flagged = [key for key, r in appointment_rows(url).items() if r["legacy_overlap"]]
        assert flagged == [second]
        with PostgresStore(url, timezone=ZONE) as store:
            assert [a.id for a in store.list_appointments(sam)] == [first, second]
            hour = AFTER_DST_ENDS + timedelta(hours=1)  # after first, inside second
            with pytest.raises(SlotUnavailable):
                store.book(user_id=sam, start=hour, duration_min=15, idempotency_key="c")
