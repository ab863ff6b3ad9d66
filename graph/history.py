"""Reading a call's checkpoints the way the turn protocol needs after a crash or an outage."""

from __future__ import annotations

from collections.abc import Set
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.pregel import Pregel
from langgraph.types import StateSnapshot


def unfinished(snapshot: StateSnapshot) -> bool:
    """Return True when the checkpoint has a node to run that is not waiting for the caller."""
    return any(not task.interrupts for task in snapshot.tasks)


def checkpoint_id(config: RunnableConfig | None) -> str | None:
    """Return the checkpoint id a config names."""
    if config is None:
        return None
    named: str | None = config.get("configurable", {}).get("checkpoint_id")
    return named


def field_of(values: Any, name: str) -> Any:
    """Read a state field from values the graph returns as a dict or as the state object."""
    return values.get(name) if isinstance(values, dict) else getattr(values, name, None)


def last_question(
    graph: Pregel[Any, Any, Any, Any], config: RunnableConfig
) -> RunnableConfig | None:
    """Return the newest checkpoint of the thread that waited for the caller."""
    for earlier in graph.get_state_history(config):
        if earlier.interrupts:
            return earlier.config
    return None


def write_due_since(
    graph: Pregel[Any, Any, Any, Any],
    config: RunnableConfig,
    *,
    since: RunnableConfig,
    writes: Set[str],
) -> bool:
    """Return True when a node of `writes` was due in a checkpoint saved after `since`.

    Checkpoint ids are time-ordered (uuid6), so "after" is a string comparison.
    """
    first = checkpoint_id(since)
    for later in graph.get_state_history(config):
        if first is None or (checkpoint_id(later.config) or "") <= first:
            return False
        if writes & set(later.next):
            return True
    return False
