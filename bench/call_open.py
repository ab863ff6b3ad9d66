"""Benchmark what a voice call pays before its greeting, opened per call or once per process.

    python -m bench.call_open                  # SQLite, and Postgres on a throwaway database
    DATABASE_URL=postgresql://... python -m bench.call_open --keep-url   # or a given one

Two ways of giving a call its receptionist (store, checkpoints, compiled graph), timed in
the same run, interleaved:
- per call: what `voice_bridge.py`'s entrypoint did before issue 14, `open_configured`
  at each call (on Postgres: two pools, the store's schema check, the checkpoint tables'
  check; before issue 14 also `PostgresSaver.setup()` on a connection of its own);
- shared: what it does now, a `SharedReceptionist` opened once by the process set-up
  (`voice_bridge.open_for_calls` in LiveKit's prewarm, reported apart: it runs before any
  call reaches the process) and borrowed by each call.

Reported per backend: the median, over sequential calls, of "open" (job start until the
call's agent could be made) and "greeting-ready" (until the greeting's text is computed,
the first graph step included). On Postgres also N calls at once (default 1 and 20, as
threads of one process, which is how LiveKit's thread executor runs them; its default
process executor runs one call per process, i.e. N = 1 each): the connections the server
holds for the database once all N have greeted, and their median open / greeting-ready.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from pydantic import SecretStr

from bench.pg import add_keep_url, bench_database
from booking.compose import Receptionist, SharedReceptionist, open_configured
from booking.databases import Database
from booking.settings import Settings
from voice_bridge import open_for_calls

CALLER = "+14155550123"
Lend = Callable[[], AbstractContextManager[Receptionist]]
"""How a call gets its receptionist for as long as it runs."""


@dataclass
class Timed:
    """One call's times, in milliseconds from its job start."""

    open_ms: float
    greeting_ms: float


def per_call(settings: Settings) -> Lend:
    """Each call opens its own receptionist, as the entrypoint did before issue 14."""
    return lambda: open_configured(settings)


def shared(service: SharedReceptionist) -> Lend:
    """Each call borrows the process's receptionist."""

    @contextmanager
    def borrow() -> Iterator[Receptionist]:
        yield service.get()

    return borrow


def calls_at_once(lend: Lend, count: int, tag: str, *, url: str | None) -> tuple[list[Timed], int]:
    """Run `count` calls at once, each greeting then hanging up; return times and connections.

    The connections are those the server holds for the database while every call has
    greeted and none has hung up yet (0 without `url`).
    """
    timed: list[Timed] = []
    greeted, counted = threading.Barrier(count + 1), threading.Barrier(count + 1)

    def call(name: str) -> None:
        began = time.perf_counter()
        with lend() as booking:
            conversation = booking.conversation(name)
            opened = time.perf_counter()
            conversation.start(caller_id=CALLER)
            ready = time.perf_counter()
            timed.append(Timed((opened - began) * 1000, (ready - began) * 1000))
            greeted.wait()
            counted.wait()
            conversation.hang_up()

    threads = [threading.Thread(target=call, args=(f"{tag}-{i}",)) for i in range(count)]
    for thread in threads:
        thread.start()
    greeted.wait()
    held = connections(url) if url else 0
    counted.wait()
    for thread in threads:
        thread.join()
    return timed, held


COUNT_CONNECTIONS = (
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
)
"""The connections the server holds to the database, not counting the one asking."""


def connections(url: str) -> int:
    """Return how many connections the server holds to the database (not this one)."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(COUNT_CONNECTIONS).fetchone()
    return int(row[0]) if row else 0


def median(timed: list[Timed]) -> str:
    """Describe the medians of a set of calls."""
    open_ms = statistics.median(t.open_ms for t in timed)
    greeting_ms = statistics.median(t.greeting_ms for t in timed)
    return f"open {open_ms:7.1f} ms   greeting-ready {greeting_ms:7.1f} ms"


def run(name: str, settings: Settings, *, calls: int, crowds: list[int], url: str | None) -> None:
    """Print both ways side by side for one backend."""
    began = time.perf_counter()
    service = SharedReceptionist(lambda: open_for_calls(settings))  # the worker's own
    service.get()
    set_up = (time.perf_counter() - began) * 1000
    ways = {"per call": per_call(settings), "shared": shared(service)}
    for way, lend in ways.items():  # warm: imports, holiday names, first connections
        calls_at_once(lend, 1, f"{name}-{way}-warm", url=url)
    sequential: dict[str, list[Timed]] = {way: [] for way in ways}
    for i in range(calls):  # interleaved, so both see the same machine load
        for way, lend in ways.items():
            sequential[way] += calls_at_once(lend, 1, f"{name}-{way}-{i}", url=None)[0]
    print(f"{name}: one call at a time ({calls} calls each)")
    for way, timed in sequential.items():
        print(f"  {way:8}  {median(timed)}")
    print(f"  shared: the process set-up opened it once in {set_up:.1f} ms, before any call")
    for count in crowds if url else []:
        print(f"{name}: {count} calls at once")
        for way, lend in ways.items():
            # each way alone: the per-call calls' connections without the process's
            if way == "shared":
                service.get()
            else:
                service.close()
            timed, held = calls_at_once(lend, count, f"{name}-{way}-x{count}", url=url)
            print(f"  {way:8}  connections held {held:3}   {median(timed)}")
    service.close()


def main() -> None:
    """Run SQLite then Postgres and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=20, help="sequential calls per way")
    parser.add_argument("--at-once", default="1,20", help="concurrent calls (Postgres)")
    add_keep_url(parser)
    args = parser.parse_args()
    crowds = [int(n) for n in args.at_once.split(",") if n.strip()]
    with tempfile.TemporaryDirectory() as tmp, bench_database(args.keep_url) as url:
        Database(database_url=url).migrate()  # `booking db migrate`: checkpoint tables too
        sqlite = Settings(_env_file=None, booking_db=str(Path(tmp) / "calls.db"), database_url=None)  # type: ignore[call-arg]  # pydantic-settings init kwarg
        postgres = Settings(_env_file=None, database_url=SecretStr(url))  # type: ignore[call-arg]  # pydantic-settings init kwarg
        run("sqlite", sqlite, calls=args.calls, crowds=crowds, url=None)
        run("postgres", postgres, calls=args.calls, crowds=crowds, url=url)


if __name__ == "__main__":
    main()
