"""Identify the caller by phone number: greet a known caller, register a new one."""

from __future__ import annotations

import logging
from datetime import timedelta

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, Update, no_task
from nodes import phrases
from nodes.appointments import say_appointments, upcoming
from nodes.cues import bounded_name
from nodes.guard import expect
from nodes.repair import ask_which_day
from store.models import User

log = logging.getLogger(__name__)

MAX_PHONE_ATTEMPTS = 3


def identify(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Look the number up; ask again for an invalid one; check a spoken number's claim."""
    if state.act == "bad_phone":
        attempts = state.phone_attempts + 1
        said = phrases.PHONE_GIVE_UP if attempts >= MAX_PHONE_ATTEMPTS else phrases.BAD_PHONE
        return {"speech": [said], "stage": "ask_phone", "phone_attempts": attempts}
    if state.act == "need_identity":
        return _first_identify(state)
    if state.phone is None:
        return _first_identify(state)
    store = runtime.context.store
    user = store.find_user_by_phone(state.phone)
    if user is not None and state.identity != "caller_id":
        # a number said aloud is a claim: the account opens only after the check
        if state.verify_tries >= runtime.context.max_verify_tries:
            return refuse(phrases.VERIFY_LOCKED, state, user.id, runtime.context)
        if locked(runtime.context, user.id):
            log.warning("call %s: a spoken number names a locked account", state.call_id)
            return refuse(phrases.ACCOUNT_LOCKED, state, user.id, runtime.context)
        return {
            "identity": "claimed",
            "claimed_id": user.id,
            "claim": None,
            "speech": [phrases.VERIFY_NAME],
            "stage": "verify_name",
            "question": phrases.VERIFY_NAME,
        }
    new_caller = user is None
    if user is None:
        user = store.create_user(phone=state.phone)
    opened = open_account(state, user, new_caller=new_caller, runtime=runtime)
    return opened if state.identity == "caller_id" else {"identity": "new", **opened}


LOCK_WINDOW = timedelta(hours=24)
"""Failed identity checks older than this no longer count towards the account's lock."""


def locked(ctx: CallContext, user_id: str) -> bool:
    """Return True when the account failed too many identity checks lately, across calls."""
    since = ctx.now() - LOCK_WINDOW
    return ctx.store.failed_identity_checks(user_id, since=since) >= ctx.max_account_failures


def _first_identify(state: CallState) -> Update:
    """Asked for something before we know who is calling: the check under way, else the number."""
    if state.identity == "refused":
        return {
            "speech": [phrases.VERIFY_LOCKED],
            "stage": "take_message",
            "question": phrases.VERIFY_LOCKED,
        }
    if state.identity == "claimed":
        # verification starts over from the name, whatever came between
        return {
            "claim": None,
            "speech": [phrases.VERIFY_FIRST],
            "stage": "verify_name",
            "question": phrases.VERIFY_NAME,
        }
    if state.user_id is not None:
        return {
            "speech": [phrases.ASK_NAME_FIRST],
            "stage": "ask_name",
            "question": phrases.WHAT_NAME,
        }
    return {
        "speech": [phrases.ASK_PHONE_FIRST],
        "stage": "ask_phone",
        "question": phrases.ASK_PHONE,
    }


def refuse(said: str, state: CallState, user_id: str, ctx: CallContext) -> Update:
    """Open no account on this call; offer a callback to the number on the account.

    The call is filed under the account it claimed (its summary says the check failed), so
    the business sees the attempt and calls the owner back on the number on record: the
    callback is owed at once, and a message the caller leaves is added to it.
    """
    ctx.store.attach_user(conversation_id=state.call_id, user_id=user_id)
    ctx.store.request_callback(
        conversation_id=state.call_id,
        user_id=user_id,
        phone=state.phone,
        name=None,  # the name given did not match the account's: not theirs to state
        need=phrases.REFUSED_CALLBACK_NEED,
        reason="refused",
        at=ctx.now(),
    )
    return {
        "callback_reason": "refused",
        "identity": "refused",
        "claimed_id": None,
        "claim": None,
        "task": no_task(),  # a task asked for before the check is not carried out
        "doubt": None,
        "speech": [said],
        "stage": "take_message",
        "question": said,
    }


def open_account(
    state: CallState, user: User, *, new_caller: bool, runtime: Runtime[CallContext]
) -> Update:
    """Trust the caller with this account: attach it to the call and greet them."""
    runtime.context.store.attach_user(conversation_id=state.call_id, user_id=user.id)
    update: Update = {"user_id": user.id}
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
    name = bounded_name(user.name)  # a name stored before names were bounded stays short
    greeting = phrases.welcome_back(name)
    if state.task["kind"] is None and (mine := upcoming(runtime.context, user.id)):
        # what matters to a returning caller: their next appointment, and "it" means it
        ctx = runtime.context
        said = say_appointments(mine[:1], today=ctx.now().date(), cal=ctx.calendar)
        return {
            **update,
            "caller_name": name,
            "about": mine[0],
            "speech": [greeting, phrases.booked_next(said), phrases.ABOUT_THAT],
            "stage": "ask_request",
            "question": phrases.ABOUT_THAT,
        }
    return {**update, "caller_name": name, **_carry_on(state, greeting, runtime=runtime)}


def register(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Store a new caller's name and carry on with what they wanted."""
    user_id = expect(state.user_id, "a name for an unknown caller")
    name = expect(state.caller_name, "a name that was not heard")
    runtime.context.store.set_user_name(user_id, name)
    return _carry_on(state, phrases.nice_to_meet(name), runtime=runtime)


def _carry_on(state: CallState, greeting: str, *, runtime: Runtime[CallContext]) -> Update:
    """Go back to a task asked before identification, else ask how to help.

    A day in that request we could not read is asked about first, never searched without.
    """
    if state.task["kind"] is not None and state.doubt is not None:
        said, question = ask_which_day(state, today=runtime.context.now().date())
        return {"speech": [greeting, said], "stage": "ask_request", "question": question}
    if state.task["kind"] is not None:
        return {"speech": [greeting], "stage": "ask_request"}
    return {
        "speech": [greeting, phrases.HOW_CAN_I_HELP],
        "stage": "ask_request",
        "question": phrases.HOW_CAN_I_HELP,
    }
