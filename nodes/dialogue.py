"""Dialogue-state tracking: read one understood utterance in the light of the pending question.

A pure function of state and the `Understanding`: it decides the dialogue act the routers
switch on and merges what the caller said into the task, wish and picks. No I/O. Answers to
the task's own questions are read in `dialogue_stages`, repairs (a no, the callback offer,
an uncertain day) in `dialogue_repair`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from graph.state import Act, CallState, Stage, VerifyClaim, Wish
from nodes.cues import bounded_name, confirms_mine, says_none
from nodes.dialogue_repair import (
    ambiguous,
    answer_guess,
    at_callback_offer,
    closing,
    day_doubt,
    resumable,
)
from nodes.dialogue_stages import at_appointment, at_confirm, at_offer, carry_on, more
from nodes.understanding.types import Expecting, Understanding
from nodes.verify import NO_APPOINTMENT, claimed_name
from nodes.wish import merge_wish

EXPECTING: dict[Stage, Expecting] = {
    "start": "request",
    "ask_phone": "phone",
    "ask_name": "name",
    "verify_name": "name",
    "verify_day": "request",
    "ask_request": "request",
    "offer_slots": "slot_choice",
    "ask_appointment": "appointment_choice",
    "confirm": "yes_no",
    "take_message": "request",
    "ended": "request",
}
"""What kind of answer each pending question expects."""

_GLOBAL_ACTS: dict[str, Act] = {
    "repeat": "repeat",
    "human": "human",
    "help": "help",
    "chitchat": "chitchat",
}

_DIGRESSIONS: frozenset[Act] = frozenset(
    {"repeat", "help", "chitchat", "list", "unclear", "human", "resume", "ambiguous"}
)
_IDENTIFYING: frozenset[Act] = frozenset({"phone", "bad_phone", "need_identity", "name", "verify"})
_KEEPS_DOUBT = _DIGRESSIONS | _IDENTIFYING
"""Digressions and identification, after which the day question (`doubt`) is still due."""


def track(state: CallState, heard: Understanding) -> dict[str, Any]:
    """Return the act for this utterance and the state changes it implies."""
    update = _track(state, heard)
    act = update["act"]
    update["misunderstood"] = state.misunderstood + 1 if act == "unclear" else 0
    if state.doubt is not None and act not in _KEEPS_DOUBT:
        update["doubt"] = None
    if state.resume is not None and act not in ("human", "repeat", "resume"):
        update["resume"] = None  # the callback offer is no longer pending (resume reads it)
    return update


def _track(state: CallState, heard: Understanding) -> dict[str, Any]:
    stage = state.stage
    if stage == "take_message":
        if (reply := at_callback_offer(state, heard)) is not None:
            return reply
        if state.resume is not None and resumable(state):
            # a request instead of a message is read at the question the offer interrupted
            back: dict[str, Any] = {**state.resume}
            return {**back, **_track(replace(state, resume=None, **back), heard)}
    if (reply := answer_guess(state, heard)) is not None:
        return reply
    if (reply := closing(state, heard)) is not None:
        return reply
    if heard.intent == "goodbye":
        heard = replace(heard, intent=None)  # "yes, that's it" carries more than a goodbye
    if heard.intent in _GLOBAL_ACTS:
        return {"act": _GLOBAL_ACTS[heard.intent]}
    when = heard.when
    if heard.intent == "never_mind" and not (heard.correction and not when.is_empty()):
        return {"act": "never_mind"}
    if state.user_id is None:
        return _identify(state, heard)
    if stage == "ask_name":
        if heard.name:
            return {"act": "name", "caller_name": bounded_name(heard.name)}
        return _remember_request(heard)
    if heard.intent in ("list", "book") and when.day is not None and confirms_mine(heard.text):
        return {"act": "check"}  # "confirm my appointment on Friday at 10": theirs, or to book
    if heard.intent == "list":
        return {"act": "list"}
    if when.ambiguous:
        return ambiguous(state, heard)
    if stage == "confirm" and state.pending and (reply := at_confirm(state, heard)) is not None:
        return reply
    if stage == "offer_slots" and (reply := at_offer(state, heard)) is not None:
        return reply
    if stage == "ask_appointment" and (reply := at_appointment(state, heard)) is not None:
        return reply
    if heard.intent is not None:
        return _new_task(state, heard)
    # "no, can I get a different time?" just after a booking wants that booking moved
    amending = heard.correction or (heard.more and heard.affirm is False)
    amend = _amend_last_write(state, heard) if amending and state.task is None else None
    if amend is not None:
        return amend
    if not when.is_empty():
        return carry_on(state, when, base=Wish() if state.task == "cancel" else None)
    if heard.more and (state.task == "book" or (state.task == "reschedule" and state.target)):
        # a move's new time is searched only once we know which appointment moves
        return more(state, heard)
    if heard.affirm is True and stage == "ask_request" and state.task is None:
        return {"act": "prompt"}  # a yes to "what day would suit you?" says nothing: unclear
    return {"act": "unclear"}


def _identify(state: CallState, heard: Understanding) -> dict[str, Any]:
    """Before we trust the caller, only a phone number or the answers to the identity check
    move the call on; a request is remembered for afterwards."""
    if heard.phone:
        return {"act": "phone", "phone": heard.phone}
    if state.stage == "verify_name" and (name := claimed_name(heard)) is not None:
        claim = VerifyClaim(name=name)
        if (day := _claimed_day(heard)) is not None:
            claim["day"] = day  # both answers at once: judged without a second question
        return {"act": "verify", "claim": claim}
    if state.stage == "verify_day" and (day := _claimed_day(heard)) is not None:
        return {"act": "verify", "claim": VerifyClaim(**(state.claim or {}), day=day)}
    if heard.phone_invalid and state.stage == "ask_phone":
        return {"act": "bad_phone"}
    return _remember_request(heard)


def _claimed_day(heard: Understanding) -> str | None:
    """The day said for the account's next appointment, "none" for none, else None."""
    when = heard.when
    if when.day is not None and not when.ambiguous and when.day_to is None:
        return when.day.isoformat()
    if when.is_empty() and not when.ambiguous and says_none(heard.text):
        return NO_APPOINTMENT
    return None


def _remember_request(heard: Understanding) -> dict[str, Any]:
    """A request made before we know who is calling is kept and carried out afterwards.

    An uncertain day in it is kept as a doubt, asked about once the caller is known.
    """
    if heard.intent in ("book", "availability", "cancel", "reschedule"):
        task = "book" if heard.intent == "availability" else heard.intent
        update = {"act": "need_identity", "task": task, "wish": merge_wish(Wish(), heard.when)}
        return {**update, "doubt": day_doubt(heard.when)} if heard.when.ambiguous else update
    if heard.intent == "list":
        return {"act": "need_identity"}
    if heard.intent is None and (not heard.when.is_empty() or heard.when.ambiguous):
        # "the Friday after Thanksgiving, please" before we know the caller: a booking wish
        update = {"act": "need_identity", "task": "book", "wish": merge_wish(Wish(), heard.when)}
        return {**update, "doubt": day_doubt(heard.when)} if heard.when.ambiguous else update
    return {"act": "unclear"}


def _new_task(state: CallState, heard: Understanding) -> dict[str, Any]:
    """Start (or continue) a task named by the caller's intent."""
    intent, when = heard.intent, heard.when
    if intent in ("book", "availability"):
        keep = state.task == "reschedule" and state.target is not None and intent == "availability"
        task = "reschedule" if keep else "book"
        # a wish set aside with "not right now" (no task in hand) is picked up again
        base = state.wish if state.task in (task, None) else Wish()
        update: dict[str, Any] = {"act": "search", "task": task, "wish": merge_wish(base, when)}
        if not keep:
            update["target"] = None
        if state.task != task:
            update["offered"] = []
        return update
    if (
        intent == "reschedule"
        and state.task == "book"
        and state.target is None
        and not when.is_empty()
    ):
        # "change that appointment to Friday" mid-booking amends the booking being made
        return {"act": "search", "wish": merge_wish(state.wish, when), "pending": None}
    if intent in ("cancel", "reschedule"):
        return {
            "act": "select",
            "task": intent,
            "wish": merge_wish(Wish(), when),
            "target": None,
            "offered": [],
            "pending": None,
        }
    return {"act": "unclear"}


def _amend_last_write(state: CallState, heard: Understanding) -> dict[str, Any] | None:
    """ "Actually, make it 4pm" just after a booking moves that booking (after a read-back).

    With no new day or time ("no, a different time") the wish is left empty, so the caller
    is asked when to move it to.
    """
    last = state.outcomes[-1] if state.outcomes else None
    if last is None or last.get("kind") not in ("booked", "rescheduled"):
        return None
    if heard.when.is_empty() and not heard.more:
        return None
    start = datetime.fromisoformat(last["start"])
    base = Wish(day=start.date().isoformat(), at=start.strftime("%H:%M"))
    return {
        "act": "select",
        "task": "reschedule",
        "target": {"id": last["appointment_id"], "start": last["start"]},
        "wish": Wish() if heard.when.is_empty() else merge_wish(base, heard.when),
        "offered": [],
        "pending": None,
    }
