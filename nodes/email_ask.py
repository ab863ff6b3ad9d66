"""Asking for an e-mail address when e-mail is the business's only confirmation channel.

After a booking, a move or a cancel, a caller with no address on file is asked for one
(`ask_after_write`), so the confirmation the outbox owes them has somewhere to go. The
address is read back and kept only after a yes; an address not caught is asked for again
once, and a caller who has none (or says no) is not asked again. The confirmation itself
is sent by the notice worker whenever it runs: it reads the address at sending time.
"""

from __future__ import annotations

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, Update
from graph.understanding import Understanding
from nodes import phrases
from nodes.cues import says_none
from nodes.guard import expect
from nodes.understanding.email import find_email

MAX_EMAIL_TRIES = 2


def ask_after_write(ctx: CallContext, state: CallState, done: Update) -> Update:
    """Add the question for an e-mail address to a write's reply, when one is needed."""
    if not ctx.ask_email or not done.get("wrote") or state.email_tries >= MAX_EMAIL_TRIES:
        return done
    user_id = state.user_id
    if user_id is None:
        return done
    user = ctx.store.users_by_id({user_id}).get(user_id)
    if user is None or user.email:
        return done
    said = [s for s in done.get("speech") or [] if s != phrases.ANYTHING_ELSE]
    return {
        **done,
        "speech": [*said, phrases.ASK_EMAIL],
        "stage": "ask_email",
        "question": phrases.ASK_EMAIL,
    }


def at_email(state: CallState, reading: Understanding) -> Update | None:
    """Read an answer to "what e-mail address?" or to its read-back; None: not an answer."""
    if reading.intent not in (None, "goodbye") or not reading.when.is_empty():
        return None  # a request instead: handled as one, and the address is not asked again
    heard = find_email(reading.text)
    if state.stage == "confirm_email" and heard is None and reading.affirm is True:
        return {"act": "email"}  # the address read back is theirs
    if state.stage == "confirm_email" and heard is None and reading.affirm is False:
        return {"act": "email", "email": None}  # not theirs: asked again
    declined = reading.affirm is False or says_none(reading.text)
    if heard is None and declined and state.stage == "ask_email":
        return {"act": "email", "email": None, "email_tries": MAX_EMAIL_TRIES}
    if heard is not None:  # "no, it's sam at ...": a new address, read back in turn
        return {"act": "email", "email": heard, "affirm": None}
    return {"act": "email", "email": None, "email_tries": state.email_tries + 1}


def take_email(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Read the address back, keep it after a yes, ask again, or let it go."""
    ctx = runtime.context
    anything_else: Update = {"stage": "ask_request", "question": phrases.ANYTHING_ELSE}
    if state.stage == "confirm_email" and state.affirm is True and state.email:
        user_id = expect(state.user_id, "an e-mail address for an unknown caller")
        ctx.store.set_user_email(user_id, state.email)
        return {
            **anything_else,
            "speech": [phrases.EMAIL_SAVED, phrases.ANYTHING_ELSE],
            "email": None,
            "email_tries": MAX_EMAIL_TRIES,  # kept: never asked again in this call
        }
    if state.email:
        said = phrases.email_read_back(state.email)
        return {"speech": [said], "stage": "confirm_email", "question": said}
    if state.email_tries >= MAX_EMAIL_TRIES:
        return {**anything_else, "speech": [phrases.NO_EMAIL, phrases.ANYTHING_ELSE], "email": None}
    denied = state.stage == "confirm_email" and state.affirm is False
    again = phrases.EMAIL_WRONG if denied else phrases.EMAIL_AGAIN
    return {"speech": [again], "stage": "ask_email", "question": again, "email": None}
