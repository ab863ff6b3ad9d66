"""Time the analysts' commands at volume: `threads list` on 10,000 calls, `show` on 60 turns.

    python -m bench.threads_cli                 # SQLite file and a throwaway Postgres database
    python -m bench.threads_cli --calls 2000 --repeats 3

- list: the store holds `--calls` conversations (copies of one real call played through the
  agent, spread over 1,000 callers and six outcomes, each with its transcript lines). Timed:
  `booking threads list` (the default page, 50 calls), `list --limit 0` (every call) and
  `list --outcome booked --limit 0`, in process; the baseline, in the same run, is one plain
  `SELECT * FROM conversations` fetching every row, the floor for any list of them all.
- show: one real 60-turn call played through the agent; `booking threads show` of it is timed
  against its baseline, reading the thread's checkpoint history (`get_state_history`), the
  data `show` is built from.
Medians over `--repeats` runs; the whole command in a fresh process is timed once too, since
that is what an analyst waits for (Python start-up and imports included).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from bench.graph_step import call_steps
from bench.pg import add_keep_url, bench_database
from booking.cli import parser
from booking.cli.threads import run
from booking.databases import Database
from graph.builder import build_graph

BOOKING = ["I'd like to book an appointment on Thursday afternoon", "the second one", "yes"]
BOOKING += ["no, that's all"]
LONG = ["what do I have booked?", "yes"] * 30
"""A 60-turn call: the caller keeps asking what is booked and says yes to "anything else?"."""

SQLITE_FILL = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :calls)
INSERT INTO conversations (id, user_id, started_at, ended_at, outcome, summary)
SELECT 'call-' || i,
       (SELECT id FROM users WHERE contact_number = printf('+1212555%04d', i % 1000)),
       strftime('%Y-%m-%dT%H:%M:%S+00:00', '2026-11-25 18:00:00', printf('-%d minutes', i)),
       CASE WHEN i % 6 = 5 THEN NULL ELSE
       strftime('%Y-%m-%dT%H:%M:%S+00:00', '2026-11-25 18:02:00', printf('-%d minutes', i)) END,
       CASE i % 6 WHEN 0 THEN 'booked' WHEN 1 THEN 'cancelled' WHEN 2 THEN 'rescheduled'
                  WHEN 3 THEN 'abandoned' WHEN 4 THEN 'handed_off' END,
       'copy of a real call'
FROM n;
"""
SQLITE_TURNS = """
INSERT INTO conversation_turns (conversation_id, idx, role, text, at, interrupted)
SELECT c.id, t.idx, t.role, t.text, c.started_at, t.interrupted
FROM conversations c, conversation_turns t
WHERE c.id LIKE 'call-%' AND t.conversation_id = 'template'
"""
PG_FILL = """
INSERT INTO users (contact_number, name)
SELECT '+1212555' || lpad(i::text, 4, '0'), 'Caller ' || i FROM generate_series(0, 999) i
ON CONFLICT DO NOTHING;
INSERT INTO conversations (thread_id, user_id, started_at, ended_at, outcome, summary)
SELECT 'call-' || i,
       (SELECT id FROM users WHERE contact_number = '+1212555' || lpad(mod(i, 1000)::text, 4, '0')),
       timestamptz '2026-11-25 18:00:00+00' - i * interval '1 minute',
       CASE WHEN mod(i, 6) = 5 THEN NULL
            ELSE timestamptz '2026-11-25 18:02:00+00' - i * interval '1 minute' END,
       (ARRAY['booked', 'cancelled', 'rescheduled', 'abandoned', 'handed_off'])[mod(i, 6) + 1],
       'copy of a real call'
FROM generate_series(1, %(calls)s) i;
INSERT INTO conversation_turns (thread_id, idx, role, text, at, interrupted)
SELECT c.thread_id, t.idx, t.role, t.text, c.started_at, t.interrupted
FROM conversations c, conversation_turns t
WHERE c.thread_id LIKE 'call-' || '%%' AND t.thread_id = 'template';
ANALYZE;
"""


def fill(backend: Database, calls: int) -> None:
    """Play one real call, then copy its store rows into `calls` conversations."""
    call_steps(backend, BOOKING, thread="template")
    if backend.database_url:
        with psycopg.connect(backend.database_url, autocommit=True) as conn:
            for statement in filter(str.strip, PG_FILL.split(";\n")):
                conn.execute(statement, {"calls": calls} if "%(calls)s" in statement else None)
        return
    import sqlite3  # noqa: PLC0415  # only the SQLite half needs it

    with sqlite3.connect(str(backend.sqlite_path)) as conn:
        conn.executemany(
            "INSERT INTO users (id, contact_number, name, created_at) VALUES (?, ?, ?, ?)",
            [
                (f"user-{i}", f"+1212555{i:04d}", f"Caller {i}", "2026-11-01T00:00:00+00:00")
                for i in range(1000)
            ],
        )
        conn.execute(SQLITE_FILL, {"calls": calls})
        conn.execute(SQLITE_TURNS)
        conn.execute("ANALYZE")


def baseline_rows(backend: Database) -> int:
    """Fetch every conversations row with one plain query (the baseline)."""
    if backend.database_url:
        with psycopg.connect(backend.database_url) as conn:
            return len(conn.execute("SELECT * FROM conversations").fetchall())
    import sqlite3  # noqa: PLC0415

    with sqlite3.connect(str(backend.sqlite_path)) as conn:
        return len(conn.execute("SELECT * FROM conversations").fetchall())


def baseline_history(backend: Database, thread: str) -> int:
    """Read a thread's checkpoint history, the data `show` is built from (the baseline)."""
    with backend.open_checkpointer() as saver:
        graph = build_graph().compile(checkpointer=saver)
        config = {"configurable": {"thread_id": thread}}
        return len(list(graph.get_state_history(config)))  # type: ignore[arg-type]


def command(backend: Database, *argv: str) -> Callable[[], object]:
    """Return a function running `booking threads ARGV` in process, its output discarded."""
    args = parser().parse_args(["threads", *argv])

    def go() -> object:
        out = io.StringIO()
        if run(args, backend, out) != 0:
            raise SystemExit(f"booking threads {' '.join(argv)} failed")
        return out

    return go


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of `fn` in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def whole_command_ms(backend: Database, *argv: str) -> float:
    """Time `booking threads ARGV` once as a fresh process (start-up and imports included)."""
    env = {**os.environ, "BOOKING_DB": str(backend.sqlite_path)}
    env.pop("DATABASE_URL", None)
    if backend.database_url:
        env["DATABASE_URL"] = backend.database_url
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "booking.cli", "threads", *argv],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return (time.perf_counter() - start) * 1000


def measure(name: str, backend: Database, calls: int, repeats: int) -> None:
    """Fill one backend and print its figures."""
    fill(backend, calls)
    call_steps(backend, LONG, thread="long-60")
    rows = baseline_rows(backend)
    base = median_ms(lambda: baseline_rows(backend), repeats)
    page = median_ms(command(backend, "list"), repeats)
    everything = median_ms(command(backend, "list", "--limit", "0"), repeats)
    booked = median_ms(command(backend, "list", "--outcome", "booked", "--limit", "0"), repeats)
    history = median_ms(lambda: baseline_history(backend, "long-60"), repeats)
    show = median_ms(command(backend, "show", "long-60"), repeats)
    print(f"{name}: {rows} conversations")
    print(f"  list (50 latest)      {page:8.1f} ms")
    print(f"  list --limit 0 (all)  {everything:8.1f} ms   baseline SELECT * {base:6.1f} ms")
    print(f"      ratio all/baseline {everything / base:.2f}x")
    print(f"  list --outcome booked {booked:8.1f} ms")
    print(f"  show (60 turns)       {show:8.1f} ms   baseline history read {history:6.1f} ms")
    print(f"      ratio show/baseline {show / history:.2f}x")
    print(f"  whole command, fresh process: list {whole_command_ms(backend, 'list'):.0f} ms,")
    print(f"    list --limit 0 {whole_command_ms(backend, 'list', '--limit', '0'):.0f} ms,")
    print(f"    show {whole_command_ms(backend, 'show', 'long-60'):.0f} ms")


def main() -> None:
    """Run the benchmark on SQLite and Postgres and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=10_000, help="conversations to list")
    parser.add_argument("--repeats", type=int, default=5)
    add_keep_url(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, bench_database(args.keep_url) as url:
        measure("sqlite", Database(sqlite_path=Path(tmp) / "calls.db"), args.calls, args.repeats)
        measure("postgres", Database(database_url=url), args.calls, args.repeats)


if __name__ == "__main__":
    main()
