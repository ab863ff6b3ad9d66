"""Record each node's run in the turn's state, so one checkpoint per turn still shows the path.

A turn that cannot write is saved once, at its end (`graph.conversation`), so its nodes
leave no checkpoint each: `timed` appends {"node", "ms"} to `CallState.trace` instead,
which the analysts' views read (`analysts/data.py`).
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import Protocol, cast

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, Update, Visit


class Node(Protocol):
    """A graph node that uses the injected context."""

    __name__: str

    def __call__(self, state: CallState, *, runtime: Runtime[CallContext]) -> Update: ...


def timed(name: str, node: Node | Callable[[CallState], Update], *, starts: bool = False) -> Node:
    """Wrap a node: its update also records that `name` ran and how long it took.

    `starts`: the node starts a turn (`listen`), so its visit begins the turn's trace.

    The wrapper always takes the runtime (LangGraph reads that from its signature) and
    passes it on only to a node that takes it.
    """
    if "runtime" in inspect.signature(node).parameters:
        with_runtime = cast(Node, node)

        def call(state: CallState, runtime: Runtime[CallContext]) -> Update:
            return with_runtime(state, runtime=runtime)
    else:
        plain = cast(Callable[[CallState], Update], node)

        def call(state: CallState, runtime: Runtime[CallContext]) -> Update:
            return plain(state)

    def run(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
        started = time.perf_counter()
        update = call(state, runtime)
        ms = round((time.perf_counter() - started) * 1000, 2)
        visit = Visit(node=name, ms=ms, starts=True) if starts else Visit(node=name, ms=ms)
        return {**update, "trace": [visit]}

    run.__name__ = name
    return run
