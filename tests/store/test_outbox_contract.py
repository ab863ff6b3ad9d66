"""The outbox contract of `store.port.Outbox`, run against every backend: confirmations the
database writes with each appointment write, reminders added once, and leases to workers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from store.errors import SlotUnavailable
from store.models import Delivery, Notice, NoticeOutcome, User
from store.port import Store

SLOT = datetime(2030, 5, 6, 8, 0, tzinfo=UTC)
FAR = datetime(2100, 1, 1, tzinfo=UTC)
"""Later than every notice's due time: confirmations are due when the database wrote them."""
LEASE = timedelta(seconds=60)


def book(store: Store, user: User, start: datetime = SLOT, key: str = "k1") -> str:
    """Book 30 minutes from `start` for `user`; return the appointment's id."""
    return store.book(user_id=user.id, start=start, duration_min=30, idempotency_key=key).id


def owed(store: Store) -> list[tuple[str | None, str, int | None]]:
    """Return the pending notices as (appointment id, kind, reminder minutes), sorted.

    They are claimed with a lease that has already run out, so the next look sees them too.
    """
    found = store.claim_notices(now=FAR, limit=1000, lease_until=FAR - LEASE, worker="peek")
    return sorted((n.appointment_id, n.kind, n.reminder_minutes) for n in found)


def claim(store: Store, worker: str, now: datetime = SLOT, limit: int = 100) -> list[Notice]:
    """Claim due notices for `worker` at `now`, leased for a minute."""
    return store.claim_notices(now=now, limit=limit, lease_until=now + LEASE, worker=worker)


# confirmations ---------------------------------------------------------------------------


def test_a_booking_owes_one_booked_notice_and_its_retry_none(store: Store, alice: User) -> None:
    """A booking owes one `booked` notice; retrying it with its key owes nothing more."""
    made = book(store, alice)
    book(store, alice)
    (notice,) = claim(store, "w1")
    assert (notice.appointment_id, notice.kind, notice.reminder_minutes) == (made, "booked", None)
    assert notice.attempts == 0
    assert notice.due_at <= datetime.now(UTC)


def test_a_move_owes_one_moved_notice(store: Store, alice: User) -> None:
    """A move owes one `moved` notice, for the new booking; the old row owes nothing."""
    old = book(store, alice)
    new = store.reschedule(
        user_id=alice.id,
        appointment_id=old,
        new_start=SLOT + timedelta(hours=2),
        idempotency_key="m",
    ).id
    assert owed(store) == sorted([(old, "booked", None), (new, "moved", None)])


def test_a_cancellation_owes_a_cancelled_notice(store: Store, alice: User) -> None:
    """Cancelling an appointment owes a `cancelled` notice; retrying the cancel owes no other."""
    made = book(store, alice)
    for _ in range(2):
        store.cancel(user_id=alice.id, appointment_id=made, idempotency_key="c")
    assert owed(store) == [(made, "booked", None), (made, "cancelled", None)]


def test_a_refused_write_owes_nothing(store: Store, alice: User, bob: User) -> None:
    """A booking of taken time, and a move into it (rolled back), leave no notice."""
    taken = book(store, bob, key="bob")
    later = book(store, alice, SLOT + timedelta(hours=3), key="alice")
    with pytest.raises(SlotUnavailable):
        book(store, alice, key="again")
    with pytest.raises(SlotUnavailable):
        store.reschedule(
            user_id=alice.id, appointment_id=later, new_start=SLOT, idempotency_key="m"
        )
    assert owed(store) == sorted([(taken, "booked", None), (later, "booked", None)])


def test_closing_an_appointment_owes_nothing(store: Store, alice: User) -> None:
    """Completing an appointment, or marking it a no-show, owes the caller no message."""
    first = book(store, alice)
    second = book(store, alice, SLOT + timedelta(hours=1), key="k2")
    after = SLOT + timedelta(days=1)
    store.close_appointment(first, "no_show", now=after)
    assert store.complete_past(before=after) == 1
    assert owed(store) == sorted([(first, "booked", None), (second, "booked", None)])


# reminders -------------------------------------------------------------------------------


def test_each_reminder_is_added_once_when_it_falls_due(store: Store, alice: User) -> None:
    """The day-before reminder is added once inside its day, the hour-before once inside its
    hour; asking again adds neither twice."""
    made = book(store, alice)
    offsets = [1440, 60]
    assert store.schedule_reminders(now=SLOT - timedelta(days=2), minutes_before=offsets) == 0
    assert store.schedule_reminders(now=SLOT - timedelta(hours=23), minutes_before=offsets) == 1
    assert store.schedule_reminders(now=SLOT - timedelta(hours=2), minutes_before=offsets) == 0
    assert store.schedule_reminders(now=SLOT - timedelta(minutes=30), minutes_before=offsets) == 1
    assert store.schedule_reminders(now=SLOT - timedelta(minutes=1), minutes_before=offsets) == 0
    reminders = [n for n in claim(store, "w1", FAR) if n.kind == "reminder"]
    assert [(n.reminder_minutes, n.due_at) for n in reminders] == [
        (1440, SLOT - timedelta(days=1)),
        (60, SLOT - timedelta(hours=1)),
    ]
    assert {n.appointment_id for n in reminders} == {made}


def test_a_late_scheduler_adds_only_the_nearest_reminder(store: Store, alice: User) -> None:
    """Half an hour before the start, only the hour-before reminder is added, not the
    day-before one as well."""
    made = book(store, alice)
    now = SLOT - timedelta(minutes=30)
    assert store.schedule_reminders(now=now, minutes_before=[60, 1440, 60]) == 1
    assert owed(store) == [(made, "booked", None), (made, "reminder", 60)]


def test_no_reminder_for_cancelled_moved_started_or_distant_appointments(
    store: Store, alice: User
) -> None:
    """Only booked appointments that have not started and start within the offset get one."""
    cancelled = book(store, alice, SLOT + timedelta(minutes=10), key="a")
    store.cancel(user_id=alice.id, appointment_id=cancelled, idempotency_key="c")
    moved = book(store, alice, SLOT + timedelta(minutes=20), key="b")
    kept = store.reschedule(
        user_id=alice.id,
        appointment_id=moved,
        new_start=SLOT + timedelta(minutes=40),
        idempotency_key="m",
    ).id
    book(store, alice, SLOT - timedelta(hours=1), key="started")
    book(store, alice, SLOT + timedelta(hours=2), key="distant")
    assert store.schedule_reminders(now=SLOT - timedelta(minutes=5), minutes_before=[60]) == 1
    assert [(a, m) for a, kind, m in owed(store) if kind == "reminder"] == [(kept, 60)]


def test_a_booking_made_after_its_reminder_fell_due_gets_none(store: Store, alice: User) -> None:
    """A booking made half an hour before its start gets no hour-before reminder: its
    confirmation, sent now, says as much."""
    now = datetime.now(UTC)
    book(store, alice, now + timedelta(minutes=30))
    assert store.schedule_reminders(now=now, minutes_before=[60]) == 0


def test_a_pending_reminder_is_skipped_when_its_appointment_changes(
    store: Store, alice: User
) -> None:
    """Cancelling or moving an appointment skips its pending reminders, even one a worker
    holds, which that worker can then no longer finish."""
    first = book(store, alice)
    second = book(store, alice, SLOT + timedelta(minutes=30), key="k2")
    store.schedule_reminders(now=SLOT - timedelta(minutes=30), minutes_before=[60])
    held = [n for n in claim(store, "w1", SLOT) if n.kind == "reminder"]
    assert len(held) == 2
    store.cancel(user_id=alice.id, appointment_id=first, idempotency_key="c")
    new = store.reschedule(
        user_id=alice.id,
        appointment_id=second,
        new_start=SLOT + timedelta(hours=5),
        idempotency_key="m",
    ).id
    assert sorted(kind for _, kind, _ in owed(store)) == ["booked", "booked", "cancelled", "moved"]
    assert [store.finish_notice(n.id, worker="w1", outcome="sent") for n in held] == [False] * 2
    assert new not in {n.appointment_id for n in held}


def test_offsets_must_be_positive_minutes(store: Store) -> None:
    """A reminder offset that is not a positive number of minutes is refused."""
    for wrong in ([0], [-60], [60, 0]):
        with pytest.raises(ValueError):
            store.schedule_reminders(now=SLOT, minutes_before=wrong)
    assert store.schedule_reminders(now=SLOT, minutes_before=[]) == 0


# leases ----------------------------------------------------------------------------------


def test_a_claimed_notice_is_leased_until_its_lease_runs_out(store: Store, alice: User) -> None:
    """A second worker gets nothing while the first one's lease runs, then the same notices."""
    for i in range(3):
        book(store, alice, SLOT + timedelta(hours=i), key=f"k{i}")
    first = claim(store, "w1")
    assert len(first) == 3
    assert claim(store, "w2", SLOT + LEASE / 2) == []
    again = claim(store, "w2", SLOT + LEASE + timedelta(seconds=1))
    assert [n.id for n in again] == [n.id for n in first]


def test_claims_take_the_oldest_due_first_up_to_the_limit(store: Store, alice: User) -> None:
    """A claim takes at most `limit` notices, the earliest due first, and none not yet due."""
    made = [book(store, alice, SLOT + timedelta(hours=i), key=f"k{i}") for i in range(3)]
    assert claim(store, "w1", limit=0) == []
    two = claim(store, "w1", limit=2)
    assert [n.appointment_id for n in two] == made[:2]
    assert two[0].due_at <= two[1].due_at
    for notice in two:
        store.finish_notice(notice.id, worker="w1", outcome="sent")
    (last,) = claim(store, "w2")
    assert last.appointment_id == made[2]
    assert store.retry_notice(last.id, worker="w2", at=SLOT + timedelta(minutes=10))
    assert claim(store, "w3", SLOT + timedelta(minutes=9)) == []
    (due,) = claim(store, "w3", SLOT + timedelta(minutes=10))
    assert (due.id, due.due_at) == (last.id, SLOT + timedelta(minutes=10))


def test_retry_gives_a_notice_back_one_attempt_more(store: Store, alice: User) -> None:
    """A notice given back is claimed again at once by anyone, with its attempts counted."""
    book(store, alice)
    (notice,) = claim(store, "w1")
    assert store.retry_notice(notice.id, worker="w1", at=SLOT)
    (again,) = claim(store, "w2")
    assert (again.id, again.attempts) == (notice.id, 1)
    assert store.retry_notice(again.id, worker="w2", at=SLOT)
    assert [n.attempts for n in claim(store, "w1")] == [2]


def test_a_finished_notice_is_never_claimed_again(store: Store, alice: User) -> None:
    """Sent, failed or skipped, a notice is done: no claim returns it, no second finish."""
    for i in range(3):
        book(store, alice, SLOT + timedelta(hours=i), key=f"k{i}")
    notices = claim(store, "w1")
    outcomes: list[NoticeOutcome] = ["sent", "failed", "skipped"]
    for notice, outcome in zip(notices, outcomes, strict=True):
        assert store.finish_notice(notice.id, worker="w1", outcome=outcome)
        assert not store.finish_notice(notice.id, worker="w1", outcome=outcome)
        assert not store.retry_notice(notice.id, worker="w1", at=SLOT)
    assert claim(store, "w2", FAR) == []
    assert owed(store) == []


def test_a_worker_that_lost_its_lease_cannot_end_the_notice(store: Store, alice: User) -> None:
    """Once another worker has claimed a notice after the first one's lease ran out, the
    first can neither finish nor give it back; the second can."""
    book(store, alice)
    (notice,) = claim(store, "w1")
    (taken,) = claim(store, "w2", SLOT + 2 * LEASE)
    assert taken.id == notice.id
    assert not store.finish_notice(notice.id, worker="w1", outcome="sent")
    assert not store.retry_notice(notice.id, worker="w1", at=SLOT)
    assert not store.finish_notice(notice.id, worker="nobody", outcome="sent")
    assert store.finish_notice(notice.id, worker="w2", outcome="sent")


def test_unknown_notices_and_outcomes(store: Store, alice: User) -> None:
    """An unknown notice is no worker's; an outcome other than the three is refused."""
    for unknown in ("00000000-0000-4000-8000-000000000000", "not-an-id"):
        assert not store.finish_notice(unknown, worker="w1", outcome="sent")
        assert not store.retry_notice(unknown, worker="w1", at=SLOT)
        assert store.deliveries(unknown) == []
    book(store, alice)
    (notice,) = claim(store, "w1")
    with pytest.raises(ValueError):
        store.finish_notice(notice.id, worker="w1", outcome="delivered")  # type: ignore[arg-type]


# deliveries ------------------------------------------------------------------------------


def test_deliveries_are_recorded_in_order(store: Store, alice: User) -> None:
    """Each attempt on each channel is kept, and read back in the order made."""
    book(store, alice)
    book(store, alice, SLOT + timedelta(hours=1), key="k2")
    notice, other = claim(store, "w1")
    attempts = [
        Delivery(notice.id, "sms", SLOT, ok=False, detail="timeout"),
        Delivery(notice.id, "sms", SLOT + timedelta(minutes=1), ok=True, detail="SM123"),
        Delivery(notice.id, "email", SLOT + timedelta(minutes=1), ok=True, detail="<m@x>"),
    ]
    for delivery in attempts:
        store.record_delivery(delivery)
    store.record_delivery(Delivery(other.id, "sms", SLOT, ok=True))
    assert store.deliveries(notice.id) == attempts
    assert store.deliveries(other.id) == [Delivery(other.id, "sms", SLOT, ok=True, detail="")]


def test_a_delivery_of_an_unknown_notice_is_refused(store: Store) -> None:
    """Recording an attempt on a notice that does not exist raises ValueError."""
    for unknown in ("00000000-0000-4000-8000-000000000000", "not-an-id"):
        with pytest.raises(ValueError):
            store.record_delivery(Delivery(unknown, "sms", SLOT, ok=True))
