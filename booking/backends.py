"""Where the store and the checkpoints live: a SQLite file, Postgres, or a Supabase project.

- nothing set: one SQLite file holds the store and the checkpoints (embedded default);
- `DATABASE_URL`: Postgres holds both (also the recommended way to use a Supabase
  project: its direct connection string gives real transactions and no HTTP per query);
- `SUPABASE_URL` + `SUPABASE_KEY` (and no DATABASE_URL): the store goes through the
  Supabase API with atomic writes as rpc() calls; the checkpoints, which need a database
  connection, stay in the local SQLite file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from langgraph.checkpoint.base import BaseCheckpointSaver

from booking.settings import Settings
from graph.checkpointer import postgres_checkpointer, sqlite_checkpointer
from store.port import Store
from store.postgres_pool import PoolTimeouts
from store.sqlite import SqliteStore

if TYPE_CHECKING:
    from store.postgres import PostgresStore
    from store.supabase import SupabaseStore


@dataclass(frozen=True)
class Backend:
    """Connection details for the store and the checkpoints (secrets stay in here)."""

    sqlite_path: str | Path = "booking.db"
    database_url: str | None = None
    supabase_url: str | None = None
    supabase_key: str | None = None
    timeouts: PoolTimeouts = field(default_factory=PoolTimeouts)
    """How long Postgres calls may wait (`DATABASE_*_SECONDS`)."""

    def __repr__(self) -> str:
        """Name the backend without any connection string or key."""
        return f"Backend({self.name})"

    @classmethod
    def from_settings(cls, settings: Settings, *, sqlite_path: str | None = None) -> Backend:
        """Return the backend the settings select."""
        return cls(
            sqlite_path=sqlite_path or settings.booking_db,
            database_url=_secret(settings.database_url),
            supabase_url=settings.supabase_url or None,
            supabase_key=_secret(settings.supabase_key),
            timeouts=PoolTimeouts(
                wait=settings.database_wait_seconds,
                connect=settings.database_connect_timeout_seconds,
                statement=settings.database_statement_timeout_seconds,
            ),
        )

    @property
    def name(self) -> Literal["postgres", "supabase", "sqlite"]:
        """Return which store backend is in use."""
        if self.database_url:
            return "postgres"
        if self.supabase_url and self.supabase_key:
            return "supabase"
        return "sqlite"


@contextmanager
def open_store(backend: Backend) -> Iterator[Store]:
    """Open the store the backend names."""
    # The remote adapters are imported when chosen: supabase-py alone costs ~0.14 s of
    # every command's start-up, and most runs use the embedded SQLite file.
    store: PostgresStore | SupabaseStore | SqliteStore
    if backend.database_url:
        from store.postgres import PostgresStore  # noqa: PLC0415 (start-up cost, above)

        store = PostgresStore(backend.database_url, timeouts=backend.timeouts)
    elif backend.supabase_url and backend.supabase_key:
        from store.supabase import SupabaseStore  # noqa: PLC0415 (start-up cost, above)

        store = SupabaseStore(backend.supabase_url, backend.supabase_key)
    else:
        store = SqliteStore(backend.sqlite_path)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def open_checkpointer(backend: Backend) -> Iterator[BaseCheckpointSaver[str]]:
    """Open Postgres checkpoints with DATABASE_URL, else the SQLite file's."""
    if backend.database_url:
        with postgres_checkpointer(backend.database_url, timeouts=backend.timeouts) as saver:
            yield saver
    else:
        with sqlite_checkpointer(backend.sqlite_path) as sqlite_saver:
            yield sqlite_saver


def _secret(value: object) -> str | None:
    """Unwrap a SecretStr (or None/empty) at the last moment it is needed."""
    if value is None:
        return None
    raw = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    return raw or None
