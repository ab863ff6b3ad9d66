"""The Supabase store's outbox: rpc() of the SQL functions the Postgres store calls.

Scheduling reminders, claiming, finishing and retrying are each one rpc() of a function of
`migrations/0007_outbox_and_callbacks.sql` (so one transaction, and the lease checked by
the database); deliveries are plain inserts and selects. Confirmations are written by a
trigger on appointments, in the transaction of the write function that made them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from postgrest.types import ReturnMethod
from typing_extensions import override

from store.errors import StoreUnavailable
from store.instants import utc
from store.models import (
    Delivery,
    Notice,
    NoticeOutcome,
    delivery_from,
    notice_from,
    notice_outcome,
    reminder_offsets,
)
from store.port import Outbox
from store.supabase import rows
from store.supabase.api import SupabaseApi

DELIVERY_COLS = "notice_id,channel,at,ok,detail"


class SupabaseOutbox(SupabaseApi, Outbox):
    """`Outbox` through the Supabase API."""

    @override
    def schedule_reminders(self, *, now: datetime, minutes_before: Sequence[int]) -> int:
        params = {"p_now": utc(now), "p_minutes": reminder_offsets(minutes_before)}
        added = self._call("schedule_reminders", params)
        if not isinstance(added, int):
            raise StoreUnavailable(f"unexpected response from the API: {added!r}, not a count")
        return added

    @override
    def claim_notices(
        self, *, now: datetime, limit: int, lease_until: datetime, worker: str
    ) -> list[Notice]:
        if limit <= 0:
            return []
        params = {
            "p_now": utc(now),
            "p_limit": limit,
            "p_lease_until": utc(lease_until),
            "p_worker": worker,
        }
        return [notice_from(r, rows.dt) for r in rows.rows(self._call("claim_notices", params))]

    @override
    def record_delivery(self, delivery: Delivery) -> None:
        if rows.as_uuid(delivery.notice_id) is None:
            raise ValueError(f"unknown notice {delivery.notice_id!r}")
        row = {
            "notice_id": delivery.notice_id,
            "channel": delivery.channel,
            "at": utc(delivery.at),
            "ok": delivery.ok,
            "detail": delivery.detail,
        }
        self._rows(self._db.table("deliveries").insert(row, returning=ReturnMethod.minimal))

    @override
    def deliveries(self, notice_id: str) -> list[Delivery]:
        if rows.as_uuid(notice_id) is None:
            return []
        found = self._all(
            lambda: (
                self._db.table("deliveries")
                .select(DELIVERY_COLS)
                .eq("notice_id", notice_id)
                .order("at")
                .order("id")
            )
        )
        return [delivery_from(r, rows.dt) for r in found]

    @override
    def finish_notice(self, notice_id: str, *, worker: str, outcome: NoticeOutcome) -> bool:
        params = {"p_id": notice_id, "p_worker": worker, "p_outcome": notice_outcome(outcome)}
        return self._mine("finish_notice", params)

    @override
    def retry_notice(self, notice_id: str, *, worker: str, at: datetime) -> bool:
        return self._mine("retry_notice", {"p_id": notice_id, "p_worker": worker, "p_at": utc(at)})

    @override
    def reminded_appointment(self, user_id: str, *, channel: str) -> str | None:
        if rows.as_uuid(user_id) is None:
            return None
        found = self._call("reminded_appointment", {"p_user_id": user_id, "p_channel": channel})
        if found is not None and not isinstance(found, str):
            raise StoreUnavailable(f"unexpected response from the API: {found!r}, not an id")
        return found

    def _mine(self, fn: str, params: dict[str, Any]) -> bool:
        """Call finish_notice or retry_notice; return whether the notice was the worker's."""
        if rows.as_uuid(params["p_id"]) is None:
            return False
        done = self._call(fn, params)
        if not isinstance(done, bool):
            raise StoreUnavailable(f"unexpected response from the API: {done!r}, not a boolean")
        return done
