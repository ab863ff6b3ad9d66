"""Repair readings: when a no ends the call, answers to the callback offer, uncertain days.

Pure functions used by `nodes.dialogue.track`. The rule they share: never act on what was
not understood, and lose nothing that was. A no that carries something new is a correction
or a request, never a goodbye; declining the callback returns to the task; an uncertain day
is asked about, and only a yes to the guess (or a clear day) settles it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from graph.state import CallState, DayDoubt, Task, Wish
from nodes import phrases
from nodes.cues import closes_only, finished, says_farewell
from nodes.dialogue_stages import carry_on
from nodes.understanding.types import Understanding, When
from nodes.wish import merge_wish
from nodes.writes import CLEARED_TASK

_IDENTIFYING = ("start", "ask_phone", "ask_name")
_VERIFYING = ("verify_name", "verify_day")
"""The identity check: "no, I don't have one" answers it, only a farewell ends the call."""
_TASK_INTENTS = ("book", "availability", "cancel", "reschedule", "list")


def closing(state: CallState, heard: Understanding) -> dict[str, Any] | None:
    """Read a goodbye or a bare no by the question it answers; None when it is neither.

    Only a bare no ("no thanks", "nope, that's all") to "anything else?" ends the call; to
    offered slots or a read-back it declines them and the task goes on; to "what day would
    suit you?" it drops the task and asks "anything else?".
    """
    if not heard.when.is_empty() and not heard.when.past:
        return None  # "yes, I'll see you next Friday": a day for the task, not a farewell
    if heard.intent == "goodbye" and (says_farewell(heard.text) or state.stage in _IDENTIFYING):
        if state.stage == "confirm" and heard.affirm is True:
            return None  # "yes, thanks, bye" to a read-back: the caller expects it done
        return {"act": "goodbye"}
    if not (heard.intent == "goodbye" or heard.affirm is False) or not closes_only(heard.text):
        return None
    if state.stage in _IDENTIFYING or state.stage in _VERIFYING:
        return None  # a no to "what's your number?" is not a goodbye: it is asked again
    if state.stage == "ask_request":
        # Only "anything else?" is a question a bare no closes. "Not right now" to "how can
        # I help?" is checked once more ("anything else?") rather than hanging up on it.
        asked_for_more = state.question == phrases.ANYTHING_ELSE
        closed = state.task is None and (asked_for_more or finished(heard.text))
        return {"act": "goodbye" if closed else "not_now"}
    if state.stage in ("offer_slots", "confirm"):
        return {"act": "deny"}
    return {"act": "never_mind"}


def at_callback_offer(state: CallState, heard: Understanding) -> dict[str, Any] | None:
    """Read an answer to "shall I take a message?": yes, no, a request, or the message.

    After repeated misunderstandings (`state.resume` is set) the offer keeps the task: a no
    goes back to the question pending before it, and a request, a pick or a day for the
    task is handled as such (None here: `track` reads it at that question). Once the caller
    said yes to leaving a message, what follows is the message.
    """
    if heard.intent == "goodbye" and says_farewell(heard.text):
        return {"act": "goodbye"}
    if heard.intent == "repeat":
        return {"act": "repeat"}
    request = heard.intent in _TASK_INTENTS or heard.choice is not None
    request = request or heard.phone is not None or heard.phone_invalid
    if heard.affirm is False and heard.when.is_empty() and not request:
        return {"act": "resume" if state.resume else "never_mind"}  # "no thanks"
    if state.resume and heard.intent == "never_mind":
        return {"act": "resume"}  # "forget it": the message, not the task
    when = heard.when
    wish = not when.is_empty() and (state.task is not None or when.has_day or when.at is not None)
    if resumable(state) and (request or wish):
        return None
    if heard.affirm is True and len(heard.text.split()) <= 3:
        return {"act": "human"}  # "yes please": ask for the message itself
    if heard.intent not in ("goodbye", "never_mind"):
        # someone calls back about it, so the task is done here
        return {**CLEARED_TASK, "act": "message", "message": heard.text.strip()[:500]}
    return None


def resumable(state: CallState) -> bool:
    """Return True while the callback offer we made after misunderstandings waits.

    Even after a yes to it, a request or a day and time for a booking is handled as such:
    the offer came from us, and the caller's words are what they want done.
    """
    return state.stage == "take_message" and state.resume is not None


def answer_guess(state: CallState, heard: Understanding) -> dict[str, Any] | None:
    """Read the answer to "Which day is that: Thursday, November 26th?".

    A yes ("yes", "yes, at 3") takes the guessed day and carries on the task with any time
    said; a bare no asks which day without a guess; a day or anything else is read as usual.
    """
    when = heard.when
    guess = state.doubt.get("guess") if state.doubt else None
    if guess is None or state.user_id is None:
        return None
    if when.has_day or when.ambiguous or heard.correction:
        return None
    if heard.affirm is True and heard.intent in (None, "book", "availability"):
        guessed = replace(when, day=date.fromisoformat(guess))
        return {**carry_on(state, guessed), "doubt": None}
    if heard.affirm is False and heard.intent in (None, "goodbye") and when.is_empty():
        phrase = state.doubt["phrase"] if state.doubt else ""
        return {"act": "ambiguous", "doubt": DayDoubt(phrase=phrase)}
    return None


def ambiguous(state: CallState, heard: Understanding) -> dict[str, Any]:
    """Ask which day was meant, keeping the task asked for and the time said with the day.

    Only the day is in doubt: "Tuesday the 13th at 3" keeps 3 PM, so the answer "the 13th"
    (or a yes to the guess) books at 3 PM. A read-back in progress is withdrawn, so a yes
    to the day question can never write the slot read back before.
    """
    when = heard.when
    update: dict[str, Any] = {"act": "ambiguous"}
    task = _task_named(state, heard)
    if task != state.task:
        update.update(task=task, wish=Wish(), target=None, offers=[], offered=[], pending=None)
    if state.stage == "confirm":
        update["pending"] = None
    doubt = day_doubt(when)
    if doubt != state.doubt:
        update["doubt"] = doubt
    time_only = When(
        at=when.at, earliest=when.earliest, latest=when.latest, part_of_day=when.part_of_day
    )
    if not time_only.is_empty():
        update["wish"] = merge_wish(update.get("wish", state.wish), time_only)
    return update


def day_doubt(when: When) -> DayDoubt:
    """Return what to ask about an uncertain day: its words, and the likeliest day if known."""
    doubt = DayDoubt(phrase=when.ambiguous or "")
    if when.guess is not None:
        doubt["guess"] = when.guess.isoformat()
    return doubt


def _task_named(state: CallState, heard: Understanding) -> Task:
    """The task the uncertain day belongs to: the one asked for now, else the one in hand."""
    if heard.intent in ("cancel", "reschedule"):
        return heard.intent
    if heard.intent in ("book", "availability"):
        moving = state.task == "reschedule" and state.target is not None
        return "reschedule" if moving and heard.intent == "availability" else "book"
    return state.task or "book"  # a day said alone is a booking wish, as in `track`
