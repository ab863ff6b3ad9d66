"""The SQLite store's connection: one per store, behind a lock, and its transactions.

Every write runs in one BEGIN IMMEDIATE transaction, which takes the file's write lock up
front: a lookup (say, of an idempotency key) and the write that follows it are atomic even
against other processes, and a failing write rolls back entirely. The role classes
(`callers`, `appointments`, `calls`) run their SQL inside `_read` and `_write` and never
commit, lock or retry by themselves.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from store.closing import Closing
from store.errors import StoreUnavailable
from store.sqlite import rows

SCHEMA_VERSION = 3
"""The version `schema.sql` brings a file to (recorded in PRAGMA user_version)."""
_SCHEMA = Path(__file__).with_name("schema.sql")


class SqliteConnection(Closing):
    """One SQLite file (or ":memory:") and its connection, safe to share between threads."""

    def __init__(self, path: str | Path) -> None:
        """Open the database at `path`, creating the file and its schema if needed."""
        self._lock = threading.Lock()
        with rows.translated():
            self._conn = sqlite3.connect(
                str(path), timeout=5.0, isolation_level=None, check_same_thread=False
            )
            try:
                self._conn.row_factory = sqlite3.Row
                self._conn.execute("PRAGMA busy_timeout = 5000")
                self._conn.execute("PRAGMA foreign_keys = ON")
                if str(path) != ":memory:":
                    self._conn.execute("PRAGMA journal_mode = WAL")
                    # A commit survives a killed process either way; only an appointment
                    # write also waits for the disk, against power loss (`_write(durable=)`).
                    self._conn.execute("PRAGMA synchronous = NORMAL")
                self._migrate()
            except BaseException:
                self._conn.close()
                raise

    def _migrate(self) -> None:
        """Bring the schema up to SCHEMA_VERSION in one transaction."""
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreUnavailable(f"database schema v{version} is newer than this code")
        if version < SCHEMA_VERSION:
            # executescript commits any open transaction first, so BEGIN goes in the script.
            script = f"BEGIN IMMEDIATE;\n{_SCHEMA.read_text(encoding='utf-8')}\n"
            try:
                self._conn.executescript(
                    f"{script}PRAGMA user_version = {SCHEMA_VERSION};\nCOMMIT;"
                )
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        """Close the connection; later calls raise StoreUnavailable."""
        with self._lock:
            self._conn.close()

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """Lend the connection for reads (autocommit: each statement sees committed data)."""
        with self._lock, rows.translated():
            yield self._conn

    @contextmanager
    def _write(self, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """Run a block in one BEGIN IMMEDIATE transaction; roll it all back on any error.

        `durable`: the commit reaches the disk before it returns (synchronous FULL), as an
        appointment write must; other writes (transcript lines, call rows) are durable
        against a crashed process, and may lose their last commits only to a power loss.
        """
        with self._lock, rows.translated():
            if durable:
                self._conn.execute("PRAGMA synchronous = FULL")
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
            finally:
                if durable:
                    self._conn.execute("PRAGMA synchronous = NORMAL")
