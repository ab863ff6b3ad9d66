"""The check node: "confirm my appointment on Friday at 10" reads it out, or books it."""

from __future__ import annotations

from datetime import datetime

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState
from nodes import phrases
from nodes.check import check
from store.sqlite import SqliteStore
from tests.states import said, task


def test_confirming_an_appointment_the_caller_has_reads_it_out(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """ "Confirm my appointment on Friday at 10" with one booked then says so."""
    start = datetime.fromisoformat("2026-11-27T10:00:00-08:00")
    assert sam.user_id is not None
    store.book(user_id=sam.user_id, start=start, duration_min=30, idempotency_key="k")
    sam.act, sam.named = "check", {"day": "2026-11-27", "at": "10:00"}
    update = check(sam, runtime=runtime)
    assert said(update).startswith("Yes, you're booked for Friday, November 27th at 10 AM.")
    assert update.get("stage") == "ask_request" and "task" not in update


def test_confirming_an_appointment_the_caller_lacks_is_a_booking_request(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """With nothing booked then, "confirm my appointment" goes on to book that day and time."""
    sam.act, sam.named = "check", {"day": "2026-11-27", "at": "11:30"}
    update = check(sam, runtime=runtime)
    assert update.get("act") == "search"
    assert update.get("task") == task("book", wish={"day": "2026-11-27", "at": "11:30"})
    assert update.get("speech") == [phrases.NOT_BOOKED_THEN]
