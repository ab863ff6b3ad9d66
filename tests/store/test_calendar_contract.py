"""The calendar's part of the `store.port.Store` contract, run against every backend: a
booking takes one person's time with its buffer, moves keep what was booked, rows read in
the business's local time, and the business closes past appointments."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from store.errors import (
    AppointmentNotActive,
    AppointmentNotFound,
    IdempotencyConflict,
    SlotUnavailable,
)
from store.models import MAIN, Appointment, Busy, User
from store.port import Store
from store.postgres import PostgresStore
from store.sqlite import SqliteStore
from store.supabase import SupabaseStore
from tests.store.conftest import BACKENDS
from tests.store.stored import _select, appointment, appointments
from tests.store.supabase_backend import open_store as open_supabase_store

NINE = datetime(2030, 5, 6, 9, 0, tzinfo=UTC)
"""A Monday, 9:00 UTC; the tests count minutes from it."""


def at(minutes: int) -> datetime:
    """Return the instant `minutes` after NINE."""
    return NINE + timedelta(minutes=minutes)


def book(
    store: Store, user: User, minutes: int, length: int = 30, *, key: str, **more: Any
) -> Appointment:
    """Book `length` minutes from `at(minutes)` for `user` (`more`: service, staff, ...)."""
    return store.book(
        user_id=user.id, start=at(minutes), duration_min=length, idempotency_key=key, **more
    )


def move(store: Store, appt: Appointment, minutes: int, *, key: str, **more: Any) -> Appointment:
    """Move `appt` to `at(minutes)` (`more`: service, staff, duration_min, buffer_min)."""
    return store.reschedule(
        user_id=appt.user_id,
        appointment_id=appt.id,
        new_start=at(minutes),
        idempotency_key=key,
        **more,
    )


# one person's time -------------------------------------------------------------------


def test_overlapping_lengths_of_one_person_are_refused(
    store: Store, alice: User, bob: User
) -> None:
    """A booking overlapping another of the same person is refused; one touching it is not."""
    book(store, alice, 60, 60, key="a")  # 10:00-11:00
    for minutes, length in ((90, 30), (30, 60), (45, 120), (60, 60)):
        with pytest.raises(SlotUnavailable):
            book(store, bob, minutes, length, key=f"b{minutes}.{length}")
    book(store, bob, 30, 30, key="before")  # 9:30-10:00
    book(store, bob, 120, 30, key="after")  # 11:00-11:30
    assert [b.start for b in store.busy(at(0), at(180))] == [at(30), at(60), at(120)]
    assert [a.start for a in appointments(store, bob.id)] == [at(30), at(120)]


def test_a_buffer_keeps_the_person_taken(store: Store, alice: User, bob: User) -> None:
    """The time after a booking's end that its buffer takes is refused to others, and a new
    booking's own buffer may not run into the next one."""
    first = book(store, alice, 60, 30, key="a", buffer_min=15)  # 10:00-10:30, then 15 min
    assert store.busy(at(0), at(180)) == [Busy(MAIN, at(60), at(105))]
    with pytest.raises(SlotUnavailable):
        book(store, bob, 90, 30, key="b")  # 10:30: still cleaning up
    book(store, bob, 105, 30, key="c")  # 10:45
    with pytest.raises(SlotUnavailable):
        book(store, bob, 15, 30, key="d", buffer_min=30)  # 9:15-9:45, buffer to 10:15
    book(store, bob, 15, 30, key="e", buffer_min=15)  # buffer to 10:00 exactly
    assert (first.end, first.buffer_min) == (at(90), 15)


def test_two_people_at_the_same_time_are_both_booked(store: Store, alice: User, bob: User) -> None:
    """Bookings of two people at one time both stand; busy tells whose time is taken."""
    ana = book(store, alice, 60, key="a", staff="ana")
    ben = book(store, bob, 60, key="b", staff="ben")
    assert (ana.staff, ben.staff, ana.start, ben.start) == ("ana", "ben", at(60), at(60))
    assert store.busy(at(0), at(120)) == [
        Busy("ana", at(60), at(90)),
        Busy("ben", at(60), at(90)),
    ]
    assert store.busy(at(0), at(120), staff=["ben"]) == [Busy("ben", at(60), at(90))]
    assert store.busy(at(0), at(120), staff=[]) == []
    with pytest.raises(SlotUnavailable):
        book(store, bob, 75, key="c", staff="ana")


def test_a_booking_keeps_what_it_is_for_and_with_whom(store: Store, alice: User) -> None:
    """Service, person, buffer and notes come back as booked, and listed the same."""
    made = book(
        store, alice, 60, 45, key="a", service="cut", staff="ana", buffer_min=10, notes="a trim"
    )
    assert (made.service, made.staff, made.buffer_min, made.notes) == ("cut", "ana", 10, "a trim")
    assert (made.start, made.end, made.duration_min) == (at(60), at(105), 45)
    assert store.list_appointments(alice.id) == [made]
    plain = book(store, alice, 180, key="b")
    assert (plain.service, plain.staff, plain.buffer_min, plain.notes) == (None, MAIN, 0, None)


def test_a_key_retried_for_another_person_conflicts(store: Store, alice: User) -> None:
    """A booking key returns its booking only for the same caller, start and person."""
    first = book(store, alice, 60, key="k", staff="ana")
    assert book(store, alice, 60, key="k", staff="ana") == first
    with pytest.raises(IdempotencyConflict):
        book(store, alice, 60, key="k", staff="ben")
    assert store.busy(at(0), at(120)) == [Busy("ana", at(60), at(90))]


# moves ---------------------------------------------------------------------------------


def test_a_move_keeps_service_person_length_buffer_and_notes(store: Store, alice: User) -> None:
    """A move that names nothing else books the same service with the same person."""
    old = book(
        store, alice, 60, 45, key="a", service="cut", staff="ana", buffer_min=10, notes="a trim"
    )
    new = move(store, old, 180, key="m")
    assert (new.service, new.staff, new.duration_min, new.buffer_min, new.notes) == (
        "cut",
        "ana",
        45,
        10,
        "a trim",
    )
    assert (new.start, new.rescheduled_from) == (at(180), old.id)
    assert store.busy(at(0), at(300)) == [Busy("ana", at(180), at(235))]


def test_a_move_may_change_service_person_and_length(store: Store, alice: User) -> None:
    """A move that names a service, person, length or buffer books those instead."""
    old = book(store, alice, 60, 30, key="a", service="cut", staff="ana")
    new = move(
        store, old, 120, key="m", service="colour", staff="ben", duration_min=90, buffer_min=15
    )
    assert (new.service, new.staff, new.duration_min, new.buffer_min) == ("colour", "ben", 90, 15)
    assert store.busy(at(0), at(300)) == [Busy("ben", at(120), at(225))]
    back = move(store, new, 150, key="n", service=None)  # back to the default service
    assert (back.service, back.staff, back.duration_min) == (None, "ben", 90)


def test_a_move_into_its_own_old_time_is_allowed(store: Store, alice: User) -> None:
    """An appointment never blocks its own move: 10:00-11:00 moved to 10:30 for the same
    person is booked, and a failed retry of the move's key changes nothing."""
    old = book(store, alice, 60, 60, key="a")
    new = move(store, old, 90, key="m")
    assert store.busy(at(0), at(300)) == [Busy(MAIN, at(90), at(150))]
    assert move(store, old, 90, key="m") == new
    with pytest.raises(IdempotencyConflict):
        move(store, old, 90, key="m", staff="ana")
    assert appointment(store, old.id).status == "rescheduled"


def test_a_move_onto_the_persons_other_booking_is_refused(
    store: Store, alice: User, bob: User
) -> None:
    """A move whose new time (or buffer) overlaps another booking of the person is refused,
    and the old appointment stays booked; another person at that time is fine."""
    mine = book(store, alice, 60, key="a")
    book(store, bob, 120, key="b")  # 11:00-11:30
    with pytest.raises(SlotUnavailable):
        move(store, mine, 100, key="m1")  # 10:40-11:10
    with pytest.raises(SlotUnavailable):
        move(store, mine, 90, key="m2", buffer_min=5)  # 10:30-11:00, buffer to 11:05
    assert store.list_appointments(alice.id) == [mine]
    moved = move(store, mine, 120, key="m3", staff="ana")
    assert (moved.staff, moved.start) == ("ana", at(120))


def test_a_move_to_the_same_start_with_another_person_is_a_move(store: Store, alice: User) -> None:
    """Only the same start and the same person make a move a no-op."""
    old = book(store, alice, 60, key="a", staff="ana")
    assert move(store, old, 60, key="same") == old
    new = move(store, old, 60, key="other", staff="ben")
    assert (new.staff, new.start, new.rescheduled_from) == ("ben", at(60), old.id)
    assert appointment(store, old.id).status == "rescheduled"


# the business's view -------------------------------------------------------------------


def test_every_callers_appointments_by_start(store: Store, alice: User, bob: User) -> None:
    """The business lists every caller's appointments starting in [start, end), by start,
    whatever their status unless one is asked for."""
    late = book(store, alice, 120, key="a")
    early = book(store, bob, 60, key="b", staff="ana")
    gone = book(store, alice, 180, key="c")
    store.cancel(user_id=alice.id, appointment_id=gone.id, idempotency_key="x")
    book(store, bob, 240, key="d")
    listed = store.appointments_between(at(60), at(240))
    assert [(a.id, a.status) for a in listed] == [
        (early.id, "booked"),
        (late.id, "booked"),
        (gone.id, "cancelled"),
    ]
    assert [a.id for a in store.appointments_between(at(0), at(300), status="cancelled")] == [
        gone.id
    ]


def test_closing_an_appointment_that_has_started(store: Store, alice: User) -> None:
    """A booked appointment that has started closes as completed or no-show; it is then no
    longer the caller's, nor anyone's busy time."""
    came = book(store, alice, 60, key="a")
    absent = book(store, alice, 120, key="b")
    done = store.close_appointment(came.id, "completed", now=at(90))
    assert (done.id, done.status) == (came.id, "completed")
    missed = store.close_appointment(absent.id, "no_show", now=at(120))  # at its start
    assert missed.status == "no_show"
    assert store.list_appointments(alice.id) == []
    assert store.busy(at(0), at(300)) == []
    assert [a.id for a in store.appointments_between(at(0), at(300), status="no_show")] == [
        absent.id
    ]


def test_what_cannot_be_closed(store: Store, alice: User) -> None:
    """An unknown id is not found; one not started, cancelled, moved or closed is not active."""
    with pytest.raises(AppointmentNotFound):
        store.close_appointment("no-such-id", "completed", now=at(600))
    soon = book(store, alice, 60, key="a")
    with pytest.raises(AppointmentNotActive):
        store.close_appointment(soon.id, "completed", now=at(59))
    gone = book(store, alice, 120, key="b")
    store.cancel(user_id=alice.id, appointment_id=gone.id, idempotency_key="x")
    moved = book(store, alice, 180, key="c")
    move(store, moved, 240, key="m")
    store.close_appointment(soon.id, "no_show", now=at(600))
    for closed in (gone, moved, soon):
        with pytest.raises(AppointmentNotActive):
            store.close_appointment(closed.id, "completed", now=at(600))
    assert appointment(store, soon.id).status == "no_show"


def test_complete_past_closes_only_what_has_ended(store: Store, alice: User, bob: User) -> None:
    """Booked appointments that ended before the time given become completed and are
    counted; running, future, cancelled and closed ones stay as they are."""
    ended = [book(store, alice, 0, key="a"), book(store, bob, 30, key="b", staff="ana")]
    running = book(store, alice, 60, 60, key="c")
    future = book(store, bob, 180, key="d")
    gone = book(store, alice, 20, key="e", staff="ben")
    store.cancel(user_id=alice.id, appointment_id=gone.id, idempotency_key="x")
    assert store.complete_past(before=at(60)) == 1  # the one ending at 10:00 is not before it
    assert store.complete_past(before=at(61)) == 1
    assert [appointment(store, a.id).status for a in ended] == ["completed", "completed"]
    assert [appointment(store, a.id).status for a in (running, future)] == ["booked", "booked"]
    assert appointment(store, gone.id).status == "cancelled"
    assert store.complete_past(before=at(61)) == 0


# local date, time and slot -----------------------------------------------------------

ZONE = "America/Los_Angeles"


@pytest.fixture(params=BACKENDS)
def zoned(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Yield a fresh, empty store of each backend, opened in Los Angeles time."""
    opened: SqliteStore | PostgresStore | SupabaseStore
    if request.param == "sqlite":
        opened = SqliteStore(tmp_path / "s.db", timezone=ZONE)
    elif request.param == "postgres":
        url = request.getfixturevalue("clean_postgres_url")
        opened = PostgresStore(url, max_size=4, timezone=ZONE)
    else:
        opened = open_supabase_store(request.getfixturevalue("clean_postgres_url"), timezone=ZONE)
    with opened:
        yield opened


def local_columns(store: Store, appointment_id: str) -> tuple[str, str, str]:
    """Return a row's date, time and slot as text ("2026-11-02", "16:00", "16:00-16:45")."""
    (row,), _ = _select(store, "appointments", "id", appointment_id, order="id")
    return str(row["date"]), str(row["time"])[:5], str(row["slot"])


def test_date_time_and_slot_are_the_businesss_across_dst(zoned: Store) -> None:
    """The original schema's date, time and slot hold the local day and hours on either
    side of the end of daylight time, even where the UTC day is the next one."""
    user = zoned.create_user(phone="+14155550123")
    la = ZoneInfo(ZONE)
    friday = datetime(2026, 10, 30, 17, 30, tzinfo=la)  # PDT: 00:30 UTC on Saturday
    monday = datetime(2026, 11, 3, 0, 0, tzinfo=UTC)  # 16:00 PST on Monday 2 November
    before = zoned.book(user_id=user.id, start=friday, duration_min=45, idempotency_key="a")
    after = zoned.book(user_id=user.id, start=monday, duration_min=45, idempotency_key="b")
    assert local_columns(zoned, before.id) == ("2026-10-30", "17:30", "17:30-18:15")
    assert local_columns(zoned, after.id) == ("2026-11-02", "16:00", "16:00-16:45")
    # moved across the change, it is labelled anew; 45 minutes from the first 1:30 (PDT)
    # end at 1:15 PST, as the clock shows them
    moved = zoned.reschedule(
        user_id=user.id,
        appointment_id=before.id,
        new_start=datetime(2026, 11, 1, 8, 30, tzinfo=UTC),  # 1:30 PDT, the first one
        idempotency_key="m",
    )
    assert local_columns(zoned, moved.id) == ("2026-11-01", "01:30", "01:30-01:15")
