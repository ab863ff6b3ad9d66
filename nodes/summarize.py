"""Close the call: store the outcome, a short summary and what was discussed."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from langgraph.runtime import Runtime

from business.calendar import BusinessCalendar
from business.spoken import say_slot
from graph.context import CallContext
from graph.state import CallState, Update
from nodes.offering import say_what, what_when
from nodes.turn import record, reply_line
from store.errors import StoreError
from store.privacy import mask_phones

log = logging.getLogger(__name__)

_VERBS = {"booked": "booked", "cancelled": "cancelled", "rescheduled": "moved an appointment to"}


def outcome_of(state: CallState) -> str:
    """Return the call's outcome: its last write, a handoff, abandoned, or completed."""
    writes = [o["kind"] for o in state.outcomes]
    if writes:
        return writes[-1]
    if state.message:
        return "handed_off"
    if state.stage == "transferring":
        return "transferred"
    if state.act == "hangup":
        return "abandoned"
    return "completed"


def summary_of(state: CallState, cal: BusinessCalendar | None = None) -> str:
    """Write the summary an analyst or a callback would want, in one paragraph.

    Dates are absolute ("Thursday, November 26th"), never "tomorrow": it is read later.
    With the calendar, each write says what and with whom ("booked a haircut with Maria on
    ..."), and the reason the caller gave for the visit is kept.
    Phone numbers are masked ("phone ***23"), the caller's own and any said in the message:
    the summary is shown to analysts; a callback reads the number from the caller's record.
    """
    who = state.caller_name or "An unidentified caller"
    parts = []
    for o in state.outcomes:
        when = say_slot(datetime.fromisoformat(o["start"]))
        what = say_what(cal, o.get("service"), o.get("staff")) if cal is not None else ""
        if what and o["kind"] == "rescheduled":
            when = f"{when} ({what})"
        elif what:
            when = what_when(what, when)
        parts.append(f"{_VERBS[o['kind']]} {when}")
    done = "; ".join(parts) if parts else "made no changes"
    number = f"phone {state.phone}" if state.phone else "number unknown"
    text = f"{who} ({number}) {done}."
    if state.reason:
        text += f" Reason for the visit: {state.reason}."
    if state.preferences:
        text += f" Asked about: {'; '.join(state.preferences)}."
    if state.identity == "refused":
        text += (
            " The caller said the number of an existing account but could not confirm it,"
            " so nothing of the account was read or changed; a callback goes to its number."
        )
    if state.message:
        text += f" Callback requested, message: {state.message!r}."
    if state.stage == "transferring":
        text += " Put through to a person at their request."
    elif state.act == "hangup":
        text += " The call ended without a goodbye."
    return mask_phones(text)


def cost_breakdown(state: CallState, ctx: CallContext) -> dict[str, Any]:
    """Price what understanding this call cost; voice costs join it in the voice bridge."""
    usage = state.usage
    llm_usd = ctx.prices.llm_usd(
        input_tokens=usage.get("input_tokens", 0), output_tokens=usage.get("output_tokens", 0)
    )
    return {
        "understanding": ctx.engine,
        "turns": state.turn,
        "llm_calls": usage.get("llm_calls", 0),
        "llm_fallbacks": usage.get("fallbacks", 0),
        "input_tokens": usage.get("input_tokens", 0),
        "output_tokens": usage.get("output_tokens", 0),
        "llm_usd": round(llm_usd, 6),
        "total_usd": round(llm_usd, 6),
    }


def summarize(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Store the conversation's summary; runs once, after the last reply.

    After a goodbye its line is not stored yet (`listen` stores a reply with its answer):
    it goes in first. A caller who hung up left it stored, as they heard it.
    """
    ctx = runtime.context
    now = ctx.now()
    if state.act != "hangup" and state.reply:
        record(ctx, state, [reply_line(state, ctx)])
    ctx.store.finish_conversation(
        conversation_id=state.call_id,
        ended_at=now,
        outcome=outcome_of(state),
        summary=summary_of(state, ctx.calendar),
        appointments_discussed=[o["appointment_id"] for o in state.outcomes],
        preferences_mentioned=list(state.preferences),
        cost_breakdown=cost_breakdown(state, ctx),
    )
    if ctx.calendar.auto_complete:
        _close_past(ctx, now)
    return {"stage": "ended"}


def _close_past(ctx: CallContext, now: datetime) -> None:
    """Mark appointments that are over completed, as the business asked (`auto_complete`).

    Housekeeping after the caller has gone: a store that fails here costs nothing of the
    call (the next call's end, or `booking appointments close-past`, catches up).
    """
    try:
        ctx.store.complete_past(before=now)
    except StoreError as error:
        log.warning("could not close past appointments: %s", type(error).__name__)
