"""Dialogue-state tracking: read one understood utterance in the light of the pending question.

A pure function of state and the `Understanding`: it decides the dialogue act the routers
switch on and merges what the caller said into the task, wish and picks. No I/O. Answers to
the task's own questions are read in `dialogue_stages`, repairs (a no, the callback offer,
an uncertain day) in `dialogue_repair`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from graph.state import Act, Booked, CallState, Stage, Task, TaskKind, Update, VerifyClaim, Wish
from graph.understanding import Expecting, Understanding
from nodes import phrases
from nodes.cues import bounded_name, confirms_mine, means_that_one, moves_it, says_none
from nodes.dialogue_repair import (
    ambiguous,
    answer_guess,
    at_callback_offer,
    closing,
    day_doubt,
    resumable,
)
from nodes.dialogue_stages import at_appointment, at_confirm, at_offer, carry_on, more
from nodes.email_ask import at_email
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
    "transferring": "request",
    "ask_email": "request",
    "confirm_email": "yes_no",
    "ended": "request",
}
"""What kind of answer each pending question expects."""

MAX_REASON_CHARS = 120
"""The reason for a visit is a few words of notes; state stays small."""

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


def track(state: CallState, reading: Understanding) -> Update:
    """Return the act for this utterance and the state changes it implies."""
    update = _track(state, reading)
    act = update["act"]
    update["misunderstood"] = state.misunderstood + 1 if act == "unclear" else 0
    if state.doubt is not None and act not in _KEEPS_DOUBT:
        update["doubt"] = None
    if state.back_to is not None and act not in ("human", "repeat", "resume"):
        update["back_to"] = None  # the callback offer is no longer pending (resume reads it)
    if reading.reason is not None and state.stage != "take_message":
        update["reason"] = reading.reason[:MAX_REASON_CHARS]  # the visit's, for its notes
    return update


def _track(state: CallState, reading: Understanding) -> Update:
    stage = state.stage
    if stage == "take_message":
        if (reply := at_callback_offer(state, reading)) is not None:
            return reply
        if state.back_to is not None and resumable(state):
            # a request instead of a message is read at the question the offer interrupted
            stage, question = state.back_to["stage"], state.back_to["question"]
            at_question = replace(state, back_to=None, stage=stage, question=question)
            return {"stage": stage, "question": question, **_track(at_question, reading)}
    if (reply := answer_guess(state, reading)) is not None:
        return reply
    if (reply := _about_that(state, reading)) is not None:
        return reply
    if stage in ("ask_email", "confirm_email") and (reply := at_email(state, reading)):
        return reply  # before `closing`: a no to the read-back is no goodbye
    if (reply := closing(state, reading)) is not None:
        return reply
    if reading.intent == "goodbye":
        reading = replace(reading, intent=None)  # "yes, that's it" carries more than a goodbye
    if reading.intent in _GLOBAL_ACTS:
        return {"act": _GLOBAL_ACTS[reading.intent]}
    when = reading.when
    if reading.intent == "never_mind" and not (reading.correction and not when.is_empty()):
        return {"act": "never_mind"}
    if state.user_id is None:
        return _identify(state, reading)
    if stage == "ask_name":
        if reading.name:
            return {"act": "name", "caller_name": bounded_name(reading.name)}
        return _remember_request(state, reading)
    if reading.intent in ("list", "book") and when.day is not None and confirms_mine(reading.text):
        return {"act": "check"}  # "confirm my appointment on Friday at 10": theirs, or to book
    if reading.intent == "list":
        return {"act": "list"}
    if when.ambiguous:
        return ambiguous(state, reading)
    pending = state.task["pending"]
    if (
        stage == "confirm"
        and pending
        and (reply := at_confirm(state, pending, reading)) is not None
    ):
        return reply
    if stage == "offer_slots" and (reply := at_offer(state, reading)) is not None:
        return reply
    if stage == "ask_appointment" and (reply := at_appointment(state, reading)) is not None:
        return reply
    idle = reading.intent is None and state.task["kind"] is None
    if state.about is not None and idle and moves_it(reading.text):
        # "can I move it to Friday?" of the appointment named at the greeting
        reading = replace(reading, intent="reschedule", correction=False)
    if reading.intent is not None:
        return _new_task(state, reading)
    # "no, can I get a different time?" just after a booking wants that booking moved
    amending = reading.correction or (reading.more and reading.affirm is False)
    task = state.task
    amend = _amend_last_write(state, reading) if amending and task["kind"] is None else None
    if amend is not None:
        return amend
    if not when.is_empty():
        return carry_on(state, when, base=Wish() if task["kind"] == "cancel" else None)
    moving = task["kind"] == "reschedule" and task["target"]
    if reading.more and (task["kind"] == "book" or moving):
        # a move's new time is searched only once we know which appointment moves
        return more(state, reading)
    if reading.affirm is True and stage == "ask_request" and task["kind"] is None:
        return {"act": "prompt"}  # a yes to "what day would suit you?" says nothing: unclear
    return {"act": "unclear"}


def _identify(state: CallState, reading: Understanding) -> Update:
    """Before we trust the caller, only a phone number or the answers to the identity check
    move the call on; a request is remembered for afterwards."""
    if reading.phone:
        return {"act": "phone", "phone": reading.phone}
    if state.stage == "verify_name" and (name := claimed_name(reading)) is not None:
        claim = VerifyClaim(name=name)
        if (day := _claimed_day(reading)) is not None:
            claim["day"] = day  # both answers at once: judged without a second question
        return {"act": "verify", "claim": claim}
    if state.stage == "verify_day" and (day := _claimed_day(reading)) is not None:
        return {"act": "verify", "claim": VerifyClaim(**(state.claim or {}), day=day)}
    if reading.phone_invalid and state.stage == "ask_phone":
        return {"act": "bad_phone"}
    return _remember_request(state, reading)


def _claimed_day(reading: Understanding) -> str | None:
    """The day said for the account's next appointment, "none" for none, else None."""
    when = reading.when
    if when.day is not None and not when.ambiguous and when.day_to is None:
        return when.day.isoformat()
    if when.is_empty() and not when.ambiguous and says_none(reading.text):
        return NO_APPOINTMENT
    return None


def _remember_request(state: CallState, reading: Understanding) -> Update:
    """A request made before we know who is calling is kept and carried out afterwards.

    An uncertain day in it is kept as a doubt, asked about once the caller is known.
    """
    kind: TaskKind
    if reading.intent in ("book", "availability"):
        kind = "book"
    elif reading.intent in ("cancel", "reschedule"):
        kind = "cancel" if reading.intent == "cancel" else "reschedule"
    elif reading.intent == "list":
        return {"act": "need_identity"}
    elif reading.intent is None and (not reading.when.is_empty() or reading.when.ambiguous):
        kind = "book"  # "the Friday after Thanksgiving, please": a booking wish
    else:
        return {"act": "unclear"}
    task: Task = {**state.task, "kind": kind, "wish": merge_wish(Wish(), reading.when)}
    if reading.when.ambiguous:
        return {"act": "need_identity", "task": task, "doubt": day_doubt(reading.when)}
    return {"act": "need_identity", "task": task}


def _new_task(state: CallState, reading: Understanding) -> Update:
    """Start (or continue) a task named by the caller's intent."""
    intent, when, task = reading.intent, reading.when, state.task
    if intent in ("book", "availability"):
        keep = task["kind"] == "reschedule" and task["target"] is not None
        keep = keep and intent == "availability"
        kind: TaskKind = "reschedule" if keep else "book"
        # a wish set aside with "not right now" (no task in hand) is picked up again
        base = task["wish"] if task["kind"] in (kind, None) else Wish()
        new: Task = {**task, "kind": kind, "wish": merge_wish(base, when)}
        if not keep:
            new["target"] = None
        if task["kind"] != kind:
            new["already_offered"] = []
        return {"act": "search", "task": new}
    if (
        intent == "reschedule"
        and task["kind"] == "book"
        and task["target"] is None
        and not when.is_empty()
    ):
        # "change that appointment to Friday" mid-booking amends the booking being made
        wish = merge_wish(task["wish"], when)
        return {"act": "search", "task": {**task, "wish": wish, "pending": None}}
    if intent in ("cancel", "reschedule"):
        kind = "cancel" if intent == "cancel" else "reschedule"
        return {
            "act": "select",
            "task": {
                **task,
                "kind": kind,
                "wish": merge_wish(Wish(), when),
                "target": _the_one_meant(state, reading, kind),
                "already_offered": [],
                "pending": None,
            },
        }
    return {"act": "unclear"}


def _about_that(state: CallState, reading: Understanding) -> Update | None:
    """A bare yes or no to "is this about that?" after the greeting named the caller's next
    appointment: yes asks what to do with it, no asks what else (neither ends the call)."""
    asked = state.stage == "ask_request" and state.question == phrases.ABOUT_THAT
    if not asked or state.about is None or reading.affirm is None:
        return None
    if reading.intent is not None or not reading.when.is_empty() or reading.more:
        return None  # "yes, move it to Friday" is a request, read as one
    return {"act": "prompt"}


def _the_one_meant(state: CallState, reading: Understanding, kind: TaskKind) -> Booked | None:
    """The appointment named at the greeting when the caller points at it ("move it",
    "cancel that one"); else None, and select finds it by day or asks which."""
    if state.about is None or not means_that_one(reading.text):
        return None
    if kind == "cancel" and reading.when.day is not None:
        return None  # "cancel that one on Friday": the day says which
    return state.about


def _amend_last_write(state: CallState, reading: Understanding) -> Update | None:
    """ "Actually, make it 4pm" just after a booking moves that booking (after a read-back).

    With no new day or time ("no, a different time") the wish is left empty, so the caller
    is asked when to move it to.
    """
    last = state.outcomes[-1] if state.outcomes else None
    if last is None or last["kind"] not in ("booked", "rescheduled"):
        return None
    if reading.when.is_empty() and not reading.more:
        return None
    start = datetime.fromisoformat(last["start"])
    base = Wish(day=start.date().isoformat(), at=start.strftime("%H:%M"))
    return {
        "act": "select",
        "task": {
            **state.task,
            "kind": "reschedule",
            "target": Booked(id=last["appointment_id"], start=last["start"]),
            "wish": Wish() if reading.when.is_empty() else merge_wish(base, reading.when),
            "already_offered": [],
            "pending": None,
        },
    }
