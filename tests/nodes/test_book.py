"""The book node: the only place a booking is written, once, and never over someone else's."""

from __future__ import annotations

from datetime import datetime

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, Pending
from nodes.book import book
from store.sqlite import SqliteStore
from tests.states import said, task

MONDAY_10 = "2026-11-30T10:00:00-08:00"


def test_a_slot_taken_since_the_offer_is_not_booked_twice(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """Booking a slot someone else just took says so and leaves one booking in the database."""
    other = store.create_user(phone="+12125551234")
    store.book(
        user_id=other.id,
        start=datetime.fromisoformat(MONDAY_10),
        duration_min=30,
        idempotency_key="other",
    )
    sam.task = task("book", pending=Pending(kind="book", slot=MONDAY_10, key="c1:3:book"))
    update = book(sam, runtime=runtime)
    assert update.get("notice") == "slot_taken"
    assert "just taken" in said(update)
    assert store.list_appointments(sam.user_id or "") == []


def test_a_booking_is_confirmed_recorded_and_the_task_cleared(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """A yes books the slot, says so, records the outcome and asks "anything else?"."""
    sam.task = task("book", pending=Pending(kind="book", slot=MONDAY_10, key="c1:3:book"))
    update = book(sam, runtime=runtime)
    assert said(update).startswith("You're booked for Monday, November 30th at 10 AM.")
    assert update.get("wrote") is True and update.get("task") == task()
    [booked] = store.list_appointments(sam.user_id or "")
    assert [o["appointment_id"] for o in update.get("outcomes") or []] == [booked.id]
    again = book(sam, runtime=runtime)  # the same yes replayed: the same booking
    assert [o["appointment_id"] for o in again.get("outcomes") or []] == [booked.id]
    assert len(store.list_appointments(sam.user_id or "")) == 1
