"""Open the call: create the conversation and greet, identifying the caller ID if any."""

from __future__ import annotations

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, Update
from nodes import phrases
from store.models import as_e164


def greet(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Say hello; a valid caller ID goes straight to identification, else ask the number."""
    ctx = runtime.context
    ctx.store.start_conversation(conversation_id=state.call_id, started_at=ctx.now())
    phone = as_e164(state.caller_id, region=ctx.region) if state.caller_id else None
    hello = phrases.greet_new_call(ctx.calendar.name)
    if phone:
        # the network vouches for a caller ID: that caller is trusted with the account
        return {
            "speech": [hello],
            "phone": phone,
            "identity": "caller_id",
            "act": "phone",
        }
    return {
        "speech": [hello, phrases.ASK_PHONE],
        "stage": "ask_phone",
        "question": phrases.ASK_PHONE,
    }
