"""Repair, check, identify and search nodes: what they say, and that each reply asks once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from langgraph.runtime import Runtime

from business.calendar import BusinessCalendar
from graph.context import CallContext
from graph.state import CallState, DayDoubt, Resume
from nodes import phrases
from nodes.check import check
from nodes.identify import identify
from nodes.repair import clarify, decline, help_caller, resume
from nodes.search import search
from store.sqlite import SqliteStore

OFFER_QUESTION = "I have Friday, November 27th at 9 AM or 9:30 AM. Which one works for you?"


def _reply(update: dict[str, Any]) -> str:
    """Return the sentences a node wrote, joined as the caller hears them."""
    return " ".join(update["speech"])


def test_a_guessed_day_is_asked_about_with_weekday_and_date(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """With a guess the question offers it: "Which day is that: Thursday, November 26th?"."""
    sam.act, sam.doubt = "ambiguous", DayDoubt(phrase="tuesday the 26th", guess="2026-11-26")
    update = clarify(sam, runtime=runtime)
    assert _reply(update) == "Which day is that: tomorrow, Thursday, November 26th?"
    assert update["question"] == _reply(update)


def test_without_a_guess_the_day_is_asked_with_the_time_understood(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """Without a guess the question names the time already kept, and nothing else."""
    sam.act, sam.wish = "ambiguous", {"at": "10:00"}
    assert _reply(clarify(sam, runtime=runtime)) == "Sorry, which day did you mean for 10 AM?"
    sam.wish = {}
    assert _reply(clarify(sam, runtime=runtime)) == "Sorry, which day did you mean?"


def test_an_uncertain_day_at_a_read_back_leaves_the_read_back(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """Asking about the day moves off the read-back, so a later yes cannot write."""
    sam.act, sam.stage = "ambiguous", "confirm"
    assert clarify(sam, runtime=runtime)["stage"] == "ask_request"


def test_the_callback_offer_remembers_the_question_it_interrupts(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """After repeated misunderstandings the offer keeps where to go back to; a no goes back."""
    sam.act, sam.misunderstood = "unclear", 3
    sam.stage, sam.question, sam.task = "offer_slots", OFFER_QUESTION, "book"
    offered = clarify(sam, runtime=runtime)
    assert offered["stage"] == "take_message"
    assert offered["resume"] == Resume(stage="offer_slots", question=OFFER_QUESTION)
    sam.stage, sam.resume = "take_message", offered["resume"]
    back = resume(sam)
    assert (back["stage"], back["question"], back["resume"]) == (
        "offer_slots",
        OFFER_QUESTION,
        None,
    )
    assert _reply(back).count("?") == 1


def test_yes_to_several_offers_asks_which_once(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """A bare yes to three offers repeats them with one question, not two."""
    sam.act, sam.stage, sam.question = "unclear", "offer_slots", OFFER_QUESTION
    sam.heard = {"affirm": True}
    assert _reply(clarify(sam, runtime=runtime)) == f"Happy to. {OFFER_QUESTION}"


def test_a_re_ask_never_answers_as_if_understood(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """After "Sure, what can I do for you?" a garbled answer is not met with another "Sure"."""
    sam.act, sam.stage = "prompt", "ask_request"
    prompted = help_caller(sam)
    sam.act, sam.question = "unclear", prompted["question"]
    said = _reply(clarify(sam, runtime=runtime))
    assert said == "Sorry, I didn't catch that. What can I do for you?"


def test_help_mid_task_asks_only_the_pending_question(sam: CallState) -> None:
    """ "What can you do?" at offered slots says what we can do, then asks the offer again."""
    sam.act, sam.stage, sam.question, sam.task = "help", "offer_slots", OFFER_QUESTION, "book"
    said = _reply(help_caller(sam))
    assert said.count("?") == 1 and said.endswith(OFFER_QUESTION)


def test_no_to_offers_asks_what_else_would_suit(sam: CallState) -> None:
    """Declined offers keep the task and ask one question about another day or time."""
    sam.stage, sam.task, sam.wish = "offer_slots", "book", {"day": "2026-11-27"}
    update = decline(sam)
    assert _reply(update) == "No problem. What other day or time would suit you?"
    assert "task" not in update and "wish" not in update


def test_a_time_off_the_grid_gets_the_honest_reason(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """ "A quarter past nine" is between slot starts, not outside opening hours."""
    sam.task, sam.wish = "book", {"day": "2026-11-27", "at": "09:15"}
    said = _reply(search(sam, runtime=runtime))
    assert said.startswith("We book on the hour and half hour.")
    assert "9 AM" in said and "9:30 AM" in said and "opening hours" not in said


def test_a_day_beyond_the_horizon_says_how_far_we_book(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """A day past the horizon names the last bookable day."""
    sam.task, sam.wish = "book", {"day": "2027-03-15", "at": "10:00"}
    said = _reply(search(sam, runtime=runtime))
    assert "I can book up to Sunday, January 24th, 2027." in said


def test_anything_else_at_a_read_back_moves_on_from_the_slot_read_back(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """ "None of those work" at a read-back offers other slots, never the one read back."""
    slot = "2026-11-27T10:00:00-08:00"
    sam.task, sam.wish, sam.act = "book", {"day": "2026-11-27", "at": "10:00"}, "more"
    sam.pending = {"kind": "book", "slot": slot}
    update = search(sam, runtime=runtime)
    assert update["pending"] is None and slot not in update["offers"]
    assert slot in update["offered"]


def test_confirming_an_appointment_the_caller_has_reads_it_out(
    sam: CallState, runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """ "Confirm my appointment on Friday at 10" with one booked then says so."""
    start = datetime.fromisoformat("2026-11-27T10:00:00-08:00")
    assert sam.user_id is not None
    store.book(user_id=sam.user_id, start=start, duration_min=30, idempotency_key="k")
    sam.act, sam.heard = "check", {"when": {"day": "2026-11-27", "at": "10:00:00"}}
    update = check(sam, runtime=runtime)
    assert _reply(update).startswith("Yes, you're booked for Friday, November 27th at 10 AM.")
    assert update["stage"] == "ask_request" and "task" not in update


def test_confirming_an_appointment_the_caller_lacks_is_a_booking_request(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """With nothing booked then, "confirm my appointment" goes on to book that day and time."""
    sam.act, sam.heard = "check", {"when": {"day": "2026-11-27", "at": "11:30:00"}}
    update = check(sam, runtime=runtime)
    assert (update["act"], update["task"]) == ("search", "book")
    assert update["wish"] == {"day": "2026-11-27", "at": "11:30"}
    assert update["speech"] == [phrases.NOT_BOOKED_THEN]


def test_a_new_caller_by_caller_id_is_not_told_about_a_number_they_never_said(
    runtime: Runtime[CallContext], store: SqliteStore
) -> None:
    """ "I don't have that number yet" follows only a number the caller said."""
    store.start_conversation(conversation_id="c2", started_at=datetime.now().astimezone())
    by_caller_id = CallState(call_id="c2", phone="+16505550199", act="phone", stage="start")
    said = _reply(identify(by_caller_id, runtime=runtime))
    assert "that number" not in said and said.endswith("What's your name?")
    spoken = CallState(call_id="c2", phone="+16505550100", act="phone", stage="ask_phone")
    assert _reply(identify(spoken, runtime=runtime)) == phrases.ASK_NAME


def test_no_openings_at_all_asks_anything_else_not_a_day(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """With nothing open within the horizon the reply still asks one question, not a day."""
    closed = CallContext(
        store=runtime.context.store,
        understander=runtime.context.understander,
        calendar=BusinessCalendar(hours={}),
        clock=runtime.context.clock,
    )
    sam.task = "book"
    update = search(sam, runtime=Runtime(context=closed))
    assert _reply(update).endswith(phrases.ANYTHING_ELSE) and update["task"] is None
