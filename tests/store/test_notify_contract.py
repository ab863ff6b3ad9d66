"""What the notice worker and the SMS reply need of every backend: an appointment by id,
callers' e-mail addresses, staff told of each callback once, and the visit last reminded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from store.models import Delivery, Notice, User
from store.port import Store

SLOT = datetime(2030, 5, 6, 8, 0, tzinfo=UTC)
FAR = datetime(2100, 1, 1, tzinfo=UTC)
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def claim_all(store: Store, worker: str = "w") -> list[Notice]:
    """Claim every pending notice for `worker`, with a lease that has run out already."""
    return store.claim_notices(now=FAR, limit=1000, lease_until=FAR, worker=worker)


def ask(store: Store, call: str | None, need: str = "prices") -> str:
    """Request a callback in `call`; return its id."""
    made = store.request_callback(
        conversation_id=call,
        user_id=None,
        phone="+15550000009",
        name="Sam",
        need=need,
        reason="message",
        at=SLOT,
    )
    return made.id


# appointments by id -----------------------------------------------------------------------


def test_an_appointment_is_found_by_id_whatever_its_status(store: Store, alice: User) -> None:
    """Booked, then cancelled, an appointment is found by id as it is now; an unknown id,
    or one that is not an id at all, is None."""
    made = store.book(user_id=alice.id, start=SLOT, duration_min=30, idempotency_key="b")
    assert store.appointment(made.id) == made
    store.cancel(user_id=alice.id, appointment_id=made.id, idempotency_key="c")
    found = store.appointment(made.id)
    assert found is not None and found.status == "cancelled"
    assert store.appointment(UNKNOWN) is None
    assert store.appointment("not-an-id") is None


# e-mail addresses ---------------------------------------------------------------------------


def test_a_caller_has_no_email_until_one_is_set(store: Store, alice: User) -> None:
    """A new caller has none; a set address is kept stripped, read back everywhere, and
    cleared with None."""
    assert alice.email is None
    updated = store.set_user_email(alice.id, "  alice@example.com ")
    assert updated.email == "alice@example.com"
    assert store.find_user_by_phone(alice.phone) == updated
    assert store.users_by_id([alice.id])[alice.id].email == "alice@example.com"
    assert store.set_user_email(alice.id, None).email is None


@pytest.mark.parametrize("address", ["alice", "alice@", "a b@example.com", "a@b@example.com"])
def test_an_address_without_the_shape_of_one_is_refused(
    store: Store, alice: User, address: str
) -> None:
    """Something that is not an e-mail address raises ValueError and is not written."""
    with pytest.raises(ValueError, match="not an e-mail address"):
        store.set_user_email(alice.id, address)
    assert store.users_by_id([alice.id])[alice.id].email is None


def test_an_unknown_caller_gets_no_email(store: Store) -> None:
    """Setting the address of an unknown caller raises ValueError."""
    with pytest.raises(ValueError, match="unknown user"):
        store.set_user_email(UNKNOWN, "x@example.com")


# staff told of callbacks --------------------------------------------------------------------


def test_a_callback_owes_staff_one_notice_however_often_its_call_asks(store: Store) -> None:
    """The first request of a call owes one `callback` notice about it, with no appointment;
    the call's second request updates the callback and owes nothing more."""
    first = ask(store, "call-1")
    assert ask(store, "call-1", need="a refund") == first
    (notice,) = claim_all(store)
    assert (notice.kind, notice.callback_id, notice.appointment_id) == ("callback", first, None)
    assert notice.reminder_minutes is None
    assert notice.due_at <= datetime.now(UTC)


def test_requests_without_a_call_each_owe_their_notice(store: Store) -> None:
    """Two callbacks not from a call are two callbacks, each told to staff."""
    made = {ask(store, None), ask(store, None)}
    assert {n.callback_id for n in claim_all(store)} == made


def test_a_callback_is_found_by_id(store: Store) -> None:
    """A callback comes back by its id as stored; an unknown id is None."""
    made = ask(store, "call-1")
    found = store.callback(made)
    assert found is not None and (found.id, found.need) == (made, "prices")
    assert store.callback(UNKNOWN) is None
    assert store.callback("not-an-id") is None


def test_a_callback_notice_is_leased_and_finished_like_any(store: Store) -> None:
    """A staff notice is recorded and finished as the caller's are, by its worker only."""
    ask(store, "call-1")
    (notice,) = claim_all(store, "w1")
    store.record_delivery(Delivery(notice.id, "webhook", at=SLOT, ok=True, detail="200"))
    assert not store.finish_notice(notice.id, worker="w2", outcome="sent")
    assert store.finish_notice(notice.id, worker="w1", outcome="sent")
    assert [d.channel for d in store.deliveries(notice.id)] == ["webhook"]
    assert claim_all(store) == []


# the visit a reminder was about ---------------------------------------------------------------


def remind(store: Store, user: User, start: datetime, key: str) -> tuple[str, Notice]:
    """Book `user` at `start`, then schedule and claim its 2-hour reminder."""
    made = store.book(user_id=user.id, start=start, duration_min=30, idempotency_key=key)
    claim_all(store, "confirmations")  # the booking's own confirmation, out of the way
    store.schedule_reminders(now=start - timedelta(minutes=90), minutes_before=[120])
    (reminder,) = [n for n in claim_all(store) if n.appointment_id == made.id]
    return made.id, reminder


def test_the_visit_reminded_last_on_a_channel_is_found(
    store: Store, alice: User, bob: User
) -> None:
    """Only a reminder delivered on that channel counts; of two, the later delivered; a
    failed attempt, another channel or another caller's reminder does not."""
    assert store.reminded_appointment(alice.id, channel="sms") is None
    first, one = remind(store, alice, SLOT, "a1")
    second, two = remind(store, alice, SLOT + timedelta(days=1), "a2")
    other, three = remind(store, bob, SLOT + timedelta(days=2), "b1")
    store.record_delivery(Delivery(one.id, "sms", at=SLOT, ok=True))
    store.record_delivery(Delivery(two.id, "sms", at=SLOT + timedelta(minutes=1), ok=False))
    store.record_delivery(Delivery(two.id, "email", at=SLOT + timedelta(minutes=2), ok=True))
    store.record_delivery(Delivery(three.id, "sms", at=SLOT + timedelta(minutes=3), ok=True))
    assert store.reminded_appointment(alice.id, channel="sms") == first
    assert store.reminded_appointment(alice.id, channel="email") == second
    store.record_delivery(Delivery(two.id, "sms", at=SLOT + timedelta(minutes=4), ok=True))
    assert store.reminded_appointment(alice.id, channel="sms") == second
    assert store.reminded_appointment(bob.id, channel="sms") == other
    assert store.reminded_appointment(UNKNOWN, channel="sms") is None
    assert store.reminded_appointment("not-an-id", channel="sms") is None


def test_a_confirmation_delivered_is_not_a_reminder(store: Store, alice: User) -> None:
    """A booking's confirmation SMS is not something a "C" reply cancels."""
    store.book(user_id=alice.id, start=SLOT, duration_min=30, idempotency_key="b")
    (notice,) = claim_all(store)
    store.record_delivery(Delivery(notice.id, "sms", at=SLOT, ok=True))
    assert store.reminded_appointment(alice.id, channel="sms") is None
