"""Answers to the task's own questions: a read-back, offered slots, which appointment.

Pure functions of state and the `Understanding`, used by `nodes.dialogue.track`. Each returns
the act and state changes, or None when the utterance is not an answer to that question.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from graph.state import Booked, CallState, Pending, TaskKind, Update, Wish
from graph.understanding import Understanding, When
from nodes.appointments import on_day
from nodes.cues import direction
from nodes.wish import merge_wish


def carry_on(state: CallState, when: When, *, base: Wish | None = None) -> Update:
    """A day or time for the task in hand: search for it, or find the appointment it names."""
    task = state.task
    wish = merge_wish(task["wish"] if base is None else base, when)
    if task["kind"] == "cancel":
        return {"act": "select", "task": {**task, "wish": wish, "target": None}}
    target = task["target"]
    if task["kind"] == "reschedule" and target is None:
        # which appointment moves is not known yet; select asks, then searches this wish
        return {"act": "select", "task": {**task, "wish": wish}}
    if task["kind"] == "reschedule" and target and not ("day" in wish or "day_from" in wish):
        wish["day"] = target["start"][:10]  # "move it to 2pm": the same day, another time
    return {"act": "search", "task": {**task, "kind": task["kind"] or "book", "wish": wish}}


def at_confirm(state: CallState, pending: Pending, reading: Understanding) -> Update | None:
    """Yes writes, no declines, a new date or time re-searches ("actually make it 4pm")."""
    if not reading.when.is_empty() and pending["kind"] in ("book", "reschedule"):
        wish = merge_wish(state.task["wish"], reading.when)
        return {"act": "search", "task": {**state.task, "wish": wish, "pending": None}}
    if reading.affirm is True and not reading.correction:
        if not read_back_heard(state):
            # a yes answers the question just reading: another one, or a read-back cut short by
            # a barge-in, is no consent to the write, so it is read back again (same key)
            return {"act": "choose"}
        return {"act": "affirm"}
    if reading.affirm is False:
        return {"act": "deny"}
    return None


def read_back_heard(state: CallState) -> bool:
    """Return True when the last thing the caller reading ends with the pending read-back."""
    pending = state.task["pending"]
    said = pending.get("said") if pending else None
    if not said:
        return False
    # a barge-in on the final "?" still reading the whole read-back
    return state.reply.rstrip(" ?").endswith(said.rstrip(" ?"))


def at_offer(state: CallState, reading: Understanding) -> Update | None:
    """A pick by position or by time; "anything else?"; or a new wish."""
    offers = state.task["offers"]
    if reading.choice is not None and -len(offers) <= reading.choice < len(offers):
        return choose(state, offers[reading.choice])
    staffed = state.task.get("staffed", {})
    said = reading.when
    if (said.at is not None and said.earliest is None) or (said.staff and not said.has_day):
        # "the 1 o'clock", "Alex at 1 is fine", "the one with Alex": a pick by time and/or
        # person among the offers; a person alone only when one offer is with them
        picked = [
            slot
            for slot in offers
            if (said.at is None or same_time(slot, said.at.isoformat(timespec="minutes")))
            and (said.day is None or slot[:10] == said.day.isoformat())
            and (not said.staff or staffed.get(slot) == said.staff)
        ]
        if len(picked) == 1:
            return choose(state, picked[0])
    if reading.more and reading.when.at is None and not reading.when.has_day:
        return more(state, reading)
    # "No, book it at 6 pm on that day", "any other options at 12 in the afternoon?": a new
    # time or day is a new wish, whatever else the caller says with it
    if not reading.when.is_empty() and reading.intent in (None, "book", "availability"):
        wish = merge_wish(state.task["wish"], _on_offered_day(state, reading))
        return {"act": "search", "task": {**state.task, "wish": wish}}
    if reading.affirm is True and len(offers) == 1:
        return choose(state, offers[0])
    if reading.affirm is False:
        return {"act": "deny"}
    return None


def more(state: CallState, reading: Understanding) -> Update:
    """Other slots than those reading; "anything later?" also moves the wish past them."""
    way = direction(reading.text)
    task = state.task
    seen = [*task["offers"], *([task["pending"].get("slot", "")] if task["pending"] else [])]
    times = sorted(datetime.fromisoformat(s).time() for s in seen if s)
    if way is None or not times:
        return {"act": "more"}
    bound = When(earliest=times[-1]) if way == "later" else When(latest=times[0])
    return {"act": "more", "task": {**task, "wish": merge_wish(task["wish"], bound)}}


def _on_offered_day(state: CallState, reading: Understanding) -> When:
    """A time alone means the day being talked about: the wished day, else the offers' day."""
    when, wish = reading.when, state.task["wish"]
    if when.has_day or when.ambiguous or wish.get("day") or wish.get("day_from"):
        return when  # the wish keeps its own day or range when merged
    days = {slot[:10] for slot in state.task["offers"]}
    return replace(when, day=date.fromisoformat(days.pop())) if len(days) == 1 else when


def at_appointment(state: CallState, reading: Understanding) -> Update | None:
    """A pick among the caller's own appointments, by position or by day."""
    choices = state.task["choices"]
    if reading.choice is not None and -len(choices) <= reading.choice < len(choices):
        return _picked(state, choices[reading.choice])
    if reading.when.day is not None:
        picked = on_day(choices, reading.when.day)
        if reading.when.at is not None:
            at = reading.when.at.isoformat(timespec="minutes")
            picked = [c for c in picked if same_time(c["start"], at)] or picked
        if len(picked) == 1:
            return _picked(state, picked[0])
    if reading.affirm is True and len(choices) == 1:
        return _picked(state, choices[0])
    return None


def _picked(state: CallState, target: Booked) -> Update:
    return {"act": "select", "task": {**state.task, "target": target}}


def choose(state: CallState, slot: str) -> Update:
    """Read back the picked slot as a booking, or as the new time of a move, with the
    person it was offered with."""
    kind: TaskKind = "reschedule" if state.task["kind"] == "reschedule" else "book"
    pending = Pending(kind=kind, slot=slot)
    if staff := state.task.get("staffed", {}).get(slot):
        pending["staff"] = staff
    return {"act": "choose", "task": {**state.task, "pending": pending}}


def same_time(iso: str, hhmm: str) -> bool:
    """Return True when the ISO start is at the wall time hh:mm."""
    return datetime.fromisoformat(iso).strftime("%H:%M") == hhmm
