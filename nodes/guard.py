"""Turn a store outage inside a node into a sentence, so the call goes on and nothing is lost."""

from __future__ import annotations

import functools
import logging
from typing import Any, Protocol

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState
from nodes import phrases
from store.errors import StoreUnavailable

log = logging.getLogger(__name__)


class Node(Protocol):
    """A graph node that uses the injected context."""

    __name__: str

    def __call__(self, state: CallState, *, runtime: Runtime[CallContext]) -> dict[str, Any]: ...


def recovering(node: Node) -> Node:
    """Wrap a node that uses the store: an outage leaves state as it was and says so.

    The stage and any pending read-back stay as they were, so the caller's next "yes"
    retries the same write with the same idempotency key.
    """

    @functools.wraps(node)
    def wrapper(state: CallState, *, runtime: Runtime[CallContext]) -> dict[str, Any]:
        try:
            return node(state, runtime=runtime)
        except StoreUnavailable as error:
            # Logged once here; the message carries no connection string or caller number.
            log.error("store unavailable in %s on call %s: %s", node.__name__, state.call_id, error)
            return {"speech": [phrases.STORE_DOWN, state.question], "notice": "store_down"}

    return wrapper
