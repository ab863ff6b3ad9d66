"""The summarize node: the stored outcome and a summary an analyst or a callback can use."""

from __future__ import annotations

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState
from nodes.summarize import summarize
from store.sqlite import SqliteStore

MONDAY_10 = "2026-11-30T10:00:00-08:00"


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
