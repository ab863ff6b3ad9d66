"""Repair readings: a no is a goodbye only when bare, the callback offer keeps the task,
an uncertain day is asked about and a yes to its guess settles it."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from graph.state import CallState, Pending, Resume
from nodes.dialogue import track
from nodes.understanding.types import Intent, Understanding, When

KNOWN: dict[str, Any] = {"user_id": "u1", "phone": "+14155550123", "caller_name": "Sam"}
FRIDAY = ["2026-11-27T09:00:00-08:00", "2026-11-27T09:30:00-08:00", "2026-11-27T10:00:00-08:00"]
OFFERING = {**KNOWN, "stage": "offer_slots", "task": "book", "offers": FRIDAY}


@pytest.mark.parametrize("said", ["no", "no thanks", "nope, that's all", "No thank you, bye."])
def test_a_bare_no_to_anything_else_ends_the_call(said: str) -> None:
    """Only a no with nothing else in it, said to "anything else?", is a goodbye."""
    state = CallState(**KNOWN, stage="ask_request")
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
    """With a task in hand a bare no drops it and asks "anything else?"; the call goes on."""
    state = CallState(**KNOWN, stage="ask_request", task="book", wish={"day": "2026-11-27"})
    heard = Understanding(text="no thanks", intent="goodbye", affirm=False)
    assert track(state, heard)["act"] == "never_mind"


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
    listed = Understanding(text="what do I have on March 7th", intent="list", when=when)
    assert track(state, listed)["act"] == "list"


THURSDAY = date(2026, 11, 26)


def _asked(**fields: Any) -> CallState:
    """Return the state after "Which day is that: Thursday, November 26th?" was asked."""
    return CallState(**{**KNOWN, "stage": "ask_request", "task": "book", **fields})


def test_an_uncertain_day_with_a_guess_keeps_the_guess_and_the_time() -> None:
    """The guess is kept in state as plain JSON with the time said beside the phrase."""
    heard = Understanding(
        text="book Tuesday the 26th at 3",
        intent="book",
        when=When(at=time(15), ambiguous="tuesday the 26th", guess=THURSDAY),
    )
    update = track(CallState(**KNOWN, stage="ask_request"), heard)
    assert update["act"] == "ambiguous" and update["task"] == "book"
    assert (update["guess"], update["wish"]) == ("2026-11-26", {"at": "15:00"})


def test_yes_to_the_guess_takes_that_day_and_carries_on() -> None:
    """A yes to "Which day is that: Thursday?" searches Thursday at the time said before."""
    update = track(
        _asked(guess="2026-11-26", wish={"at": "15:00"}), Understanding("yes", affirm=True)
    )
    assert update["act"] == "search" and update["guess"] is None
    assert update["wish"] == {"day": "2026-11-26", "at": "15:00"}


def test_yes_with_a_time_to_the_guess_takes_both() -> None:
    """ "Yes, at 3" takes the guessed day and 3 PM."""
    heard = Understanding(text="yes, at 3", affirm=True, when=When(at=time(15)))
    update = track(_asked(guess="2026-11-26"), heard)
    assert update["wish"] == {"day": "2026-11-26", "at": "15:00"}


def test_no_to_the_guess_asks_again_without_it() -> None:
    """A no drops the guess and asks which day; the time stays in the wish."""
    update = track(
        _asked(guess="2026-11-26", wish={"at": "15:00"}), Understanding("no", affirm=False)
    )
    assert update == {"act": "ambiguous", "guess": None, "misunderstood": 0}


def test_another_day_instead_of_the_guess_is_taken() -> None:
    """ "No, the 27th" searches the 27th, keeping the time, and forgets the guess."""
    heard = Understanding(text="no, the 27th", affirm=False, when=When(day=date(2026, 11, 27)))
    update = track(_asked(guess="2026-11-26", wish={"at": "15:00"}), heard)
    assert update["wish"] == {"day": "2026-11-27", "at": "15:00"} and update["guess"] is None


def test_a_digression_keeps_the_guess_for_the_question_asked_again() -> None:
    """Asking what is booked while the day question waits leaves the guess in place."""
    update = track(_asked(guess="2026-11-26"), Understanding(text="what do I have", intent="list"))
    assert update == {"act": "list", "misunderstood": 0}


def test_yes_to_a_guess_for_a_cancel_picks_the_appointment_that_day() -> None:
    """An uncertain day in "cancel my appointment on ..." confirmed by a yes selects that day."""
    heard = Understanding(
        text="cancel my appointment on Tuesday the 26th",
        intent="cancel",
        when=When(ambiguous="tuesday the 26th", guess=THURSDAY),
    )
    asked = track(CallState(**KNOWN, stage="ask_request"), heard)
    assert (asked["task"], asked["guess"]) == ("cancel", "2026-11-26")
    state = _asked(task="cancel", guess=asked["guess"])
    update = track(state, Understanding(text="yes", affirm=True))
    assert (update["act"], update["wish"]) == ("select", {"day": "2026-11-26"})


def test_an_uncertain_day_at_a_read_back_withdraws_it() -> None:
    """A correction to an uncertain day at the read-back drops the pending write."""
    state = CallState(
        **KNOWN,
        stage="confirm",
        task="book",
        pending=Pending(kind="book", slot=FRIDAY[0]),
    )
    heard = Understanding(
        text="actually the 31st", correction=True, when=When(ambiguous="the 31st")
    )
    assert track(state, heard)["pending"] is None


def test_yes_with_a_goodbye_at_a_read_back_still_confirms() -> None:
    """ "Yes, thanks, bye" to a read-back is a yes: the caller leaves expecting it done."""
    state = CallState(**KNOWN, stage="confirm", pending=Pending(kind="book", slot=FRIDAY[0]))
    heard = Understanding(text="yes, thanks, bye", intent="goodbye", affirm=True)
    assert track(state, heard)["act"] == "affirm"
