"""Checkpointers: a SQLite file by default, Postgres in production; and their retention.

Either way a call survives a restart of the process: the next process opens the same
checkpoints and continues the thread from its last step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool


@contextmanager
def sqlite_checkpointer(path: str | Path) -> Iterator[SqliteSaver]:
    """Open (and create) the checkpoint tables in a SQLite file."""
    conn = sqlite3.connect(str(path), check_same_thread=False)
    try:
        if str(path) != ":memory:":
            # WAL lets the store's connection and this one share the file without blocking.
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=5000")
        saver = SqliteSaver(conn)
        saver.setup()
        yield saver
    finally:
        conn.close()


@contextmanager
def postgres_checkpointer(database_url: str, *, max_size: int = 10) -> Iterator[PostgresSaver]:
    """Open Postgres checkpoints on a connection pool; `setup()` creates its tables once."""
    pool = ConnectionPool(
        database_url,
        min_size=1,
        max_size=max_size,
        # PostgresSaver needs autocommit and dict rows; no server-side prepares so it
        # works behind PgBouncer-style poolers (Supabase's included).
        kwargs={"autocommit": True, "prepare_threshold": None, "row_factory": dict_row},
        open=True,
    )
    try:
        saver = PostgresSaver(pool)  # type: ignore[arg-type]  # a pool of dict-row connections is what it expects
        saver.setup()
        yield saver
    finally:
        pool.close()


def prune(saver: BaseCheckpointSaver[str], thread_ids: Sequence[str]) -> None:
    """Delete all but the latest checkpoint of each thread (the final state stays readable)."""
    if not thread_ids:
        return
    if isinstance(saver, SqliteSaver):
        _prune_sqlite(saver.conn, thread_ids)
    else:
        saver.prune(thread_ids, strategy="keep_latest")


def _prune_sqlite(conn: sqlite3.Connection, thread_ids: Sequence[str]) -> None:
    """SqliteSaver has no prune; each of its rows holds a whole checkpoint, so keep the newest."""
    # checkpoint ids are time-ordered (uuid6), so the greatest per namespace is the latest.
    keep = """
        SELECT thread_id, checkpoint_ns, max(checkpoint_id) FROM checkpoints
        WHERE thread_id = ? GROUP BY thread_id, checkpoint_ns
    """
    with conn:
        for thread_id in thread_ids:
            for table in ("writes", "checkpoints"):
                conn.execute(
                    f"DELETE FROM {table} WHERE thread_id = ? AND "  # table name from a fixed tuple
                    f"(thread_id, checkpoint_ns, checkpoint_id) NOT IN ({keep})",
                    (thread_id, thread_id),
                )
