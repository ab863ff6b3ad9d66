"""Checkpointers: a SQLite file by default, so a call survives a restart of the process."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from langgraph.checkpoint.sqlite import SqliteSaver


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
