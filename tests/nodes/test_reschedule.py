"""The reschedule node: a move takes the new slot and frees the old one in one write, or
changes nothing."""

from __future__ import annotations

from datetime import datetime

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import Booked, CallState, Pending
from nodes import phrases
from nodes.reschedule import reschedule
from store.sqlite import SqliteStore
from tests.states import booked, said, task

FRIDAY_10 = "2026-11-27T10:00:00-08:00"
MONDAY_10 = "2026-11-30T10:00:00-08:00"


def _moving(appointment: Booked, to: str = MONDAY_10) -> Pending:
    return Pending(
        kind="reschedule",
        slot=to,
        appointment_id=appointment["id"],
        appointment_start=appointment["start"],
        key="c1:3:reschedule",
    )


def _starts(store: SqliteStore, user_id: str) -> list[datetime]:
    return [a.start for a in store.list_appointments(user_id)]


def test_a_move_takes_the_new_slot_and_frees_the_old_one(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """After a yes the caller holds the new time only, hears it, and the move is recorded."""
    [mine] = booked(store, sam.user_id or "", FRIDAY_10)
    sam.task = task("reschedule", target=mine, pending=_moving(mine))
    update = reschedule(sam, runtime=runtime)
    assert said(update) == (
        f"Done. Your appointment is moved to Monday, November 30th at 10 AM. "
        f"{phrases.ANYTHING_ELSE}"
    )
    assert _starts(store, sam.user_id or "") == [datetime.fromisoformat(MONDAY_10)]
    [moved] = update.get("outcomes") or []
    assert moved == {
        "kind": "rescheduled",
        "appointment_id": moved["appointment_id"],
        "from": FRIDAY_10,
        "start": MONDAY_10,
    }
    assert [a.id for a in store.list_appointments(sam.user_id or "")] == [moved["appointment_id"]]
    assert update.get("wrote") is True and update.get("task") == task()


def test_a_slot_taken_since_the_read_back_moves_nothing(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """Someone else took the new time meanwhile: the caller hears so, keeps the old time,
    and the move stays in hand for fresh options."""
    [mine] = booked(store, sam.user_id or "", FRIDAY_10)
    booked(store, store.create_user(phone="+12125551234").id, MONDAY_10)
    sam.task = task("reschedule", target=mine, pending=_moving(mine))
    update = reschedule(sam, runtime=runtime)
    assert update.get("notice") == "slot_taken"
    assert said(update) == "Sorry, Monday, November 30th at 10 AM was just taken by someone else."
    assert update.get("task") == task("reschedule", target=mine)
    assert _starts(store, sam.user_id or "") == [datetime.fromisoformat(FRIDAY_10)]


def test_moving_an_appointment_that_is_gone_says_so(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """An appointment cancelled meanwhile cannot move: nothing is booked in its place."""
    [mine] = booked(store, sam.user_id or "", FRIDAY_10)
    store.cancel(user_id=sam.user_id or "", appointment_id=mine["id"], idempotency_key="other")
    sam.task = task("reschedule", target=mine, pending=_moving(mine))
    update = reschedule(sam, runtime=runtime)
    assert said(update).startswith("I don't see an appointment of yours on Friday, November 27th")
    assert update.get("wrote") is False and update.get("task") == task()
    assert store.list_appointments(sam.user_id or "") == []
