"""Benchmark a graph step at turn 1 and at turn 200 of one long call, SQLite vs Postgres.

    python -m bench.long_call                  # Postgres: a throwaway database on this machine
    DATABASE_URL=postgresql://... python -m bench.long_call --keep-url   # or a given one

Each run plays a 200-turn call (the caller asks what is booked, then says yes to
"anything else?", over and over) through the full agent with store and checkpoints on
the backend. Reported: the median over several calls of the step time at turn 1 and at
turn 200, and of turns 1-20 and 181-200, per backend, in the same run. Flat means the
per-step cost does not grow with the call (bounded state; transcript lines in the store).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from bench.graph_step import call_steps
from bench.pg import add_keep_url, bench_database
from booking.databases import Database

TURNS = 200
LINES = ["what do I have booked?", "yes"] * (TURNS // 2)


def one_call(backend: Database, thread: str) -> list[float]:
    """Return the step times (ms) of one 200-turn call."""
    return [step * 1000 for step in call_steps(backend, LINES, thread=thread).steps]


def report(name: str, calls: list[list[float]]) -> None:
    """Print the medians for one backend."""
    first = statistics.median(c[0] for c in calls)
    last = statistics.median(c[-1] for c in calls)
    early = statistics.median(s for c in calls for s in c[:20])
    late = statistics.median(s for c in calls for s in c[-20:])
    print(
        f"{name:8} turn 1: {first:6.2f} ms  turn 200: {last:6.2f} ms  "
        f"turns 1-20: {early:6.2f} ms  turns 181-200: {late:6.2f} ms  "
        f"late/early: {late / early:.2f}x"
    )


def main() -> None:
    """Run both backends and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=5, help="200-turn calls per backend")
    add_keep_url(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, bench_database(args.keep_url) as url:
        sqlite = Database(sqlite_path=Path(tmp) / "long.db")
        postgres = Database(database_url=url)
        one_call(sqlite, "warm-sqlite")
        one_call(postgres, "warm-postgres")
        results = {"sqlite": [], "postgres": []}  # type: dict[str, list[list[float]]]
        for i in range(args.calls):  # interleaved, so both see the same machine load
            results["sqlite"].append(one_call(sqlite, f"s{i}"))
            results["postgres"].append(one_call(postgres, f"p{i}"))
    for name, calls in results.items():
        report(name, calls)


if __name__ == "__main__":
    main()
