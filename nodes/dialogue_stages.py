"""Answers to the task's own questions: a read-back, offered slots, which appointment.

Pure functions of state and the `Understanding`, used by `nodes.dialogue.track`. Each returns
the act and state changes, or None when the utterance is not an answer to that question.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any, Literal

from graph.state import CallState, Pending, Wish
from nodes.appointments import on_day
from nodes.cues import direction
from nodes.understanding.types import Understanding, When
from nodes.wish import merge_wish


def carry_on(state: CallState, when: When, *, base: Wish | None = None) -> dict[str, Any]:
    """A day or time for the task in hand: search for it, or find the appointment it names."""
    wish = merge_wish(state.wish if base is None else base, when)
    if state.task == "cancel":
        return {"act": "select", "wish": wish, "target": None}
    if state.task == "reschedule" and state.target is None:
        # which appointment moves is not known yet; select asks, then searches this wish
        return {"act": "select", "wish": wish}
    target = state.target
    if state.task == "reschedule" and target and not ("day" in wish or "day_from" in wish):
        wish["day"] = target["start"][:10]  # "move it to 2pm": the same day, another time
    return {"act": "search", "task": state.task or "book", "wish": wish}


def at_confirm(state: CallState, heard: Understanding) -> dict[str, Any] | None:
    """Yes writes, no declines, a new date or time re-searches ("actually make it 4pm")."""
    kind = state.pending.get("kind") if state.pending else None
    if not heard.when.is_empty() and kind in ("book", "reschedule"):
        return {"act": "search", "wish": merge_wish(state.wish, heard.when), "pending": None}
    if heard.affirm is True and not heard.correction:
        if not read_back_heard(state):
            # a yes answers the question just heard: another one, or a read-back cut short by
            # a barge-in, is no consent to the write, so it is read back again (same key)
            return {"act": "choose"}
        return {"act": "affirm"}
    if heard.affirm is False:
        return {"act": "deny"}
    return None


def read_back_heard(state: CallState) -> bool:
    """Return True when the last thing the caller heard ends with the pending read-back."""
    said = state.pending.get("said") if state.pending else None
    if not said:
        return False
    # a barge-in on the final "?" still heard the whole read-back
    return state.reply.rstrip(" ?").endswith(said.rstrip(" ?"))


def at_offer(state: CallState, heard: Understanding) -> dict[str, Any] | None:
    """A pick by position or by time; "anything else?"; or a new wish."""
    offers = state.offers
    if heard.choice is not None and -len(offers) <= heard.choice < len(offers):
        return choose(state, offers[heard.choice])
    if heard.when.at is not None and heard.when.earliest is None:
        picked = [
            slot
            for slot in offers
            if same_time(slot, heard.when.at.isoformat(timespec="minutes"))
            and (heard.when.day is None or slot[:10] == heard.when.day.isoformat())
        ]
        if len(picked) == 1:
            return choose(state, picked[0])
    if heard.more and heard.when.at is None and not heard.when.has_day:
        return more(state, heard)
    # "No, book it at 6 pm on that day", "any other options at 12 in the afternoon?": a new
    # time or day is a new wish, whatever else the caller says with it
    if not heard.when.is_empty() and heard.intent in (None, "book", "availability"):
        return {"act": "search", "wish": merge_wish(state.wish, _on_offered_day(state, heard))}
    if heard.affirm is True and len(offers) == 1:
        return choose(state, offers[0])
    if heard.affirm is False:
        return {"act": "deny"}
    return None


def more(state: CallState, heard: Understanding) -> dict[str, Any]:
    """Other slots than those heard; "anything later?" also moves the wish past them."""
    way = direction(heard.text)
    seen = [*state.offers, *([state.pending.get("slot", "")] if state.pending else [])]
    times = sorted(datetime.fromisoformat(s).time() for s in seen if s)
    if way is None or not times:
        return {"act": "more"}
    bound = When(earliest=times[-1]) if way == "later" else When(latest=times[0])
    return {"act": "more", "wish": merge_wish(state.wish, bound)}


def _on_offered_day(state: CallState, heard: Understanding) -> When:
    """A time alone means the day being talked about: the wished day, else the offers' day."""
    when = heard.when
    if when.has_day or when.ambiguous or state.wish.get("day") or state.wish.get("day_from"):
        return when  # the wish keeps its own day or range when merged
    days = {slot[:10] for slot in state.offers}
    return replace(when, day=date.fromisoformat(days.pop())) if len(days) == 1 else when


def at_appointment(state: CallState, heard: Understanding) -> dict[str, Any] | None:
    """A pick among the caller's own appointments, by position or by day."""
    choices = state.choices
    if heard.choice is not None and -len(choices) <= heard.choice < len(choices):
        return {"act": "select", "target": choices[heard.choice]}
    if heard.when.day is not None:
        picked = on_day(choices, heard.when.day)
        if heard.when.at is not None:
            at = heard.when.at.isoformat(timespec="minutes")
            picked = [c for c in picked if same_time(c["start"], at)] or picked
        if len(picked) == 1:
            return {"act": "select", "target": picked[0]}
    if heard.affirm is True and len(choices) == 1:
        return {"act": "select", "target": choices[0]}
    return None


def choose(state: CallState, slot: str) -> dict[str, Any]:
    """Read back the picked slot as a booking, or as the new time of a move."""
    kind: Literal["book", "reschedule"] = "reschedule" if state.task == "reschedule" else "book"
    return {"act": "choose", "pending": Pending(kind=kind, slot=slot)}


def same_time(iso: str, hhmm: str) -> bool:
    """Return True when the ISO start is at the wall time hh:mm."""
    return datetime.fromisoformat(iso).strftime("%H:%M") == hhmm
