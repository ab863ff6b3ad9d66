"""Studio (langgraph-api) runs the graph itself: a run that died mid-step is finished by the next.

The server keeps its own checkpoints and calls the graph with its own durability, so
`Conversation` is not in the way; what it offers instead is LangGraph's own behaviour,
checked here on the graph loaded exactly as the server loads it: the thread of a failed
run keeps the nodes still to run, and the next run on it, whether it sends no input
(`"input": null`) or the caller's words as a resume, finishes that step first and stops
at its reply. The words are not fed to the question the caller never heard, and the
booking node's idempotency key makes the finished step return the booking, not a second.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.types import Command

from store.sqlite import SqliteStore
from tests.conftest import SAM
from tests.graph.faults import Crash, Fault, Faults, FaultySaver
from tests.graph.test_studio import ASK, NOW_ISO, READ_BACK, booking_db, load_as_the_server_does

__all__ = ["booking_db"]  # the fixture, shared with the Studio tests
CONFIRMED = "You're booked for tomorrow"
CONTEXT = {"now": NOW_ISO}


def booked(db: Path) -> int:
    """Return how many booked appointments the BOOKING_DB file holds."""
    with SqliteStore(db) as store:
        sam = store.find_user_by_phone(SAM)
        assert sam is not None
        return len(store.list_appointments(sam.id))


@pytest.mark.parametrize("durability", ["async", "sync"])
@pytest.mark.parametrize("next_run", ["no input", "the caller's words"])
@pytest.mark.parametrize(
    "fault",
    # the yes step saves `listen` (the write chosen: put 1), then `book` with its reply (put
    # 2): killed with the write chosen and saved but not run, and with it run but not saved
    [Fault("saver.put", 1, "after", "crash"), Fault("saver.put", 2, "before", "crash")],
    ids=str,
)
def test_the_next_run_finishes_a_step_a_crash_cut_short(
    booking_db: Path,
    monkeypatch: pytest.MonkeyPatch,
    fault: Fault,
    next_run: str,
    durability: Any,
) -> None:
    """After a crash mid-'yes', the next run on the thread confirms the booking, made once."""
    faults = Faults()
    graph = asyncio.run(load_as_the_server_does(monkeypatch, checkpointer=FaultySaver(faults)))
    config: RunnableConfig = {"configurable": {"thread_id": "studio-crash"}}

    def run(payload: Any) -> str:
        out = asyncio.run(graph.ainvoke(payload, config, context=CONTEXT, durability=durability))
        return str(out["__interrupt__"][0].value)

    run({"call_id": "studio-crash", "caller_id": SAM})
    assert run(Command(resume=ASK)) == READ_BACK
    faults.arm(fault)
    with pytest.raises(Crash):
        run(Command(resume="yes"))
    faults.revive()
    reply = run(None if next_run == "no input" else Command(resume="what time was that?"))
    assert reply.startswith(CONFIRMED)
    assert asyncio.run(graph.aget_state(config)).values["utterance"] == "yes"
    assert booked(booking_db) == 1
