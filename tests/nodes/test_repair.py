"""Repair nodes: clarify, resume, help, decline; each reply asks one question at most."""

from __future__ import annotations

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import BackTo, CallState, DayDoubt
from nodes.repair import clarify, decline, help_caller, never_mind, resume
from tests.states import said, task

OFFER_QUESTION = "I have Friday, November 27th at 9 AM or 9:30 AM. Which one works for you?"


def test_a_guessed_day_is_asked_about_with_weekday_and_date(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """With a guess the question offers it: "Which day is that: Thursday, November 26th?"."""
    sam.act, sam.doubt = "ambiguous", DayDoubt(phrase="tuesday the 26th", guess="2026-11-26")
    update = clarify(sam, runtime=runtime)
    assert said(update) == "Which day is that: tomorrow, Thursday, November 26th?"
    assert update.get("question") == said(update)


def test_without_a_guess_the_day_is_asked_with_the_time_understood(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """Without a guess the question names the time already kept, and nothing else."""
    sam.act, sam.task = "ambiguous", task("book", wish={"at": "10:00"})
    assert said(clarify(sam, runtime=runtime)) == "Sorry, which day did you mean for 10 AM?"
    sam.task = task("book")
    assert said(clarify(sam, runtime=runtime)) == "Sorry, which day did you mean?"


def test_an_uncertain_day_at_a_read_back_leaves_the_read_back(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """Asking about the day moves off the read-back, so a later yes cannot write."""
    sam.act, sam.stage = "ambiguous", "confirm"
    assert clarify(sam, runtime=runtime).get("stage") == "ask_request"


def test_the_callback_offer_remembers_the_question_it_interrupts(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """After repeated misunderstandings the offer keeps where to go back to; a no goes back."""
    sam.act, sam.misunderstood = "unclear", 3
    sam.stage, sam.question, sam.task = "offer_slots", OFFER_QUESTION, task("book")
    offered = clarify(sam, runtime=runtime)
    assert offered.get("stage") == "take_message" and "task" not in offered
    assert offered.get("back_to") == BackTo(stage="offer_slots", question=OFFER_QUESTION)
    sam.stage, sam.back_to = "take_message", offered.get("back_to")
    back = resume(sam)
    assert (back.get("stage"), back.get("question"), back.get("back_to")) == (
        "offer_slots",
        OFFER_QUESTION,
        None,
    )
    assert said(back).count("?") == 1


def test_yes_to_several_offers_asks_which_once(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """A bare yes to three offers repeats them with one question, not two."""
    sam.act, sam.stage, sam.question = "unclear", "offer_slots", OFFER_QUESTION
    sam.affirm = True
    assert said(clarify(sam, runtime=runtime)) == f"Happy to. {OFFER_QUESTION}"


def test_a_re_ask_never_answers_as_if_understood(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """After "Sure, what can I do for you?" a garbled answer is not met with another "Sure"."""
    sam.act, sam.stage = "prompt", "ask_request"
    prompted = help_caller(sam)
    sam.act, sam.question = "unclear", prompted.get("question", "")
    assert said(clarify(sam, runtime=runtime)) == (
        "Sorry, I didn't catch that. What can I do for you?"
    )


def test_help_mid_task_asks_only_the_pending_question(sam: CallState) -> None:
    """ "What can you do?" at offered slots says what we can do, then asks the offer again."""
    sam.act, sam.stage, sam.question, sam.task = "help", "offer_slots", OFFER_QUESTION, task("book")
    reply = said(help_caller(sam))
    assert reply.count("?") == 1 and reply.endswith(OFFER_QUESTION)


def test_no_to_offers_asks_what_else_would_suit(sam: CallState) -> None:
    """Declined offers keep the task and its wish and ask about another day or time."""
    wish = {"day": "2026-11-27"}
    sam.stage, sam.task = "offer_slots", task("book", wish={"day": "2026-11-27"}, offers=["x"])
    update = decline(sam)
    assert said(update) == "No problem. What other day or time would suit you?"
    assert update.get("task") == task("book", wish={"day": wish["day"]})


def test_not_now_sets_the_task_aside_but_keeps_what_was_said_for_it(sam: CallState) -> None:
    """ "Not right now" drops the task in hand; the day said for it is kept for later."""
    sam.act, sam.task = "not_now", task("book", wish={"day": "2026-11-30"}, offers=["x"])
    assert never_mind(sam).get("task") == task(wish={"day": "2026-11-30"})
    sam.act = "never_mind"
    assert never_mind(sam).get("task") == task()
