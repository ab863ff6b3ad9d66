"""The SQLite store's connection: one per store, behind a lock, and its transactions.

Every write runs in one BEGIN IMMEDIATE transaction, which takes the file's write lock up
front: a lookup (say, of an idempotency key) and the write that follows it are atomic even
against other processes, and a failing write rolls back entirely. The role classes
(`callers`, `appointments`, `admin`, `calls`, `outbox`, `callbacks`) run their SQL inside
`_read` and `_write` and never commit, lock or retry by themselves.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from store.closing import Closing
from store.errors import StoreUnavailable
from store.sqlite import rows, upgrade

SCHEMA_VERSION = 6
"""The version `schema.sql` brings a file to (recorded in PRAGMA user_version)."""
_SCHEMA = Path(__file__).with_name("schema.sql")
_PART = re.compile(r"^-- version (\d+):.*?(?=^-- version \d+:|\Z)", re.MULTILINE | re.DOTALL)
"""One part of schema.sql: from its "-- version N:" line to the next part or the end."""


class SqliteConnection(Closing):
    """One SQLite file (or ":memory:") and its connection, safe to share between threads."""

    def __init__(self, path: str | Path, *, timezone: str = "UTC") -> None:
        """Open the database at `path`, creating the file and its schema if needed.

        `timezone` is the business's: the rows' local `date`, `time` and `slot` are in it.
        """
        self._lock = threading.Lock()
        self._zone = ZoneInfo(timezone)
        with rows.translated():
            self._conn = sqlite3.connect(
                str(path), timeout=5.0, isolation_level=None, check_same_thread=False
            )
            try:
                self._conn.row_factory = sqlite3.Row
                self._conn.execute("PRAGMA busy_timeout = 5000")
                if str(path) != ":memory:":
                    self._conn.execute("PRAGMA journal_mode = WAL")
                    # A commit survives a killed process either way; only an appointment
                    # write also waits for the disk, against power loss (`_write(durable=)`).
                    self._conn.execute("PRAGMA synchronous = NORMAL")
                # Foreign keys go on after the upgrade: rebuilding a table needs them off
                # (the upgrade checks them itself), and the pragma is ignored in a transaction.
                self._migrate()
                self._conn.execute("PRAGMA foreign_keys = ON")
            except BaseException:
                self._conn.close()
                raise

    def _migrate(self) -> None:
        """Bring the schema up to SCHEMA_VERSION in one transaction.

        The parts of `schema.sql` above the file's version run, then their Python halves
        (`upgrade.STEPS`), then the foreign keys are checked; anything failing leaves the
        file as it was. The version is read again under the write lock, so of several
        processes opening an old file at once one upgrades it and the others find it done.
        """
        if self._version() == SCHEMA_VERSION:
            return
        # Statement by statement: executescript would commit the transaction first.
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            version = self._version()
            if version > SCHEMA_VERSION:
                raise StoreUnavailable(f"database schema v{version} is newer than this code")
            text = _SCHEMA.read_text(encoding="utf-8")
            parts = {int(m[1]): m[0] for m in _PART.finditer(text)}
            for number in sorted(n for n in parts if n > version):
                for statement in _statements(parts[number]):
                    self._conn.execute(statement)
                if number in upgrade.STEPS:
                    upgrade.STEPS[number](self._conn, self._zone)
            if self._conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise StoreUnavailable("the schema upgrade would break a foreign key; not applied")
            self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise

    def _version(self) -> int:
        """Return the schema version the file records."""
        version: int = self._conn.execute("PRAGMA user_version").fetchone()[0]
        return version

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


def _statements(script: str) -> Iterator[str]:
    """Yield the statements of a script one by one (a trigger's body stays whole)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement
            statement = ""
    if any(line.strip() and not line.lstrip().startswith("--") for line in statement.splitlines()):
        raise ValueError(f"schema.sql: a statement lacks its semicolon: {statement.strip()!r}")
