"""The select node: which of the caller's own appointments a cancel or a move is about."""

from __future__ import annotations

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, Pending
from nodes import phrases
from nodes.select import MAX_CHOICES, select
from store.sqlite import SqliteStore
from tests.states import booked, said, task

FRIDAY_10 = "2026-11-27T10:00:00-08:00"
THURSDAY_9 = "2026-12-03T09:00:00-08:00"


def test_the_only_appointment_is_read_back_for_a_cancel(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """With one appointment, "cancel my appointment" goes straight to its read-back."""
    [mine] = booked(store, sam.user_id or "", FRIDAY_10)
    sam.task = task("cancel")
    update = select(sam, runtime=runtime)
    pending = Pending(kind="cancel", appointment_id=mine["id"], appointment_start=FRIDAY_10)
    assert update.get("task") == task("cancel", target=mine, pending=pending)
    assert "speech" not in update  # confirm reads it back


def test_several_appointments_are_asked_about(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """With two appointments the caller is asked which, and both are kept for the pick."""
    mine = booked(store, sam.user_id or "", FRIDAY_10, THURSDAY_9)
    sam.task = task("cancel")
    update = select(sam, runtime=runtime)
    question = phrases.which_appointment(
        "Friday, November 27th at 10 AM or Thursday, December 3rd at 9 AM"
    )
    assert said(update) == question and update.get("question") == question
    assert update.get("stage") == "ask_appointment"
    assert update.get("task") == task("cancel", choices=mine)


def test_the_day_said_for_a_cancel_names_the_appointment(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """ "Cancel my appointment on December 3rd" reads back that one without asking which."""
    _, thursday = booked(store, sam.user_id or "", FRIDAY_10, THURSDAY_9)
    sam.task = task("cancel", wish={"day": "2026-12-03"})
    pending = (select(sam, runtime=runtime).get("task") or task())["pending"]
    assert pending is not None and pending.get("appointment_id") == thursday["id"]


def test_a_caller_with_many_appointments_hears_three_and_keeps_a_bounded_pick(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """Past three the question says "or a later one"; the pick keeps at most MAX_CHOICES."""
    starts = [f"2026-12-{day:02d}T10:00:00-08:00" for day in range(1, MAX_CHOICES + 3)]
    booked(store, sam.user_id or "", *starts)
    sam.task = task("reschedule")
    update = select(sam, runtime=runtime)
    assert said(update).endswith(", or a later one?")
    assert len((update.get("task") or task())["choices"]) == MAX_CHOICES


def test_no_appointment_says_so_and_drops_the_task(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """With nothing booked, or nothing on the day named, the caller hears so and the task goes."""
    sam.task = task("cancel")
    update = select(sam, runtime=runtime)
    assert said(update) == f"{phrases.NO_APPOINTMENTS} {phrases.ANYTHING_ELSE}"
    assert update.get("task") == task() and update.get("stage") == "ask_request"
    booked(store, sam.user_id or "", THURSDAY_9)
    sam.task = task("cancel", wish={"day": "2026-11-27"})
    update = select(sam, runtime=runtime)
    assert said(update).startswith("I don't see an appointment of yours on Friday, November 27th.")
    assert update.get("task") == task()


def test_a_move_with_a_new_time_goes_on_to_search(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """ "Move my appointment to Monday at 10" picks the only one and keeps the new time."""
    [mine] = booked(store, sam.user_id or "", FRIDAY_10)
    sam.task = task("reschedule", wish={"day": "2026-11-30", "at": "10:00"})
    update = select(sam, runtime=runtime)
    moving = task("reschedule", wish={"day": "2026-11-30", "at": "10:00"}, target=mine)
    assert update == {"task": moving}  # nothing said: the router goes on to search


def test_a_move_without_a_time_asks_when_to(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """ "Move my appointment" with one booked asks when to, keeping the one to move."""
    [mine] = booked(store, sam.user_id or "", FRIDAY_10)
    sam.task = task("reschedule")
    update = select(sam, runtime=runtime)
    assert said(update) == phrases.ASK_MOVE_WHEN and update.get("stage") == "ask_request"
    assert update.get("task") == task("reschedule", target=mine)
