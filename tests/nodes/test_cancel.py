"""The cancel node: the only place a cancellation is written, and only of the caller's own."""

from __future__ import annotations

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import Booked, CallState, Pending
from nodes import phrases
from nodes.cancel import cancel
from store.sqlite import SqliteStore
from tests.states import booked, said, task

FRIDAY_10 = "2026-11-27T10:00:00-08:00"


def _read_back(appointment: Booked, key: str = "c1:3:cancel") -> Pending:
    return Pending(
        kind="cancel",
        appointment_id=appointment["id"],
        appointment_start=appointment["start"],
        key=key,
    )


def test_a_yes_cancels_the_appointment_and_says_so(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """The read-back appointment is cancelled once, recorded, and the task is done."""
    [mine] = booked(store, sam.user_id or "", FRIDAY_10)
    sam.task = task("cancel", target=mine, pending=_read_back(mine))
    update = cancel(sam, runtime=runtime)
    assert said(update) == (
        f"Your appointment on Friday, November 27th at 10 AM is cancelled. {phrases.ANYTHING_ELSE}"
    )
    assert update.get("outcomes") == [
        {"kind": "cancelled", "appointment_id": mine["id"], "start": FRIDAY_10}
    ]
    assert update.get("wrote") is True and update.get("task") == task()
    assert store.list_appointments(sam.user_id or "") == []
    again = cancel(sam, runtime=runtime)  # the same yes replayed: the same cancellation
    assert again.get("outcomes") == update.get("outcomes")


def test_someone_elses_appointment_is_never_cancelled(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """An appointment id of another caller is as good as missing: it stays booked."""
    other = store.create_user(phone="+12125551234")
    [theirs] = booked(store, other.id, FRIDAY_10)
    sam.task = task("cancel", target=theirs, pending=_read_back(theirs))
    update = cancel(sam, runtime=runtime)
    assert said(update).startswith("I don't see an appointment of yours on Friday, November 27th")
    assert update.get("wrote") is False and update.get("outcomes") == []
    assert [a.id for a in store.list_appointments(other.id)] == [theirs["id"]]


def test_an_appointment_gone_since_the_read_back_says_so(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """An appointment cancelled meanwhile (another call) is not there to cancel: the caller
    hears so, nothing is recorded as done, and the task is dropped."""
    [mine] = booked(store, sam.user_id or "", FRIDAY_10)
    store.cancel(user_id=sam.user_id or "", appointment_id=mine["id"], idempotency_key="other")
    sam.task = task("cancel", target=mine, pending=_read_back(mine))
    update = cancel(sam, runtime=runtime)
    assert said(update) == (
        f"{phrases.no_appointment_then('Friday, November 27th at 10 AM')} {phrases.ANYTHING_ELSE}"
    )
    assert update.get("wrote") is False and update.get("task") == task()
