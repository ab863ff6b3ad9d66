"""Open the call: create the conversation and greet, identifying the caller ID if any."""

from __future__ import annotations

import phonenumbers
from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, Update
from nodes import phrases


def normalize_phone(raw: str, *, region: str) -> str | None:
    """Return a valid number in E.164, or None."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def greet(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Say hello; a valid caller ID goes straight to identification, else ask the number."""
    ctx = runtime.context
    ctx.store.start_conversation(conversation_id=state.call_id, started_at=ctx.now())
    phone = normalize_phone(state.caller_id, region=ctx.region) if state.caller_id else None
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
