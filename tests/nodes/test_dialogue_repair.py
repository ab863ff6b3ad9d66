"""Repair readings: a no is a goodbye only when bare, the callback offer keeps the task, and
an uncertain day is asked about with a guess kept in state, settled by a yes or a new day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest

from graph.state import BackTo, CallState, DayDoubt, Pending, TaskKind, Wish
from graph.understanding import Intent, Understanding, When
from nodes import phrases
from nodes.dialogue import track
from tests.states import KNOWN, offering, reading_back, task

FRIDAY = ["2026-11-27T09:00:00-08:00", "2026-11-27T09:30:00-08:00", "2026-11-27T10:00:00-08:00"]
BACK_TO_OFFERS = BackTo(stage="offer_slots", question="I have ... Which one works for you?")
THURSDAY = date(2026, 11, 26)


def _at_callback_offer(back: BackTo, *, wish: Wish | None = None) -> CallState:
    """Return the state after our callback offer interrupted Friday's offers."""
    return replace(offering(FRIDAY, wish=wish), stage="take_message", back_to=back)


def _asked(*, kind: TaskKind = "book", wish: Wish | None = None) -> CallState:
    """Return the state after "Which day is that: Thursday, November 26th?" was asked."""
    doubt = DayDoubt(phrase="tuesday the 26th", guess="2026-11-26")
    return CallState(**KNOWN, stage="ask_request", task=task(kind, wish=wish), doubt=doubt)


# a bare no, a goodbye ------------------------------------------------------------------


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


def test_not_now_to_how_can_i_help_is_checked_before_hanging_up() -> None:
    """ "Not right now" to "how can I help?" is asked "anything else?"; "that's all" ends."""
    state = CallState(**KNOWN, stage="ask_request", question=phrases.HOW_CAN_I_HELP)
    assert track(state, Understanding(text="not right now", affirm=False))["act"] == "not_now"
    done = Understanding(text="that's all, thanks", intent="goodbye")
    assert track(state, done)["act"] == "goodbye"


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
    assert update["act"] == "search"
    assert update["task"]["wish"] == {"day": "2026-11-27"}


def test_a_bare_no_to_what_day_would_suit_drops_the_task_but_keeps_the_call() -> None:
    """With a task in hand a bare no sets it aside and asks "anything else?"; the call goes on."""
    state = CallState(**KNOWN, stage="ask_request", task=task("book", wish={"day": "2026-11-27"}))
    heard = Understanding(text="no thanks", intent="goodbye", affirm=False)
    assert track(state, heard)["act"] == "not_now"


def test_yes_thats_it_at_an_offer_is_not_a_goodbye() -> None:
    """ "Yes, that's it" picks the only offer, and with several offers asks which one."""
    heard = Understanding(text="yes, that's it", intent="goodbye", affirm=True)
    assert track(offering(FRIDAY[:1]), heard)["task"]["pending"] == Pending(
        kind="book", slot=FRIDAY[0]
    )
    assert track(offering(FRIDAY), heard)["act"] == "unclear"


def test_no_thanks_to_offers_keeps_the_task() -> None:
    """ "No thanks" to offered slots declines them; the task and wish stay."""
    heard = Understanding(text="no thanks", intent="goodbye", affirm=False)
    update = track(offering(FRIDAY, wish={"day": "2026-11-27"}), heard)
    assert update["act"] == "deny" and "task" not in update


def test_yes_with_a_goodbye_at_a_read_back_still_confirms() -> None:
    """ "Yes, thanks, bye" to a read-back is a yes: the caller leaves expecting it done."""
    said = "Just to confirm: book you for Friday?"
    pending = Pending(kind="book", slot=FRIDAY[0], said=said)
    state = reading_back(pending, reply=said)
    heard = Understanding(text="yes, thanks, bye", intent="goodbye", affirm=True)
    assert track(state, heard)["act"] == "affirm"


# the callback offer --------------------------------------------------------------------


def test_message_stage_takes_any_words_as_the_message() -> None:
    """While taking a message, whatever is said is the message, and the task is handed over."""
    state = CallState(**KNOWN, stage="take_message", task=task("book", wish={"day": "2026-11-27"}))
    update = track(state, Understanding(text="call me about my bill"))
    assert (update["act"], update["message"]) == ("message", "call me about my bill")
    assert update["task"] == task()


def test_declining_the_callback_offer_returns_to_the_task() -> None:
    """After repeated misunderstandings a no to the callback goes back; nothing is dropped."""
    state = _at_callback_offer(BACK_TO_OFFERS, wish={"day": "2026-11-27"})
    update = track(state, Understanding(text="no", affirm=False))
    assert update["act"] == "resume" and "task" not in update


def test_a_request_in_answer_to_the_callback_offer_is_handled_as_a_request() -> None:
    """ "Book Monday at 10" said to our callback offer books, it is not filed as a message."""
    back = BackTo(stage="ask_request", question="How can I help you today?")
    state = CallState(**KNOWN, stage="take_message", back_to=back)
    heard = Understanding(
        text="book Monday at 10", intent="book", when=When(day=date(2026, 11, 30), at=time(10))
    )
    update = track(state, heard)
    assert update["act"] == "search" and update["back_to"] is None
    assert update["task"]["wish"] == {"day": "2026-11-30", "at": "10:00"}


def test_a_time_for_the_task_in_answer_to_the_callback_offer_keeps_the_day() -> None:
    """ "At 2 then" to our callback offer searches 2 PM on the day already chosen."""
    back = BackTo(stage="offer_slots", question="Which one works for you?")
    state = _at_callback_offer(back, wish={"day": "2026-11-27"})
    update = track(state, Understanding(text="at 2 then", when=When(at=time(14))))
    assert update["act"] == "search"
    assert update["task"]["wish"] == {"day": "2026-11-27", "at": "14:00"}


def test_a_no_to_a_requested_callback_still_drops_it() -> None:
    """When the caller asked for a person, "no, forget it" drops the message and the task."""
    state = CallState(**KNOWN, stage="take_message")
    update = track(state, Understanding(text="no, forget it", intent="never_mind", affirm=False))
    assert update["act"] == "never_mind"


def test_a_pick_or_a_question_in_answer_to_the_callback_offer_goes_back_to_the_offers() -> None:
    """ "The second one" to our callback offer picks the offer; a list returns there after."""
    state = _at_callback_offer(BACK_TO_OFFERS)
    picked = track(state, Understanding(text="the second one", choice=1))
    assert picked["task"]["pending"] == Pending(kind="book", slot=FRIDAY[1])
    listed = track(state, Understanding(text="what do I have booked", intent="list"))
    assert (listed["act"], listed["stage"], listed["question"]) == (
        "list",
        BACK_TO_OFFERS["stage"],
        BACK_TO_OFFERS["question"],
    )


def test_after_a_yes_to_our_callback_offer_a_request_is_still_a_request() -> None:
    """After a yes to our callback offer, "book the second one" is the pick, not a message."""
    state = replace(_at_callback_offer(BACK_TO_OFFERS), act="human")
    update = track(state, Understanding(text="book the second one", intent="book", choice=1))
    assert update["act"] == "choose"
    assert update["task"]["pending"] == Pending(kind="book", slot=FRIDAY[1])


def test_after_a_yes_to_our_callback_offer_other_words_are_the_message() -> None:
    """Words that ask for nothing we can do are the message once the caller chose to leave one."""
    back = BackTo(stage="ask_request", question=phrases.HOW_CAN_I_HELP)
    state = CallState(**KNOWN, back_to=back, act="human", stage="take_message")
    update = track(state, Understanding(text="tell them the parking was full"))
    assert update["act"] == "message" and update["message"] == "tell them the parking was full"


# an uncertain day ----------------------------------------------------------------------


def test_an_ambiguous_day_is_asked_about_but_its_time_is_kept() -> None:
    """ "Tuesday the 13th at 3" asks which day, and the answer "the 13th" keeps 3 PM."""
    state = CallState(**KNOWN, stage="ask_request", task=task("book"))
    asked = When(day=date(2026, 12, 13), at=time(15), ambiguous="tuesday the 13th")
    update = track(state, Understanding(text="Tuesday the 13th at 3", when=asked))
    assert update["act"] == "ambiguous"
    assert update["task"]["wish"] == {"at": "15:00"}
    answered = CallState(**KNOWN, stage="ask_request", task=update["task"])
    reply = track(answered, Understanding(text="the 13th", when=When(day=date(2026, 12, 13))))
    assert reply["task"]["wish"] == {"day": "2026-12-13", "at": "15:00"}


def test_an_ambiguous_day_alone_changes_nothing() -> None:
    """ "the 31st" in November only asks; the wish so far stays as it was."""
    state = CallState(**KNOWN, stage="ask_request", task=task("book", wish={"at": "10:00"}))
    update = track(state, Understanding(text="the 31st", when=When(ambiguous="the 31st")))
    assert update == {"act": "ambiguous", "doubt": {"phrase": "the 31st"}, "misunderstood": 0}


def test_an_uncertain_day_with_a_guess_keeps_the_guess_and_the_time() -> None:
    """The guess is kept in state as plain JSON with the time said beside the phrase."""
    heard = Understanding(
        text="book Tuesday the 26th at 3",
        intent="book",
        when=When(at=time(15), ambiguous="tuesday the 26th", guess=THURSDAY),
    )
    update = track(CallState(**KNOWN, stage="ask_request"), heard)
    assert update["act"] == "ambiguous"
    assert update["task"] == task("book", wish={"at": "15:00"})
    assert update["doubt"] == {"phrase": "tuesday the 26th", "guess": "2026-11-26"}


def test_yes_to_the_guess_takes_that_day_and_carries_on() -> None:
    """A yes to "Which day is that: Thursday?" searches Thursday at the time said before."""
    update = track(_asked(wish={"at": "15:00"}), Understanding("yes", affirm=True))
    assert update["act"] == "search" and update["doubt"] is None
    assert update["task"]["wish"] == {"day": "2026-11-26", "at": "15:00"}


def test_yes_with_a_time_to_the_guess_takes_both() -> None:
    """ "Yes, at 3" takes the guessed day and 3 PM."""
    heard = Understanding(text="yes, at 3", affirm=True, when=When(at=time(15)))
    update = track(_asked(), heard)
    assert update["task"]["wish"] == {"day": "2026-11-26", "at": "15:00"}


def test_no_to_the_guess_asks_again_without_it() -> None:
    """A no drops the guess and asks which day; the time stays in the wish."""
    update = track(_asked(wish={"at": "15:00"}), Understanding("no", affirm=False))
    assert update["act"] == "ambiguous"
    assert update["doubt"] == {"phrase": "tuesday the 26th"}  # asked again, without the guess
    assert "task" not in update  # the time stays in the wish


def test_another_day_instead_of_the_guess_is_taken() -> None:
    """ "No, the 27th" searches the 27th, keeping the time, and forgets the guess."""
    heard = Understanding(text="no, the 27th", affirm=False, when=When(day=date(2026, 11, 27)))
    update = track(_asked(wish={"at": "15:00"}), heard)
    assert update["task"]["wish"] == {"day": "2026-11-27", "at": "15:00"}
    assert update["doubt"] is None


def test_yes_to_a_guess_for_a_cancel_picks_the_appointment_that_day() -> None:
    """An uncertain day in "cancel my appointment on ..." confirmed by a yes selects that day."""
    heard = Understanding(
        text="cancel my appointment on Tuesday the 26th",
        intent="cancel",
        when=When(ambiguous="tuesday the 26th", guess=THURSDAY),
    )
    asked = track(CallState(**KNOWN, stage="ask_request"), heard)
    assert asked["task"]["kind"] == "cancel"
    assert asked["doubt"] == {"phrase": "tuesday the 26th", "guess": "2026-11-26"}
    update = track(_asked(kind="cancel"), Understanding(text="yes", affirm=True))
    assert update["act"] == "select"
    assert update["task"]["wish"] == {"day": "2026-11-26"}


def test_an_uncertain_day_at_a_read_back_withdraws_it() -> None:
    """A correction to an uncertain day at the read-back drops the pending write."""
    pending = Pending(kind="book", slot="2026-11-27T09:00:00-08:00")
    state = reading_back(pending)
    heard = Understanding(
        text="actually the 31st", correction=True, when=When(ambiguous="the 31st")
    )
    assert track(state, heard)["task"]["pending"] is None
