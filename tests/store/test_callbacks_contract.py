"""The callbacks contract of `store.port.Callbacks`, run against every backend: one per call,
listed for staff the oldest open first, and closed once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from store.models import Callback, CallbackReason, User
from store.port import Store

AT = datetime(2030, 5, 6, 8, 0, tzinfo=UTC)


def ask(
    store: Store,
    call: str | None,
    *,
    minutes: int = 0,
    need: str = "a question about prices",
    reason: CallbackReason = "message",
    user: User | None = None,
    phone: str | None = "+15550000009",
    name: str | None = "Sam",
) -> Callback:
    """Request a callback in `call`, `minutes` after AT."""
    return store.request_callback(
        conversation_id=call,
        user_id=None if user is None else user.id,
        phone=phone,
        name=name,
        need=need,
        reason=reason,
        at=AT + timedelta(minutes=minutes),
    )


def test_a_requested_callback_is_found_by_its_call_and_listed(store: Store, alice: User) -> None:
    """A callback comes back as requested, is the one of its call, and is listed open."""
    made = ask(store, "call-1", user=alice, phone=alice.phone, name="Alice", reason="refused")
    assert (made.conversation_id, made.user_id, made.phone, made.name) == (
        "call-1",
        alice.id,
        alice.phone,
        "Alice",
    )
    assert (made.need, made.reason, made.created_at) == ("a question about prices", "refused", AT)
    assert (made.done_at, made.done_by) == (None, None)
    assert store.callback_of("call-1") == made
    assert store.callback_of("call-2") is None
    assert store.list_callbacks() == [made]


def test_a_call_has_one_callback_which_a_second_request_updates(store: Store) -> None:
    """Asking again in the same call updates its need and reason, and who where it says
    more; the callback keeps its id and when it was first asked for."""
    first = ask(store, "call-1", phone=None, name="Sam")
    second = ask(
        store, "call-1", minutes=3, need="move my visit", reason="transfer_failed", name=None
    )
    assert (second.id, second.created_at) == (first.id, AT)
    assert (second.need, second.reason) == ("move my visit", "transfer_failed")
    assert (second.phone, second.name) == ("+15550000009", "Sam")
    assert store.list_callbacks() == [second]


def test_requests_outside_a_call_are_each_their_own(store: Store) -> None:
    """Callbacks requested without a call are never merged."""
    ask(store, None)
    ask(store, None, minutes=1)
    assert len(store.list_callbacks()) == 2


def test_callbacks_are_listed_oldest_open_first_then_latest_done(store: Store) -> None:
    """Open callbacks come first, the oldest first; then done ones, the latest done first;
    by default only the open ones, and at most `limit`."""
    old, new, done_first, done_last = (ask(store, f"call-{i}", minutes=i) for i in range(4))
    store.close_callback(done_first.id, at=AT + timedelta(hours=1))
    store.close_callback(done_last.id, at=AT + timedelta(hours=2))
    assert [c.id for c in store.list_callbacks()] == [old.id, new.id]
    every = [old.id, new.id, done_last.id, done_first.id]
    assert [c.id for c in store.list_callbacks(open_only=False)] == every
    assert [c.id for c in store.list_callbacks(open_only=False, limit=3)] == every[:3]
    assert [c.id for c in store.list_callbacks(limit=1)] == [old.id]


def test_a_callback_is_closed_once(store: Store) -> None:
    """Closing records when and by whom; closing again changes nothing."""
    made = ask(store, "call-1")
    done = store.close_callback(made.id, at=AT + timedelta(hours=1), by="Maria")
    assert (done.id, done.done_at, done.done_by) == (made.id, AT + timedelta(hours=1), "Maria")
    assert store.close_callback(made.id, at=AT + timedelta(hours=2), by="Kim") == done
    assert store.callback_of("call-1") == done
    assert store.list_callbacks() == []


def test_an_unknown_callback_cannot_be_closed(store: Store) -> None:
    """Closing a callback that does not exist raises ValueError."""
    for unknown in ("00000000-0000-4000-8000-000000000000", "not-an-id"):
        with pytest.raises(ValueError):
            store.close_callback(unknown, at=AT)


def test_a_bad_number_reason_or_user_is_refused(store: Store) -> None:
    """A number that is not E.164, an unknown reason or an unknown user raises ValueError."""
    with pytest.raises(ValueError):
        ask(store, "call-1", phone="555 0199")
    with pytest.raises(ValueError):
        ask(store, "call-1", reason="bored")  # type: ignore[arg-type]
    ghost = User("00000000-0000-4000-8000-000000000000", "+15550000008", None, AT)
    with pytest.raises(ValueError):
        ask(store, "call-1", user=ghost)
    assert store.list_callbacks(open_only=False) == []
