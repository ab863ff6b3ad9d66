"""Single nodes against a real in-memory store and a pinned clock."""

from __future__ import annotations

from datetime import datetime

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, Pending
from nodes.book import book
from nodes.confirm import confirm
from nodes.guard import recovering
from nodes.search import search
from nodes.summarize import summarize
from store.errors import StoreUnavailable, WriteUnknown
from store.sqlite import SqliteStore
from tests.conftest import NOW

MONDAY_10 = "2026-11-30T10:00:00-08:00"


def test_read_back_says_the_absolute_date_and_sets_a_stable_key(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """The read-back names weekday, date and time; the same turn always gets the same key."""
    sam.pending = Pending(kind="book", slot=MONDAY_10)
    update = confirm(sam, runtime=runtime)
    assert update["speech"] == ["Just to confirm: book you for Monday, November 30th at 10 AM?"]
    assert update["pending"]["key"] == confirm(sam, runtime=runtime)["pending"]["key"]
    assert update["stage"] == "confirm"


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
    sam.pending = Pending(kind="book", slot=MONDAY_10, key="c1:3:book")
    update = book(sam, runtime=runtime)
    assert update["notice"] == "slot_taken"
    assert "just taken" in update["speech"][0]
    assert store.list_appointments(sam.user_id or "") == []


def test_an_exact_free_wish_goes_straight_to_read_back(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """A wish for a free exact time becomes the pending booking without a list of offers."""
    sam.wish = {"day": "2026-11-30", "at": "10:00"}
    update = search(sam, runtime=runtime)
    assert update["pending"] == Pending(kind="book", slot=MONDAY_10)


def test_a_past_wish_gets_the_reason_and_real_options(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """A day already gone is named as such and only bookable slots are offered."""
    sam.wish = {"day": "2026-11-20", "at": "10:00"}
    update = search(sam, runtime=runtime)
    assert update["speech"][0] == "That time has already passed."
    assert all(datetime.fromisoformat(s) > NOW for s in update["offers"])


def test_a_store_outage_becomes_a_sentence_and_keeps_the_read_back(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """A failing store leaves the pending write in place and tells the caller nothing changed."""

    def failing(state: CallState, *, runtime: Runtime[CallContext]) -> dict[str, object]:
        raise StoreUnavailable("connection reset")

    sam.stage, sam.question = "confirm", "Just to confirm: book you for Monday?"
    update = recovering(failing)(sam, runtime=runtime)
    assert update["notice"] == "store_down"
    assert "nothing was changed" in update["speech"][0]
    assert "stage" not in update and "pending" not in update


def test_a_write_cut_off_mid_request_is_neither_confirmed_nor_denied(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """A booking whose connection died after it was sent may have committed: the caller
    is told it is not known yet, never that nothing changed, and the read-back stays."""

    def book(state: CallState, *, runtime: Runtime[CallContext]) -> dict[str, object]:
        raise WriteUnknown("server closed the connection unexpectedly")

    sam.stage, sam.question = "confirm", "Just to confirm: book you for Monday?"
    said = recovering(book)(sam, runtime=runtime)["speech"]
    assert "can't tell yet" in said[0] and "nothing" not in said[0]
    assert said[-1] == sam.question


def test_summary_names_what_was_done(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """The stored summary says who called (number masked) and what was booked, dated absolutely."""
    sam.outcomes = [{"kind": "booked", "appointment_id": "a1", "start": MONDAY_10}]
    sam.preferences = ["Monday, November 30th"]
    summarize(sam, runtime=runtime)
    stored = store.get_conversation("c1")
    assert stored is not None
    assert stored.outcome == "booked"
    assert stored.summary == (
        "Sam Lee (phone ***23) booked Monday, November 30th at 10 AM. "
        "Asked about: Monday, November 30th."
    )
    assert stored.appointments_discussed == ["a1"]


def test_a_node_surprised_by_the_state_asks_instead_of_crashing(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """A move read back with no appointment picked writes nothing and asks what to do."""
    sam.task, sam.stage = "reschedule", "offer_slots"
    sam.pending = Pending(kind="reschedule", slot=MONDAY_10)
    update = recovering(confirm)(sam, runtime=runtime)
    assert update["pending"] is None and update["stage"] == "ask_request"
    assert update["speech"][-1].endswith("?")
    assert recovering(book)(CallState(call_id="c1"), runtime=runtime)["pending"] is None
    assert store.list_appointments(sam.user_id or "") == []
