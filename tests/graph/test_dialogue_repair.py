"""Repair readings: a no is a goodbye only when bare, offers keep the day, the callback offer
keeps the task."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from graph.state import CallState, Pending, Resume
from nodes import phrases
from nodes.dialogue import track
from nodes.understanding.types import Intent, Understanding, When

KNOWN: dict[str, Any] = {"user_id": "u1", "phone": "+14155550123", "caller_name": "Sam"}
FRIDAY = ["2026-11-27T09:00:00-08:00", "2026-11-27T09:30:00-08:00", "2026-11-27T10:00:00-08:00"]
OFFERING = {**KNOWN, "stage": "offer_slots", "task": "book", "offers": FRIDAY}


@pytest.mark.parametrize("said", ["no", "no thanks", "nope, that's all", "No thank you, bye."])
def test_a_bare_no_to_anything_else_ends_the_call(said: str) -> None:
    """Only a no with nothing else in it, said to "anything else?", is a goodbye."""
    state = CallState(**KNOWN, stage="ask_request", question=phrases.ANYTHING_ELSE)
    intent: Intent | None = "goodbye" if said != "no" else None
    assert track(state, Understanding(text=said, intent=intent, affirm=False))["act"] == "goodbye"


@pytest.mark.parametrize(
    "said",
    ["That won't work, I'd like to find another place", "No, that's all wrong", "no, not that"],
)
def test_a_no_that_carries_something_new_never_ends_the_call(said: str) -> None:
    """A no followed by words we cannot read is asked about, not taken as a goodbye."""
    state = CallState(**KNOWN, stage="ask_request")
    intent: Intent | None = "goodbye" if "that's all" in said else None
    update = track(state, Understanding(text=said, intent=intent, affirm=False))
    assert update["act"] == "unclear"


def test_a_no_with_a_new_request_is_that_request() -> None:
    """ "No, but can I book Friday?" at "anything else?" searches Friday."""
    state = CallState(**KNOWN, stage="ask_request")
    heard = Understanding(
        text="no, but can I book Friday",
        intent="book",
        affirm=False,
        when=When(day=date(2026, 11, 27)),
    )
    update = track(state, heard)
    assert (update["act"], update["wish"]) == ("search", {"day": "2026-11-27"})


def test_a_bare_no_to_what_day_would_suit_drops_the_task_but_keeps_the_call() -> None:
    """With a task in hand a bare no sets it aside and asks "anything else?"; the call goes on."""
    state = CallState(**KNOWN, stage="ask_request", task="book", wish={"day": "2026-11-27"})
    heard = Understanding(text="no thanks", intent="goodbye", affirm=False)
    assert track(state, heard)["act"] == "not_now"


def test_yes_thats_it_at_an_offer_is_not_a_goodbye() -> None:
    """ "Yes, that's it" picks the only offer, and with several offers asks which one."""
    heard = Understanding(text="yes, that's it", intent="goodbye", affirm=True)
    one = CallState(**{**OFFERING, "offers": FRIDAY[:1]})
    assert track(one, heard)["pending"] == Pending(kind="book", slot=FRIDAY[0])
    assert track(CallState(**OFFERING), heard)["act"] == "unclear"


def test_no_thanks_to_offers_keeps_the_task() -> None:
    """ "No thanks" to offered slots declines them; the task and wish stay."""
    heard = Understanding(text="no thanks", intent="goodbye", affirm=False)
    update = track(CallState(**OFFERING, wish={"day": "2026-11-27"}), heard)
    assert update["act"] == "deny" and "task" not in update and "wish" not in update


def test_a_no_with_a_new_time_at_an_offer_keeps_the_wished_day() -> None:
    """ "No, book it at 6 pm on that day" searches 6 PM on the day of the offers."""
    heard = Understanding(
        text="No, book it at 6 pm on that day", intent="book", affirm=False, when=When(at=time(18))
    )
    update = track(CallState(**OFFERING, wish={"day": "2026-11-27"}), heard)
    assert (update["act"], update["wish"]) == ("search", {"day": "2026-11-27", "at": "18:00"})


def test_a_time_alone_at_offers_all_on_one_day_means_that_day() -> None:
    """With no day wished, a new time at offers that share one day is on that day."""
    heard = Understanding(text="no, how about 2", affirm=False, when=When(at=time(14)))
    update = track(CallState(**OFFERING, wish={"earliest": "09:00"}), heard)
    assert update["wish"] == {"day": "2026-11-27", "at": "14:00"}


def test_declining_the_callback_offer_returns_to_the_task() -> None:
    """After repeated misunderstandings a no to the callback goes back; nothing is dropped."""
    back = Resume(stage="offer_slots", question="I have ... Which one works for you?")
    state = CallState(**OFFERING, wish={"day": "2026-11-27"}, resume=back)
    state.stage = "take_message"
    update = track(state, Understanding(text="no", affirm=False))
    assert update["act"] == "resume" and "task" not in update and "wish" not in update


def test_a_request_in_answer_to_the_callback_offer_is_handled_as_a_request() -> None:
    """ "Book Monday at 10" said to our callback offer books, it is not filed as a message."""
    back = Resume(stage="ask_request", question="How can I help you today?")
    state = CallState(**KNOWN, stage="take_message", resume=back)
    heard = Understanding(
        text="book Monday at 10", intent="book", when=When(day=date(2026, 11, 30), at=time(10))
    )
    update = track(state, heard)
    assert update["act"] == "search" and update["resume"] is None
    assert update["wish"] == {"day": "2026-11-30", "at": "10:00"}


def test_a_time_for_the_task_in_answer_to_the_callback_offer_keeps_the_day() -> None:
    """ "At 2 then" to our callback offer searches 2 PM on the day already chosen."""
    back = Resume(stage="offer_slots", question="Which one works for you?")
    state = CallState(**OFFERING, wish={"day": "2026-11-27"}, resume=back)
    state.stage = "take_message"
    update = track(state, Understanding(text="at 2 then", when=When(at=time(14))))
    assert (update["act"], update["wish"]) == ("search", {"day": "2026-11-27", "at": "14:00"})


def test_a_no_to_a_requested_callback_still_drops_it() -> None:
    """When the caller asked for a person, "no, forget it" drops the message and the task."""
    state = CallState(**KNOWN, stage="take_message")
    update = track(state, Understanding(text="no, forget it", intent="never_mind", affirm=False))
    assert update["act"] == "never_mind"


def test_confirm_my_appointment_on_a_day_is_checked_not_listed() -> None:
    """ "Confirm my appointment on March 7th at 11:30" is checked against the calendar."""
    state = CallState(**KNOWN, stage="ask_request")
    when = When(day=date(2027, 3, 7), at=time(11, 30))
    said = "Confirm my appointment on March 7th at 11:30"
    assert track(state, Understanding(text=said, intent="list", when=when))["act"] == "check"
    asked = Understanding(
        text="Can you confirm an appointment for March 7th at 11:30?", intent="book", when=when
    )
    assert track(state, asked)["act"] == "check"
    listed = Understanding(text="what do I have on March 7th", intent="list", when=when)
    assert track(state, listed)["act"] == "list"


def test_yes_with_a_goodbye_at_a_read_back_still_confirms() -> None:
    """ "Yes, thanks, bye" to a read-back is a yes: the caller leaves expecting it done."""
    said = "Just to confirm: book you for Friday?"
    pending = Pending(kind="book", slot=FRIDAY[0], said=said)
    state = CallState(**KNOWN, stage="confirm", pending=pending, reply=said)
    heard = Understanding(text="yes, thanks, bye", intent="goodbye", affirm=True)
    assert track(state, heard)["act"] == "affirm"


def test_a_no_asking_for_a_different_time_after_a_booking_moves_that_booking() -> None:
    """ "No, can I get a different time?" just after booking asks when to move it to."""
    booked = {"kind": "booked", "appointment_id": "a9", "start": FRIDAY[0]}
    state = CallState(**KNOWN, stage="ask_request", outcomes=[booked])
    heard = Understanding(text="No, can I get a different time?", affirm=False, more=True)
    update = track(state, heard)
    assert (update["act"], update["task"], update["wish"]) == ("select", "reschedule", {})
    assert update["target"] == {"id": "a9", "start": FRIDAY[0]}


@pytest.mark.parametrize(
    ("said", "wish"),
    [("a bit later?", {"earliest": "10:00"}), ("anything earlier?", {"latest": "09:00"})],
)
def test_later_or_earlier_moves_the_wish_past_the_offers(said: str, wish: dict[str, str]) -> None:
    """ "Anything later?" asks for slots after the ones offered, not just other ones."""
    state = CallState(**OFFERING, wish={"day": "2026-11-27", "part_of_day": "morning"})
    update = track(state, Understanding(text=said, more=True))
    assert (update["act"], update["wish"]) == ("more", {"day": "2026-11-27", **wish})


def test_a_pick_or_a_question_in_answer_to_the_callback_offer_goes_back_to_the_offers() -> None:
    """ "The second one" to our callback offer picks the offer; a list returns there after."""
    back = Resume(stage="offer_slots", question="I have ... Which one works for you?")
    state = CallState(**OFFERING, resume=back)
    state.stage = "take_message"
    picked = track(state, Understanding(text="the second one", choice=1))
    assert picked["pending"] == Pending(kind="book", slot=FRIDAY[1])
    listed = track(state, Understanding(text="what do I have booked", intent="list"))
    assert (listed["act"], listed["stage"], listed["question"]) == ("list", *back.values())


def test_after_a_yes_to_our_callback_offer_a_request_is_still_a_request() -> None:
    """After a yes to our callback offer, "book the second one" is the pick, not a message."""
    back = Resume(stage="offer_slots", question="I have ... Which one works for you?")
    state = CallState(**OFFERING, resume=back, act="human")
    state.stage = "take_message"
    update = track(state, Understanding(text="book the second one", intent="book", choice=1))
    assert update["act"] == "choose" and update["pending"]["slot"] == FRIDAY[1]


def test_after_a_yes_to_our_callback_offer_other_words_are_the_message() -> None:
    """Words that ask for nothing we can do are the message once the caller chose to leave one."""
    back = Resume(stage="ask_request", question=phrases.HOW_CAN_I_HELP)
    state = CallState(**KNOWN, resume=back, act="human", stage="take_message")
    update = track(state, Understanding(text="tell them the parking was full"))
    assert update["act"] == "message" and update["message"] == "tell them the parking was full"


def test_a_time_alone_for_a_move_keeps_the_appointments_day() -> None:
    """ "2pm" to "When would you like to move it to?" means 2 PM on the appointment's day."""
    target = {"id": "a9", "start": "2026-11-30T10:00:00-08:00"}
    state = CallState(**KNOWN, stage="ask_request", task="reschedule", target=target)
    update = track(state, Understanding(text="2pm", when=When(at=time(14))))
    assert (update["act"], update["wish"]) == ("search", {"day": "2026-11-30", "at": "14:00"})
