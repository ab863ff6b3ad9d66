"""What the write nodes share: a slot is re-checked before it is taken, results are recorded
within bounds, and a caller at the limit of appointments is refused another."""

from __future__ import annotations

from datetime import datetime

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, Outcome, Pending
from nodes import phrases
from nodes.writes import MAX_OUTCOMES, booking_of, claim, done, over_limit
from store.errors import SlotUnavailable
from store.models import Appointment
from store.sqlite import SqliteStore
from tests.states import booked, said, task

MONDAY_10 = "2026-11-30T10:00:00-08:00"


def test_a_slot_no_longer_bookable_is_not_written(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """A slot that fell inside the lead time while the caller dithered is re-checked against
    the calendar and lost: the write is never attempted and new options follow."""
    soon = Pending(kind="book", slot="2026-11-25T10:30:00-08:00", key="k")
    sam.task = task("book", wish={"day": "2026-11-25"}, pending=soon)
    tried: list[datetime] = []

    def write(start: datetime) -> Appointment:
        tried.append(start)
        raise AssertionError("a slot inside the lead time was written")

    lost = claim(runtime.context, sam, soon, booking_of(runtime.context, sam, soon), write)
    assert isinstance(lost, dict) and tried == []
    assert said(lost) == phrases.SLOT_TOO_SOON.format(
        slot="today, Wednesday, November 25th at 10:30 AM"
    )  # the truth: the clock moved, nobody took it
    assert lost.get("notice") == "slot_taken"
    assert lost.get("task") == task("book", wish={"day": "2026-11-25"})


def test_a_bookable_slot_is_written_and_a_refusal_is_a_lost_slot(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """A slot still open is written at its start; a database refusal says it was taken."""
    pending = Pending(kind="book", slot=MONDAY_10, key="k")
    sam.task = task("book", pending=pending)

    def write(start: datetime) -> Appointment:
        return store.book(
            user_id=sam.user_id or "", start=start, duration_min=30, idempotency_key="k"
        )

    made = claim(runtime.context, sam, pending, booking_of(runtime.context, sam, pending), write)
    assert isinstance(made, Appointment) and made.start == datetime.fromisoformat(MONDAY_10)

    def refused(start: datetime) -> Appointment:
        raise SlotUnavailable(start.isoformat())

    lost = claim(runtime.context, sam, pending, booking_of(runtime.context, sam, pending), refused)
    assert isinstance(lost, dict) and lost.get("notice") == "slot_taken"


def test_a_finished_write_keeps_only_the_newest_outcomes(sam: CallState) -> None:
    """The call's list of what it did stays bounded, newest kept, and the task is cleared."""
    sam.outcomes = [
        Outcome(kind="booked", appointment_id=f"a{n}", start=MONDAY_10) for n in range(MAX_OUTCOMES)
    ]
    sam.task = task("book", wish={"day": "2026-11-30"})
    newest = Outcome(kind="cancelled", appointment_id="new", start=MONDAY_10)
    update = done(sam, newest, "Your appointment is cancelled.")
    outcomes = update.get("outcomes") or []
    assert len(outcomes) == MAX_OUTCOMES and outcomes[-1] == newest
    assert outcomes[0]["appointment_id"] == "a1"
    assert update.get("task") == task() and update.get("wrote") is True
    assert said(update) == f"Your appointment is cancelled. {phrases.ANYTHING_ELSE}"
    assert done(sam, None, "Nothing to cancel.").get("wrote") is False


def test_a_caller_at_the_limit_of_appointments_is_refused_another(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """Holding the most upcoming appointments allowed, a new booking is refused with the count."""
    most = runtime.context.calendar.max_upcoming
    user_id = sam.user_id or ""
    booked(store, user_id, *(f"2026-12-{d:02d}T10:00:00-08:00" for d in range(1, most)))
    assert over_limit(runtime.context, user_id) is None
    booked(store, user_id, "2026-12-31T10:00:00-08:00")
    refused = over_limit(runtime.context, user_id)
    assert refused is not None
    assert said(refused) == f"{phrases.too_many(most)} {phrases.ANYTHING_ELSE}"
    assert refused.get("task") == task()
