"""The backend-independent contract of `store.port.Store`, run against every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from store.errors import (
    AppointmentNotActive,
    AppointmentNotFound,
    IdempotencyConflict,
    SlotUnavailable,
)
from store.models import MAIN, Appointment, Busy, TranscriptLine, User
from store.port import Store
from tests.store.stored import appointment, appointments, transcript

# A business in UTC+2, so the tests also check that starts come back as aware UTC.
LOCAL = timezone(timedelta(hours=2))
SLOT = datetime(2030, 5, 6, 10, 0, tzinfo=LOCAL)
LATER = SLOT + timedelta(hours=1)


def book(store: Store, user: User, start: datetime = SLOT, key: str = "k1") -> str:
    """Book `start` for `user` with a 30-minute duration and return the appointment id."""
    return store.book(user_id=user.id, start=start, duration_min=30, idempotency_key=key).id


# users -------------------------------------------------------------------------------


def test_create_and_find_user(store: Store) -> None:
    """A created user is found by phone number with its name and an aware UTC timestamp."""
    created = store.create_user(phone="+4915112345678", name="Jo")
    found = store.find_user_by_phone("+4915112345678")
    assert found == created
    assert created.name == "Jo"
    assert created.created_at.utcoffset() == timedelta(0)


def test_unknown_phone_is_none(store: Store) -> None:
    """Looking up a number nobody registered returns None."""
    assert store.find_user_by_phone("+15559999999") is None


def test_create_user_is_idempotent_on_phone(store: Store, alice: User) -> None:
    """Creating a user with an existing number returns that user unchanged."""
    again = store.create_user(phone=alice.phone, name="Someone Else")
    assert again == alice


def test_users_are_found_by_id_and_an_unknown_id_is_left_out(
    store: Store, alice: User, bob: User
) -> None:
    found = store.users_by_id(
        {alice.id, bob.id, "not-an-id", "00000000-0000-4000-8000-000000000000"}
    )
    assert {i: u.phone for i, u in found.items()} == {alice.id: alice.phone, bob.id: bob.phone}
    assert store.users_by_id(set()) == {}


def test_set_user_name(store: Store) -> None:
    """Setting the name returns the updated user and persists it."""
    user = store.create_user(phone="+15550000009")
    assert user.name is None
    renamed = store.set_user_name(user.id, "Dana")
    assert renamed.name == "Dana"
    assert store.find_user_by_phone(user.phone) == renamed


def test_failed_identity_checks_count_until_a_pass(store: Store, alice: User, bob: User) -> None:
    """Failed checks of an account count across calls, within the window and since a pass."""
    base = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
    for minutes in (0, 10, 20):
        store.record_identity_check(
            user_id=alice.id, passed=False, at=base + timedelta(minutes=minutes)
        )
    store.record_identity_check(user_id=bob.id, passed=False, at=base)
    assert store.failed_identity_checks(alice.id, since=base) == 3
    assert store.failed_identity_checks(alice.id, since=base + timedelta(minutes=5)) == 2
    assert store.failed_identity_checks(bob.id, since=base) == 1
    store.record_identity_check(user_id=alice.id, passed=True, at=base + timedelta(minutes=30))
    store.record_identity_check(user_id=alice.id, passed=False, at=base + timedelta(minutes=40))
    assert store.failed_identity_checks(alice.id, since=base) == 1


def test_non_e164_phone_rejected(store: Store) -> None:
    """A phone number that is not E.164 is refused with ValueError."""
    with pytest.raises(ValueError):
        store.create_user(phone="555-1234")


# booking -----------------------------------------------------------------------------


def test_book_and_list(store: Store, alice: User) -> None:
    """A booking is listed for its caller, with its start as aware UTC."""
    appt = store.book(
        user_id=alice.id, start=SLOT, duration_min=45, idempotency_key="k1", notes="cut"
    )
    assert appt.status == "booked"
    assert appt.start == SLOT
    assert appt.start.utcoffset() == timedelta(0)
    assert store.list_appointments(alice.id) == [appt]
    assert appointments(store, alice.id) == [appt]


def test_same_slot_by_another_user_is_unavailable(store: Store, alice: User, bob: User) -> None:
    """A second booking of a booked slot raises SlotUnavailable."""
    book(store, alice)
    with pytest.raises(SlotUnavailable):
        book(store, bob, key="k2")
    assert store.list_appointments(bob.id) == []


def test_same_instant_in_another_zone_is_the_same_slot(
    store: Store, alice: User, bob: User
) -> None:
    """Slots are compared as instants, whatever offset the caller used."""
    book(store, alice)
    with pytest.raises(SlotUnavailable):
        book(store, bob, start=SLOT.astimezone(UTC), key="k2")


def test_retried_booking_returns_first_result(store: Store, alice: User) -> None:
    """Retrying a booking with the same key returns the same appointment and adds no row."""
    first = book(store, alice)
    assert book(store, alice) == first
    assert len(appointments(store, alice.id)) == 1


def test_key_reused_for_other_slot_conflicts(store: Store, alice: User) -> None:
    """Reusing a booking key for a different slot raises IdempotencyConflict."""
    book(store, alice)
    with pytest.raises(IdempotencyConflict):
        book(store, alice, start=LATER)


def test_key_reused_by_other_user_conflicts(store: Store, alice: User, bob: User) -> None:
    """Reusing a booking key for another caller raises IdempotencyConflict."""
    book(store, alice)
    with pytest.raises(IdempotencyConflict):
        book(store, bob)


def test_busy_is_half_open_and_booked_only(store: Store, alice: User) -> None:
    """busy returns the UTC spans of booked rows overlapping [start, end) only."""
    book(store, alice, SLOT, "a")
    book(store, alice, LATER, "b")
    gone = book(store, alice, SLOT + timedelta(hours=2), "c")
    store.cancel(user_id=alice.id, appointment_id=gone, idempotency_key="x")
    taken = store.busy(SLOT, LATER)
    assert taken == [Busy(MAIN, SLOT, SLOT + timedelta(minutes=30))]
    assert all(b.start.utcoffset() == b.until.utcoffset() == timedelta(0) for b in taken)
    assert [b.start for b in store.busy(SLOT, SLOT + timedelta(hours=3))] == [SLOT, LATER]
    assert store.busy(SLOT + timedelta(minutes=30), LATER) == []  # the first ends, the next starts


def test_naive_datetimes_rejected(store: Store, alice: User) -> None:
    """Naive datetimes are refused with ValueError."""
    naive = datetime(2030, 5, 6, 10, 0)
    with pytest.raises(ValueError):
        store.book(user_id=alice.id, start=naive, duration_min=30, idempotency_key="k")
    with pytest.raises(ValueError):
        store.busy(naive, naive + timedelta(hours=1))
    with pytest.raises(ValueError):
        store.start_conversation(conversation_id="c", started_at=naive)


# listing -----------------------------------------------------------------------------


def test_listing_never_shows_other_callers(store: Store, alice: User, bob: User) -> None:
    """Each caller lists only their own appointments."""
    mine = book(store, alice)
    theirs = book(store, bob, LATER, "k2")
    assert [a.id for a in store.list_appointments(alice.id)] == [mine]
    assert [a.id for a in store.list_appointments(bob.id)] == [theirs]


def test_list_filters_and_orders(store: Store, alice: User) -> None:
    """Listing is ordered by start, hides inactive rows and honours `after`."""
    late = book(store, alice, LATER, "b")
    early = book(store, alice, SLOT, "a")
    gone = book(store, alice, SLOT + timedelta(hours=2), "c")
    store.cancel(user_id=alice.id, appointment_id=gone, idempotency_key="x")
    assert [a.id for a in store.list_appointments(alice.id)] == [early, late]
    assert [a.id for a in appointments(store, alice.id)] == [early, late, gone]
    assert [a.id for a in store.list_appointments(alice.id, after=LATER)] == [late]


# cancelling --------------------------------------------------------------------------


def test_cancel_frees_the_slot(store: Store, alice: User, bob: User) -> None:
    """A cancelled slot can be booked again."""
    appt = book(store, alice)
    cancelled = store.cancel(user_id=alice.id, appointment_id=appt, idempotency_key="c1")
    assert cancelled.status == "cancelled"
    assert store.list_appointments(alice.id) == []
    assert store.busy(SLOT, LATER) == []
    assert store.book(user_id=bob.id, start=SLOT, duration_min=30, idempotency_key="k2")


def test_cancel_retry_returns_first_result(store: Store, alice: User) -> None:
    """Retrying a cancel with the same key returns the cancelled appointment."""
    appt = book(store, alice)
    first = store.cancel(user_id=alice.id, appointment_id=appt, idempotency_key="c1")
    assert store.cancel(user_id=alice.id, appointment_id=appt, idempotency_key="c1") == first


def test_cancel_twice_with_new_key_not_active(store: Store, alice: User) -> None:
    """Cancelling an already cancelled appointment under a new key raises AppointmentNotActive."""
    appt = book(store, alice)
    store.cancel(user_id=alice.id, appointment_id=appt, idempotency_key="c1")
    with pytest.raises(AppointmentNotActive):
        store.cancel(user_id=alice.id, appointment_id=appt, idempotency_key="c2")


def test_cancel_key_reused_for_other_appointment_conflicts(store: Store, alice: User) -> None:
    """Reusing a cancel key for another appointment raises IdempotencyConflict."""
    one, two = book(store, alice, SLOT, "a"), book(store, alice, LATER, "b")
    store.cancel(user_id=alice.id, appointment_id=one, idempotency_key="c1")
    with pytest.raises(IdempotencyConflict):
        store.cancel(user_id=alice.id, appointment_id=two, idempotency_key="c1")
    assert appointment(store, two).status == "booked"


def test_cancel_other_callers_appointment(store: Store, alice: User, bob: User) -> None:
    """Cancelling someone else's appointment, or an unknown id, raises AppointmentNotFound."""
    theirs = book(store, bob)
    with pytest.raises(AppointmentNotFound):
        store.cancel(user_id=alice.id, appointment_id=theirs, idempotency_key="c1")
    with pytest.raises(AppointmentNotFound):
        store.cancel(user_id=alice.id, appointment_id="no-such-id", idempotency_key="c2")
    assert appointment(store, theirs).status == "booked"


# rescheduling ------------------------------------------------------------------------


def test_reschedule_moves(store: Store, alice: User) -> None:
    """A move marks the old row rescheduled and books a new row that points back to it."""
    old = store.book(user_id=alice.id, start=SLOT, duration_min=45, idempotency_key="k1", notes="n")
    new = store.reschedule(
        user_id=alice.id, appointment_id=old.id, new_start=LATER, idempotency_key="r1"
    )
    assert (new.status, new.start, new.rescheduled_from) == ("booked", LATER, old.id)
    assert (new.duration_min, new.notes, new.user_id) == (45, "n", alice.id)
    assert appointment(store, old.id).status == "rescheduled"
    assert store.list_appointments(alice.id) == [new]
    assert [b.start for b in store.busy(SLOT, LATER + timedelta(hours=1))] == [LATER]


def test_reschedule_into_taken_slot(store: Store, alice: User, bob: User) -> None:
    """A move into a taken slot raises SlotUnavailable and the old appointment stays booked."""
    mine = book(store, alice)
    book(store, bob, LATER, "k2")
    with pytest.raises(SlotUnavailable):
        store.reschedule(
            user_id=alice.id, appointment_id=mine, new_start=LATER, idempotency_key="r1"
        )
    assert [(a.id, a.status) for a in appointments(store, alice.id)] == [(mine, "booked")]


def test_reschedule_retry_returns_first_result(store: Store, alice: User) -> None:
    """Retrying a move with the same key returns the appointment the first call created."""
    old = book(store, alice)

    def move(start: datetime) -> Appointment:
        return store.reschedule(
            user_id=alice.id, appointment_id=old, new_start=start, idempotency_key="r1"
        )

    first = move(LATER)
    assert move(LATER) == first
    with pytest.raises(IdempotencyConflict):
        move(LATER + timedelta(hours=1))
    assert len(appointments(store, alice.id)) == 2


def test_reschedule_into_own_slot_is_noop(store: Store, alice: User) -> None:
    """Moving an appointment to the slot it already has returns it unchanged."""
    old = store.book(user_id=alice.id, start=SLOT, duration_min=30, idempotency_key="k1")
    same = store.reschedule(
        user_id=alice.id, appointment_id=old.id, new_start=SLOT, idempotency_key="r1"
    )
    assert same == old
    assert appointments(store, alice.id) == [old]


def test_reschedule_inactive_or_foreign(store: Store, alice: User, bob: User) -> None:
    """Moving a cancelled appointment is NotActive; moving someone else's is NotFound."""
    mine, theirs = book(store, alice), book(store, bob, LATER, "k2")
    store.cancel(user_id=alice.id, appointment_id=mine, idempotency_key="c1")
    later = LATER + timedelta(hours=1)
    with pytest.raises(AppointmentNotActive):
        store.reschedule(
            user_id=alice.id, appointment_id=mine, new_start=later, idempotency_key="r"
        )
    with pytest.raises(AppointmentNotFound):
        store.reschedule(
            user_id=alice.id, appointment_id=theirs, new_start=later, idempotency_key="s"
        )
    assert appointment(store, theirs).status == "booked"


# conversations -----------------------------------------------------------------------


def line(index: int, text: str, role: str = "caller") -> TranscriptLine:
    """Return a transcript line at a fixed instant."""
    at = SLOT + timedelta(seconds=index)
    return TranscriptLine(index, "caller" if role == "caller" else "agent", text, at)


def test_conversation_turns_and_finish(store: Store, alice: User) -> None:
    """Turns upsert by index, several in one write, read back in order, and finishing copies
    them into the record."""
    store.start_conversation(conversation_id="t1", started_at=SLOT)
    store.start_conversation(conversation_id="t1", started_at=LATER)  # idempotent
    store.append_turn(conversation_id="t1", lines=[line(1, "hi there", "agent")])
    store.append_turn(conversation_id="t1", lines=[line(0, "hel")])
    # one write: a line replaced (same index) and a new one
    store.append_turn(conversation_id="t1", lines=[line(0, "hello"), line(2, "bye", "agent")])
    store.attach_user(conversation_id="t1", user_id=alice.id)
    assert [t.text for t in transcript(store, "t1")] == ["hello", "hi there", "bye"]
    assert transcript(store, "t1")[0].at == SLOT
    store.finish_conversation(
        conversation_id="t1",
        ended_at=LATER,
        outcome="booked",
        summary="Booked a cut.",
        appointments_discussed=["a1"],
        preferences_mentioned=["mornings"],
        cost_breakdown={"llm_usd": 0.01},
    )
    conv = store.get_conversation("t1")
    assert conv is not None
    assert (conv.user_id, conv.started_at, conv.ended_at) == (alice.id, SLOT, LATER)
    assert (conv.outcome, conv.summary) == ("booked", "Booked a cut.")
    assert (conv.appointments_discussed, conv.preferences_mentioned) == (["a1"], ["mornings"])
    assert conv.cost_breakdown == {"llm_usd": 0.01}
    assert [(t["index"], t["role"], t["text"]) for t in conv.transcript] == [
        (0, "caller", "hello"),
        (1, "agent", "hi there"),
        (2, "agent", "bye"),
    ]
    assert conv.transcript[0]["interrupted"] is False
    assert datetime.fromisoformat(conv.transcript[0]["at"]) == SLOT


def test_unfinished_conversation(store: Store) -> None:
    """A started conversation has no outcome and an empty transcript record yet."""
    store.start_conversation(conversation_id="t2", started_at=SLOT)
    conv = store.get_conversation("t2")
    assert conv is not None
    assert (conv.user_id, conv.ended_at, conv.outcome, conv.transcript) == (None, None, None, [])


def test_unknown_conversation_is_none(store: Store) -> None:
    """get_conversation returns None for an unknown id, and its transcript is empty."""
    assert store.get_conversation("nope") is None
    assert transcript(store, "nope") == []


def _calls(store: Store, alice: User, bob: User) -> None:
    """Three calls: Alice booked (2 caller lines), Bob is still on the line, one anonymous."""
    store.start_conversation(conversation_id="old", started_at=SLOT, user_id=alice.id)
    for i, role in enumerate(["agent", "caller", "agent", "caller", "agent"]):
        store.append_turn(conversation_id="old", lines=[line(i, f"line {i}", role)])
    store.finish_conversation(
        conversation_id="old",
        ended_at=SLOT + timedelta(minutes=2),
        outcome="booked",
        summary="s",
        appointments_discussed=[],
        preferences_mentioned=[],
        cost_breakdown={},
    )
    store.start_conversation(conversation_id="open", started_at=LATER, user_id=bob.id)
    store.append_turn(conversation_id="open", lines=[line(0, "hello", "agent")])
    store.start_conversation(conversation_id="anon", started_at=LATER + timedelta(hours=1))


def test_list_conversations_latest_first_with_counts(store: Store, alice: User, bob: User) -> None:
    """The call list has every call, newest first, with caller, turns, outcome and times."""
    _calls(store, alice, bob)
    listed = store.list_conversations()
    assert [c.id for c in listed] == ["anon", "open", "old"]
    old = listed[2]
    assert (old.phone, old.caller_turns, old.outcome) == (alice.phone, 2, "booked")
    assert (old.started_at, old.ended_at) == (SLOT, SLOT + timedelta(minutes=2))
    assert old.last_at == SLOT + timedelta(seconds=4)
    assert (listed[1].phone, listed[1].caller_turns, listed[1].ended_at) == (bob.phone, 0, None)
    assert (listed[0].phone, listed[0].last_at) == (None, None)


def test_list_conversations_filters(store: Store, alice: User, bob: User) -> None:
    """Filters by start window, outcome, open calls and caller combine; the limit caps rows."""
    _calls(store, alice, bob)
    assert [c.id for c in store.list_conversations(since=LATER)] == ["anon", "open"]
    assert [c.id for c in store.list_conversations(before=LATER)] == ["old"]
    window = store.list_conversations(since=LATER, before=LATER + timedelta(minutes=30))
    assert [c.id for c in window] == ["open"]
    assert [c.id for c in store.list_conversations(outcome="booked")] == ["old"]
    assert [c.id for c in store.list_conversations(open_only=True)] == ["anon", "open"]
    assert [c.id for c in store.list_conversations(phone=bob.phone)] == ["open"]
    assert [c.id for c in store.list_conversations(phone=alice.phone, open_only=True)] == []
    assert [c.id for c in store.list_conversations(limit=1)] == ["anon"]
