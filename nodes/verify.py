"""Check that a caller who said a phone number owns the account it names.

A number said aloud is a claim: anyone can say someone else's number. Before any of the
account is read or changed, the caller gives the full name on it and then the date of its
next appointment ("I don't have one" is the right answer for an account with none). The two
answers are judged together, so a failure never says which one was wrong, and the account's
name is never said before the check passes. After `max_verify_tries` failed checks the call
opens no account at all and offers a callback to the number on the account, which reaches
its owner whoever asked for it.

Caller ID from the phone network (SIP) is trusted without this check, and a number with no
account yet needs none: the account this call creates holds nothing from before the call.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, Update
from graph.understanding import Understanding
from nodes import phrases
from nodes.appointments import upcoming
from nodes.identify import open_account, refuse
from nodes.understanding.lexicon import MONTHS
from nodes.understanding.names import NON_NAME

log = logging.getLogger(__name__)

NO_APPOINTMENT = "none"
"""The claimed day when the caller says they have no appointment coming."""

_WORD = re.compile(r"\b[^\W\d_]+(?:'[^\W\d_]+)*\b")
"""A word of letters ("O'Brien", "it's"), never the letters of "3rd"."""
MAX_ANSWER_WORDS = 16
"""Words of a name answer kept for judging; a recited list beyond this is not a name."""
_NOT_NAME = NON_NAME | frozenset(MONTHS) | frozenset({"under", "upcoming", "account", "full"})


def verify(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Ask for the next appointment's day after the name; then judge both answers."""
    if state.stage == "verify_name" and "day" not in (state.claim or {}):
        return {
            "speech": [phrases.VERIFY_DAY],
            "stage": "verify_day",
            "question": phrases.VERIFY_DAY,
        }
    ctx = runtime.context
    claim = state.claim or {}
    user = ctx.store.find_user_by_phone(state.phone) if state.phone else None
    if user is not None and user.id == state.claimed_id:
        mine = upcoming(ctx, user.id)
        next_day = mine[0]["start"][:10] if mine else NO_APPOINTMENT
        passed = names_match(user.name, claim.get("name", "")) and claim.get("day") == next_day
        # failures count across calls, so guessing over many calls runs into a lock
        ctx.store.record_identity_check(user_id=user.id, passed=passed, at=ctx.now())
        if passed:
            log.info("call %s: spoken number verified", state.call_id)
            opened = open_account(state, user, new_caller=False, runtime=runtime)
            return {"identity": "verified", "claimed_id": None, "claim": None, **opened}
    tries = state.verify_tries + 1
    # an audit trail of failed checks, without the number or what was said
    log.warning(
        "call %s: identity check failed (%d of %d)", state.call_id, tries, ctx.max_verify_tries
    )
    update: Update = {"verify_tries": tries, "claim": None}
    if tries >= ctx.max_verify_tries and state.claimed_id is not None:
        return {**update, **refuse(phrases.VERIFY_REFUSED, state, state.claimed_id, ctx)}
    return {
        **update,
        "speech": [phrases.VERIFY_AGAIN],
        "stage": "verify_name",
        "question": phrases.VERIFY_NAME,
    }


def names_match(stored: str | None, said: str) -> bool:
    """Return True when the name said is the name on the account.

    Word by word, in order (a one-letter slip is forgiven in words of five letters or more,
    for speech recognition); one extra word is allowed (a middle name, or a word of the
    sentence around it), so a recited list of names does not match. An account with no
    name leaves the day to decide.
    """
    if not stored:
        return True
    want = _words(stored)
    # the sentence around the name ("it's under", "and it's on December 3rd") is not part of
    # it; a common word that is in the stored name ("Will", "May") is kept
    got = [w for w in _words(said) if w in want or w not in _NOT_NAME]
    if len(got) == len(want):
        return all(_close(w, g) for w, g in zip(want, got, strict=True))
    if len(got) == len(want) + 1:
        return any(names_match(stored, " ".join(got[:i] + got[i + 1 :])) for i in range(len(got)))
    return False


def claimed_name(reading: Understanding) -> str | None:
    """The answer a caller gave for the name on the account: its words, bounded.

    Kept whole ("It's under Alice Smith, and it's on December 3rd"): `names_match` sets the
    sentence around the name aside, knowing the stored name. None for a request or a
    number, which are handled as such, or an answer with no word that could be a name.
    """
    if reading.intent is not None or reading.phone is not None or reading.phone_invalid:
        return None
    words = _WORD.findall(reading.text)[:MAX_ANSWER_WORDS]
    if not any(w.casefold() not in _NOT_NAME for w in words):
        return reading.name
    return " ".join(words)


def _words(name: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return _WORD.findall(plain.casefold())


def _close(a: str, b: str) -> bool:
    """Equal, or one edit apart in a word of five letters or more."""
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    # one substitution (same length) or one insertion (b is one longer)
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + 1 :] == b[i + 1 :] if len(a) == len(b) else a[i:] == b[i + 1 :]
