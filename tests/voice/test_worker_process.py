"""A worker process opens the booking service once, in its set-up; its calls open nothing.

The worker's own set-up (`voice_bridge.prewarm`, LiveKit's `setup_fnc`) runs on a real
`JobProcess`; then two calls run at once through the voice door (LiveKit's text harness
around `BookingAgent`) on what it put in `JobProcess.userdata`, as the entrypoint does.
Every way of reaching the database is counted while the calls run: pools made, the
checkpoint saver's `setup()`, the store's schema check, connections a call's own thread
opens, and the connections the server sees (`pg_stat_activity`). A database that refuses
connections, or that `booking db migrate` has not brought up to date, is met at the
process set-up or at the worker's start, never half-way into a call.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from langgraph.checkpoint.postgres import PostgresSaver
from livekit.agents.job import JobExecutorType, JobProcess

import voice_bridge
from bench.call_open import connections
from booking.compose import Receptionist, SharedReceptionist
from booking.databases import Database
from booking.settings import get_settings
from store.errors import StoreUnavailable
from store.postgres.connection import PostgresConnection
from store.postgres.pool import CheckedPool
from store.sqlite.connection import SqliteConnection
from tests.pg import throwaway_database
from tests.voice.conftest import voice_call
from tests.voice.fakes import until

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]
CALLERS = {"call-a": "+14155550123", "call-b": "+14155550199"}
POOLS = ("booking-store", "booking-checkpoints")
"""The names of the two pools a process opens (their worker threads carry them)."""


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], JobProcess]]:
    """Yield the worker's process set-up (settings from the environment); close it after."""

    def set_up() -> JobProcess:
        get_settings.cache_clear()
        process = JobProcess(
            executor_type=JobExecutorType.THREAD, user_arguments=None, http_proxy=None
        )
        voice_bridge.prewarm(process)
        return process

    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    yield set_up
    voice_bridge.BOOKING.close()
    get_settings.cache_clear()


def count(
    monkeypatch: pytest.MonkeyPatch, owner: object, name: str, tally: Counter[str], key: str
) -> None:
    """Count the calls of `owner.name` in `tally[key]`, and make them as before."""
    original = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        tally[key] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)


async def two_calls(booking: Receptionist) -> None:
    """Run two calls at once: each caller registers, asks what is booked, and says goodbye."""

    async def one(thread: str, phone: str) -> None:
        async with voice_call(booking, caller_id=phone, thread=thread) as call:
            assert "your name" in call.greeting
            assert "Nice to meet you" in await call.say("Sam Lee")
            assert "don't have any" in await call.say("what do I have booked?")
            assert "Goodbye" in await call.say("no, that is all")

    await asyncio.gather(*(one(thread, phone) for thread, phone in CALLERS.items()))


@pytest.mark.postgres
async def test_calls_on_postgres_open_no_pool_and_run_no_setup(
    worker: Callable[[], JobProcess], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process holds one connection per pool; two calls at once add no pool, no setup()."""
    with throwaway_database(migrated=False) as url:
        Database(database_url=url).migrate()  # `booking db migrate`: the saver's tables too
        monkeypatch.setenv("DATABASE_URL", url)
        tally: Counter[str] = Counter()
        count(monkeypatch, CheckedPool, "__init__", tally, "pools")
        count(monkeypatch, PostgresSaver, "setup", tally, "setup")
        count(monkeypatch, PostgresConnection, "_check_schema", tally, "schema checks")
        process = worker()
        booking = process.userdata["booking"]
        assert isinstance(booking, SharedReceptionist)
        assert tally == Counter({"pools": 2, "schema checks": 1})  # the set-up, once
        held = connections(url)
        assert held == 2  # one per pool, whatever the number of calls to come

        tally.clear()
        opened_by_calls = 0
        connect = psycopg.Connection.connect

        def counted_connect(*args: Any, **kwargs: Any) -> Any:
            nonlocal opened_by_calls
            if not threading.current_thread().name.startswith(POOLS):
                opened_by_calls += 1  # not a pool filling itself: a connection of the call's
            return connect(*args, **kwargs)

        monkeypatch.setattr(psycopg.Connection, "connect", counted_connect)
        await two_calls(await asyncio.to_thread(booking.get))  # as the entrypoint gets it
        assert tally == Counter() and opened_by_calls == 0
        # the pools grow with the calls running at once, within the process's budget
        assert held <= connections(url) <= Database(database_url=url).connection_budget
        voice_bridge.BOOKING.close()
        await until(lambda: connections(url) == 0)  # the server ends each backend as it closes


async def test_calls_on_sqlite_share_the_process_connections(
    worker: Callable[[], JobProcess], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """On the SQLite default the file is opened once per process; two calls at once share it."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("BOOKING_DB", str(tmp_path / "worker.db"))
    process = worker()
    booking = process.userdata["booking"].get()
    tally: Counter[str] = Counter()
    count(monkeypatch, SqliteConnection, "__init__", tally, "store opened")
    count(monkeypatch, voice_bridge, "open_configured", tally, "opened")
    await two_calls(booking)
    assert tally == Counter()
    for phone in CALLERS.values():
        user = booking.store.find_user_by_phone(phone)
        assert user is not None and user.name == "Sam Lee"


async def test_a_process_set_up_while_the_database_refuses_leaves_its_calls_the_apology(
    worker: Callable[[], JobProcess], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the server refusing connections, the set-up returns and each call fails at once.

    The pools alone would retry for 10 s: past LiveKit's limit on a process set-up, and a
    caller's wait for the apology ("the appointment book can't be reached").
    """
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/booking")
    began = time.monotonic()
    process = worker()
    assert time.monotonic() - began < 5  # Silero's VAD is most of it
    began = time.monotonic()
    with pytest.raises(StoreUnavailable, match="cannot reach the database"):
        await asyncio.to_thread(process.userdata["booking"].get)
    assert time.monotonic() - began < 1


@pytest.mark.postgres
def test_a_worker_on_a_database_not_migrated_stops_at_start_saying_what_to_run() -> None:
    """`voice_bridge.py start` without the checkpoint tables exits naming `booking db migrate`.

    The database has the store's schema only (what `booking db migrate` made before the
    checkpoint tables joined it); the worker stops before LiveKit starts, with one line.
    """
    with throwaway_database() as url:
        done = subprocess.run(
            [sys.executable, "voice_bridge.py", "start"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 1, done.stderr
    assert "run `booking db migrate` (pending: checkpoint tables)" in done.stderr
    assert "Traceback" not in done.stderr
