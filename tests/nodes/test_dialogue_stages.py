"""Answers to the task's own questions: a read-back, offered slots, which appointment."""

from __future__ import annotations

from datetime import date, time

import pytest

from graph.routing import route_turn
from graph.state import Booked, CallState, Pending
from graph.understanding import Understanding, When
from nodes.dialogue import track
from tests.states import KNOWN, offering, reading_back, task

OFFERS = ["2026-11-26T12:00:00-08:00", "2026-11-26T12:30:00-08:00", "2026-11-26T13:00:00-08:00"]
FRIDAY = ["2026-11-27T09:00:00-08:00", "2026-11-27T09:30:00-08:00", "2026-11-27T10:00:00-08:00"]
READ_BACK = "Just to confirm: book you for Thursday, November 26th at noon?"


def test_second_one_picks_the_second_offer() -> None:
    """ "The second one" while slots are offered reads back the second slot."""
    update = track(offering(OFFERS), Understanding(text="the second one", choice=1))
    assert update["act"] == "choose"
    assert update["task"]["pending"] == Pending(kind="book", slot=OFFERS[1])


def test_a_time_picks_the_matching_offer() -> None:
    """ "12:30 works" picks the offer at 12:30."""
    update = track(offering(OFFERS), Understanding(text="12:30 works", when=When(at=time(12, 30))))
    assert update["task"]["pending"] == Pending(kind="book", slot=OFFERS[1])


def test_a_no_with_a_new_time_at_an_offer_keeps_the_wished_day() -> None:
    """ "No, book it at 6 pm on that day" searches 6 PM on the day of the offers."""
    heard = Understanding(
        text="No, book it at 6 pm on that day", intent="book", affirm=False, when=When(at=time(18))
    )
    update = track(offering(FRIDAY, wish={"day": "2026-11-27"}), heard)
    assert update["act"] == "search"
    assert update["task"]["wish"] == {"day": "2026-11-27", "at": "18:00"}


def test_a_time_alone_at_offers_all_on_one_day_means_that_day() -> None:
    """With no day wished, a new time at offers that share one day is on that day."""
    heard = Understanding(text="no, how about 2", affirm=False, when=When(at=time(14)))
    update = track(offering(FRIDAY, wish={"earliest": "09:00"}), heard)
    assert update["task"]["wish"] == {"day": "2026-11-27", "at": "14:00"}


@pytest.mark.parametrize(
    ("said", "wish"),
    [("a bit later?", {"earliest": "10:00"}), ("anything earlier?", {"latest": "09:00"})],
)
def test_later_or_earlier_moves_the_wish_past_the_offers(said: str, wish: dict[str, str]) -> None:
    """ "Anything later?" asks for slots after the ones offered, not just other ones."""
    state = offering(FRIDAY, wish={"day": "2026-11-27", "part_of_day": "morning"})
    update = track(state, Understanding(text=said, more=True))
    assert update["act"] == "more"
    assert update["task"]["wish"] == {"day": "2026-11-27", **wish}


def test_correction_at_read_back_keeps_the_day() -> None:
    """ "Actually make it 4pm" at the read-back keeps the day and changes the time."""
    pending = Pending(kind="book", slot="2026-11-26T14:00:00-08:00")
    state = reading_back(pending, wish={"day": "2026-11-26", "at": "14:00"})
    update = track(
        state, Understanding(text="actually make it 4pm", correction=True, when=When(at=time(16)))
    )
    assert update["act"] == "search"
    assert update["task"]["wish"] == {"day": "2026-11-26", "at": "16:00"}
    assert update["task"]["pending"] is None


def test_yes_at_read_back_affirms_but_yes_elsewhere_does_not_write() -> None:
    """A yes is an affirmation only while a write is read back."""
    pending = Pending(kind="book", slot=OFFERS[0], said=READ_BACK)
    confirm = reading_back(pending, reply=READ_BACK)
    assert track(confirm, Understanding(text="yes", affirm=True))["act"] == "affirm"
    idle = CallState(**KNOWN, stage="ask_request")
    assert track(idle, Understanding(text="yes", affirm=True))["act"] == "prompt"


@pytest.mark.parametrize(
    "heard",
    [
        "Sorry, which day did you mean?",  # another question asked since the read-back
        "Just to confirm: book you for Thu",  # the read-back cut short by a barge-in
        f"{READ_BACK} Could you give me the date?",
    ],
)
def test_a_yes_to_anything_but_the_read_back_just_heard_reads_it_back_again(heard: str) -> None:
    """A yes writes only as the answer to the read-back the caller heard last."""
    pending = Pending(kind="book", slot=OFFERS[0], said=READ_BACK, key="c1:3:book")
    state = reading_back(pending, reply=heard)
    update = track(state, Understanding(text="ok", affirm=True))
    assert update["act"] == "choose" and "task" not in update
    assert route_turn(CallState(**KNOWN, act="choose", task=task("book", pending=pending))) == (
        "confirm"
    )


def test_a_time_alone_for_a_move_keeps_the_appointments_day() -> None:
    """ "2pm" to "When would you like to move it to?" means 2 PM on the appointment's day."""
    target = Booked(id="a9", start="2026-11-30T10:00:00-08:00")
    state = CallState(**KNOWN, stage="ask_request", task=task("reschedule", target=target))
    update = track(state, Understanding(text="2pm", when=When(at=time(14))))
    assert update["act"] == "search"
    assert update["task"]["wish"] == {"day": "2026-11-30", "at": "14:00"}


def test_the_appointment_named_by_its_day_is_the_one_picked() -> None:
    """ "The one on December 3rd" picks that appointment; a bare yes picks nothing of two."""
    choices = [
        Booked(id="a1", start="2026-11-27T09:00:00-08:00"),
        Booked(id="a2", start="2026-12-03T09:00:00-08:00"),
    ]
    state = CallState(**KNOWN, stage="ask_appointment", task=task("cancel", choices=choices))
    named = Understanding(text="the one on December 3rd", when=When(day=date(2026, 12, 3)))
    update = track(state, named)
    assert update["act"] == "select" and update["task"]["target"] == choices[1]
    assert track(state, Understanding(text="yes", affirm=True))["act"] == "unclear"
