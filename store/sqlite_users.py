"""User SQL for the SQLite store: callers keyed by their E.164 phone number.

Runs on a connection `SqliteStore` has already locked (and, for writes, opened a BEGIN
IMMEDIATE transaction on), so an insert and the read-back after it see the same state.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from datetime import datetime

from store import sqlite_rows as rows
from store.models import User

E164 = re.compile(r"\+[1-9]\d{1,14}")


def by_phone(c: sqlite3.Connection, phone: str) -> User | None:
    """Return the user with this number, or None."""
    row = c.execute("SELECT * FROM users WHERE phone_number = ?", (phone,)).fetchone()
    return None if row is None else rows.user(row)


def create(c: sqlite3.Connection, *, phone: str, name: str | None) -> User:
    """Insert a user unless the number exists already; return the number's user either way."""
    c.execute(
        "INSERT INTO users (id, phone_number, name) VALUES (?, ?, ?)"
        " ON CONFLICT (phone_number) DO NOTHING",
        (str(uuid.uuid4()), phone, name),
    )
    return rows.user(c.execute("SELECT * FROM users WHERE phone_number = ?", (phone,)).fetchone())


def rename(c: sqlite3.Connection, user_id: str, name: str) -> User | None:
    """Set the user's name; return the updated user, or None for an unknown id."""
    c.execute("UPDATE users SET name = ? WHERE id = ?", (name, user_id))
    row = c.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    return None if row is None else rows.user(row)


def record_check(c: sqlite3.Connection, *, user_id: str, passed: bool, at: datetime) -> None:
    """Record one identity check of the account."""
    c.execute(
        "INSERT INTO identity_checks (user_id, at, passed) VALUES (?, ?, ?)",
        (user_id, rows.utc(at), int(passed)),
    )


def failed_checks(c: sqlite3.Connection, user_id: str, *, since: datetime) -> int:
    """Count the account's failed checks since `since` and after its last passed one."""
    row = c.execute(
        "SELECT count(*) FROM identity_checks WHERE user_id = ? AND passed = 0 AND at >= ?"
        " AND at > coalesce((SELECT max(at) FROM identity_checks"
        " WHERE user_id = ? AND passed = 1), '')",
        (user_id, rows.utc(since), user_id),
    ).fetchone()
    return int(row[0])
