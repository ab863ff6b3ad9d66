"""A checked pool holds at most its own connections and one spare, whatever the number of threads.

Under load (every pooled connection lent out, the server answering) a caller queues for a
pooled connection rather than open one more; with the server refusing, every waiting
caller fails, and at most one fresh connection is tried at a time. The sizes of both pools
come from `DATABASE_POOL_MIN` / `DATABASE_POOL_MAX`.
"""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest
from langchain_core.runnables import RunnableConfig
from pydantic import SecretStr, ValidationError

from bench.voice_load import Load, sampled
from booking.databases import Database
from booking.settings import Settings
from graph.postgres_checkpointer import PostgresCheckpoints
from store.postgres.pool import SPARE_CONNECTIONS, CheckedPool, PoolTimeouts
from tests.pg import throwaway_database
from tests.servers import free_port

CALLERS = 30


def at_once(use: Any) -> list[BaseException | None]:
    """Run `use()` in CALLERS threads at once; return what each raised (None: nothing)."""
    outcomes: list[BaseException | None] = [None] * CALLERS
    start = threading.Barrier(CALLERS)

    def run(n: int) -> None:
        start.wait()
        try:
            use()
        except Exception as error:
            outcomes[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
def test_thirty_threads_on_a_pool_of_two_queue_within_its_budget() -> None:
    """30 threads on a pool of 2 that times out fast all get through, on at most 3 connections."""
    with throwaway_database(migrated=False) as url:
        pool = CheckedPool(url, timeouts=PoolTimeouts(wait=0.02), name="budget-probe", max_size=2)
        pool.open(wait=True)
        load = Load()

        def use() -> None:
            for _ in range(5):
                with pool.connection() as conn:
                    conn.execute("SELECT pg_sleep(0.02)")  # holds it past the wait

        try:
            with sampled(url, load):
                outcomes = at_once(use)
        finally:
            pool.close()
    assert outcomes == [None] * CALLERS
    assert pool.budget == 2 + SPARE_CONNECTIONS
    assert 2 <= load.peak_connections <= pool.budget


def test_callers_of_a_refusing_server_fail_trying_one_fresh_connection_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With nothing listening, each of 30 waiting callers fails, never two trying at once."""
    pool = CheckedPool(
        f"postgresql://postgres@127.0.0.1:{free_port()}/booking",
        timeouts=PoolTimeouts(wait=0.05),
        name="refused-probe",
        max_size=2,
    )
    trying, most = 0, 0
    counting = threading.Lock()
    connect = psycopg.Connection.connect

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal trying, most
        if threading.current_thread().name.startswith("refused-probe"):
            return connect(*args, **kwargs)  # the pool reconnecting by itself
        with counting:
            trying += 1
            most = max(most, trying)
        try:
            return connect(*args, **kwargs)
        finally:
            with counting:
                trying -= 1

    monkeypatch.setattr(psycopg.Connection, "connect", counted)
    pool.open(wait=False)

    def use() -> None:
        with pool.connection():
            pass

    try:
        outcomes = at_once(use)
    finally:
        pool.close()
    assert all(isinstance(error, psycopg.OperationalError) for error in outcomes)
    assert all(getattr(error, "never_sent", False) for error in outcomes)  # nothing was sent
    assert most == SPARE_CONNECTIONS


def test_pool_sizes_above_their_maximum_are_refused() -> None:
    """DATABASE_POOL_MIN above DATABASE_POOL_MAX is a settings error naming both."""
    with pytest.raises(ValidationError, match="DATABASE_POOL_MIN must not be more than"):
        Settings(_env_file=None, database_pool_min=5, database_pool_max=2)  # type: ignore[call-arg]  # pydantic-settings init kwarg


@pytest.mark.postgres
def test_both_pools_take_their_sizes_from_the_settings() -> None:
    """DATABASE_POOL_MIN / _MAX size the store's and the checkpoints' pools; the budget follows."""
    with throwaway_database() as url:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]  # pydantic-settings init kwarg
            database_url=SecretStr(url),
            database_pool_min=0,
            database_pool_max=3,
        )
        database = Database.from_settings(settings)
        Database(database_url=url).migrate()
        with database.open_store() as store, database.open_checkpointer() as saver:
            assert repr(store) == "PostgresStore(max_size=3)"
            assert isinstance(saver, PostgresCheckpoints)
            assert isinstance(saver.conn, CheckedPool)
            assert (saver.conn.min_size, saver.conn.max_size) == (0, 3)
    assert database.connection_budget == 2 * (3 + SPARE_CONNECTIONS)


@pytest.mark.postgres
def test_the_checkpoints_of_two_calls_are_read_side_by_side() -> None:
    """One call's checkpoint work holding a connection does not stop another call's read:
    each borrows its own connection from the pool (LangGraph's saver would serialise them)."""
    with throwaway_database() as url, Database(database_url=url).open_checkpointer() as saver:
        assert isinstance(saver, PostgresCheckpoints)
        holding, release = threading.Event(), threading.Event()

        def slow_call() -> None:
            with saver._cursor():  # a long write or read of one call, mid-way
                holding.set()
                release.wait(30)

        first = threading.Thread(target=slow_call)
        first.start()
        try:
            assert holding.wait(30)
            other: RunnableConfig = {"configurable": {"thread_id": "other-call"}}
            read = threading.Thread(target=saver.get_tuple, args=(other,))
            read.start()
            read.join(30)  # bounded: with the saver's lock it would wait for `release`
            assert not read.is_alive()
        finally:
            release.set()
            first.join()
