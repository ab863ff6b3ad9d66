"""Where the store and the checkpoints live: a SQLite file, Postgres, or a Supabase project.

- nothing set: one SQLite file holds the store and the checkpoints (embedded default);
- `DATABASE_URL`: Postgres holds both (also the recommended way to use a Supabase
  project: its direct connection string gives real transactions and no HTTP per query);
- `SUPABASE_URL` + `SUPABASE_KEY` (and no DATABASE_URL): the store goes through the
  Supabase API with atomic writes as rpc() calls; the checkpoints, which need a database
  connection, stay in the local SQLite file.

On Postgres a process opens two pools, the store's and the checkpoints', each of
`DATABASE_POOL_MIN`..`DATABASE_POOL_MAX` connections plus one fresh connection at a time
when the pool is short of them (a restart, an outage; `store.postgres.pool`). So
`connection_budget`, 2 * (DATABASE_POOL_MAX + 1), bounds what a process holds whatever
the number of calls it runs: calls beyond it queue for a connection.

On Postgres, `booking db migrate` (`Database.migrate`) makes the store's schema and the
checkpoint tables, and adopts a database made with the original agent's SQL (its rows
kept, their local dates and times read in the business timezone, callers' numbers
rewritten as E.164 in PHONE_REGION where they can be); opening checks them (the voice
worker refuses a database behind, other doors still create missing checkpoint tables).

Every store is opened with the business timezone (`timezone`, from the calendar), in which
it fills the appointments' local `date`, `time` and `slot` columns that the original
schema's dashboards read.

Postgres and Supabase are optional extras (`booking.extras`): their drivers are imported
when chosen, so the core install runs on SQLite, and a missing one is a sentence.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from langgraph.checkpoint.base import BaseCheckpointSaver

from booking.extras import needs
from booking.settings import Settings
from graph.checkpointer import sqlite_checkpointer
from store.errors import StoreUnavailable
from store.port import Store
from store.sqlite import SqliteStore

if TYPE_CHECKING:
    from store.postgres.migrate import Migrated
    from store.postgres.pool import PoolTimeouts


@dataclass(frozen=True)
class Database:
    """Connection details of the store and the checkpoints (secrets stay in here)."""

    sqlite_path: str | Path = "booking.db"
    database_url: str | None = None
    supabase_url: str | None = None
    supabase_key: str | None = None
    timeouts: PoolTimeouts | None = None
    """How long Postgres calls may wait (`DATABASE_*_SECONDS`); None: the pool's defaults."""
    pool_min: int = 1
    """Connections each Postgres pool keeps open when idle (`DATABASE_POOL_MIN`)."""
    pool_max: int = 10
    """Connections each Postgres pool may hold (`DATABASE_POOL_MAX`)."""
    timezone: str = "UTC"
    """The business's IANA zone: the stored appointments' local date, time and slot."""
    phone_region: str = "US"
    """Where callers' numbers without a country code are from (`PHONE_REGION`), for
    rewriting an original database's numbers as E.164 when it is migrated."""

    def __repr__(self) -> str:
        """Name the kind of database without any connection string or key."""
        return f"Database({self.name})"

    @classmethod
    def from_settings(
        cls, settings: Settings, *, sqlite_path: str | Path | None = None
    ) -> Database:
        """Return the database the settings select; `sqlite_path` overrides `BOOKING_DB`."""
        database_url = _secret(settings.database_url)
        timeouts = None
        if database_url:
            with needs("postgres", "DATABASE_URL (Postgres)"):
                from store.postgres.pool import PoolTimeouts  # noqa: PLC0415 (optional extra)

            timeouts = PoolTimeouts(
                wait=settings.database_wait_seconds,
                connect=settings.database_connect_timeout_seconds,
                statement=settings.database_statement_timeout_seconds,
            )
        return cls(
            sqlite_path=sqlite_path or settings.booking_db,
            database_url=database_url,
            supabase_url=settings.supabase_url or None,
            supabase_key=_secret(settings.supabase_key),
            timeouts=timeouts,
            pool_min=settings.database_pool_min,
            pool_max=settings.database_pool_max,
            timezone=settings.calendar().timezone,
            phone_region=settings.phone_region,
        )

    @property
    def name(self) -> Literal["postgres", "supabase", "sqlite"]:
        """Return which store backend is in use."""
        if self.database_url:
            return "postgres"
        if self.supabase_url and self.supabase_key:
            return "supabase"
        return "sqlite"

    @property
    def connection_budget(self) -> int:
        """Return the most Postgres connections the store and the checkpoints hold at once.

        Each of the two pools holds `pool_max` connections and at most one spare fresh one
        (`SPARE_CONNECTIONS`); 0 when Postgres is not in use.
        """
        if not self.database_url:
            return 0
        with needs("postgres", "DATABASE_URL (Postgres)"):
            from store.postgres.pool import SPARE_CONNECTIONS  # noqa: PLC0415 (optional extra)

        return 2 * (self.pool_max + SPARE_CONNECTIONS)

    @contextmanager
    def open_store(self) -> Iterator[Store]:
        """Open the store this database names; close it on exit."""
        # The remote adapters are imported when chosen: they are optional extras, and
        # supabase-py alone costs ~0.14 s of every command's start-up.
        store: Store
        if self.database_url:
            with needs("postgres", "DATABASE_URL (Postgres)"):
                from store.postgres import PostgresStore  # noqa: PLC0415 (above)

            store = PostgresStore(
                self.database_url,
                timezone=self.timezone,
                timeouts=self.timeouts,
                min_size=self.pool_min,
                max_size=self.pool_max,
            )
        elif self.supabase_url and self.supabase_key:
            with needs("supabase", "SUPABASE_URL (the Supabase API)"):
                from store.supabase import SupabaseStore  # noqa: PLC0415 (above)

            store = SupabaseStore(self.supabase_url, self.supabase_key, timezone=self.timezone)
        else:
            store = SqliteStore(self.sqlite_path, timezone=self.timezone)
        try:
            yield store
        finally:
            store.close()

    @contextmanager
    def open_checkpointer(self, *, create: bool = True) -> Iterator[BaseCheckpointSaver[str]]:
        """Open Postgres checkpoints with DATABASE_URL, else the SQLite file's.

        `create=False` refuses Postgres checkpoint tables `booking db migrate` has not set
        up (CheckpointsUnavailable) instead of creating them; a SQLite file, local to this
        machine, always creates its own.
        """
        if self.database_url:
            with needs("postgres", "DATABASE_URL (Postgres)"):
                from graph.postgres_checkpointer import postgres_checkpointer  # noqa: PLC0415

            with postgres_checkpointer(
                self.database_url,
                timeouts=self.timeouts,
                create=create,
                min_size=self.pool_min,
                max_size=self.pool_max,
            ) as saver:
                yield saver
        else:
            with sqlite_checkpointer(self.sqlite_path) as sqlite_saver:
                yield sqlite_saver

    def migrate(self) -> Migrated | None:
        """Bring Postgres up to date (the store's migrations, the checkpoint tables); say what.

        The checkpoint tables are LangGraph's (`PostgresSaver.setup()`), and count as one
        more version applied. SQLite needs none: None.
        """
        if not self.database_url:
            return None
        with needs("postgres", "booking db migrate"):
            from graph.postgres_checkpointer import migrate_checkpoints  # noqa: PLC0415
            from store.postgres.migrate import migrate  # noqa: PLC0415

        done = migrate(self.database_url, timezone=self.timezone, region=self.phone_region)
        if migrate_checkpoints(self.database_url, timeouts=self.timeouts):
            done = replace(done, applied=(*done.applied, "checkpoint tables"))
        return done

    def pending_migrations(self) -> list[str]:
        """Return what `booking db migrate` would apply (none on SQLite), changing nothing.

        An unreachable database raises StoreUnavailable.
        """
        if not self.database_url:
            return []
        with needs("postgres", "DATABASE_URL (Postgres)"):
            import psycopg  # noqa: PLC0415

            from graph.postgres_checkpointer import (  # noqa: PLC0415
                CURRENT_VERSION,
                checkpoint_version,
            )
            from store.postgres.migrate import applied_versions, versions  # noqa: PLC0415
            from store.postgres.pool import PoolTimeouts, connection_kwargs  # noqa: PLC0415
            from store.postgres.rows import redacted  # noqa: PLC0415

        options = connection_kwargs(self.database_url, self.timeouts or PoolTimeouts())
        try:
            with psycopg.connect(self.database_url, **options) as conn:
                recorded = applied_versions(conn)
                checkpoints = checkpoint_version(conn)
        except psycopg.OperationalError as error:
            raise StoreUnavailable(
                f"cannot reach the database: {redacted(error, self.database_url)}"
            ) from error
        pending = [version for version in versions() if version not in recorded]
        if checkpoints < CURRENT_VERSION:
            pending.append("checkpoint tables")
        return pending


def _secret(value: object) -> str | None:
    """Unwrap a SecretStr (or None/empty) at the last moment it is needed."""
    if value is None:
        return None
    raw = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    return raw or None
