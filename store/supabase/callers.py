"""The Supabase store's callers: accounts keyed by E.164 number, and their identity checks."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from postgrest import APIError
from typing_extensions import override

from store.errors import StoreUnavailable
from store.instants import utc
from store.models import User, e164, email_address
from store.port import Callers
from store.supabase import rows
from store.supabase.api import SupabaseApi


class SupabaseCallers(SupabaseApi, Callers):
    """`Callers` through the Supabase API."""

    @override
    def find_user_by_phone(self, phone: str) -> User | None:
        users = self._db.table("users")
        found = self._rows(users.select(rows.USER_COLS).eq("contact_number", phone))
        return rows.user(found[0]) if found else None

    @override
    def users_by_id(self, user_ids: Collection[str]) -> dict[str, User]:
        keys = sorted(i for i in set(user_ids) if rows.as_uuid(i) is not None)
        if not keys:
            return {}
        users = self._db.table("users")
        found = self._rows(users.select(rows.USER_COLS).in_("id", keys))
        return {str(r["id"]): rows.user(r) for r in found}

    @override
    def create_user(self, *, phone: str, name: str | None = None) -> User:
        e164(phone)
        insert = self._db.table("users").insert({"contact_number": phone, "name": name})
        with rows.translated(self._key):
            try:
                made = rows.rows(insert.retry(False).execute().data)
            except APIError as exc:
                if exc.code != "23505":  # the only unique column written is the phone
                    raise
                made = []  # the number exists: fall through to reading that user
        if made:
            return rows.user(made[0])
        existing = self.find_user_by_phone(phone)
        if existing is None:
            raise StoreUnavailable(f"user {phone!r} both exists and does not")
        return existing

    @override
    def set_user_name(self, user_id: str, name: str) -> User:
        return self._set(user_id, {"name": name})

    @override
    def set_user_email(self, user_id: str, email: str | None) -> User:
        return self._set(user_id, {"email": None if email is None else email_address(email)})

    def _set(self, user_id: str, values: dict[str, str | None]) -> User:
        """Update one user's columns; an unknown user raises ValueError."""
        found: list[dict[str, Any]] = []
        if rows.as_uuid(user_id) is not None:
            update = self._db.table("users").update(values).eq("id", user_id)
            found = self._rows(update.select(rows.USER_COLS))
        if not found:
            raise ValueError(f"unknown user {user_id!r}")
        return rows.user(found[0])

    @override
    def record_identity_check(self, *, user_id: str, passed: bool, at: datetime) -> None:
        if rows.as_uuid(user_id) is None:
            raise ValueError(f"unknown user {user_id!r}")
        check = {"user_id": user_id, "at": utc(at), "passed": passed}
        self._rows(self._db.table("identity_checks").insert(check))

    @override
    def failed_identity_checks(self, user_id: str, *, since: datetime) -> int:
        if rows.as_uuid(user_id) is None:
            return 0
        checks = self._db.table("identity_checks")
        passes = self._rows(
            checks.select("at")
            .eq("user_id", user_id)
            .is_("passed", "true")
            .order("at", desc=True)
            .limit(1)
        )
        failed = checks.select("at").eq("user_id", user_id).is_("passed", "false")
        failed = failed.gte("at", utc(since))
        if passes:
            failed = failed.gt("at", utc(rows.dt(passes[0]["at"])))
        return len(self._rows(failed))
