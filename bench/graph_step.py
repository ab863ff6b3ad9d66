"""Benchmark one graph step (caller line in → reply out) against LangGraph's own floor.

    python -m bench.graph_step                 # SQLite, and Postgres on a throwaway database
    python -m bench.graph_step --sqlite-only   # or: ./dev bench
    DATABASE_URL=postgresql://... python -m bench.graph_step --keep-url   # a given Postgres

The floor is the least any checkpointed LangGraph step pays: a two-node ask/answer
interrupt loop with LangGraph's default durability, on the same saver (our SQLite or
Postgres checkpointer, the same database). Everything is measured in one run, ours and
the floor interleaved round by round, so both see the same machine. Per saver:

- step: the median step of a scripted 20-turn call (book, list, correct, move, cancel),
  against the floor's median step; the ratio is what our graph costs over the floor;
- long call: turns 1-20 against turns 181-200 of a 200-turn call (flat means the state
  and the queries do not grow with the call);
- saturation: `--threads` calls at once in one process on one shared receptionist (the
  voice worker with LiveKit's thread executor), steps per second, against the same number
  of floor loops at once on one saver;
- the cost of durability "sync", which the turns that may write use (each superstep saved
  before the next node runs, see `graph.conversation`), against "async" for them.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import START, StateGraph
from langgraph.types import Command, Durability, interrupt

from bench.concurrent import rate
from bench.pg import add_keep_url, bench_database
from booking.compose import Receptionist, fixed_clock, open_receptionist
from booking.databases import Database
from business.calendar import BusinessCalendar
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
LONG = ["what do I have booked?", "yes"] * 100
"""A 200-turn call that never ends by itself: the caller asks, then wants more."""


class _Echo(TypedDict, total=False):
    said: str


def _ask(state: _Echo) -> dict[str, Any]:
    return {"said": str(interrupt(state.get("said", "")))}


def _answer(state: _Echo) -> dict[str, Any]:
    return {"said": f"you said {state.get('said', '')}"}


class Floor:
    """LangGraph's bare ask/answer interrupt loop on a given saver: the floor of a step."""

    def __init__(self, saver: BaseCheckpointSaver[Any]) -> None:
        g = StateGraph(_Echo)
        g.add_node("ask", _ask)
        g.add_node("answer", _answer)
        g.add_edge(START, "ask")
        g.add_edge("ask", "answer")
        g.add_edge("answer", "ask")  # the loop never ends by itself, like a call
        self.graph = g.compile(checkpointer=saver)

    def steps(self, thread: str, turns: int) -> list[float]:
        """Open a thread and time `turns` resumes of it, in seconds."""
        config: Any = {"configurable": {"thread_id": thread}}
        self.graph.invoke({}, config)
        times = []
        for i in range(turns):
            start = time.perf_counter()
            self.graph.invoke(Command(resume=f"line {i}"), config)
            times.append(time.perf_counter() - start)
        return times


def baseline_steps(db: Path | Database, turns: int, *, thread: str = "baseline") -> list[float]:
    """Time `turns` steps of the floor on a database's checkpointer (a path: SQLite)."""
    database = db if isinstance(db, Database) else Database(sqlite_path=db)
    with database.open_checkpointer() as saver:
        return Floor(saver).steps(thread, turns)


@contextmanager
def opened(database: Database) -> Iterator[Receptionist]:
    """Open the receptionist the benchmark's calls run on, with their caller registered."""
    with open_receptionist(database, calendar=BusinessCalendar(), clock=fixed_clock(NOW)) as agent:
        if agent.store.find_user_by_phone(PHONE) is None:
            agent.store.create_user(phone=PHONE, name="Sam Lee")
        yield agent


@dataclass
class Call:
    """Step times of one call, in seconds."""

    steps: list[float]


def play(
    agent: Receptionist, lines: list[str], *, thread: str, durability: Durability = DURABILITY
) -> Call:
    """Time each caller line of one call on an open receptionist."""
    call = Conversation(agent.graph, agent.context, thread, durability=durability)
    call.start(caller_id=PHONE)
    steps = []
    for line in lines:
        start = time.perf_counter()
        call.say(line)
        steps.append(time.perf_counter() - start)
    return Call(steps)


def call_steps(
    db: Path | Database, lines: list[str], *, thread: str, durability: Durability = DURABILITY
) -> Call:
    """Time each caller line of one call through the full agent (SQLite file or a backend)."""
    database = db if isinstance(db, Database) else Database(sqlite_path=db)
    with opened(database) as agent:
        return play(agent, lines, thread=thread, durability=durability)


def ms(values: list[float]) -> float:
    """Median in milliseconds."""
    return statistics.median(values) * 1000


@dataclass
class Figures:
    """One saver's results."""

    ours: list[float]
    floor: list[float]
    loose: list[float]
    early: list[float]
    late: list[float]
    ours_rate: float
    floor_rate: float


def measure(database: Database, *, repeats: int, threads: int, tag: str) -> Figures:
    """Run every measurement on one database, ours and the floor interleaved."""
    ours: list[float] = []
    floor: list[float] = []
    loose: list[float] = []  # the same calls with durability "async"
    with ExitStack() as stack:
        agent = stack.enter_context(opened(database))
        bare = Floor(stack.enter_context(database.open_checkpointer()))
        play(agent, CALL[:3], thread=f"{tag}-warm")  # first compile, imports, pool fill
        bare.steps(f"{tag}-floor-warm", 5)
        for r in range(repeats):
            ours += play(agent, CALL, thread=f"{tag}-call-{r}").steps
            floor += bare.steps(f"{tag}-floor-{r}", len(CALL))
            loose += play(agent, CALL, thread=f"{tag}-async-{r}", durability="async").steps
        long = play(agent, LONG, thread=f"{tag}-long").steps
        per_thread = len(CALL) * 2

        def our_calls(i: int) -> int:
            play(agent, CALL, thread=f"{tag}-busy-{i}-a")
            play(agent, CALL, thread=f"{tag}-busy-{i}-b")
            return per_thread

        def floor_loops(i: int) -> int:
            bare.steps(f"{tag}-busy-floor-{i}", per_thread)
            return per_thread

        floor_rate = rate(threads, floor_loops)
        ours_rate = rate(threads, our_calls)
    return Figures(ours, floor, loose, long[:20], long[-20:], ours_rate, floor_rate)


def report(name: str, f: Figures, threads: int) -> None:
    """Print one saver's figures."""
    print(f"{name}:")
    print(
        f"  step (20-turn calls)   ours {ms(f.ours):6.2f} ms   floor {ms(f.floor):6.2f} ms"
        f"   ratio {ms(f.ours) / ms(f.floor):.2f}x"
    )
    print(
        f"  long call              turns 1-20 {ms(f.early):6.2f} ms   turns 181-200"
        f" {ms(f.late):6.2f} ms   late/early {ms(f.late) / ms(f.early):.2f}x"
    )
    print(
        f"  saturation, {threads} calls   ours {f.ours_rate:6.1f} steps/s   floor"
        f" {f.floor_rate:6.1f} steps/s   ratio {f.ours_rate / f.floor_rate:.2f}x"
    )
    print(
        f'  durability "sync" for the turns that may write: {ms(f.ours):6.2f} ms vs "async"'
        f" {ms(f.loose):6.2f} ms per step ({ms(f.ours) / ms(f.loose):.2f}x)"
    )


def main() -> None:
    """Run the benchmark on each saver and print the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=8, help="20-turn calls per saver")
    parser.add_argument("--threads", type=int, default=8, help="calls at once at saturation")
    parser.add_argument("--sqlite-only", action="store_true", help="skip Postgres")
    add_keep_url(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = Database(sqlite_path=Path(tmp) / "bench.db")
        figures = {"SQLite": measure(sqlite, repeats=args.repeats, threads=args.threads, tag="s")}
        if not args.sqlite_only:
            with bench_database(args.keep_url) as url:
                postgres = Database(database_url=url)
                figures["Postgres"] = measure(
                    postgres, repeats=args.repeats, threads=args.threads, tag="p"
                )
    for name, f in figures.items():
        report(name, f, args.threads)


if __name__ == "__main__":
    main()
