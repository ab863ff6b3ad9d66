"""Compose the receptionist: databases, understanding, calendar, clock → context and graph.

Every door builds its agent here: `booking chat` (`open_configured`), `voice_bridge.py`
(`SharedReceptionist` over `open_configured`: once per worker process, lent to its calls),
LangGraph Studio (`call_context`, the server keeps the checkpoints),
`booking threads replay` (`composer`, on a sandbox store), the scenario runner
(`open_receptionist`) and `booking eval-calls` (`call_context` on one compiled graph).
`Parts` is the one list of what an agent is made of besides its databases and its clock;
`parts_from` reads it from the settings.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Required, TypedDict, Unpack

from langgraph.checkpoint.base import BaseCheckpointSaver

from booking.databases import Database
from booking.notify.settings import get_notify_settings
from booking.settings import Settings
from booking.understanding import understander_from
from business.calendar import BusinessCalendar
from graph.builder import build_graph
from graph.context import CallContext, Prices
from graph.conversation import CallGraph, Conversation
from graph.understanding import Understander
from nodes.understanding.offerings import Vocabulary
from nodes.understanding.rules import RuleUnderstander
from nodes.understanding.when import prepare
from store.port import Store

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Return the real current instant."""
    return datetime.now(UTC)


def fixed_clock(instant: datetime) -> Clock:
    """Return a clock pinned at one instant, for reproducible runs."""
    if instant.tzinfo is None:
        raise ValueError("a fixed clock needs a timezone-aware instant")
    return lambda: instant


class Parts(TypedDict, total=False):
    """What an agent is made of besides its databases and clock; only the calendar is needed."""

    calendar: Required[BusinessCalendar]
    region: str
    """Phone numbers said without a country code are read in this region (default US)."""
    understander: Understander
    """The understanding engine (default: the rules, with the calendar's vocabulary)."""
    engine: str
    """The engine's name in cost reports (default "rules")."""
    prices: Prices
    """What the engine's tokens cost (default: gpt-4o-mini's list prices)."""
    ask_email: bool
    """Ask a caller with no e-mail address for one after a write (e-mail the only channel)."""


def parts_from(settings: Settings) -> Parts:
    """Return the parts the settings describe: calendar, region, engine and its prices."""
    understander, engine = understander_from(settings)
    return Parts(
        calendar=settings.calendar(),
        region=settings.phone_region,
        understander=understander,
        engine=engine,
        prices=settings.prices(),
        ask_email=get_notify_settings().notify_channels == ("email",),
    )


def call_context(
    store: Store, *, clock: Clock = system_clock, **parts: Unpack[Parts]
) -> CallContext:
    """Return the context every node of a call runs with, its understanding warmed up."""
    calendar, region = parts["calendar"], parts.get("region", "US")
    # The holiday names cost a few hundred ms once; pay them before the greeting.
    prepare(region, clock().astimezone(calendar.tz).date())
    return CallContext(
        store=store,
        understander=parts.get("understander") or RuleUnderstander(Vocabulary.of(calendar)),
        calendar=calendar,
        clock=clock,
        region=region,
        engine=parts.get("engine", "rules"),
        prices=parts.get("prices") or Prices(),
        ask_email=parts.get("ask_email", False),
    )


@dataclass
class Receptionist:
    """The compiled call graph with its context: answers calls, one thread each."""

    graph: CallGraph
    context: CallContext
    store: Store

    def conversation(self, thread_id: str) -> Conversation:
        """Return the conversation on a thread (new or resumed)."""
        return Conversation(self.graph, self.context, thread_id)


def compose(
    store: Store,
    checkpointer: BaseCheckpointSaver[str],
    *,
    clock: Clock = system_clock,
    **parts: Unpack[Parts],
) -> Receptionist:
    """Compile the call graph on the checkpoints, with the store and parts as its context."""
    context = call_context(store, clock=clock, **parts)
    return Receptionist(build_graph().compile(checkpointer=checkpointer), context, store)


def composer(
    **parts: Unpack[Parts],
) -> Callable[[Store, BaseCheckpointSaver[str], Clock], Receptionist]:
    """Return `compose` with the parts given, for a caller that brings store, checkpoints, clock."""

    def composed(
        store: Store, checkpointer: BaseCheckpointSaver[str], clock: Clock
    ) -> Receptionist:
        return compose(store, checkpointer, clock=clock, **parts)

    return composed


@contextmanager
def open_receptionist(
    database: Database | str | Path,
    *,
    clock: Clock = system_clock,
    create: bool = True,
    **parts: Unpack[Parts],
) -> Iterator[Receptionist]:
    """Open the database's store and checkpoints (a path: one SQLite file) and compose on them.

    `create=False`: Postgres checkpoint tables `booking db migrate` has not set up are
    refused (CheckpointsUnavailable) rather than created.
    """
    if not isinstance(database, Database):
        database = Database(sqlite_path=database)
    # the rows' local date, time and slot columns are in the business's zone, whoever opens
    database = replace(database, timezone=parts["calendar"].timezone)
    with database.open_store() as store, database.open_checkpointer(create=create) as saver:
        yield compose(store, saver, clock=clock, **parts)


def open_configured(
    settings: Settings,
    *,
    db: str | Path | None = None,
    clock: Clock = system_clock,
    create: bool = True,
) -> AbstractContextManager[Receptionist]:
    """Open the receptionist the settings describe; `db` overrides the SQLite file."""
    return open_receptionist(
        Database.from_settings(settings, sqlite_path=db),
        clock=clock,
        create=create,
        **parts_from(settings),
    )


class SharedReceptionist:
    """One receptionist a process opens once and lends to every call it runs.

    The store's and the checkpoints' connections (a Postgres pool each, or a SQLite
    connection each, locked per use) and the compiled graph are safe to share between
    threads; each call gets its own `Conversation` on its own thread id. `get()` opens on
    first use, under a lock, so threads racing to open it open it once; an opening that
    fails (the database is down) raises and is tried again by the next `get()`.
    """

    def __init__(self, opener: Callable[[], AbstractContextManager[Receptionist]]) -> None:
        """Open with `opener` (e.g. `lambda: open_configured(settings)`) when first needed."""
        self._opener = opener
        self._lock = threading.Lock()
        self._opened: Receptionist | None = None
        self._closing = ExitStack()

    def get(self) -> Receptionist:
        """Return the receptionist, opening it if needed (StoreUnavailable, ... when it fails)."""
        with self._lock:
            if self._opened is None:
                with ExitStack() as closing:
                    opened = closing.enter_context(self._opener())
                    self._closing = closing.pop_all()
                self._opened = opened
            return self._opened

    def close(self) -> None:
        """Close the store and the checkpoints; a later `get()` opens them anew."""
        with self._lock:
            self._opened = None
            self._closing.close()
