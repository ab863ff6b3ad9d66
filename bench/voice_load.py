"""Load-test the voice door: many calls at once in one worker process, against the bare floor.

    python -m bench.voice_load                      # 100 calls of 20 turns, throwaway database
    python -m bench.voice_load --calls 10 --turns 5 --gap 0
    DATABASE_URL=postgresql://... python -m bench.voice_load --keep-url   # a given database

Each call is LiveKit's `AgentSession` (the text harness of `tests/voice`) around
`BookingAgent`, in a thread of its own with its own event loop, as LiveKit 1.8.9's thread
executor runs a job; every call borrows the one `SharedReceptionist` of the process (the
default process executor runs one call per process instead, so nothing is shared). Each
caller is a known one with a number of its own and plays `bench.graph_step.CALL` (book,
list, move, cancel) on days and times of its own (112 callers before two share a slot;
a taken slot is heard as such, not an error). A caller speaks `--gap` seconds (±50 %)
after each reply: 5 by default, about a spoken reply heard and the next line said; 0
makes every call step back to back, the saturation of the process.

The floor runs the same load in the same run: as many threads, each the bare two-node
LangGraph interrupt loop of `bench.graph_step` on the calls' own checkpointer (the same
saver and pool sizes), the same number of steps with the same gaps. Each side runs in a fresh
process on the same database, so its memory is measured from its own baseline.

Reported for each side and as ratios: p50 / p95 step (caller line in → reply out); errors
(an exception, or a reply that apologises: must be 0); the peak of the connections the
server holds to the database (`pg_stat_activity`, sampled on a connection of its own)
against the budget, 2 * (DATABASE_POOL_MAX + 1) (pool sizes from the environment); and
memory per call: the peak RSS over the RSS with the receptionist open (one call done,
none running), divided by the number of calls. With `--keep-url`, give it a database of
its own: other clients would be counted, and a run before left its callers' bookings.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

import psycopg
from langgraph.types import Command
from pydantic import SecretStr

from bench.call_open import COUNT_CONNECTIONS
from bench.graph_step import CALL, NOW, Floor
from bench.pg import add_keep_url, bench_database
from booking.compose import SharedReceptionist, fixed_clock, open_receptionist, parts_from
from booking.databases import Database
from booking.settings import Settings
from business.spoken import ordinal
from graph.apologies import BOOK_UNREACHABLE, SOMETHING_WENT_WRONG, STILL_FINISHING
from nodes.phrases import SLOT_TAKEN, STORE_DOWN, WRITE_UNSURE
from tests.voice.conftest import voice_call
from voice import phrases

APOLOGIES = (
    BOOK_UNREACHABLE,
    SOMETHING_WENT_WRONG,
    STILL_FINISHING,
    STORE_DOWN,
    WRITE_UNSURE,
    phrases.TROUBLE,
    phrases.TOO_SLOW,
    phrases.CANT_OPEN,
    phrases.UNAVAILABLE,
)
"""What the call says when something failed: each one heard is an error."""
TAKEN = SLOT_TAKEN.split("}")[-1]
"""The words of a reply saying another caller took the slot first."""
TIMES = ["9am", "9:30am", "10am", "10:30am", "11am", "11:30am", "noon"]
TIMES += ["12:30pm", "1pm", "1:30pm", "2pm", "2:30pm", "3pm", "3:30pm"]
WEEKS = 8
"""Weeks of days the callers spread over, all within the 60-day booking horizon of NOW."""
FIRST_MONDAY = NOW.date() + timedelta(days=7 - NOW.weekday())
"""The Monday after `NOW`."""
WARM = 9999
"""The caller of the warm-up call, made before the baseline is measured."""
RUN = f"{time.time_ns():x}"
"""Names this run's threads, so a second run on a kept database starts new calls."""


@dataclass
class Load:
    """What one side of the bench measured."""

    steps: list[float] = field(default_factory=list)
    """Seconds from a caller line in to its reply out, every turn of every call."""
    errors: list[str] = field(default_factory=list)
    collisions: list[str] = field(default_factory=list)
    """Replies saying the slot was just taken by another caller (handled, not errors)."""
    peak_connections: int = 0
    samples: int = 0
    """How many times the connections were counted."""
    rss_baseline: int = 0
    rss_peak: int = 0
    seconds: float = 0.0
    """Wall time of all the calls."""
    booked: int = 0
    """Appointments booked in the database once the calls have ended (the voice side)."""


def phone(caller: int) -> str:
    """Return the caller's own number."""
    return f"+1415555{caller:04d}"


def script(caller: int, turns: int) -> list[str]:
    """Return the caller's lines: `CALL` on days and a time of its own, `turns` long."""
    monday = FIRST_MONDAY + timedelta(weeks=caller % WEEKS)
    at = TIMES[caller // WEEKS % len(TIMES)]

    def day(offset: int) -> str:
        when = monday + timedelta(days=offset)
        return f"{when:%A} {when:%B} {ordinal(when.day)}"

    own = {
        "Monday morning": f"{day(0)} morning",
        "make it 11am": f"make it {at}",
        "Tuesday at 2pm": f"{day(1)} at {at}",
        "Friday afternoon": f"{day(4)} afternoon",
        "Thursday at 10am": f"{day(3)} at {at}",
    }
    lines = list(CALL)
    for said, instead in own.items():
        lines = [line.replace(said, instead) for line in lines]
    if turns <= len(lines):
        return lines[:turns]
    return lines[:-1] + ["what do I have booked?"] * (turns - len(lines)) + lines[-1:]


def pauses(caller: int, turns: int, gap: float) -> list[float]:
    """Return the seconds the caller waits before each line (the same on both sides)."""
    rng = random.Random(caller)
    return [gap * rng.uniform(0.5, 1.5) for _ in range(turns)]


def rss() -> int:
    """Return this process's resident memory in bytes."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


@contextmanager
def sampled(url: str, load: Load) -> Iterator[None]:
    """Count the server's connections and this process's memory until the block ends."""
    done = threading.Event()

    def sample() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            while not done.wait(0.01):
                row = conn.execute(COUNT_CONNECTIONS).fetchone()
                load.peak_connections = max(load.peak_connections, int(row[0]) if row else 0)
                load.rss_peak = max(load.rss_peak, rss())
                load.samples += 1

    sampler = threading.Thread(target=sample, name="sampler")
    load.rss_baseline = rss()
    began = time.perf_counter()
    sampler.start()
    try:
        yield
    finally:
        load.seconds = time.perf_counter() - began
        done.set()
        sampler.join()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: kB
    load.rss_peak = max(load.rss_peak, peak)


def at_once(calls: int, run: Callable[[int], None], load: Load) -> None:
    """Run `run(caller)` for every caller, each in a thread of its own; record what raised."""

    def guarded(caller: int) -> None:
        try:
            run(caller)
        except Exception as error:  # any failure of a call is an error of the bench
            load.errors.append(f"call {caller}: {type(error).__name__}: {error}")

    threads = [threading.Thread(target=guarded, args=(c,), name=f"call-{c}") for c in range(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def run_voice(settings: Settings, *, calls: int, turns: int, gap: float) -> Load:
    """Run `calls` voice calls at once on one shared receptionist and measure them."""
    database = Database.from_settings(settings)
    assert database.database_url, "the load bench runs on Postgres"
    service = SharedReceptionist(
        lambda: open_receptionist(
            database, clock=fixed_clock(NOW), create=False, **parts_from(settings)
        )
    )
    load = Load()

    async def call(caller: int, lines: list[str], waits: list[float]) -> None:
        booking = await asyncio.to_thread(service.get)  # as the worker's entrypoint does
        thread = f"load-{RUN}-{caller}"
        async with voice_call(booking, caller_id=phone(caller), thread=thread) as on:
            heard = [on.greeting]
            for line, wait in zip(lines, waits, strict=True):
                await asyncio.sleep(wait)
                began = time.perf_counter()
                heard.append(await on.say(line))
                load.steps.append(time.perf_counter() - began)
        for n, reply in enumerate(heard):
            if any(apology in reply for apology in APOLOGIES):
                load.errors.append(f"call {caller} turn {n}: {reply}")
            if TAKEN in reply:
                load.collisions.append(f"call {caller} turn {n}")

    try:
        store = service.get().store
        for caller in [*range(calls), WARM]:
            if store.find_user_by_phone(phone(caller)) is None:
                store.create_user(phone=phone(caller), name="Sam Lee")
        asyncio.run(call(WARM, script(WARM, 3), [0.0] * 3))  # imports, first compile
        load.steps.clear()
        with sampled(str(database.database_url), load):
            at_once(
                calls,
                lambda c: asyncio.run(call(c, script(c, turns), pauses(c, turns, gap))),
                load,
            )
        with psycopg.connect(str(database.database_url)) as conn:
            row = conn.execute("SELECT count(*) FROM appointments WHERE status = 'booked'")
            load.booked = int((row.fetchone() or (0,))[0])
    finally:
        service.close()
    return load


def run_floor(settings: Settings, *, calls: int, turns: int, gap: float) -> Load:
    """Run the bare interrupt loop on the same checkpointer as the calls, in `calls` threads."""
    database = Database.from_settings(settings)
    url = str(database.database_url)
    load = Load()
    with database.open_checkpointer() as saver:
        loop = Floor(saver).graph

        def call(caller: int, count: int, waits: list[float]) -> None:
            config: Any = {"configurable": {"thread_id": f"floor-{RUN}-{caller}"}}
            loop.invoke({}, config)
            for n, wait in enumerate(waits[:count]):
                time.sleep(wait)
                began = time.perf_counter()
                loop.invoke(Command(resume=f"line {n}"), config)
                load.steps.append(time.perf_counter() - began)

        call(WARM, 3, [0.0] * 3)
        load.steps.clear()
        with sampled(url, load):
            at_once(calls, lambda c: call(c, turns, pauses(c, turns, gap)), load)
    return load


PARTS = {"voice": run_voice, "floor": run_floor}
RESULT = "voice_load result: "
"""Starts the line on which a part's process hands back its `Load`."""


def measure(url: str, *, calls: int, turns: int, gap: float) -> dict[str, Load]:
    """Run each part in a fresh process on the database at `url`; return what each measured."""
    loads = {}
    shape = [f"--calls={calls}", f"--turns={turns}", f"--gap={gap}"]
    for part in PARTS:
        done = subprocess.run(
            [sys.executable, "-m", "bench.voice_load", "--part", part, *shape],
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
            check=False,
        )
        result = [line for line in done.stdout.splitlines() if line.startswith(RESULT)]
        if done.returncode or not result:
            raise RuntimeError(f"the {part} part failed: {done.stderr[-2000:]}")
        loads[part] = Load(**json.loads(result[-1].removeprefix(RESULT)))
    return loads


def settings_for(url: str) -> Settings:
    """Return the settings of a part: the rules engine, pools as the environment sets them."""
    return Settings(_env_file=None, database_url=SecretStr(url), openai_api_key=None)  # type: ignore[call-arg]  # pydantic-settings init kwarg


def ms(values: list[float], quantile: int) -> float:
    """Return the `quantile`-th percentile of `values`, in milliseconds."""
    if len(values) < 2:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[quantile - 1] * 1000


def report(loads: dict[str, Load], *, calls: int, budget: int) -> list[str]:
    """Describe both sides and their ratios, one line each."""
    columns = "p50 step   p95 step   errors   peak conns   MB/call"
    lines = [f"{'':14}{columns}"]
    figures = {}
    for part, load in loads.items():
        mb = (load.rss_peak - load.rss_baseline) / calls / 2**20
        figures[part] = (ms(load.steps, 50), ms(load.steps, 95), load.peak_connections, mb)
        p50, p95, peak, _ = figures[part]
        lines.append(
            f"{part:14}{p50:8.1f} ms {p95:7.1f} ms {len(load.errors):8} "
            f"{peak:7} / {budget:<3}{mb:8.2f}"
        )
    voice, floor = figures["voice"], figures["floor"]
    ratios = [v / f if f else float("nan") for v, f in zip(voice, floor, strict=True)]
    lines.append(
        f"{'voice / floor':14}{ratios[0]:8.1f}x   {ratios[1]:7.1f}x   {'':8} "
        f"{ratios[2]:7.1f}x     {ratios[3]:6.1f}x"
    )
    for part, load in loads.items():
        lines.append(
            f"{part}: {len(load.steps)} steps in {load.seconds:.1f} s"
            f" ({len(load.steps) / load.seconds:.1f}/s), {load.samples} samples,"
            f" collisions {len(load.collisions)}, baseline RSS {load.rss_baseline / 2**20:.0f} MB"
            + (f", {load.booked} appointments booked at the end" if part == "voice" else "")
        )
        lines += [f"  error: {error}" for error in load.errors[:5]]
    return lines


def main() -> None:
    """Run both parts (or one, in this process, with --part) and print the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=100, help="calls at once")
    parser.add_argument("--turns", type=int, default=20, help="caller lines per call")
    parser.add_argument("--gap", type=float, default=5.0, help="seconds before each line")
    parser.add_argument("--part", choices=PARTS, help=argparse.SUPPRESS)
    add_keep_url(parser)
    args = parser.parse_args()
    shape = {"calls": args.calls, "turns": args.turns, "gap": args.gap}
    if args.part:  # a child of `measure`: DATABASE_URL names the database
        load = PARTS[args.part](settings_for(os.environ["DATABASE_URL"]), **shape)
        print(RESULT + json.dumps(asdict(load)))
        return
    with bench_database(args.keep_url) as url:
        database = Database.from_settings(settings_for(url))
        database.migrate()  # `booking db migrate`: the checkpoint tables too
        loads = measure(url, **shape)
    print(
        f"{args.calls} calls at once x {args.turns} turns, gap {args.gap} s ±50 %,"
        f" pools {database.pool_min}..{database.pool_max} each"
    )
    print("\n".join(report(loads, calls=args.calls, budget=database.connection_budget)))


if __name__ == "__main__":
    main()
