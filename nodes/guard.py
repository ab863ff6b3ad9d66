"""Turn a store outage inside a node into a sentence, so the call goes on and nothing is lost."""

from __future__ import annotations

import functools
import logging
from typing import TypeVar

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, Update
from graph.trace import Node
from nodes import phrases
from store.errors import StoreUnavailable, WriteUnknown

log = logging.getLogger(__name__)

T = TypeVar("T")

WRITES = frozenset({"book", "cancel", "reschedule"})
"""Nodes that write: an outage in them leaves the outcome unknown, not "nothing changed"."""


class Surprise(Exception):  # it names what happened, like StopIteration
    """A node found the call in a state its routing should never lead to.

    Callers reach it only through a bug, but a caller must never hear silence for one: the
    node's work is dropped and the caller is asked what they want (see `recovering`).
    """


def expect(value: T | None, what: str) -> T:
    """Return `value`, or raise Surprise naming what was missing (never `assert`)."""
    if value is None:
        raise Surprise(what)
    return value


def recovering(node: Node) -> Node:
    """Wrap a node: a store outage leaves state as it was and says so; a surprise asks.

    On an outage the stage and any pending read-back stay as they were, so the caller's
    next "yes" retries the same write with the same idempotency key. On a `Surprise`
    nothing is written and the caller is asked what they would like, the wish kept.
    """

    @functools.wraps(node)
    def wrapper(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
        try:
            return node(state, runtime=runtime)
        except StoreUnavailable as error:
            # Logged once here; the message carries no connection string or caller number.
            log.error("store unavailable in %s on call %s: %s", node.__name__, state.call_id, error)
            # a write cut off may have committed before its answer was lost: never claim
            # nothing changed; the next yes re-sends it with its key and confirms either way
            unsure = isinstance(error, WriteUnknown) and node.__name__ in WRITES
            said = phrases.WRITE_UNSURE if unsure else phrases.STORE_DOWN
            return {"speech": [said, state.question], "notice": "store_down"}
        except Surprise as error:
            log.error("unexpected state in %s on call %s: %s", node.__name__, state.call_id, error)
            return lost_track(state)

    return wrapper


def lost_track(state: CallState) -> Update:
    """Drop the step in hand (no read-back stands) and ask; what the caller wished stays."""
    task = state.task
    return {
        "task": {**task, "offers": [], "choices": [], "target": None, "pending": None},
        "notice": None,
        "speech": [phrases.LOST_TRACK, phrases.WHAT_CAN_I_DO],
        "stage": "ask_request",
        "question": phrases.WHAT_CAN_I_DO,
    }
