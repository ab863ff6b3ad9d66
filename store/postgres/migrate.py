"""Postgres schema migrations: `store/migrations/*.sql`, applied once each, in name order.

The same files make a Supabase project's database (the Supabase store needs them too), so
they sit at the top of `store/`; this module, which applies them over psycopg, is here.

    booking db migrate          # the CLI around `migrate(DATABASE_URL, ...)`

One run applies every pending file in one transaction, with the rows that record them in
`schema_migrations`: a failure leaves the database as it was (an original deployment
untouched) and is retried next time. The transaction first takes a transaction-level
advisory lock (`pg_advisory_xact_lock`, which also works behind transaction-mode
poolers), so two processes migrating at once apply each file exactly once: the second
waits, then sees the versions recorded and skips them. The files themselves are idempotent
as well, a second line of defence.

The business's timezone reaches the files as the setting `booking.timezone` (0000 and 0006
read the original schema's local dates and times with it, and make ours local). After the
files, callers' numbers that are not E.164 (the original schema took any text) are
rewritten as E.164 where `phonenumbers` reads them in the business's region and no other
caller has that number; the rest are kept as they were and counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from psycopg import errors as pgerr
from psycopg.rows import tuple_row

from store.errors import StoreUnavailable
from store.models import as_e164
from store.postgres.rows import redacted

LOCK_KEY = 0x626F6F6B_696E6701
"""Advisory lock id ("booking" + 1); any constant other code does not use."""

_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
)
_NOT_E164 = r"contact_number !~ '^\+[1-9][0-9]{1,14}$'"


@dataclass(frozen=True)
class Migrated:
    """What one `migrate` run did to the database."""

    applied: tuple[str, ...] = ()
    """The versions applied now, in order."""
    numbers_rewritten: int = 0
    """Callers' numbers rewritten as E.164 ("(415) 555-0123" → "+14155550123")."""
    numbers_kept: int = 0
    """Callers' numbers kept as they were: not E.164, and not readable as a free one."""
    overlaps_flagged: int = 0
    """Booked appointments flagged `legacy_overlap`: each overlapped an earlier one."""


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


def migrate(database_url: str, *, timezone: str = "UTC", region: str = "US") -> Migrated:
    """Apply the pending migrations in one transaction; say what changed.

    `timezone` is the business's IANA zone (appointments' local date and time); `region`
    the one whose numbers callers write without a country code (PHONE_REGION). An unknown
    zone raises ZoneInfoNotFoundError before anything is sent.
    """
    ZoneInfo(timezone)
    with _connect(database_url) as conn, conn.transaction():
        _lock(conn)
        conn.execute(_TABLE)
        conn.execute("SELECT set_config('booking.timezone', %s, true)", (timezone,))
        recorded = applied_versions(conn)
        pending = [(v, script) for v, script in available() if v not in recorded]
        if not pending:
            return Migrated()
        flagged = _flagged(conn)
        for version, script in pending:
            conn.execute(script.encode("utf-8"))  # no parameters: run as a script
            conn.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (version,))
        rewritten, kept = _adopt_numbers(conn, region)
        return Migrated(
            applied=tuple(v for v, _ in pending),
            numbers_rewritten=rewritten,
            numbers_kept=kept,
            overlaps_flagged=_flagged(conn) - flagged,
        )


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


def _flagged(conn: psycopg.Connection[Any]) -> int:
    """Return how many appointments are flagged `legacy_overlap` (0 before the column)."""
    column = conn.execute(
        "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('appointments')"
        " AND attname = 'legacy_overlap' AND NOT attisdropped"
    ).fetchone()
    if column is None:
        return 0
    row = conn.execute("SELECT count(*) FROM appointments WHERE legacy_overlap").fetchone()
    return int(row[0]) if row else 0


def _adopt_numbers(conn: psycopg.Connection[Any], region: str) -> tuple[int, int]:
    """Rewrite callers' numbers that are not E.164 where possible; return (rewritten, kept).

    Oldest caller first, so of two spellings of one number the older account gets it. Once
    every number is E.164 the check 0006 added NOT VALID is validated.
    """
    found = conn.execute(
        f"SELECT id, contact_number FROM users WHERE {_NOT_E164} ORDER BY created_at, id"
    ).fetchall()
    rewritten = 0
    for user_id, raw in found:
        number = as_e164(raw, region=region)
        if number is None:
            continue
        try:
            with conn.transaction():  # a savepoint: a taken number undoes this row only
                conn.execute(
                    "UPDATE users SET contact_number = %s WHERE id = %s", (number, user_id)
                )
        except pgerr.UniqueViolation:
            continue  # another caller has that number: this one stays as it was
        rewritten += 1
    check = conn.execute(
        "SELECT convalidated FROM pg_constraint"
        " WHERE conrelid = 'users'::regclass AND conname = 'users_contact_number_check'"
    ).fetchone()
    if rewritten == len(found) and check is not None and not check[0]:
        conn.execute("ALTER TABLE users VALIDATE CONSTRAINT users_contact_number_check")
    return rewritten, len(found) - rewritten


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
