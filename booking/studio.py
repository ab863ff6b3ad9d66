"""Serve the call graph to LangGraph's own server: `langgraph dev`, Studio and its HTTP API.

`langgraph.json` names `make_graph`. That server brings its own checkpointer, and it sends
each run's context as JSON, which langgraph turns into the graph's context schema by
calling the schema with the JSON keys; a `CallContext` holds a store, an engine and a clock
that JSON cannot carry. So the graph is compiled without a checkpointer and its context
schema is `StudioContext`: a `CallContext` that builds itself from the one key a run may
send (`now`) over what `booking chat` composes from the same settings: the store (the
SQLite file `BOOKING_DB` unless `DATABASE_URL` or `SUPABASE_*` is set), opened once per
server process, the engine (rules without `OPENAI_API_KEY`), the calendar and the system
clock. The nodes and routers are the very same, and none of them knows about this.

From Studio (`langgraph-cli[inmem]` comes with the `dev` extra):

    .venv/bin/langgraph dev          # at the repo root; prints the API and Studio URLs

1. Open the `booking` graph and run a new thread with the input
   `{"call_id": "<the thread's id>", "caller_id": "+14155550123"}` (`caller_id` is
   optional: without it the agent asks for a number). The run stops in `listen` at the
   greeting; the interrupt's value is what the agent says.
2. Answer by resuming the interrupt with the caller's words ("book Monday at 10am"). One
   resume is one caller turn, as in `graph.conversation.Conversation`.
3. For reproducible dates give the assistant (or each run) the context
   `{"now": "2026-11-25T10:00-08:00"}`: the clock stays at that instant.

Over HTTP: `POST /threads`, then `POST /threads/{id}/runs/wait` with
`{"assistant_id": "booking", "input": {"call_id": "<id>"}}`, then the same with
`{"assistant_id": "booking", "command": {"resume": "<utterance>"}}` for each turn; the reply
is the value of the answer's `__interrupt__`.

Crashes: the server, not `graph.conversation.Conversation`, runs these threads, so a run
that dies mid-step (the server killed, its checkpoints failing) leaves the thread with
nodes still to run and no interrupt; Studio shows it as not waiting for input. The next
run on the thread finishes that step first, whether it is sent with no input (`"input":
null`, Studio's "continue") or with the caller's words as a resume, and stops at the
step's reply: the booking's confirmation, the booking itself made once (idempotency key),
the words not fed to a question never heard (`tests/graph/test_crash_studio.py`). Send
`"durability": "sync"` with each run for what `Conversation` guarantees: the server's
default ("async") may run the write node before the step that chose it is saved.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import threading
from contextlib import ExitStack
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, GetCoreSchemaHandler
from pydantic_core import CoreSchema

from booking.compose import call_context, fixed_clock, parts_from, system_clock
from booking.databases import Database
from booking.settings import get_settings
from graph.builder import build_graph
from graph.context import CallContext
from graph.conversation import CallGraph

GRAPH_NAME = "booking"


@dataclasses.dataclass(frozen=True, kw_only=True)
class StudioOptions:
    """The JSON context a run (or its assistant) may send; Studio shows it as a form."""

    __pydantic_config__ = ConfigDict(use_attribute_docstrings=True)

    now: str | None = None
    """Pin the clock, ISO 8601 with offset (e.g. 2026-11-25T10:00-08:00); unset: real time."""


class StudioContext(CallContext):
    """The call context of one run, built from its JSON context over the process's own."""

    def __init__(self, *, now: str | None = None) -> None:
        """Take the process's context; `now` pins its clock (see `StudioOptions`)."""
        base = _EMBEDDED.context()
        values = {f.name: getattr(base, f.name) for f in dataclasses.fields(CallContext)}
        if now:
            values["clock"] = fixed_clock(datetime.fromisoformat(now))
        super().__init__(**values)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        """Describe the JSON a run may send, not the store and engine it cannot send.

        The server shows this schema in Studio and drops context keys it does not list.
        """
        return handler.generate_schema(StudioOptions)


class _Embedded:
    """The context `booking chat` would build, composed once per process on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # the server's threads may ask at the same time
        self._open = ExitStack()
        self._context: CallContext | None = None

    def context(self) -> CallContext:
        """Return the process's context, opening its store the first time."""
        with self._lock:
            if self._context is None:
                settings = get_settings()
                store = self._open.enter_context(Database.from_settings(settings).open_store())
                self._context = call_context(store, clock=system_clock, **parts_from(settings))
            return self._context

    def close(self) -> None:
        """Close the store; the next use composes the context afresh."""
        with self._lock:
            self._open.close()
            self._context = None


_EMBEDDED = _Embedded()


def close() -> None:
    """Close the store this process opened (tests do, to start the next one afresh)."""
    _EMBEDDED.close()


@functools.cache
def studio_graph() -> CallGraph:
    """Compile the call graph without a checkpointer, its context built from JSON."""
    builder = build_graph()
    # The same nodes and routers; only the way a run's context arrives differs.
    builder.context_schema = StudioContext
    return builder.compile(name=GRAPH_NAME)


async def make_graph() -> CallGraph:
    """Return the graph to the server, with the store opened off its event loop."""
    # `langgraph dev` fails a run that blocks its event loop, and opening a store blocks.
    await asyncio.to_thread(_EMBEDDED.context)
    return studio_graph()
