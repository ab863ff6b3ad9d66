"""Uncertain days: asked about with a guess kept in state, settled by a yes or a new day."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from graph.state import CallState, DayDoubt, Pending
from nodes.dialogue import track
from nodes.understanding.types import Understanding, When

KNOWN: dict[str, Any] = {"user_id": "u1", "phone": "+14155550123", "caller_name": "Sam"}

THURSDAY = date(2026, 11, 26)


def _asked(guess: str = "2026-11-26", **fields: Any) -> CallState:
    """Return the state after "Which day is that: Thursday, November 26th?" was asked."""
    doubt = DayDoubt(phrase="tuesday the 26th", guess=guess)
    return CallState(**{**KNOWN, "stage": "ask_request", "task": "book", "doubt": doubt, **fields})


def test_an_uncertain_day_with_a_guess_keeps_the_guess_and_the_time() -> None:
    """The guess is kept in state as plain JSON with the time said beside the phrase."""
    heard = Understanding(
        text="book Tuesday the 26th at 3",
        intent="book",
        when=When(at=time(15), ambiguous="tuesday the 26th", guess=THURSDAY),
    )
    update = track(CallState(**KNOWN, stage="ask_request"), heard)
    assert update["act"] == "ambiguous" and update["task"] == "book"
    assert update["doubt"] == {"phrase": "tuesday the 26th", "guess": "2026-11-26"}
    assert update["wish"] == {"at": "15:00"}


def test_yes_to_the_guess_takes_that_day_and_carries_on() -> None:
    """A yes to "Which day is that: Thursday?" searches Thursday at the time said before."""
    update = track(
        _asked(guess="2026-11-26", wish={"at": "15:00"}), Understanding("yes", affirm=True)
    )
    assert update["act"] == "search" and update["doubt"] is None
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
    assert update["act"] == "ambiguous"
    assert update["doubt"] == {"phrase": "tuesday the 26th"}  # asked again, without the guess


def test_another_day_instead_of_the_guess_is_taken() -> None:
    """ "No, the 27th" searches the 27th, keeping the time, and forgets the guess."""
    heard = Understanding(text="no, the 27th", affirm=False, when=When(day=date(2026, 11, 27)))
    update = track(_asked(guess="2026-11-26", wish={"at": "15:00"}), heard)
    assert update["wish"] == {"day": "2026-11-27", "at": "15:00"} and update["doubt"] is None


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
    assert (asked["task"], asked["doubt"]["guess"]) == ("cancel", "2026-11-26")
    state = _asked(task="cancel")
    update = track(state, Understanding(text="yes", affirm=True))
    assert (update["act"], update["wish"]) == ("select", {"day": "2026-11-26"})


def test_an_uncertain_day_at_a_read_back_withdraws_it() -> None:
    """A correction to an uncertain day at the read-back drops the pending write."""
    state = CallState(
        **KNOWN,
        stage="confirm",
        task="book",
        pending=Pending(kind="book", slot="2026-11-27T09:00:00-08:00"),
    )
    heard = Understanding(
        text="actually the 31st", correction=True, when=When(ambiguous="the 31st")
    )
    assert track(state, heard)["pending"] is None


def test_an_uncertain_day_before_identification_is_kept_as_a_doubt() -> None:
    """ "Book the 31st at 10" before we know the caller keeps the task, the time and the doubt."""
    heard = Understanding(
        text="book the 31st at 10", intent="book", when=When(at=time(10), ambiguous="the 31st")
    )
    update = track(CallState(stage="ask_phone"), heard)
    assert (update["act"], update["task"], update["wish"]) == (
        "need_identity",
        "book",
        {"at": "10:00"},
    )
    assert update["doubt"] == {"phrase": "the 31st"}
    known = CallState(stage="ask_phone", doubt=update["doubt"])
    assert "doubt" not in track(known, Understanding(text="415 555 0123", phone="+14155550123"))
