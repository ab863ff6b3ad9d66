"""The Postgres store's callbacks: one per call, requested in calls, listed and closed by staff.

A request is one call of `request_callback` (`migrations/0007_outbox_and_callbacks.sql`),
the upsert the Supabase store makes through rpc() too.
"""

from __future__ import annotations

from datetime import datetime

from typing_extensions import override

from store.instants import aware
from store.models import Callback, CallbackReason, callback_from, callback_reason, e164
from store.port import Callbacks
from store.postgres import rows
from store.postgres.connection import PostgresConnection

_ORDER = (
    " ORDER BY done_at IS NOT NULL, CASE WHEN done_at IS NULL THEN created_at END, done_at DESC, id"
)
"""The oldest open first, then the latest done."""


class PostgresCallbacks(PostgresConnection, Callbacks):
    """`Callbacks` on the Postgres database."""

    @override
    def request_callback(
        self,
        *,
        conversation_id: str | None,
        user_id: str | None,
        phone: str | None,
        name: str | None,
        need: str,
        reason: CallbackReason,
        at: datetime,
    ) -> Callback:
        args = (
            conversation_id,
            None if user_id is None else rows.key(user_id),
            None if phone is None else e164(phone),
            name,
            need,
            callback_reason(reason),
            aware(at),
        )
        with self._conn() as c:
            row = c.execute(
                "SELECT * FROM request_callback(%s, %s::uuid, %s, %s, %s, %s, %s::timestamptz)",
                args,
            ).fetchone()
        if row is None:  # pragma: no cover - an upsert with RETURNING answers one row
            raise RuntimeError("request_callback returned no row")
        return callback_from(row, rows.dt)

    @override
    def list_callbacks(self, *, open_only: bool = True, limit: int | None = None) -> list[Callback]:
        sql = "SELECT * FROM callbacks" + (" WHERE done_at IS NULL" if open_only else "")
        with self._conn() as c:
            found = c.execute(f"{sql}{_ORDER} LIMIT %s", (limit,)).fetchall()
        return [callback_from(r, rows.dt) for r in found]

    @override
    def callback_of(self, conversation_id: str) -> Callback | None:
        with self._conn() as c:
            row = c.execute(
                "SELECT * FROM callbacks WHERE conversation_id = %s", (conversation_id,)
            ).fetchone()
        return None if row is None else callback_from(row, rows.dt)

    @override
    def callback(self, callback_id: str) -> Callback | None:
        with self._conn() as c:
            row = c.execute(
                "SELECT * FROM callbacks WHERE id = %s::uuid", (rows.key(callback_id),)
            ).fetchone()
        return None if row is None else callback_from(row, rows.dt)

    @override
    def close_callback(self, callback_id: str, *, at: datetime, by: str | None = None) -> Callback:
        # One statement: the row as closed now, or (closed already) as it was.
        with self._conn() as c:
            row = c.execute(
                "WITH closed AS (UPDATE callbacks SET done_at = %s, done_by = %s"
                " WHERE id = %s::uuid AND done_at IS NULL RETURNING *)"
                " SELECT * FROM closed UNION ALL SELECT * FROM callbacks"
                " WHERE id = %s::uuid AND NOT EXISTS (SELECT 1 FROM closed)",
                (aware(at), by, rows.key(callback_id), rows.key(callback_id)),
            ).fetchone()
        if row is None:
            raise ValueError(f"unknown callback {callback_id!r}")
        return callback_from(row, rows.dt)
