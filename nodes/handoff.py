"""Human handoff: take a message for a callback when the caller asks or we keep failing."""

from __future__ import annotations

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallbackReason, CallState, Update
from nodes import phrases


def offer_handoff(state: CallState) -> Update:
    """Put the caller through to a person where the door can, else take a message.

    A transfer is said before it happens; the door then transfers, and if that fails it
    says so (`transfer_failed`) and a message is taken instead.
    """
    reason: CallbackReason = state.callback_reason or "message"
    if state.act == "transfer_failed":
        said, reason = phrases.TRANSFER_FAILED, "transfer_failed"
    elif state.can_transfer:
        return transferring(phrases.TRANSFERRING)
    else:
        said = phrases.WHAT_MESSAGE if state.stage == "take_message" else phrases.HUMAN
    return {"speech": [said], "stage": "take_message", "question": said, "callback_reason": reason}


def transferring(said: str) -> Update:
    """Tell the caller they are being put through; the door transfers after the words."""
    return {"speech": [said], "stage": "transferring", "question": ""}


def take_message(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Record the callback the business owes, with the message; then ask what else.

    "I've passed that on" is said only once the callback is stored: a store that fails
    raises, and the turn apologises without claiming it (`Conversation`). One callback per
    call, so a replayed step or a second message updates it rather than adding another.
    """
    ctx = runtime.context
    ctx.store.request_callback(
        conversation_id=state.call_id,
        user_id=state.user_id,
        phone=state.phone,
        name=state.caller_name,
        need=state.message or "",
        reason=state.callback_reason or "message",
        at=ctx.now(),
    )
    return {
        "speech": [phrases.MESSAGE_TAKEN, phrases.ANYTHING_ELSE],
        "stage": "ask_request",
        "question": phrases.ANYTHING_ELSE,
        "misunderstood": 0,
    }


def goodbye(state: CallState) -> Update:
    """Say goodbye; the summary is written after the goodbye is recorded."""
    return {"speech": [phrases.GOODBYE], "stage": "ended", "question": ""}
