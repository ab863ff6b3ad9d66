"""The Postgres store's outbox: one SQL function call per method, as in the Supabase store.

Confirmations are written by a trigger on appointments (`migrations/0007_outbox_and_
callbacks.sql`), in the transaction of the write. Scheduling reminders, claiming (an
UPDATE of the rows a FOR UPDATE SKIP LOCKED subquery picked), finishing and retrying are
functions of that file, so the Postgres and the Supabase stores share one definition of
each, and a lease is checked by the database, not by the client.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from typing_extensions import override

from store.instants import aware
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
from store.postgres import rows
from store.postgres.connection import PostgresConnection


class PostgresOutbox(PostgresConnection, Outbox):
    """`Outbox` on the Postgres database."""

    @override
    def schedule_reminders(self, *, now: datetime, minutes_before: Sequence[int]) -> int:
        offsets = reminder_offsets(minutes_before)
        with self._conn() as c:
            row = c.execute(
                "SELECT schedule_reminders(%s::timestamptz, %s::integer[]) AS n",
                (aware(now), offsets),
            ).fetchone()
        return int(row["n"]) if row else 0

    @override
    def claim_notices(
        self, *, now: datetime, limit: int, lease_until: datetime, worker: str
    ) -> list[Notice]:
        if limit <= 0:
            return []
        with self._conn() as c:
            found = c.execute(
                "SELECT * FROM claim_notices(%s::timestamptz, %s::integer, %s::timestamptz, %s)",
                (aware(now), limit, aware(lease_until), worker),
            ).fetchall()
        return [notice_from(r, rows.dt) for r in found]

    @override
    def record_delivery(self, delivery: Delivery) -> None:
        with self._conn() as c:
            c.execute(
                "INSERT INTO deliveries (notice_id, channel, at, ok, detail)"
                " VALUES (%s::uuid, %s, %s, %s, %s)",
                (
                    rows.key(delivery.notice_id),
                    delivery.channel,
                    aware(delivery.at),
                    delivery.ok,
                    delivery.detail,
                ),
            )

    @override
    def deliveries(self, notice_id: str) -> list[Delivery]:
        with self._conn() as c:
            found = c.execute(
                "SELECT * FROM deliveries WHERE notice_id = %s::uuid ORDER BY at, id",
                (rows.key(notice_id),),
            ).fetchall()
        return [delivery_from(r, rows.dt) for r in found]

    @override
    def finish_notice(self, notice_id: str, *, worker: str, outcome: NoticeOutcome) -> bool:
        return self._mine(
            "SELECT finish_notice(%s::uuid, %s, %s) AS ok",
            (rows.key(notice_id), worker, notice_outcome(outcome)),
        )

    @override
    def retry_notice(self, notice_id: str, *, worker: str, at: datetime) -> bool:
        return self._mine(
            "SELECT retry_notice(%s::uuid, %s, %s::timestamptz) AS ok",
            (rows.key(notice_id), worker, aware(at)),
        )

    @override
    def reminded_appointment(self, user_id: str, *, channel: str) -> str | None:
        with self._conn() as c:
            row = c.execute(
                "SELECT reminded_appointment(%s::uuid, %s) AS id", (rows.key(user_id), channel)
            ).fetchone()
        return None if row is None or row["id"] is None else str(row["id"])

    def _mine(self, call: str, args: tuple[object, ...]) -> bool:
        """Run finish_notice or retry_notice; return whether the notice was the worker's."""
        with self._conn() as c:
            row = c.execute(call, args).fetchone()
        return bool(row and row["ok"])
