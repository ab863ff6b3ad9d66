"""Checkpointers: a SQLite file by default, Postgres in production; and their retention.

Either way a call survives a restart of the process: the next process opens the same
checkpoints and continues the thread from its last step (`graph.conversation` finishes a
step a crash left half done).

Both savers raise `CheckpointsUnavailable` when their database cannot be reached (the
Postgres server stopped, a SQLite file locked past its busy timeout), so the turn protocol
can tell an outage, which it turns into a sentence, from a bug. The Postgres saver is in
`graph.postgres_checkpointer`, so that only an install with the postgres extra imports
psycopg.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
)
from langgraph.checkpoint.sqlite import SqliteSaver


class CheckpointsUnavailable(RuntimeError):
    """The checkpoint database cannot be reached; the failing call saved nothing."""


_CREDENTIALS = re.compile(r"(://[^:/@\s]*:)[^@\s]*@|(password\s*=\s*)\S+", re.IGNORECASE)


def _described(error: BaseException) -> str:
    """Describe a driver error in one line, without any password it might quote."""
    first = (str(error).strip().splitlines() or [""])[0]
    text = f"{type(error).__name__}: {first}"
    return _CREDENTIALS.sub(lambda m: f"{m[1] or m[2]}***{'@' if m[1] else ''}", text)


@dataclass
class Saved:
    """The last checkpoint a graph run saved, as the saver reported it."""

    config: RunnableConfig | None = None


_NOTING: ContextVar[Saved | None] = ContextVar("noting_saves", default=None)


@contextmanager
def noting_saves() -> Iterator[Saved]:
    """Note, in the record yielded, where each checkpoint a run inside this block is saved.

    So a door knows the checkpoint its call waits at without reading the thread back.
    LangGraph saves from a worker thread that runs in a copy of this context; the copy
    holds the same record, so the note reaches the caller. Only `TranslatedSaver`s note.
    """
    noted = Saved()
    token = _NOTING.set(noted)
    try:
        yield noted
    finally:
        _NOTING.reset(token)


class TranslatedSaver(BaseCheckpointSaver[str]):
    """Turn the database's own outage errors into `CheckpointsUnavailable`."""

    outages: tuple[type[Exception], ...] = ()

    @classmethod
    @contextmanager
    def _opening(cls) -> Iterator[None]:
        """Translate outages of this backend's database (also while it is being opened)."""
        try:
            yield
        except cls.outages as error:
            raise CheckpointsUnavailable(f"checkpoints unavailable ({_described(error)})") from None

    def _translated(self) -> AbstractContextManager[None]:
        return self._opening()

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """Return a checkpoint, translating outages."""
        with self._translated():
            return super().get_tuple(config)

    def list(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        """List checkpoints, translating outages."""
        with self._translated():
            yield from super().list(config, filter=filter, before=before, limit=limit)

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """Save a checkpoint, translating outages; note where it went (`noting_saves`)."""
        with self._translated():
            saved = super().put(config, checkpoint, metadata, new_versions)
        if (noted := _NOTING.get()) is not None:
            noted.config = saved
        return saved

    def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """Save a step's pending writes, translating outages."""
        with self._translated():
            super().put_writes(config, writes, task_id, task_path)


class SqliteCheckpoints(TranslatedSaver, SqliteSaver):
    """`SqliteSaver` whose lock and I/O failures are `CheckpointsUnavailable`."""

    outages = (sqlite3.OperationalError,)


@contextmanager
def sqlite_checkpointer(path: str | Path) -> Iterator[SqliteCheckpoints]:
    """Open (and create) the checkpoint tables in a SQLite file."""
    conn = sqlite3.connect(str(path), check_same_thread=False)
    try:
        if str(path) != ":memory:":
            # WAL lets the store's connection and this one share the file without blocking.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=5000")
        saver = SqliteCheckpoints(conn)
        saver.setup()
        yield saver
    finally:
        conn.close()


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
