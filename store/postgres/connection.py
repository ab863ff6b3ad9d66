"""The Postgres store's connections: one checked pool per store, and its transactions.

Connections are autocommit, so each statement is its own transaction; the role classes
(`callers`, `appointments`, `admin`, `calls`) borrow one with `_conn`, the write functions
run through `_appointment`, and the one multi-statement write (finishing a call) runs in
`_tx`. They skip server-side prepared statements, so the
store also works behind transaction-mode poolers (Supabase). The pool (`pool.CheckedPool`)
checks each connection it lends and fails fast when the server is gone, so a caller hears
about an outage at once and the next call after it comes back works.

`booking db migrate` (`migrate.py`) creates the schema, never this class: opening a
database without it raises StoreUnavailable naming that command.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from psycopg import Connection
from psycopg.rows import DictRow

from store.closing import Closing
from store.errors import StoreUnavailable
from store.models import Appointment
from store.postgres import rows
from store.postgres.migrate import applied_versions, versions
from store.postgres.pool import CheckedPool, PoolTimeouts


class PostgresConnection(Closing):
    """A pool of connections to one Postgres database, safe to share between threads."""

    def __init__(
        self,
        database_url: str,
        *,
        timezone: str = "UTC",
        min_size: int = 1,
        max_size: int = 10,
        timeout: float = 10.0,
        timeouts: PoolTimeouts | None = None,
    ) -> None:
        """Open a pool of `min_size`..`max_size` connections and check the schema.

        `timezone` is the business's IANA zone, in which the write functions fill the rows'
        local date, time and slot (an unknown one raises ZoneInfoNotFoundError). `timeout` bounds
        opening the pool; `timeouts` bound every call later (see
        `store.postgres.pool`), so an outage mid-call is a StoreUnavailable in well under
        a second. An unreachable server or a missing schema raises StoreUnavailable.
        """
        ZoneInfo(timezone)  # an unknown zone fails here, not at the first booking
        self._url, self._timezone = database_url, timezone
        self._pool = CheckedPool(
            database_url,
            timeouts=timeouts or PoolTimeouts(),
            name="booking-store",
            min_size=min_size,
            max_size=max_size,
        )
        try:
            with rows.translated(database_url):
                self._pool.open(wait=True, timeout=timeout)
            self._check_schema()
        except BaseException:
            self._pool.close()
            raise

    def _check_schema(self) -> None:
        """Refuse a database `booking db migrate` has not brought up to date."""
        with self._conn() as c:
            recorded = applied_versions(c)
        missing = [v for v in versions() if v not in recorded]
        if missing:
            raise StoreUnavailable(f"{rows.MIGRATE_HINT} (pending: {', '.join(missing)})")

    def __repr__(self) -> str:
        """Describe the store without its connection string (it may hold a password)."""
        return f"PostgresStore(max_size={self._pool.max_size})"

    def close(self) -> None:
        """Close the pool; later calls raise StoreUnavailable."""
        self._pool.close()

    @contextmanager
    def _conn(self) -> Iterator[Connection[DictRow]]:
        """Lend an autocommit connection: each statement is its own transaction."""
        with rows.translated(self._url), self._pool.connection() as conn:
            yield conn

    @contextmanager
    def _tx(self) -> Iterator[Connection[DictRow]]:
        """Run a block in one transaction; roll it all back on any error."""
        with self._conn() as conn, conn.transaction():
            yield conn

    def _appointment(self, call: str, args: tuple[object, ...]) -> Appointment:
        """Run one write function and return the appointment row it answers with."""
        with self._conn() as c:
            row: DictRow | None = c.execute(call, args).fetchone()
        if row is None:  # pragma: no cover - every path of those functions returns or raises
            raise RuntimeError("a write function returned no row")
        return rows.appointment(row)
