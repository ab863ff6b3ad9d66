"""The Supabase store's callbacks: requested through rpc(), listed and closed on the table.

A request is one rpc() of `request_callback` (`migrations/0007_outbox_and_callbacks.sql`),
the upsert the Postgres store calls too, so a second request of a call updates its one
callback in one transaction. Closing is one PATCH of an open row; a row done already is
then read as it is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from postgrest import SyncSelectRequestBuilder
from typing_extensions import override

from store.instants import utc
from store.models import Callback, CallbackReason, callback_from, callback_reason, e164
from store.port import Callbacks
from store.supabase import rows
from store.supabase.api import SupabaseApi

CALLBACK_COLS = "id,conversation_id,user_id,phone,name,need,reason,created_at,done_at,done_by"


class SupabaseCallbacks(SupabaseApi, Callbacks):
    """`Callbacks` through the Supabase API."""

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
        if user_id is not None and rows.as_uuid(user_id) is None:
            raise ValueError(f"unknown user {user_id!r}")
        params = {
            "p_conversation_id": conversation_id,
            "p_user_id": user_id,
            "p_phone": None if phone is None else e164(phone),
            "p_name": name,
            "p_need": need,
            "p_reason": callback_reason(reason),
            "p_at": utc(at),
        }
        return callback_from(rows.record(self._call("request_callback", params)), rows.dt)

    @override
    def list_callbacks(self, *, open_only: bool = True, limit: int | None = None) -> list[Callback]:
        # PostgREST orders by columns only: the open ones, then the done ones, two requests.
        def open_ones() -> SyncSelectRequestBuilder:
            q = self._table().is_("done_at", "null")
            return q.order("created_at").order("id")

        def done_ones() -> SyncSelectRequestBuilder:
            q = self._table().not_.is_("done_at", "null")
            return q.order("done_at", desc=True).order("id")

        found: list[dict[str, Any]] = []
        for query in (open_ones,) if open_only else (open_ones, done_ones):
            if limit is None:
                found += self._all(query)
            elif len(found) < limit:
                found += self._rows(query().limit(limit - len(found)))
        return [callback_from(r, rows.dt) for r in found]

    @override
    def callback_of(self, conversation_id: str) -> Callback | None:
        found = self._rows(self._table().eq("conversation_id", conversation_id))
        return callback_from(found[0], rows.dt) if found else None

    @override
    def callback(self, callback_id: str) -> Callback | None:
        if rows.as_uuid(callback_id) is None:
            return None
        found = self._rows(self._table().eq("id", callback_id))
        return callback_from(found[0], rows.dt) if found else None

    @override
    def close_callback(self, callback_id: str, *, at: datetime, by: str | None = None) -> Callback:
        done = {"done_at": utc(at), "done_by": by}
        if rows.as_uuid(callback_id) is not None:
            update = self._db.table("callbacks").update(done).eq("id", callback_id)
            closed = self._rows(update.is_("done_at", "null").select(CALLBACK_COLS))
            found = closed or self._rows(self._table().eq("id", callback_id))
            if found:
                return callback_from(found[0], rows.dt)
        raise ValueError(f"unknown callback {callback_id!r}")

    def _table(self) -> SyncSelectRequestBuilder:
        """Start a select of every column of callbacks."""
        return self._db.table("callbacks").select(CALLBACK_COLS)
