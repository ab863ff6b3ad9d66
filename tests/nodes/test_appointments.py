"""The caller's own appointments: upcoming ones in business time, picked by day, said short."""

from __future__ import annotations

from datetime import date

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import Booked, CallState
from nodes.appointments import on_day, say_appointments, upcoming
from store.sqlite import SqliteStore
from tests.states import booked

TODAY = date(2026, 11, 25)
FRIDAY = Booked(id="a1", start="2026-11-27T10:00:00-08:00")
NEXT_WEDNESDAY = Booked(id="a2", start="2026-12-02T09:00:00-08:00")
NEXT_FRIDAY = Booked(id="a3", start="2026-12-04T15:00:00-08:00")
MINE = [FRIDAY, NEXT_WEDNESDAY, NEXT_FRIDAY]


def test_only_booked_appointments_from_now_on_are_upcoming_in_business_time(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """Past and cancelled appointments are left out; the rest soonest first, in local time."""
    user_id = sam.user_id or ""
    past, later, sooner, dropped = booked(
        store,
        user_id,
        "2026-11-20T10:00:00-08:00",
        "2026-12-02T09:00:00-08:00",
        "2026-11-27T10:00:00-08:00",
        "2026-11-30T11:00:00-08:00",
    )
    store.cancel(user_id=user_id, appointment_id=dropped["id"], idempotency_key="x")
    assert upcoming(runtime.context, user_id) == [sooner, later]
    assert past not in upcoming(runtime.context, user_id)


def test_the_day_named_picks_that_days_appointment() -> None:
    """ "The one on December 2nd" is that appointment."""
    assert on_day(MINE, date(2026, 12, 2)) == [NEXT_WEDNESDAY]


def test_a_weekday_named_falls_back_to_the_appointment_on_that_weekday() -> None:
    """ "Cancel the Wednesday one" said today means the Wednesday they have booked, a week on."""
    assert on_day(MINE, TODAY) == [NEXT_WEDNESDAY]  # today is a Wednesday with nothing booked
    assert on_day(MINE, date(2026, 11, 27)) == [FRIDAY]  # the exact day wins over its weekday
    assert on_day(MINE, date(2026, 11, 30)) == []  # no Monday at all


def test_appointments_are_said_as_choices_or_as_a_list_of_three_at_most() -> None:
    """Three are said in full; a fourth is "a later one" as a choice, counted in a list."""
    four = [*MINE, Booked(id="a4", start="2026-12-07T09:00:00-08:00")]
    assert say_appointments(MINE[:2], today=TODAY) == (
        "Friday, November 27th at 10 AM or Wednesday, December 2nd at 9 AM"
    )
    assert say_appointments(four, today=TODAY).endswith(
        "Friday, December 4th at 3 PM, or a later one"
    )
    assert say_appointments(four, today=TODAY, word="and").endswith(
        "Friday, December 4th at 3 PM, and 1 more"
    )
