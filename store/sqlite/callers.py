"""The SQLite store's callers: accounts keyed by E.164 number, and their identity checks."""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Literal

from typing_extensions import override

from store.instants import utc
from store.models import User, e164, email_address
from store.port import Callers
from store.sqlite import rows
from store.sqlite.connection import SqliteConnection

_BY_PHONE = "SELECT * FROM users WHERE contact_number = ?"


class SqliteCallers(SqliteConnection, Callers):
    """`Callers` on the SQLite file."""

    @override
    def find_user_by_phone(self, phone: str) -> User | None:
        with self._read() as c:
            row = c.execute(_BY_PHONE, (phone,)).fetchone()
        return None if row is None else rows.user(row)

    @override
    def create_user(self, *, phone: str, name: str | None = None) -> User:
        e164(phone)
        with self._write() as c:
            c.execute(
                "INSERT INTO users (id, contact_number, name) VALUES (?, ?, ?)"
                " ON CONFLICT (contact_number) DO NOTHING",
                (str(uuid.uuid4()), phone, name),
            )
            return rows.user(c.execute(_BY_PHONE, (phone,)).fetchone())

    @override
    def users_by_id(self, user_ids: Collection[str]) -> dict[str, User]:
        with self._read() as c:
            found = c.execute(
                "SELECT * FROM users WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(list(user_ids)),),
            ).fetchall()
        return {r["id"]: rows.user(r) for r in found}

    @override
    def set_user_name(self, user_id: str, name: str) -> User:
        return self._set(user_id, "name", name)

    @override
    def set_user_email(self, user_id: str, email: str | None) -> User:
        return self._set(user_id, "email", None if email is None else email_address(email))

    def _set(self, user_id: str, column: Literal["name", "email"], value: str | None) -> User:
        """Write one column of a user; an unknown user raises ValueError."""
        with self._write() as c:
            c.execute(f"UPDATE users SET {column} = ? WHERE id = ?", (value, user_id))
            row = c.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
        if row is None:
            raise ValueError(f"unknown user {user_id!r}")
        return rows.user(row)

    @override
    def record_identity_check(self, *, user_id: str, passed: bool, at: datetime) -> None:
        with self._write() as c:
            c.execute(
                "INSERT INTO identity_checks (user_id, at, passed) VALUES (?, ?, ?)",
                (user_id, utc(at), int(passed)),
            )

    @override
    def failed_identity_checks(self, user_id: str, *, since: datetime) -> int:
        with self._read() as c:
            row = c.execute(
                "SELECT count(*) FROM identity_checks WHERE user_id = ? AND passed = 0"
                " AND at >= ? AND at > coalesce((SELECT max(at) FROM identity_checks"
                " WHERE user_id = ? AND passed = 1), '')",
                (user_id, utc(since), user_id),
            ).fetchone()
        return int(row[0])
