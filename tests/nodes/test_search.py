"""The search node: free slots for the wish, an exact match read back, or honest reasons."""

from __future__ import annotations

from datetime import datetime

from langgraph.runtime import Runtime

from business.calendar import MAIN, BusinessCalendar
from graph.context import CallContext
from graph.state import CallState, Pending, Task
from nodes import phrases
from nodes.search import search
from tests.conftest import NOW
from tests.states import said, task

MONDAY_10 = "2026-11-30T10:00:00-08:00"


def _task(update_task: Task | None) -> Task:
    assert update_task is not None, "search always sets the task"
    return update_task


def test_an_exact_free_wish_goes_straight_to_read_back(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """A wish for a free exact time becomes the pending booking without a list of offers."""
    sam.task = task("book", wish={"day": "2026-11-30", "at": "10:00"})
    update = search(sam, runtime=runtime)
    assert _task(update.get("task"))["pending"] == Pending(kind="book", slot=MONDAY_10, staff=MAIN)
    assert "speech" not in update  # confirm reads it back


def test_a_past_wish_gets_the_reason_and_real_options(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """A day already gone is named as such and only bookable slots are offered."""
    sam.task = task("book", wish={"day": "2026-11-20", "at": "10:00"})
    update = search(sam, runtime=runtime)
    assert (update.get("speech") or [])[0] == "That time has already passed."
    offers = _task(update.get("task"))["offers"]
    assert offers and all(datetime.fromisoformat(s) > NOW for s in offers)


def test_a_time_off_the_grid_gets_the_honest_reason(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """ "A quarter past nine" is between slot starts, not outside opening hours."""
    sam.task = task("book", wish={"day": "2026-11-27", "at": "09:15"})
    reply = said(search(sam, runtime=runtime))
    assert reply.startswith("We book on the hour and half hour.")
    assert "9 AM" in reply and "9:30 AM" in reply and "opening hours" not in reply


def test_a_day_beyond_the_horizon_says_how_far_we_book(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """A day past the horizon names the last bookable day."""
    sam.task = task("book", wish={"day": "2027-03-15", "at": "10:00"})
    assert "I can book up to Sunday, January 24th, 2027." in said(search(sam, runtime=runtime))


def test_anything_else_at_a_read_back_moves_on_from_the_slot_read_back(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """ "None of those work" at a read-back offers other slots, never the one read back."""
    slot = "2026-11-27T10:00:00-08:00"
    sam.act = "more"
    sam.task = task(
        "book",
        wish={"day": "2026-11-27", "at": "10:00"},
        pending=Pending(kind="book", slot=slot),
    )
    found = _task(search(sam, runtime=runtime).get("task"))
    assert found["pending"] is None and slot not in found["offers"]
    assert slot in found["already_offered"]


def test_no_openings_at_all_asks_anything_else_not_a_day(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """With nothing open within the horizon the reply still asks one question, not a day."""
    closed = CallContext(
        store=runtime.context.store,
        understander=runtime.context.understander,
        calendar=BusinessCalendar(hours={}),
        clock=runtime.context.clock,
    )
    sam.task = task("book")
    update = search(sam, runtime=Runtime(context=closed))
    assert said(update).endswith(phrases.ANYTHING_ELSE)
    assert _task(update.get("task")) == task()
