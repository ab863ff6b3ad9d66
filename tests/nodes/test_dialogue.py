"""Dialogue-state tracking: the same words mean different things under different questions.

`nodes.dialogue.track` itself: requests before identification, the identity check's
answers, new tasks, a correction just after a write, and what a turn keeps or resets.
"""

from __future__ import annotations

from datetime import date, time

from graph.state import CallState, DayDoubt, Outcome, Pending
from graph.understanding import Understanding, When
from nodes.dialogue import track
from nodes.verify import names_match
from tests.states import KNOWN, reading_back, task

BOOKED = Outcome(kind="booked", appointment_id="a9", start="2026-11-30T10:00:00-08:00")
"""The booking this call just made: Monday, November 30th at 10 AM."""


def test_request_before_identification_is_remembered() -> None:
    """A booking asked for before the phone number is kept as the task and the wish."""
    state = CallState(stage="ask_phone")
    heard = Understanding(text="book friday", intent="book", when=When(day=date(2026, 11, 27)))
    update = track(state, heard)
    assert update["act"] == "need_identity"
    assert update["task"] == task("book", wish={"day": "2026-11-27"})


def test_an_uncertain_day_before_identification_is_kept_as_a_doubt() -> None:
    """ "Book the 31st at 10" before we know the caller keeps the task, the time and the doubt."""
    heard = Understanding(
        text="book the 31st at 10", intent="book", when=When(at=time(10), ambiguous="the 31st")
    )
    update = track(CallState(stage="ask_phone"), heard)
    assert update["act"] == "need_identity"
    assert update["task"] == task("book", wish={"at": "10:00"})
    assert update["doubt"] == DayDoubt(phrase="the 31st")
    known = CallState(stage="ask_phone", doubt=update["doubt"])
    assert "doubt" not in track(known, Understanding(text="415 555 0123", phone="+14155550123"))


def test_both_answers_of_the_identity_check_at_once_are_kept_together() -> None:
    """A name said with a day answers both checks; "I don't have one" then is the day."""
    state = CallState(stage="verify_name", identity="claimed", claimed_id="u1")
    both = Understanding(text="it's Sam Lee, December 3rd", when=When(day=date(2026, 12, 3)))
    claim = track(state, both)["claim"]
    assert claim is not None and claim.get("day") == "2026-12-03"
    assert names_match("Sam Lee", claim.get("name", ""))
    named = CallState(stage="verify_day", identity="claimed", claim={"name": "Sam Lee"})
    update = track(named, Understanding(text="I don't have one"))
    assert (update["act"], update["claim"]) == ("verify", {"name": "Sam Lee", "day": "none"})


def test_unclear_utterances_are_counted_and_reset() -> None:
    """Consecutive misunderstandings are counted; anything understood resets the count."""
    state = CallState(**KNOWN, stage="ask_request", misunderstood=2)
    assert track(state, Understanding(text="zork"))["misunderstood"] == 3
    assert track(state, Understanding(text="help", intent="help"))["misunderstood"] == 0


def test_list_is_a_digression_that_keeps_the_pending_read_back() -> None:
    """Asking what is booked mid-confirmation does not drop the pending write."""
    pending = Pending(kind="book", slot="2026-11-26T12:00:00-08:00")
    state = reading_back(pending)
    update = track(state, Understanding(text="what do I have", intent="list"))
    assert update == {"act": "list", "misunderstood": 0}


def test_a_digression_keeps_the_guess_for_the_question_asked_again() -> None:
    """Asking what is booked while the day question waits leaves the guess in place."""
    doubt = DayDoubt(phrase="tuesday the 26th", guess="2026-11-26")
    state = CallState(**KNOWN, stage="ask_request", task=task("book"), doubt=doubt)
    update = track(state, Understanding(text="what do I have", intent="list"))
    assert update == {"act": "list", "misunderstood": 0}


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


def test_never_mind_with_a_new_date_is_a_correction() -> None:
    """ "Never mind, make it the 13th" changes the day instead of dropping the task."""
    pending = Pending(kind="book", slot="2026-11-27T11:00:00-08:00")
    state = reading_back(pending, wish={"day": "2026-11-27", "at": "11:00"})
    heard = Understanding(
        text="never mind, the 13th",
        intent="never_mind",
        correction=True,
        when=When(day=date(2026, 12, 13)),
    )
    update = track(state, heard)
    assert update["act"] == "search"
    assert update["task"]["wish"] == {"day": "2026-12-13", "at": "11:00"}


def test_a_correction_just_after_a_booking_moves_that_booking() -> None:
    """ "Actually make it 3pm" after a booking targets that appointment, same day, new time."""
    state = CallState(**KNOWN, stage="ask_request", outcomes=[BOOKED])
    heard = Understanding(text="actually make it 3pm", correction=True, when=When(at=time(15)))
    update = track(state, heard)
    assert update["act"] == "select"
    assert update["task"] == task(
        "reschedule",
        target={"id": "a9", "start": BOOKED["start"]},
        wish={"day": "2026-11-30", "at": "15:00"},
    )


def test_a_no_asking_for_a_different_time_after_a_booking_moves_that_booking() -> None:
    """ "No, can I get a different time?" just after booking asks when to move it to."""
    state = CallState(**KNOWN, stage="ask_request", outcomes=[BOOKED])
    heard = Understanding(text="No, can I get a different time?", affirm=False, more=True)
    update = track(state, heard)
    assert update["act"] == "select"
    assert update["task"] == task("reschedule", target={"id": "a9", "start": BOOKED["start"]})


def test_a_time_without_a_correction_cue_after_a_booking_is_a_new_booking() -> None:
    """ "Friday at 3" after a booking is a new request, not a move of the last booking."""
    state = CallState(**KNOWN, stage="ask_request", outcomes=[BOOKED])
    heard = Understanding(text="friday at 3", when=When(day=date(2026, 11, 27), at=time(15)))
    update = track(state, heard)
    assert update["act"] == "search" and update["task"]["kind"] == "book"
