"""Benchmark one graph step (caller line in → reply out) on the embedded defaults.

    python -m bench.graph_step            # or: ./dev bench

Reports, all measured in the same run on fresh SQLite files:
- the median step of a scripted 20-turn call (book, list, correct, move, cancel),
- the same for the turns 1-20 and 181-200 of a 200-turn call, to show the cost is flat,
- a baseline: one step of a minimal two-node interrupt graph on the same SqliteSaver,
  the floor any checkpointed LangGraph step pays, and our ratio to it;
- the cost of durability "sync" for the turns that may write (each superstep saved before
  the next node runs, what `graph.conversation` uses so a crash or an outage never runs a
  write ahead of its checkpoint; every other turn is saved once, at its end) against
  LangGraph's default "async" for them, on the same 20-turn calls.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from langgraph.graph import START, StateGraph
from langgraph.types import Command, Durability, interrupt

from booking.compose import fixed_clock, open_receptionist
from booking.databases import Database
from business.calendar import BusinessCalendar
from graph.checkpointer import sqlite_checkpointer
from graph.conversation import DURABILITY, Conversation

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
PHONE = "+14155550123"
CALL = [
    "what do you have Monday morning",
    "can you repeat that?",
    "the second one",
    "actually make it 11am",
    "yes",
    "yes",
    "book Tuesday at 2pm",
    "what do I have booked?",
    "yes",
    "is there anything on Friday afternoon?",
    "anything later?",
    "never mind",
    "move my Monday appointment to Thursday at 10am",
    "the first one",
    "yes",
    "cancel the Tuesday one",
    "yes",
    "what do I have booked?",
    "purple monkey",
    "no, that's all",
]
"""Twenty caller lines; the last one ends the call."""


class _Echo(TypedDict, total=False):
    said: str


def _ask(state: _Echo) -> dict[str, Any]:
    return {"said": str(interrupt(state.get("said", "")))}


def _answer(state: _Echo) -> dict[str, Any]:
    return {"said": f"you said {state.get('said', '')}"}


def baseline_steps(db: Path, turns: int) -> list[float]:
    """Time `turns` resumes of a minimal ask/answer loop on SqliteSaver."""
    g = StateGraph(_Echo)
    g.add_node("ask", _ask)
    g.add_node("answer", _answer)
    g.add_edge(START, "ask")
    g.add_edge("ask", "answer")
    g.add_edge("answer", "ask")  # the loop never ends by itself, like a call
    with sqlite_checkpointer(db) as saver:
        graph = g.compile(checkpointer=saver)
        config: Any = {"configurable": {"thread_id": "baseline"}}
        graph.invoke({}, config)
        times = []
        for i in range(turns):
            start = time.perf_counter()
            graph.invoke(Command(resume=f"line {i}"), config)
            times.append(time.perf_counter() - start)
    return times


@dataclass
class Call:
    """Step times of one call."""

    steps: list[float]


def call_steps(
    db: Path | Database, lines: list[str], *, thread: str, durability: Durability = DURABILITY
) -> Call:
    """Time each caller line of one call through the full agent (SQLite file or a backend)."""
    backend = db if isinstance(db, Database) else Database(sqlite_path=db)
    with open_receptionist(backend, calendar=BusinessCalendar(), clock=fixed_clock(NOW)) as agent:
        if agent.store.find_user_by_phone(PHONE) is None:
            agent.store.create_user(phone=PHONE, name="Sam Lee")
        call = Conversation(agent.graph, agent.context, thread, durability=durability)
        call.start(caller_id=PHONE)
        steps = []
        for line in lines:
            start = time.perf_counter()
            call.say(line)
            steps.append(time.perf_counter() - start)
    return Call(steps)


def ms(values: list[float]) -> float:
    """Median in milliseconds."""
    return statistics.median(values) * 1000


def main() -> None:
    """Run the benchmark and print a small report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5, help="20-turn calls to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        call_steps(work / "warm.db", CALL[:3], thread="warm-up")  # imports and first compile
        twenty: list[float] = []
        loose: list[float] = []  # the same calls with durability "async"
        for r in range(args.repeats):
            twenty += call_steps(work / f"c{r}.db", CALL, thread=f"call-{r}").steps
            loose += call_steps(
                work / f"a{r}.db", CALL, thread=f"async-{r}", durability="async"
            ).steps
        filler = ["what do I have booked?", "yes"] * 100
        long = call_steps(work / "long.db", filler, thread="long").steps
        base = baseline_steps(work / "base.db", 200)
    print(f"20-turn call, {args.repeats} calls:   median step {ms(twenty):6.2f} ms")
    print(f"200-turn call, turns 1-20:    median step {ms(long[:20]):6.2f} ms")
    print(f"200-turn call, turns 181-200: median step {ms(long[-20:]):6.2f} ms")
    print(f"baseline (2-node interrupt loop, SqliteSaver): {ms(base):6.2f} ms")
    print(f"ratio 20-turn step / baseline step: {ms(twenty) / ms(base):.1f}x")
    print(f"ratio turn 181-200 / turn 1-20:     {ms(long[-20:]) / ms(long[:20]):.2f}x")
    print(
        f'durability "sync" {ms(twenty):6.2f} ms vs "async" {ms(loose):6.2f} ms per step'
        f" (+{ms(twenty) - ms(loose):.2f} ms, {ms(twenty) / ms(loose):.2f}x)"
    )


if __name__ == "__main__":
    main()
