"""Postgres schema migrations: `store/migrations/*.sql`, applied once each, in name order.

The same files make a Supabase project's database (the Supabase store needs them too), so
they sit at the top of `store/`; this module, which applies them over psycopg, is here.

    booking db migrate          # the CLI around `migrate(DATABASE_URL)`

Each file runs in its own transaction together with the row that records it in
`schema_migrations`, so a failing file leaves nothing behind and is retried next time.
Every transaction first takes a transaction-level advisory lock (`pg_advisory_xact_lock`,
which also works behind transaction-mode poolers), so two processes migrating at once
apply each file exactly once: the second waits, then sees the version recorded and skips.
The files themselves are idempotent as well, a second line of defence.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from typing import Any

import psycopg
from psycopg.rows import tuple_row

from store.errors import StoreUnavailable
from store.postgres.rows import redacted

LOCK_KEY = 0x626F6F6B_696E6701
"""Advisory lock id ("booking" + 1); any constant other code does not use."""

_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
)


def available() -> list[tuple[str, str]]:
    """Return (version, SQL) of every packaged migration in name order; version = file stem."""
    folder = files("store").joinpath("migrations")
    found = [f for f in folder.iterdir() if f.is_file() and f.name.endswith(".sql")]
    return [
        (f.name.removesuffix(".sql"), f.read_text(encoding="utf-8"))
        for f in sorted(found, key=lambda f: f.name)
    ]


def versions() -> list[str]:
    """Return every packaged migration version in order."""
    return [version for version, _ in available()]


def migrate(database_url: str) -> list[str]:
    """Apply the pending migrations, each in its own transaction; return those applied now."""
    applied: list[str] = []
    with _connect(database_url) as conn:
        for version, script in available():
            with conn.transaction():
                _lock(conn)
                conn.execute(_TABLE)
                done = conn.execute(
                    "SELECT 1 FROM schema_migrations WHERE version = %s", (version,)
                ).fetchone()
                if done is not None:
                    continue
                conn.execute(script.encode("utf-8"))  # no parameters: run as a script
                conn.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (version,))
            applied.append(version)
    return applied


def pending(database_url: str) -> list[str]:
    """Return the versions `migrate` would apply now, without changing anything."""
    with _connect(database_url) as conn:
        return [v for v in versions() if v not in applied_versions(conn)]


def applied_versions(conn: psycopg.Connection[Any]) -> set[str]:
    """Return the versions recorded in the database (none if it was never migrated)."""
    cur = conn.cursor(row_factory=tuple_row)
    exists = cur.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
    if exists is None or not exists[0]:
        return set()
    return {str(r[0]) for r in cur.execute("SELECT version FROM schema_migrations")}


def _lock(conn: psycopg.Connection[Any]) -> None:
    """Wait for the migration lock; it is released when the current transaction ends."""
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))


@contextmanager
def _connect(database_url: str) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
    """Lend one autocommit connection; a lost or unreachable server raises StoreUnavailable."""
    try:
        with psycopg.connect(database_url, autocommit=True, prepare_threshold=None) as conn:
            yield conn
    except psycopg.OperationalError as exc:
        raise StoreUnavailable(f"cannot migrate: {redacted(exc, database_url)}") from exc
