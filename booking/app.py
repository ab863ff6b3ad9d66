"""Compose the embedded agent: SQLite store, SQLite checkpoints, rule understanding, a clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from business.calendar import BusinessCalendar
from graph.builder import build_graph
from graph.checkpointer import sqlite_checkpointer
from graph.context import CallContext, Prices
from graph.conversation import CallGraph, Conversation
from nodes.understanding.rules import RuleUnderstander
from nodes.understanding.types import Understander
from store.sqlite import SqliteStore


def system_clock() -> datetime:
    """Return the real current instant."""
    return datetime.now(UTC)


def fixed_clock(instant: datetime) -> Callable[[], datetime]:
    """Return a clock pinned at one instant, for reproducible runs."""
    if instant.tzinfo is None:
        raise ValueError("a fixed clock needs a timezone-aware instant")
    return lambda: instant


@dataclass
class Agent:
    """A compiled graph with its context: opens conversations on threads."""

    graph: CallGraph
    context: CallContext
    store: SqliteStore

    def conversation(self, thread_id: str) -> Conversation:
        """Return the conversation on a thread (new or resumed)."""
        return Conversation(self.graph, self.context, thread_id)


@contextmanager
def embedded_agent(
    db: str | Path,
    *,
    calendar: BusinessCalendar,
    clock: Callable[[], datetime] = system_clock,
    region: str = "US",
    understander: Understander | None = None,
    engine: str = "rules",
    prices: Prices | None = None,
) -> Iterator[Agent]:
    """Open the store and the checkpoints in one SQLite file and compile the graph."""
    store = SqliteStore(db)
    try:
        with sqlite_checkpointer(db) as saver:
            context = CallContext(
                store=store,
                understander=understander or RuleUnderstander(),
                calendar=calendar,
                clock=clock,
                region=region,
                engine=engine,
                prices=prices or Prices(),
            )
            yield Agent(build_graph().compile(checkpointer=saver), context, store)
    finally:
        store.close()
