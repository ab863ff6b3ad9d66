"""Conversation repair: repeat, clarify, never mind, no, resume, and what-can-you-do."""

from __future__ import annotations

from datetime import date, time

from langgraph.runtime import Runtime

from business.spoken import say_date, say_time
from graph.context import CallContext
from graph.state import BackTo, CallState, Update, no_task
from nodes import phrases
from nodes.handoff import transferring


def repeat(state: CallState) -> Update:
    """Say the last reply again, word for word."""
    return {"speech": [state.reply or phrases.HOW_CAN_I_HELP]}


def clarify(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Ask again in other words; after repeated failures, offer a callback instead."""
    if state.act == "ambiguous":
        return _which_day(state, today=runtime.context.now().date())
    if state.misunderstood >= runtime.context.max_misunderstandings and state.can_transfer:
        return transferring(phrases.TRANSFER_AFTER_TROUBLE)  # a person, rather than a callback
    if state.misunderstood >= runtime.context.max_misunderstandings:
        return {
            "callback_reason": "callback_offer",
            "speech": [phrases.OFFER_CALLBACK],
            "stage": "take_message",
            "question": phrases.OFFER_CALLBACK,
            # declining the callback goes back here: the task and wish stay as they are
            "back_to": BackTo(stage=state.stage, question=state.question),
        }
    if state.stage == "offer_slots" and state.affirm is True:
        return {"speech": [phrases.HAPPY_TO, state.question]}
    if state.stage == "confirm":
        return {"speech": [phrases.NOT_UNDERSTOOD, phrases.CONFIRM_YES_NO, state.question]}
    if state.stage == "ask_request" and state.task["kind"] is None and state.affirm is False:
        return {
            "speech": [phrases.NOT_UNDERSTOOD_INSTEAD],
            "question": phrases.NOT_UNDERSTOOD_INSTEAD,
        }
    return {"speech": [phrases.NOT_UNDERSTOOD, state.question or phrases.HOW_CAN_I_HELP]}


def _which_day(state: CallState, *, today: date) -> Update:
    """Ask about an uncertain day, withdrawing a read-back the caller just corrected."""
    said, question = ask_which_day(state, today=today)
    # a read-back the caller just corrected is withdrawn, so its yes can no longer write
    stage = "ask_request" if state.stage == "confirm" else state.stage
    return {"speech": [said], "question": question, "stage": stage}


def ask_which_day(state: CallState, *, today: date) -> tuple[str, str]:
    """Return (said, question): offer the likeliest day, else ask with the time known."""
    guess = state.doubt.get("guess") if state.doubt else None
    if guess is not None:
        question = phrases.is_it_day(say_date(date.fromisoformat(guess), today=today))
        return question, question
    at = state.task["wish"].get("at")
    question = phrases.which_day(say_time(time.fromisoformat(at)) if at else None)
    return phrases.sorry(question), question


def never_mind(state: CallState) -> Update:
    """Drop the current task; identification and name stay."""
    if state.user_id is None and state.identity != "refused":
        return {"speech": [phrases.NEVER_MIND, state.question]}
    dropped = state.task["kind"] is not None or state.task["pending"] is not None
    # "Not right now" sets the task aside without forgetting what was said for it: a booking
    # asked for later in the call starts from the same day and time (read back as ever).
    kept = state.task["wish"] if state.act == "not_now" else None
    return {
        "task": no_task(kept),
        "speech": [phrases.NEVER_MIND if dropped else phrases.NO_PROBLEM, phrases.ANYTHING_ELSE],
        "stage": "ask_request",
        "question": phrases.ANYTHING_ELSE,
    }


def resume(state: CallState) -> Update:
    """A no to the callback offer: go back to the question pending before it."""
    back = state.back_to or BackTo(stage="ask_request", question=phrases.HOW_CAN_I_HELP)
    return {
        "speech": [phrases.NO_PROBLEM, phrases.back_to(back["question"])],
        "stage": back["stage"],
        "question": back["question"],
        "back_to": None,
    }


def decline(state: CallState) -> Update:
    """A no to a read-back or to the offers: keep the task, ask for another time."""
    if state.task["kind"] in ("book", "reschedule"):
        said = phrases.DECLINED if state.stage == "confirm" else phrases.NO_PROBLEM
        return {
            "speech": [said, phrases.ASK_OTHER_WHEN],
            "stage": "ask_request",
            "question": phrases.ASK_OTHER_WHEN,
            "task": {**state.task, "pending": None, "offers": []},
        }
    return {
        "task": no_task(),
        "speech": [phrases.DECLINED, phrases.ANYTHING_ELSE],
        "stage": "ask_request",
        "question": phrases.ANYTHING_ELSE,
    }


def help_caller(state: CallState) -> Update:
    """Say what the agent can do, or invite the request after a bare yes or small talk."""
    if state.act == "chitchat":
        thanks = state.utterance.lower().startswith("thank")
        said = phrases.WELCOME if thanks else phrases.HELLO
        return {"speech": [said, state.question or phrases.HOW_CAN_I_HELP]}
    if state.act == "prompt" and state.about is not None and state.question == phrases.ABOUT_THAT:
        said = phrases.MOVE_OR_CANCEL if state.affirm else phrases.WHAT_INSTEAD
        return {"speech": [said], "stage": "ask_request", "question": said}
    if state.act == "prompt":
        return {
            "speech": [phrases.PROMPT],
            "stage": "ask_request",
            "question": phrases.WHAT_CAN_I_DO,
        }
    open_question = state.stage in ("ask_request", "start") and state.task["kind"] is None
    if state.question and not open_question:
        # mid-task the help is said, not asked, so the reply asks only the pending question
        return {"speech": [phrases.CAN_DO, phrases.back_to(state.question)]}
    update: Update = {"speech": [phrases.HELP], "question": phrases.HELP}
    if state.stage in ("ask_request", "start"):
        update["stage"] = "ask_request"
    return update
