"""Dialogue-state tracking: read one understood utterance in the light of the pending question.

A pure function of state and the `Understanding`: it decides the dialogue act the routers
switch on and merges what the caller said into the task, wish and picks. No I/O.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from graph.state import Act, CallState, Pending, Stage, Wish
from nodes.appointments import on_day
from nodes.understanding.types import Expecting, Understanding, When
from nodes.wish import merge_wish

EXPECTING: dict[Stage, Expecting] = {
    "start": "request",
    "ask_phone": "phone",
    "ask_name": "name",
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
    "goodbye": "goodbye",
    "human": "human",
    "help": "help",
    "chitchat": "chitchat",
}


def track(state: CallState, heard: Understanding) -> dict[str, Any]:
    """Return the act for this utterance and the state changes it implies."""
    update = _track(state, heard)
    act = update["act"]
    update["misunderstood"] = state.misunderstood + 1 if act == "unclear" else 0
    return update


def _track(state: CallState, heard: Understanding) -> dict[str, Any]:
    stage, when = state.stage, heard.when
    if stage == "take_message":
        if heard.affirm is False and heard.when.is_empty():
            return {"act": "never_mind"}  # "no thanks" to leaving a message
        if heard.affirm is True and len(heard.text.split()) <= 3:
            return {"act": "human"}  # "yes please": ask for the message itself
        if heard.intent not in ("goodbye", "repeat", "never_mind"):
            return {"act": "message", "message": heard.text.strip()[:500]}
    if heard.intent in _GLOBAL_ACTS:
        return {"act": _GLOBAL_ACTS[heard.intent]}
    if heard.intent == "never_mind" and not (heard.correction and not when.is_empty()):
        return {"act": "never_mind"}
    if state.user_id is None:
        return _identify(state, heard)
    if stage == "ask_name":
        if heard.name:
            return {"act": "name", "caller_name": heard.name}
        return _remember_request(heard)
    if heard.intent == "list":
        return {"act": "list"}
    if heard.when.ambiguous:
        return _ambiguous(state, heard)
    if stage == "confirm" and state.pending and (reply := _at_confirm(state, heard)) is not None:
        return reply
    if stage == "offer_slots" and (reply := _at_offer(state, heard)) is not None:
        return reply
    if stage == "ask_appointment" and (reply := _at_appointment(state, heard)) is not None:
        return reply
    if heard.intent is not None:
        return _new_task(state, heard)
    amend = _amend_last_write(state, heard) if heard.correction and state.task is None else None
    if amend is not None:
        return amend
    if not when.is_empty():
        if state.task == "cancel":
            return {"act": "select", "wish": merge_wish(Wish(), when), "target": None}
        task = state.task or "book"
        return {"act": "search", "task": task, "wish": merge_wish(state.wish, when)}
    if heard.more and state.task in ("book", "reschedule"):
        return {"act": "more"}
    if heard.affirm is False and stage == "ask_request":
        return {"act": "goodbye"}
    if heard.affirm is True and stage == "ask_request":
        return {"act": "prompt"}
    return {"act": "unclear"}


def _identify(state: CallState, heard: Understanding) -> dict[str, Any]:
    """Before we know the caller, only a phone number moves the call on; remember the rest."""
    if heard.phone:
        return {"act": "phone", "phone": heard.phone}
    if heard.phone_invalid:
        return {"act": "bad_phone"}
    return _remember_request(heard)


def _remember_request(heard: Understanding) -> dict[str, Any]:
    """A request made before we know who is calling is kept and carried out afterwards."""
    if heard.intent in ("book", "availability"):
        return {"act": "need_identity", "task": "book", "wish": merge_wish(Wish(), heard.when)}
    if heard.intent in ("cancel", "reschedule"):
        return {
            "act": "need_identity",
            "task": heard.intent,
            "wish": merge_wish(Wish(), heard.when),
        }
    if heard.intent == "list":
        return {"act": "need_identity"}
    return {"act": "unclear"}


def _ambiguous(state: CallState, heard: Understanding) -> dict[str, Any]:
    """Ask which day was meant, keeping the time said with it ("Tuesday the 13th at 3").

    Only the day is in doubt; the caller's answer ("the 13th") then keeps the 3 PM.
    """
    when = heard.when
    time_only = When(
        at=when.at, earliest=when.earliest, latest=when.latest, part_of_day=when.part_of_day
    )
    if time_only.is_empty() or state.task not in (None, "book", "reschedule"):
        return {"act": "ambiguous"}
    return {"act": "ambiguous", "wish": merge_wish(state.wish, time_only)}


def _at_confirm(state: CallState, heard: Understanding) -> dict[str, Any] | None:
    """Yes writes, no declines, a new date or time re-searches ("actually make it 4pm")."""
    assert state.pending is not None
    kind = state.pending.get("kind")
    if not heard.when.is_empty() and kind in ("book", "reschedule"):
        return {"act": "search", "wish": merge_wish(state.wish, heard.when), "pending": None}
    if heard.affirm is True and not heard.correction:
        return {"act": "affirm"}
    if heard.affirm is False:
        return {"act": "deny"}
    return None


def _at_offer(state: CallState, heard: Understanding) -> dict[str, Any] | None:
    """A pick by position or by time; "anything else?"; or a new wish."""
    offers = state.offers
    if heard.choice is not None and -len(offers) <= heard.choice < len(offers):
        return _choose(state, offers[heard.choice])
    if heard.when.at is not None and heard.when.earliest is None:
        picked = [
            slot
            for slot in offers
            if _same_time(slot, heard.when.at.isoformat(timespec="minutes"))
            and (heard.when.day is None or slot[:10] == heard.when.day.isoformat())
        ]
        if len(picked) == 1:
            return _choose(state, picked[0])
    if heard.more:
        return {"act": "more"}
    if not heard.when.is_empty() and heard.intent is None:
        return {"act": "search", "wish": merge_wish(state.wish, heard.when)}
    if heard.affirm is True and len(offers) == 1:
        return _choose(state, offers[0])
    if heard.affirm is False:
        return {"act": "deny"}
    return None


def _at_appointment(state: CallState, heard: Understanding) -> dict[str, Any] | None:
    """A pick among the caller's own appointments, by position or by day."""
    choices = state.choices
    if heard.choice is not None and -len(choices) <= heard.choice < len(choices):
        return {"act": "select", "target": choices[heard.choice]}
    if heard.when.day is not None:
        picked = on_day(choices, heard.when.day)
        if heard.when.at is not None:
            at = heard.when.at.isoformat(timespec="minutes")
            picked = [c for c in picked if _same_time(c["start"], at)] or picked
        if len(picked) == 1:
            return {"act": "select", "target": picked[0]}
    if heard.affirm is True and len(choices) == 1:
        return {"act": "select", "target": choices[0]}
    return None


def _new_task(state: CallState, heard: Understanding) -> dict[str, Any]:
    """Start (or continue) a task named by the caller's intent."""
    intent, when = heard.intent, heard.when
    if intent in ("book", "availability"):
        keep = state.task == "reschedule" and state.target is not None and intent == "availability"
        task = "reschedule" if keep else "book"
        base = state.wish if state.task == task else Wish()
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
    """ "Actually, make it 4pm" just after a booking moves that booking (after a read-back)."""
    last = state.outcomes[-1] if state.outcomes else None
    if heard.when.is_empty() or last is None or last.get("kind") not in ("booked", "rescheduled"):
        return None
    start = datetime.fromisoformat(last["start"])
    base = Wish(day=start.date().isoformat(), at=start.strftime("%H:%M"))
    return {
        "act": "select",
        "task": "reschedule",
        "target": {"id": last["appointment_id"], "start": last["start"]},
        "wish": merge_wish(base, heard.when),
        "offered": [],
        "pending": None,
    }


def _choose(state: CallState, slot: str) -> dict[str, Any]:
    kind: Literal["book", "reschedule"] = "reschedule" if state.task == "reschedule" else "book"
    return {"act": "choose", "pending": Pending(kind=kind, slot=slot)}


def _same_time(iso: str, hhmm: str) -> bool:
    return datetime.fromisoformat(iso).strftime("%H:%M") == hhmm
