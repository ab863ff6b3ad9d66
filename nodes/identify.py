"""Identify the caller by phone number: greet a known caller, register a new one."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState
from nodes import phrases
from nodes.repair import ask_which_day

MAX_PHONE_ATTEMPTS = 3


def identify(state: CallState, *, runtime: Runtime[CallContext]) -> dict[str, Any]:
    """Look the number up; ask again for an invalid one; ask a new caller's name."""
    if state.act == "bad_phone":
        attempts = state.phone_attempts + 1
        said = phrases.PHONE_GIVE_UP if attempts >= MAX_PHONE_ATTEMPTS else phrases.BAD_PHONE
        return {"speech": [said], "stage": "ask_phone", "phone_attempts": attempts}
    if state.act == "need_identity" and state.user_id is not None:
        return {
            "speech": [phrases.ASK_NAME_FIRST],
            "stage": "ask_name",
            "question": phrases.WHAT_NAME,
        }
    if state.act == "need_identity" or state.phone is None:
        return {
            "speech": [phrases.ASK_PHONE_FIRST],
            "stage": "ask_phone",
            "question": phrases.ASK_PHONE,
        }
    store = runtime.context.store
    user = store.find_user_by_phone(state.phone)
    if user is None:
        user = store.create_user(phone=state.phone)
        new_caller = True
    else:
        new_caller = False
    store.attach_user(conversation_id=state.call_id, user_id=user.id)
    update: dict[str, Any] = {"user_id": user.id, "new_caller": new_caller}
    if user.name is None:
        # "that number" only after the caller said one; a caller ID was never said aloud
        said_number = state.stage == "ask_phone"
        if not new_caller:
            ask = phrases.WHAT_NAME
        else:
            ask = phrases.ASK_NAME if said_number else phrases.NEW_CALLER
        return {
            **update,
            "speech": [ask],
            "stage": "ask_name",
            "question": phrases.WHAT_NAME,
        }
    greeting = phrases.welcome_back(user.name)
    return {**update, "caller_name": user.name, **_carry_on(state, greeting, runtime=runtime)}


def register(state: CallState, *, runtime: Runtime[CallContext]) -> dict[str, Any]:
    """Store a new caller's name and carry on with what they wanted."""
    assert state.user_id is not None and state.caller_name is not None
    runtime.context.store.set_user_name(state.user_id, state.caller_name)
    return _carry_on(state, phrases.nice_to_meet(state.caller_name), runtime=runtime)


def _carry_on(state: CallState, greeting: str, *, runtime: Runtime[CallContext]) -> dict[str, Any]:
    """Go back to a task asked before identification, else ask how to help.

    A day in that request we could not read is asked about first, never searched without.
    """
    if state.task is not None and state.doubt is not None:
        said, question = ask_which_day(state, today=runtime.context.now().date())
        return {"speech": [greeting, said], "stage": "ask_request", "question": question}
    if state.task is not None:
        return {"speech": [greeting], "stage": "ask_request"}
    return {
        "speech": [greeting, phrases.HOW_CAN_I_HELP],
        "stage": "ask_request",
        "question": phrases.HOW_CAN_I_HELP,
    }
