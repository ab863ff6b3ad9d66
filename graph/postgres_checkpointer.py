"""Postgres checkpoints (`DATABASE_URL`): `PostgresSaver` on the store's checked pool.

Apart from `graph.checkpointer` because psycopg comes with the postgres extra: only a
process that opens Postgres imports this module. Connections are lent by
`store.postgres.pool.CheckedPool`: checked on checkout, failing fast.

The saver's tables are LangGraph's own (`PostgresSaver.setup()`, versioned in its
`checkpoint_migrations` table). `booking db migrate` sets them up with the store's schema
(`migrate_checkpoints`); opening checks their version with one query on the pool, and
runs `setup()` only when they are missing or behind and the caller allows it
(`create=True`). The voice worker does not: a database `booking db migrate` has not set
up is refused when the worker starts, never half-way into a call.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any, cast

import psycopg
from langgraph.checkpoint.postgres import PostgresSaver
from psycopg.rows import tuple_row

from graph.checkpointer import CheckpointsUnavailable, TranslatedSaver
from store.postgres.migrate import LOCK_KEY
from store.postgres.pool import CheckedPool, PoolTimeouts, connection_kwargs
from store.postgres.rows import MIGRATE_HINT

CURRENT_VERSION = len(PostgresSaver.MIGRATIONS) - 1
"""The newest version of LangGraph's checkpoint tables this install knows."""


_JOINED_BLOBS = """        from jsonb_each_text(checkpoint -> 'channel_versions')
        inner join checkpoint_blobs bl
            on bl.thread_id = checkpoints.thread_id
            and bl.checkpoint_ns = checkpoints.checkpoint_ns
            and bl.channel = jsonb_each_text.key
            and bl.version = jsonb_each_text.value"""
_PROBED_BLOBS = """        from jsonb_each_text(checkpoint -> 'channel_versions') as cv
        cross join lateral (
            select b.channel, b.type, b.blob from checkpoint_blobs b
            where b.thread_id = checkpoints.thread_id
                and b.checkpoint_ns = checkpoints.checkpoint_ns
                and b.channel = cv.key
                and b.version = cv.value
            offset 0
        ) as bl"""
PROBING_SELECT = PostgresSaver.SELECT_SQL.replace(_JOINED_BLOBS, _PROBED_BLOBS)
"""LangGraph's checkpoint query, its channel values looked up one by one.

Its join of the checkpoint's channel versions with `checkpoint_blobs` is planned as a hash
of every blob of the thread, so a read grew with the call: 1.1 ms at turn 200 against
0.4 ms this way (`OFFSET 0` keeps the planner from turning the lookups back into that
join), the rows the same. `tests/backends/test_checkpoints.py` fails if a LangGraph
upgrade changes the query this rewrites."""


class PostgresCheckpoints(TranslatedSaver, PostgresSaver):
    """`PostgresSaver` whose connection failures and timeouts are `CheckpointsUnavailable`.

    A read looks up the checkpoint's channel values one by one (`PROBING_SELECT`), so it
    costs the same at turn 200 as at turn 2. On a pool its reads and writes run side by
    side: LangGraph's saver takes one lock around every use, which a single shared
    connection needs; here each use borrows a connection of its own, so calls of one
    process would wait on each other for nothing (langchain-ai/langgraph#7259). The
    pool's size bounds them (`DATABASE_POOL_MAX`).
    """

    outages = (psycopg.OperationalError,)
    SELECT_SQL = PROBING_SELECT

    def __init__(self, pool: CheckedPool) -> None:
        """Save checkpoints through `pool`, one borrowed connection per use, unserialised."""
        super().__init__(pool)
        self.lock = cast(threading.Lock, nullcontext())  # reusable, and holds nothing


def checkpoint_version(conn: psycopg.Connection[Any]) -> int:
    """Return the version of the checkpoint tables in the database (-1: none)."""
    cur = conn.cursor(row_factory=tuple_row)
    exists = cur.execute("SELECT to_regclass('checkpoint_migrations') IS NOT NULL").fetchone()
    if exists is None or not exists[0]:
        return -1
    row = cur.execute("SELECT max(v) FROM checkpoint_migrations").fetchone()
    return -1 if row is None or row[0] is None else int(row[0])


def migrate_checkpoints(database_url: str, *, timeouts: PoolTimeouts | None = None) -> bool:
    """Create or bring up to date the checkpoint tables; return whether anything changed.

    Runs `PostgresSaver.setup()` on a connection of its own without the statement timeout,
    so a slow migration of a large checkpoint table is not cut short, under the advisory
    lock `booking db migrate` takes, so two processes migrating at once do it once.
    """
    connect = (timeouts or PoolTimeouts()).connect
    options = connection_kwargs(database_url, PoolTimeouts(connect=connect))
    options.pop("options", None)  # no statement timeout
    with (
        PostgresCheckpoints._opening(),
        psycopg.Connection.connect(database_url, **options) as conn,
    ):
        # A session lock, released when this connection closes: setup() creates indexes
        # CONCURRENTLY, which cannot run inside a transaction (so no xact lock).
        conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        if checkpoint_version(conn) >= CURRENT_VERSION:
            return False
        PostgresSaver(conn).setup()
        return True


@contextmanager
def postgres_checkpointer(
    database_url: str,
    *,
    min_size: int = 1,
    max_size: int = 10,
    timeouts: PoolTimeouts | None = None,
    create: bool = True,
) -> Iterator[PostgresCheckpoints]:
    """Open Postgres checkpoints on a checked pool, checking the tables' version once.

    The pool holds `min_size`..`max_size` connections (`DATABASE_POOL_MIN` / `..._MAX`),
    one per read or write under way: the saver's uses run side by side (`PostgresCheckpoints`).

    Tables missing or behind are set up (`migrate_checkpoints`) when `create` is true, else
    refused with `CheckpointsUnavailable` naming `booking db migrate`.
    """
    timeouts = timeouts or PoolTimeouts()
    pool = CheckedPool(
        database_url,
        timeouts=timeouts,
        name="booking-checkpoints",
        min_size=min_size,
        max_size=max_size,
    )
    try:
        with PostgresCheckpoints._opening():
            pool.open(wait=True, timeout=max(timeouts.connect, 5.0))
            with pool.connection() as conn:
                behind = checkpoint_version(conn) < CURRENT_VERSION
        if behind and not create:
            raise CheckpointsUnavailable(f"{MIGRATE_HINT} (the checkpoint tables)")
        if behind:
            migrate_checkpoints(database_url, timeouts=timeouts)
        yield PostgresCheckpoints(pool)
    finally:
        pool.close()
