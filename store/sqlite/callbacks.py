"""The SQLite store's callbacks: one per call, requested in calls, listed and closed by staff."""

from __future__ import annotations

import uuid
from datetime import datetime

from typing_extensions import override

from store.instants import parse
from store.models import Callback, CallbackReason, callback_from, callback_reason, e164
from store.port import Callbacks
from store.sqlite.connection import SqliteConnection
from store.sqlite.outbox import stamp

_ONE = "SELECT * FROM callbacks WHERE id = ?"
_ORDER = (
    " ORDER BY done_at IS NOT NULL, CASE WHEN done_at IS NULL THEN created_at END, done_at DESC, id"
)
"""The oldest open first, then the latest done."""


class SqliteCallbacks(SqliteConnection, Callbacks):
    """`Callbacks` on the SQLite file."""

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
        made = {
            "id": str(uuid.uuid4()),
            "conversation_id": conversation_id,
            "user_id": user_id,
            "phone": None if phone is None else e164(phone),
            "name": name,
            "need": need,
            "reason": callback_reason(reason),
            "created_at": stamp(at),
        }
        with self._write() as c:
            row = c.execute(
                "INSERT INTO callbacks (id, conversation_id, user_id, phone, name, need, reason,"
                " created_at) VALUES (:id, :conversation_id, :user_id, :phone, :name, :need,"
                " :reason, :created_at)"
                " ON CONFLICT (conversation_id) DO UPDATE SET"
                " user_id = coalesce(excluded.user_id, user_id),"
                " phone = coalesce(excluded.phone, phone), name = coalesce(excluded.name, name),"
                " need = excluded.need, reason = excluded.reason"
                " RETURNING *",
                made,
            ).fetchone()
            return callback_from(row, parse)

    @override
    def list_callbacks(self, *, open_only: bool = True, limit: int | None = None) -> list[Callback]:
        sql = "SELECT * FROM callbacks" + (" WHERE done_at IS NULL" if open_only else "")
        with self._read() as c:
            found = c.execute(f"{sql}{_ORDER} LIMIT ?", (-1 if limit is None else limit,))
            return [callback_from(r, parse) for r in found.fetchall()]

    @override
    def callback_of(self, conversation_id: str) -> Callback | None:
        with self._read() as c:
            row = c.execute(
                "SELECT * FROM callbacks WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
        return None if row is None else callback_from(row, parse)

    @override
    def callback(self, callback_id: str) -> Callback | None:
        with self._read() as c:
            row = c.execute(_ONE, (callback_id,)).fetchone()
        return None if row is None else callback_from(row, parse)

    @override
    def close_callback(self, callback_id: str, *, at: datetime, by: str | None = None) -> Callback:
        with self._write() as c:
            c.execute(
                "UPDATE callbacks SET done_at = ?, done_by = ? WHERE id = ? AND done_at IS NULL",
                (stamp(at), by, callback_id),
            )
            row = c.execute(_ONE, (callback_id,)).fetchone()
        if row is None:
            raise ValueError(f"unknown callback {callback_id!r}")
        return callback_from(row, parse)
