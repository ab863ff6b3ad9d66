"""The Postgres store's callers: accounts keyed by E.164 number, and their identity checks.

Each method is one statement on an autocommit connection (so one transaction), except
`create_user`, whose fallback read is harmless on its own.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Literal

from typing_extensions import override

from store.instants import aware
from store.models import User, e164, email_address
from store.port import Callers
from store.postgres import rows
from store.postgres.connection import PostgresConnection

_BY_PHONE = "SELECT * FROM users WHERE contact_number = %s"


class PostgresCallers(PostgresConnection, Callers):
    """`Callers` on the Postgres database."""

    @override
    def find_user_by_phone(self, phone: str) -> User | None:
        with self._conn() as c:
            row = c.execute(_BY_PHONE, (phone,)).fetchone()
        return None if row is None else rows.user(row)

    @override
    def users_by_id(self, user_ids: Collection[str]) -> dict[str, User]:
        keys = sorted({rows.key(i) for i in user_ids})
        with self._conn() as c:
            found = c.execute("SELECT * FROM users WHERE id = ANY(%s::uuid[])", (keys,)).fetchall()
        return {str(r["id"]): rows.user(r) for r in found}

    @override
    def create_user(self, *, phone: str, name: str | None = None) -> User:
        e164(phone)
        with self._conn() as c:
            made = c.execute(
                "INSERT INTO users (contact_number, name) VALUES (%s, %s)"
                " ON CONFLICT (contact_number) DO NOTHING RETURNING *",
                (phone, name),
            ).fetchone()
            # DO NOTHING returns no row for an existing number; a fresh statement sees that
            # row even if a concurrent insert committed it after the INSERT's snapshot.
            found = made or c.execute(_BY_PHONE, (phone,)).fetchone()
        if found is None:  # pragma: no cover - the conflict above proves the row exists
            raise RuntimeError(f"user {phone!r} vanished while being created")
        return rows.user(found)

    @override
    def set_user_name(self, user_id: str, name: str) -> User:
        return self._set(user_id, "name", name)

    @override
    def set_user_email(self, user_id: str, email: str | None) -> User:
        return self._set(user_id, "email", None if email is None else email_address(email))

    def _set(self, user_id: str, column: Literal["name", "email"], value: str | None) -> User:
        """Write one column of a user; an unknown user raises ValueError."""
        with self._conn() as c:
            row = c.execute(
                f"UPDATE users SET {column} = %s WHERE id = %s RETURNING *",
                (value, rows.key(user_id)),
            ).fetchone()
        if row is None:
            raise ValueError(f"unknown user {user_id!r}")
        return rows.user(row)

    @override
    def record_identity_check(self, *, user_id: str, passed: bool, at: datetime) -> None:
        with self._conn() as c:
            c.execute(
                "INSERT INTO identity_checks (user_id, at, passed) VALUES (%s, %s, %s)",
                (rows.key(user_id), aware(at), passed),
            )

    @override
    def failed_identity_checks(self, user_id: str, *, since: datetime) -> int:
        with self._conn() as c:
            row = c.execute(
                "SELECT count(*) AS n FROM identity_checks WHERE user_id = %(u)s AND NOT passed"
                " AND at >= %(since)s AND at > coalesce((SELECT max(at) FROM identity_checks"
                " WHERE user_id = %(u)s AND passed), '-infinity')",
                {"u": rows.key(user_id), "since": aware(since)},
            ).fetchone()
        return int(row["n"]) if row else 0
