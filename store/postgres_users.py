"""User SQL for the Postgres store: callers keyed by their E.164 phone number.

Runs on an autocommit connection `PostgresStore` lends; each function is one statement
(so one transaction), except `create`, whose fallback read is harmless on its own.
"""

from __future__ import annotations

from datetime import datetime

from psycopg import Connection
from psycopg.rows import DictRow

from store import postgres_rows as rows
from store.models import User


def by_phone(c: Connection[DictRow], phone: str) -> User | None:
    """Return the user with this number, or None."""
    row = c.execute("SELECT * FROM users WHERE phone_number = %s", (phone,)).fetchone()
    return None if row is None else rows.user(row)


def create(c: Connection[DictRow], *, phone: str, name: str | None) -> User:
    """Insert a user unless the number exists already; return the number's user either way."""
    made = c.execute(
        "INSERT INTO users (phone_number, name) VALUES (%s, %s)"
        " ON CONFLICT (phone_number) DO NOTHING RETURNING *",
        (phone, name),
    ).fetchone()
    # DO NOTHING returns no row for an existing number; a fresh statement sees that row
    # even if a concurrent insert committed it after the INSERT's snapshot was taken.
    found = made or c.execute("SELECT * FROM users WHERE phone_number = %s", (phone,)).fetchone()
    if found is None:  # pragma: no cover - the conflict above proves the row exists
        raise RuntimeError(f"user {phone!r} vanished while being created")
    return rows.user(found)


def rename(c: Connection[DictRow], user_id: str, name: str) -> User | None:
    """Set the user's name; return the updated user, or None for an unknown id."""
    row = c.execute(
        "UPDATE users SET name = %s WHERE id = %s RETURNING *", (name, rows.key(user_id))
    ).fetchone()
    return None if row is None else rows.user(row)


def record_check(c: Connection[DictRow], *, user_id: str, passed: bool, at: datetime) -> None:
    """Record one identity check of the account."""
    c.execute(
        "INSERT INTO identity_checks (user_id, at, passed) VALUES (%s, %s, %s)",
        (rows.key(user_id), rows.aware(at), passed),
    )


def failed_checks(c: Connection[DictRow], user_id: str, *, since: datetime) -> int:
    """Count the account's failed checks since `since` and after its last passed one."""
    row = c.execute(
        "SELECT count(*) AS n FROM identity_checks WHERE user_id = %(u)s AND NOT passed"
        " AND at >= %(since)s AND at > coalesce((SELECT max(at) FROM identity_checks"
        " WHERE user_id = %(u)s AND passed), '-infinity')",
        {"u": rows.key(user_id), "since": rows.aware(since)},
    ).fetchone()
    return int(row["n"]) if row else 0
