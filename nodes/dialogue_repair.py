"""Repair readings: when a no ends the call, answers to the callback offer, uncertain days.

Pure functions used by `nodes.dialogue.track`. The rule they share: never act on what was
not reading, and lose nothing that was. A no that carries something new is a correction
or a request, never a goodbye; declining the callback returns to the task; an uncertain day
is asked about, and only a yes to the guess (or a clear day) settles it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from graph.state import CallState, DayDoubt, Task, TaskKind, Update, no_task
from graph.understanding import Understanding, When
from nodes import phrases
from nodes.cues import closes_only, finished, says_farewell
from nodes.dialogue_stages import carry_on
from nodes.wish import merge_wish

_IDENTIFYING = ("start", "ask_phone", "ask_name")
_VERIFYING = ("verify_name", "verify_day")
"""The identity check: "no, I don't have one" answers it, only a farewell ends the call."""
_TASK_INTENTS = ("book", "availability", "cancel", "reschedule", "list")


def closing(state: CallState, reading: Understanding) -> Update | None:
    """Read a goodbye or a bare no by the question it answers; None when it is neither.

    Only a bare no ("no thanks", "nope, that's all") to "anything else?" ends the call; to
    offered slots or a read-back it declines them and the task goes on; to "what day would
    suit you?" it drops the task and asks "anything else?".
    """
    if not reading.when.is_empty() and not reading.when.past:
        return None  # "yes, I'll see you next Friday": a day for the task, not a farewell
    if reading.intent == "goodbye" and (says_farewell(reading.text) or state.stage in _IDENTIFYING):
        if state.stage == "confirm" and reading.affirm is True:
            return None  # "yes, thanks, bye" to a read-back: the caller expects it done
        return {"act": "goodbye"}
    if not (reading.intent == "goodbye" or reading.affirm is False) or not closes_only(
        reading.text
    ):
        return None
    if state.stage in _IDENTIFYING or state.stage in _VERIFYING:
        return None  # a no to "what's your number?" is not a goodbye: it is asked again
    if state.stage == "ask_request":
        # Only "anything else?" is a question a bare no closes. "Not right now" to "how can
        # I help?" is checked once more ("anything else?") rather than hanging up on it.
        asked_for_more = state.question == phrases.ANYTHING_ELSE
        closed = state.task["kind"] is None and (asked_for_more or finished(reading.text))
        return {"act": "goodbye" if closed else "not_now"}
    if state.stage in ("offer_slots", "confirm"):
        return {"act": "deny"}
    return {"act": "never_mind"}


def at_callback_offer(state: CallState, reading: Understanding) -> Update | None:
    """Read an answer to "shall I take a message?": yes, no, a request, or the message.

    After repeated misunderstandings (`state.back_to` is set) the offer keeps the task: a no
    goes back to the question pending before it, and a request, a pick or a day for the
    task is handled as such (None here: `track` reads it at that question). Once the caller
    said yes to leaving a message, what follows is the message.
    """
    if reading.intent == "goodbye" and says_farewell(reading.text):
        return {"act": "goodbye"}
    if reading.intent == "repeat":
        return {"act": "repeat"}
    request = reading.intent in _TASK_INTENTS or reading.choice is not None
    request = request or reading.phone is not None or reading.phone_invalid
    if reading.affirm is False and reading.when.is_empty() and not request:
        return {"act": "resume" if state.back_to else "never_mind"}  # "no thanks"
    if state.back_to and reading.intent == "never_mind":
        return {"act": "resume"}  # "forget it": the message, not the task
    when = reading.when
    task_in_hand = state.task["kind"] is not None
    wish = not when.is_empty() and (task_in_hand or when.has_day or when.at is not None)
    if resumable(state) and (request or wish):
        return None
    if reading.affirm is True and len(reading.text.split()) <= 3:
        return {"act": "human"}  # "yes please": ask for the message itself
    if reading.intent not in ("goodbye", "never_mind"):
        # someone calls back about it, so the task is done here
        return {"task": no_task(), "act": "message", "message": reading.text.strip()[:500]}
    return None


def resumable(state: CallState) -> bool:
    """Return True while the callback offer we made after misunderstandings waits.

    Even after a yes to it, a request or a day and time for a booking is handled as such:
    the offer came from us, and the caller's words are what they want done.
    """
    return state.stage == "take_message" and state.back_to is not None


def answer_guess(state: CallState, reading: Understanding) -> Update | None:
    """Read the answer to "Which day is that: Thursday, November 26th?".

    A yes ("yes", "yes, at 3") takes the guessed day and carries on the task with any time
    said; a bare no asks which day without a guess; a day or anything else is read as usual.
    """
    when = reading.when
    guess = state.doubt.get("guess") if state.doubt else None
    if guess is None or state.user_id is None:
        return None
    if when.has_day or when.ambiguous or reading.correction:
        return None
    if reading.affirm is True and reading.intent in (None, "book", "availability"):
        guessed = replace(when, day=date.fromisoformat(guess))
        return {**carry_on(state, guessed), "doubt": None}
    if reading.affirm is False and reading.intent in (None, "goodbye") and when.is_empty():
        phrase = state.doubt["phrase"] if state.doubt else ""
        return {"act": "ambiguous", "doubt": DayDoubt(phrase=phrase)}
    return None


def ambiguous(state: CallState, reading: Understanding) -> Update:
    """Ask which day was meant, keeping the task asked for and the time said with the day.

    Only the day is in doubt: "Tuesday the 13th at 3" keeps 3 PM, so the answer "the 13th"
    (or a yes to the guess) books at 3 PM. A read-back in progress is withdrawn, so a yes
    to the day question can never write the slot read back before.
    """
    when = reading.when
    kind = _task_named(state, reading)
    task: Task = {**state.task}
    if kind != task["kind"]:  # a new task: what was gathered for the old one goes
        task = {**no_task(), "kind": kind, "choices": task["choices"]}
    if state.stage == "confirm":
        task["pending"] = None
    time_only = When(
        at=when.at, earliest=when.earliest, latest=when.latest, part_of_day=when.part_of_day
    )
    if not time_only.is_empty():
        task["wish"] = merge_wish(task["wish"], time_only)
    update: Update = {"act": "ambiguous"}
    if task != state.task:
        update["task"] = task
    doubt = day_doubt(when)
    if doubt != state.doubt:
        update["doubt"] = doubt
    return update


def day_doubt(when: When) -> DayDoubt:
    """Return what to ask about an uncertain day: its words, and the likeliest day if known."""
    doubt = DayDoubt(phrase=when.ambiguous or "")
    if when.guess is not None:
        doubt["guess"] = when.guess.isoformat()
    return doubt


def _task_named(state: CallState, reading: Understanding) -> TaskKind:
    """The task the uncertain day belongs to: the one asked for now, else the one in hand."""
    if reading.intent == "cancel":
        return "cancel"
    if reading.intent == "reschedule":
        return "reschedule"
    if reading.intent in ("book", "availability"):
        moving = state.task["kind"] == "reschedule" and state.task["target"] is not None
        return "reschedule" if moving and reading.intent == "availability" else "book"
    return state.task["kind"] or "book"  # a day said alone is a booking wish, as in `track`
