"""Compose the agent: store, checkpoints, understanding engine, calendar and clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from booking.backends import Backend, open_checkpointer, open_store
from business.calendar import BusinessCalendar
from graph.builder import build_graph
from graph.context import CallContext, Prices
from graph.conversation import CallGraph, Conversation
from nodes.understanding.rules import RuleUnderstander
from nodes.understanding.types import Understander
from nodes.understanding.when import prepare
from store.port import Store


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
    store: Store

    def conversation(self, thread_id: str) -> Conversation:
        """Return the conversation on a thread (new or resumed)."""
        return Conversation(self.graph, self.context, thread_id)


@contextmanager
def open_agent(
    backend: Backend,
    *,
    calendar: BusinessCalendar,
    clock: Callable[[], datetime] = system_clock,
    region: str = "US",
    understander: Understander | None = None,
    engine: str = "rules",
    prices: Prices | None = None,
) -> Iterator[Agent]:
    """Open the backend's store and checkpoints and compile the graph on them."""
    prepare(region, clock().astimezone(calendar.tz).date())
    with open_store(backend) as store, open_checkpointer(backend) as saver:
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
    """Open the embedded default: store and checkpoints in one SQLite file."""
    with open_agent(
        Backend(sqlite_path=db),
        calendar=calendar,
        clock=clock,
        region=region,
        understander=understander,
        engine=engine,
        prices=prices,
    ) as agent:
        yield agent
