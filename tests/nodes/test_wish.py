"""The caller's wish: corrections merged so they never contradict, said back in few words."""

from __future__ import annotations

from datetime import date, time

from graph.state import Wish
from graph.understanding import When
from nodes.wish import as_wish, describe, merge_wish, to_query

MONDAY = date(2026, 11, 30)


def test_a_new_time_keeps_the_day() -> None:
    """ "Make it 4pm" after "Monday at 10" keeps Monday."""
    assert merge_wish({"day": "2026-11-30", "at": "10:00"}, When(at=time(16))) == {
        "day": "2026-11-30",
        "at": "16:00",
    }


def test_a_new_day_replaces_a_range() -> None:
    """ "Next week" then "Wednesday" is Wednesday alone, with the time kept."""
    week: Wish = {"day_from": "2026-11-30", "day_to": "2026-12-04", "at": "10:00"}
    assert merge_wish(week, When(day=date(2026, 12, 2))) == {"day": "2026-12-02", "at": "10:00"}


def test_a_range_replaces_a_day() -> None:
    """ "Monday" then "sometime next week" searches the week, no longer Monday."""
    merged = merge_wish({"day": "2026-11-30"}, When(day_from=MONDAY, day_to=date(2026, 12, 4)))
    assert merged == {"day_from": "2026-11-30", "day_to": "2026-12-04"}


def test_a_new_time_replaces_bounds_and_part_of_day() -> None:
    """ "Afternoon, after 1" then "at 3" is 3 PM exactly: no bound is left to contradict it."""
    wish: Wish = {"day": "2026-11-30", "earliest": "13:00", "part_of_day": "afternoon"}
    assert merge_wish(wish, When(at=time(15))) == {"day": "2026-11-30", "at": "15:00"}


def test_new_bounds_replace_an_exact_time() -> None:
    """ "At 10" then "anything after 2?" drops 10 AM for the bound."""
    merged = merge_wish({"day": "2026-11-30", "at": "10:00"}, When(earliest=time(14)))
    assert merged == {"day": "2026-11-30", "earliest": "14:00"}


def test_the_other_reading_of_a_day_goes_with_that_day() -> None:
    """ "Next Friday"'s other reading is kept with its day, through a new time, and dropped
    when another day is said."""
    friday = merge_wish({}, When(day=date(2026, 12, 4), other_day=date(2026, 12, 11)))
    assert friday == {"day": "2026-12-04", "other_day": "2026-12-11"}
    at_ten = merge_wish(friday, When(at=time(10)))
    assert at_ten == {"day": "2026-12-04", "at": "10:00", "other_day": "2026-12-11"}
    assert merge_wish(at_ten, When(day=MONDAY)) == {"day": "2026-11-30", "at": "10:00"}


def test_a_wish_is_the_slot_query_it_stands_for() -> None:
    """A wish read as a query and written back is the same wish (it lives in state as JSON)."""
    wish: Wish = {"day_from": "2026-11-30", "day_to": "2026-12-04", "latest": "12:00"}
    assert to_query(wish).day_to == date(2026, 12, 4)
    assert as_wish(to_query(wish)) == wish


def test_a_wish_is_said_in_a_few_words() -> None:
    """A wish is said back with its day or range, time, part of day and bounds."""
    assert describe({"day": "2026-12-03", "at": "14:30"}) == "Thursday, December 3rd, at 2:30 PM"
    week: Wish = {"day_from": "2026-11-30", "day_to": "2026-12-04", "part_of_day": "morning"}
    assert describe(week) == "Monday, November 30th to Friday, December 4th, morning"
    assert describe({"earliest": "15:00", "latest": "17:00"}) == "after 3 PM, before 5 PM"
    assert describe({}) == ""
