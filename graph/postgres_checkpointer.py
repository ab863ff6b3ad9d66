"""Postgres checkpoints (`DATABASE_URL`): `PostgresSaver` on the store's checked pool.

Apart from `graph.checkpointer` because psycopg comes with the postgres extra: only a
process that opens Postgres imports this module. Connections are lent by
`store.postgres.pool.CheckedPool`: checked on checkout, failing fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from langgraph.checkpoint.postgres import PostgresSaver

from graph.checkpointer import TranslatedSaver
from store.postgres.pool import CheckedPool, PoolTimeouts, connection_kwargs


class PostgresCheckpoints(TranslatedSaver, PostgresSaver):
    """`PostgresSaver` whose connection failures and timeouts are `CheckpointsUnavailable`."""

    outages = (psycopg.OperationalError,)


@contextmanager
def postgres_checkpointer(
    database_url: str, *, max_size: int = 10, timeouts: PoolTimeouts | None = None
) -> Iterator[PostgresCheckpoints]:
    """Open Postgres checkpoints on a checked pool; `setup()` creates its tables once.

    `setup()` runs on a connection of its own without the statement timeout, so a slow
    migration of a large checkpoint table is not cut short.
    """
    timeouts = timeouts or PoolTimeouts()
    setup_options = connection_kwargs(database_url, PoolTimeouts(connect=timeouts.connect))
    setup_options.pop("options", None)
    pool = CheckedPool(
        database_url, timeouts=timeouts, name="booking-checkpoints", max_size=max_size
    )
    try:
        with PostgresCheckpoints._opening():
            with psycopg.Connection.connect(database_url, **setup_options) as conn:
                PostgresSaver(conn).setup()
            pool.open(wait=True, timeout=max(timeouts.connect, 5.0))
        yield PostgresCheckpoints(pool)
    finally:
        pool.close()
