"""The retrieve node: the caller's upcoming appointments read out, then back to the question."""

from __future__ import annotations

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState
from nodes import phrases
from nodes.retrieve import retrieve
from store.sqlite import SqliteStore
from tests.states import booked, said, task

OFFER_QUESTION = "I have Friday, November 27th at 9 AM or 9:30 AM. Which one works for you?"


def test_at_most_three_are_read_out_and_the_rest_counted(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """Five appointments: the first three soonest first, "and 2 more", then "anything else?"."""
    days = (3, 1, 2, 4, 7)  # booked out of order
    booked(store, sam.user_id or "", *(f"2026-12-{d:02d}T09:00:00-08:00" for d in days))
    sam.stage = "ask_request"
    update = retrieve(sam, runtime=runtime)
    assert said(update) == (
        "You have 5 upcoming appointments: Tuesday, December 1st at 9 AM, "
        "Wednesday, December 2nd at 9 AM, Thursday, December 3rd at 9 AM, and 2 more. "
        f"{phrases.ANYTHING_ELSE}"
    )
    assert (update.get("stage"), update.get("question")) == ("ask_request", phrases.ANYTHING_ELSE)


def test_no_appointments_says_so(sam: CallState, runtime: Runtime[CallContext]) -> None:
    """With nothing booked the caller hears that, not an empty list."""
    update = retrieve(sam, runtime=runtime)
    assert said(update) == f"{phrases.NO_APPOINTMENTS} {phrases.ANYTHING_ELSE}"


def test_mid_task_the_pending_question_is_asked_again(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """ "What do I have?" while slots are offered lists, then asks the offer again."""
    booked(store, sam.user_id or "", "2026-11-26T09:00:00-08:00")
    sam.stage, sam.question = "offer_slots", OFFER_QUESTION
    sam.task = task("book", offers=["2026-11-27T09:00:00-08:00", "2026-11-27T09:30:00-08:00"])
    update = retrieve(sam, runtime=runtime)
    assert said(update) == (
        "You have 1 upcoming appointment: tomorrow, Thursday, November 26th at 9 AM. "
        f"Now, back to where we were: {OFFER_QUESTION}"
    )
    assert "stage" not in update and "question" not in update and "task" not in update
