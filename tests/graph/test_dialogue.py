"""Dialogue-state tracking: the same words mean different things under different questions."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from graph.routing import route_turn
from graph.state import CallState, Pending
from nodes import phrases
from nodes.dialogue import track
from nodes.understanding.types import Understanding, When

KNOWN: dict[str, Any] = {"user_id": "u1", "phone": "+14155550123", "caller_name": "Sam"}
OFFERS = ["2026-11-26T12:00:00-08:00", "2026-11-26T12:30:00-08:00", "2026-11-26T13:00:00-08:00"]


def test_second_one_picks_the_second_offer() -> None:
    """ "The second one" while slots are offered reads back the second slot."""
    state = CallState(**KNOWN, stage="offer_slots", task="book", offers=OFFERS)
    update = track(state, Understanding(text="the second one", choice=1))
    assert update["act"] == "choose"
    assert update["pending"] == Pending(kind="book", slot=OFFERS[1])


def test_a_time_picks_the_matching_offer() -> None:
    """ "12:30 works" picks the offer at 12:30."""
    state = CallState(**KNOWN, stage="offer_slots", task="book", offers=OFFERS)
    update = track(state, Understanding(text="12:30 works", when=When(at=time(12, 30))))
    assert update["pending"]["slot"] == OFFERS[1]


def test_correction_at_read_back_keeps_the_day() -> None:
    """ "Actually make it 4pm" at the read-back keeps the day and changes the time."""
    state = CallState(
        **KNOWN,
        stage="confirm",
        task="book",
        wish={"day": "2026-11-26", "at": "14:00"},
        pending=Pending(kind="book", slot="2026-11-26T14:00:00-08:00"),
    )
    update = track(
        state, Understanding(text="actually make it 4pm", correction=True, when=When(at=time(16)))
    )
    assert update["act"] == "search"
    assert update["wish"] == {"day": "2026-11-26", "at": "16:00"}
    assert update["pending"] is None


READ_BACK = "Just to confirm: book you for Thursday, November 26th at noon?"


def test_yes_at_read_back_affirms_but_yes_elsewhere_does_not_write() -> None:
    """A yes is an affirmation only while a write is read back."""
    pending = Pending(kind="book", slot=OFFERS[0], said=READ_BACK)
    confirm = CallState(**KNOWN, stage="confirm", pending=pending, reply=READ_BACK)
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
    state = CallState(**KNOWN, stage="confirm", pending=pending, reply=heard)
    update = track(state, Understanding(text="ok", affirm=True))
    assert update["act"] == "choose" and "pending" not in update
    assert route_turn(CallState(**KNOWN, act="choose", pending=pending)) == "confirm"


def test_no_to_anything_else_ends_the_call() -> None:
    """A no to "anything else?" is a goodbye."""
    state = CallState(**KNOWN, stage="ask_request", question=phrases.ANYTHING_ELSE)
    assert track(state, Understanding(text="no", affirm=False))["act"] == "goodbye"


def test_not_now_to_how_can_i_help_is_checked_before_hanging_up() -> None:
    """ "Not right now" to "how can I help?" is asked "anything else?"; "that's all" ends."""
    state = CallState(**KNOWN, stage="ask_request", question=phrases.HOW_CAN_I_HELP)
    assert track(state, Understanding(text="not right now", affirm=False))["act"] == "not_now"
    done = Understanding(text="that's all, thanks", intent="goodbye")
    assert track(state, done)["act"] == "goodbye"


def test_request_before_identification_is_remembered() -> None:
    """A booking asked for before the phone number is kept as the task and the wish."""
    state = CallState(stage="ask_phone")
    heard = Understanding(text="book friday", intent="book", when=When(day=date(2026, 11, 27)))
    update = track(state, heard)
    assert update["act"] == "need_identity"
    assert update["task"] == "book"
    assert update["wish"] == {"day": "2026-11-27"}


def test_unclear_utterances_are_counted_and_reset() -> None:
    """Consecutive misunderstandings are counted; anything understood resets the count."""
    state = CallState(**KNOWN, stage="ask_request", misunderstood=2)
    assert track(state, Understanding(text="zork"))["misunderstood"] == 3
    assert track(state, Understanding(text="help", intent="help"))["misunderstood"] == 0


def test_list_is_a_digression_that_keeps_the_pending_read_back() -> None:
    """Asking what is booked mid-confirmation does not drop the pending write."""
    state = CallState(**KNOWN, stage="confirm", pending=Pending(kind="book", slot=OFFERS[0]))
    update = track(state, Understanding(text="what do I have", intent="list"))
    assert update == {"act": "list", "misunderstood": 0}


def test_never_mind_with_a_new_date_is_a_correction() -> None:
    """ "Never mind, make it the 13th" changes the day instead of dropping the task."""
    state = CallState(
        **KNOWN,
        stage="confirm",
        task="book",
        wish={"day": "2026-11-27", "at": "11:00"},
        pending=Pending(kind="book", slot="2026-11-27T11:00:00-08:00"),
    )
    heard = Understanding(
        text="never mind, the 13th",
        intent="never_mind",
        correction=True,
        when=When(day=date(2026, 12, 13)),
    )
    update = track(state, heard)
    assert update["act"] == "search"
    assert update["wish"] == {"day": "2026-12-13", "at": "11:00"}


def test_message_stage_takes_any_words_as_the_message() -> None:
    """While taking a message, whatever is said is the message, and the task is handed over."""
    state = CallState(**KNOWN, stage="take_message", task="book", wish={"day": "2026-11-27"})
    update = track(state, Understanding(text="call me about my bill"))
    assert (update["act"], update["message"]) == ("message", "call me about my bill")
    assert (update["task"], update["wish"]) == (None, {})


def test_a_correction_just_after_a_booking_moves_that_booking() -> None:
    """ "Actually make it 3pm" after a booking targets that appointment, same day, new time."""
    booked = {"kind": "booked", "appointment_id": "a9", "start": "2026-11-30T10:00:00-08:00"}
    state = CallState(**KNOWN, stage="ask_request", outcomes=[booked])
    heard = Understanding(text="actually make it 3pm", correction=True, when=When(at=time(15)))
    update = track(state, heard)
    assert update["act"] == "select" and update["task"] == "reschedule"
    assert update["target"] == {"id": "a9", "start": booked["start"]}
    assert update["wish"] == {"day": "2026-11-30", "at": "15:00"}


def test_a_time_without_a_correction_cue_after_a_booking_is_a_new_booking() -> None:
    """ "Friday at 3" after a booking is a new request, not a move of the last booking."""
    booked = {"kind": "booked", "appointment_id": "a9", "start": "2026-11-30T10:00:00-08:00"}
    state = CallState(**KNOWN, stage="ask_request", outcomes=[booked])
    heard = Understanding(text="friday at 3", when=When(day=date(2026, 11, 27), at=time(15)))
    update = track(state, heard)
    assert update["act"] == "search" and update["task"] == "book"


def test_an_ambiguous_day_is_asked_about_but_its_time_is_kept() -> None:
    """ "Tuesday the 13th at 3" asks which day, and the answer "the 13th" keeps 3 PM."""
    state = CallState(**KNOWN, stage="ask_request", task="book")
    asked = When(day=date(2026, 12, 13), at=time(15), ambiguous="tuesday the 13th")
    update = track(state, Understanding(text="Tuesday the 13th at 3", when=asked))
    assert update["act"] == "ambiguous"
    assert update["wish"] == {"at": "15:00"}
    answered = CallState(**KNOWN, stage="ask_request", task="book", wish=update["wish"])
    reply = track(answered, Understanding(text="the 13th", when=When(day=date(2026, 12, 13))))
    assert reply["wish"] == {"day": "2026-12-13", "at": "15:00"}


def test_an_ambiguous_day_alone_changes_nothing() -> None:
    """ "the 31st" in November only asks; the wish so far stays as it was."""
    state = CallState(**KNOWN, stage="ask_request", task="book", wish={"at": "10:00"})
    update = track(state, Understanding(text="the 31st", when=When(ambiguous="the 31st")))
    assert update == {"act": "ambiguous", "doubt": {"phrase": "the 31st"}, "misunderstood": 0}
